import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';

const projectRoot = fileURLToPath(new URL('.', import.meta.url));
const server = 'http://localhost:3000';

export default defineConfig({
  // The browser app lives in client/; the Node server serves dist/client.
  root: 'client',
  // Vite's root is client/, so point the plugin at the top-level svelte.config.js explicitly.
  plugins: [svelte({ configFile: fileURLToPath(new URL('./svelte.config.js', import.meta.url)) })],
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
    // Real servers and sockets on a 2-core CI machine: leave room before calling a test hung.
    testTimeout: 20_000,
  },
});
