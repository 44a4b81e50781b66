/**
 * Galley's service worker: keeps the app shell available offline so that a
 * story can be reopened (from IndexedDB) while the server is out of reach.
 * Plain JS, copied as-is from client/public by Vite; registered by
 * client/lib/serviceWorker.ts in production builds.
 *
 * - Navigations: network first (always the freshest app), else the cached /index.html.
 * - /assets/*: cache first; Vite's hashed names never change content.
 * - Anything live or server-rendered (/api, /socket.io, /stories, /preview, /public, feeds) is never
 *   cached, and never mistaken for the app shell (a preview is HTML too).
 *
 * Bump VERSION when this file's caching changes: activation deletes older caches.
 */
const VERSION = 2;
const PREFIX = 'galley-shell-';
const CACHE = `${PREFIX}v${VERSION}`;
const SHELL = '/index.html';
const NEVER_CACHED = /^\/(api|socket\.io|public|preview)(\/|$)|^\/stories|^\/feed\./;

const isAsset = (url) => url.origin === self.location.origin && url.pathname.startsWith('/assets/');

self.addEventListener('install', (event) => {
  event.waitUntil(precacheShell().then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      const names = await caches.keys();
      await Promise.all(names.filter((name) => name.startsWith(PREFIX) && name !== CACHE).map((name) => caches.delete(name)));
      // Control the page that registered us, so what it loads next is cached.
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || NEVER_CACHED.test(url.pathname)) return;
  if (request.mode === 'navigate') event.respondWith(networkFirstShell(request));
  else if (isAsset(url)) event.respondWith(cacheFirst(request));
});

/** The page reports assets it fetched before we controlled it (the first visit). */
self.addEventListener('message', (event) => {
  const { data } = event;
  if (data?.type !== 'cache-assets' || !Array.isArray(data.urls)) return;
  const urls = data.urls.filter((href) => typeof href === 'string' && isAsset(new URL(href, self.location.origin)));
  event.waitUntil(cacheMissing(urls));
});

/** /index.html and the entry files it references; lazy chunks are cached on first use. */
async function precacheShell() {
  const response = await fetch(SHELL, { cache: 'no-cache' });
  if (!response.ok) throw new Error(`${SHELL} answered ${response.status}`);
  const html = await response.clone().text();
  const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((match) => match[1]);
  const cache = await caches.open(CACHE);
  await cache.addAll(assets);
  await cache.put(SHELL, response);
}

async function networkFirstShell(request) {
  try {
    const response = await fetch(request);
    // Every app route answers with index.html: keep the newest one for offline use.
    if (response.ok && response.headers.get('content-type')?.startsWith('text/html')) {
      const copy = response.clone();
      void caches.open(CACHE).then((cache) => cache.put(SHELL, copy));
    }
    return response;
  } catch (error) {
    const cached = await caches.match(SHELL);
    if (cached) return cached;
    throw error;
  }
}

async function cacheFirst(request) {
  const cached = await caches.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) {
    const copy = response.clone();
    await caches.open(CACHE).then((cache) => cache.put(request, copy));
  }
  return response;
}

async function cacheMissing(urls) {
  const cache = await caches.open(CACHE);
  await Promise.all(
    urls.map(async (url) => {
      if (await cache.match(url)) return;
      const response = await fetch(url).catch(() => null);
      if (response?.ok) await cache.put(url, response);
    }),
  );
}
