/** The client-side routes, as plain data: matching is pure so it is easy to reason about. */
export type Route =
  | { name: 'setup' }
  | { name: 'signin' }
  | { name: 'newsroom' }
  | { name: 'users' }
  | { name: 'damagedStories' }
  | { name: 'settings' }
  | { name: 'mediaLibrary' }
  | { name: 'trash' }
  | { name: 'story'; id: string }
  | { name: 'notFound' };

const STORY_PATH = /^\/story\/([0-9a-f-]{36})\/?$/i;

export function matchRoute(pathname: string): Route {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
  if (path === '/') return { name: 'newsroom' };
  if (path === '/setup') return { name: 'setup' };
  if (path === '/signin') return { name: 'signin' };
  if (path === '/admin/users') return { name: 'users' };
  if (path === '/admin/damaged-stories') return { name: 'damagedStories' };
  if (path === '/settings') return { name: 'settings' };
  if (path === '/media-library') return { name: 'mediaLibrary' };
  if (path === '/trash') return { name: 'trash' };
  const story = STORY_PATH.exec(path);
  if (story) return { name: 'story', id: story[1].toLowerCase() };
  return { name: 'notFound' };
}

/** Paths the server answers itself (public site, previews, feeds, API): links to them are full navigations. */
const SERVER_PATHS = /^\/(stories|preview|public|api|socket\.io)(\/|$)|^\/feed\.(xml|json)$/;

export function isAppPath(pathname: string): boolean {
  return !SERVER_PATHS.test(pathname);
}

/** Only same-app, absolute paths are accepted as a post-sign-in destination (no open redirects). */
export function safeNext(next: string | null): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || !isAppPath(next)) return '/';
  const route = matchRoute(next);
  return route.name === 'signin' || route.name === 'setup' || route.name === 'notFound' ? '/' : next;
}
