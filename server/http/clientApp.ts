import fs from 'node:fs';
import path from 'node:path';
import express from 'express';
import { quietAccessLog } from './accessLog';

/** Serves the built Svelte app and falls back to its index.html for client-side routes. */
export function clientApp(clientDir: string): express.Router {
  const router = express.Router();
  const indexFile = path.join(clientDir, 'index.html');
  router.use(quietAccessLog);
  // Hashed file names never change content, so they may be cached for good.
  router.use('/assets', express.static(path.join(clientDir, 'assets'), { immutable: true, maxAge: '1y', fallthrough: false }));
  router.use(express.static(clientDir, { index: false }));
  router.get('/{*path}', (_req, res) => {
    if (!fs.existsSync(indexFile)) {
      res.status(503).type('text').send('The client is not built yet: run `npm run build` (npm start does this for you).');
      return;
    }
    res.set('Cache-Control', 'no-cache').sendFile(indexFile);
  });
  return router;
}
