import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { compression } from 'vite-plugin-compression2';
import { VitePWA } from 'vite-plugin-pwa';
import { defineConfig } from 'vitest/config';

const projectRoot = fileURLToPath(new URL('.', import.meta.url));
const server = 'http://localhost:3000';

export default defineConfig({
  // The browser app lives in client/; the Node server serves dist/client.
  root: 'client',
  // Vite's root is client/, so point the plugin at the top-level svelte.config.js explicitly.
  plugins: [
    svelte({ configFile: fileURLToPath(new URL('./svelte.config.js', import.meta.url)) }),
    offlineShell(),
    // Brotli and gzip copies of every text asset beside it, served as the browser accepts (server/http/clientApp.ts).
    compression({ algorithms: ['brotliCompress', 'gzip'], include: /\.(js|css|html|svg|json|webmanifest)$/, threshold: 1024 }),
  ],
  build: {
    outDir: '../dist/client',
    emptyOutDir: true,
    // The story editor chunk (Tiptap + ProseMirror + Yjs) is ~520 kB and loaded only when a story opens.
    chunkSizeWarningLimit: 600,
  },
  server: {
    // In dev, everything that is not the app goes to the Galley server.
    proxy: {
      '/api': server,
      '/stories': server,
      '/public': server,
      '/socket.io': { target: server, ws: true },
      '/yjs': { target: server, ws: true },
    },
  },
  test: {
    // Vite's root is client/, but the tests live in tests/ at the project root.
    root: projectRoot,
    include: ['tests/unit/**/*.test.ts', 'tests/integration/**/*.test.ts'],
    environment: 'node',
    // Real servers and sockets on a 2-core CI machine: leave room before calling a test hung. Hooks start
    // servers and child processes (tsx compiling the server takes seconds on a busy machine): more room still.
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Cheap password hashing for this process and the ones it starts (tests/helpers/testEnvironment.ts).
    setupFiles: ['tests/vitestSetup.ts'],
  },
});

/**
 * The service worker (Workbox, generated at build time as dist/client/sw.js) that keeps the app shell
 * available offline, so a story can be reopened from IndexedDB while the server is out of reach.
 * Production builds only: in `vite` dev it would cache modules that change on every save.
 *
 * - Every file of the build is precached when the worker installs, lazy chunks included.
 * - App navigations go to the network (always the freshest app); offline, they get the precached
 *   index.html. Nothing they answer is cached.
 * - Anything live or server-rendered (/api, /socket.io, /yjs, /stories, /preview, /public, feeds) and
 *   anything cross-origin is left to the browser: never cached, never answered with the app shell.
 */
function offlineShell() {
  return VitePWA({
    // <script defer src="/registerSW.js"> (the CSP allows no inline script): registers /sw.js on load.
    injectRegister: 'script-defer',
    manifest: false,
    showMaximumFileSizeToCacheInBytesWarning: true,
    workbox: {
      globPatterns: ['**/*'],
      // The compressed copies are the same files: the browser gets whichever the server picks.
      globIgnores: ['**/*.{br,gz}'],
      // Take over at once, like the page's first load: what it loads next is served from the precache.
      skipWaiting: true,
      clientsClaim: true,
      inlineWorkboxRuntime: true,
      // Precached index.html is the offline fallback only: never answer `/` with it while online.
      navigateFallback: null,
      directoryIndex: null,
      runtimeCaching: [
        {
          // Serialized into the worker: self-contained, no outside references.
          urlPattern: ({ request, url, sameOrigin }) =>
            sameOrigin &&
            request.mode === 'navigate' &&
            !/^\/(api|socket\.io|yjs|public|preview)(\/|$)|^\/stories|^\/feed\./.test(url.pathname),
          handler: 'NetworkOnly',
          options: { precacheFallback: { fallbackURL: 'index.html' } },
        },
      ],
    },
  });
}
