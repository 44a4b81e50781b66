/** Registers the offline app shell, client/public/sw.js. */
export function registerServiceWorker(serviceWorker: ServiceWorkerContainer): void {
  // On a first visit the page fetched its files before the worker took control;
  // hand it their names, or a reload offline would find some of them missing.
  serviceWorker.addEventListener('controllerchange', () => {
    const urls = performance
      .getEntriesByType('resource')
      .map((entry) => entry.name)
      .filter((href) => {
        const url = new URL(href);
        return url.origin === window.location.origin && url.pathname.startsWith('/assets/');
      });
    serviceWorker.controller?.postMessage({ type: 'cache-assets', urls });
  });
  serviceWorker.register('/sw.js').catch((error: unknown) => {
    // Galley works without it, just not offline.
    console.warn('Galley: the offline app shell could not be installed', error);
  });
}
