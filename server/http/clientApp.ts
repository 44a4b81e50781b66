import fs from 'node:fs';
import path from 'node:path';
import express from 'express';
import expressStaticGzip from 'express-static-gzip';
import { quietAccessLog } from './accessLog';

/** Serves the built Svelte app and falls back to its index.html for client-side routes. */
export function clientApp(clientDir: string): express.Router {
  const router = express.Router();
  const indexFile = path.join(clientDir, 'index.html');
  router.use(quietAccessLog);
  // Brotli or gzip made at build time (vite.config.ts), as the browser accepts: nothing compressed per request.
  // Hashed file names never change content, so they may be cached for good.
  router.use('/assets', precompressed(path.join(clientDir, 'assets'), { immutable: true, maxAge: '1y', fallthrough: false }));
  router.use(precompressed(clientDir, { index: false }));
  router.get('/{*path}', (_req, res) => {
    if (!fs.existsSync(indexFile)) {
      res.status(503).type('text').send('The client is not built yet: run `npm run build` (npm start does this for you).');
      return;
    }
    res.set('Cache-Control', 'no-cache').sendFile(indexFile);
  });
  return router;
}

function precompressed(dir: string, serveStatic: expressStaticGzip.ExpressStaticGzipOptions['serveStatic']): express.RequestHandler {
  return expressStaticGzip(dir, { enableBrotli: true, orderPreference: ['br', 'gz'], index: false, serveStatic });
}
