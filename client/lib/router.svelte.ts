/**
 * History API routing. The current location is reactive; same-app link clicks
 * are intercepted so they do not reload the page, while links to the
 * server-rendered public site (/stories/…) stay full navigations.
 */
import { isAppPath, matchRoute, type Route } from './routes';

class Router {
  #url = $state(new URL(window.location.href));
  readonly route: Route = $derived(matchRoute(this.#url.pathname));

  get path(): string {
    return this.#url.pathname;
  }

  get query(): URLSearchParams {
    return this.#url.searchParams;
  }

  /** `#thread-…` or `#field-…`: where in a story a link points. */
  get hash(): string {
    return this.#url.hash;
  }

  navigate(to: string, { replace = false }: { replace?: boolean } = {}): void {
    const url = new URL(to, window.location.href);
    if (url.href === window.location.href && !replace) return;
    if (replace) history.replaceState(null, '', url);
    else history.pushState(null, '', url);
    this.#url = url;
    if (!replace) window.scrollTo(0, 0);
  }

  /** Starts listening to the browser; returns the teardown. */
  start(): () => void {
    const onPopState = () => {
      this.#url = new URL(window.location.href);
    };
    const onClick = (event: MouseEvent) => {
      const href = interceptableHref(event);
      if (!href) return;
      event.preventDefault();
      this.navigate(href);
    };
    window.addEventListener('popstate', onPopState);
    document.addEventListener('click', onClick);
    return () => {
      window.removeEventListener('popstate', onPopState);
      document.removeEventListener('click', onClick);
    };
  }
}

/** The href of a plain left-click on a same-app link, else null (let the browser handle it). */
function interceptableHref(event: MouseEvent): string | null {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
    return null;
  }
  const anchor = event.target instanceof Element ? event.target.closest('a') : null;
  if (!anchor || !anchor.href || anchor.hasAttribute('download') || (anchor.target && anchor.target !== '_self')) return null;
  if (anchor.dataset.reload !== undefined) return null;
  const url = new URL(anchor.href);
  if (url.origin !== window.location.origin || !isAppPath(url.pathname)) return null;
  return url.pathname + url.search + url.hash;
}

export const router = new Router();
