import type express from 'express';
import { apiRouter } from '../../server/http/apiRouter';
import type { ApiDeps } from '../../server/http/routes/apiDeps';

/** Where server/app.ts mounts the JSON API. */
export const API_PREFIX = '/api';

type Layer = {
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
  /** Express 5 (router 2.x) keeps the mount path of `router.use(path, …)` here; undefined for `router.use(fn)`. */
  rawPath?: string;
};

/**
 * Every route of the JSON API as "METHOD /api/path" (e.g. "PATCH /api/users/:id"; `router.all` is
 * "ALL"), discovered from the real Express router rather than written down: layers with `.route` are
 * endpoints, layers whose `.handle.stack` exists are nested routers (walked with their mount path).
 */
export function discoverApiRoutes(): string[] {
  // The route modules only close over their dependencies; building the router needs none of them.
  const router = apiRouter({ allowedOrigins: [], publicOrigin: () => '' } as unknown as ApiDeps) as express.Router & { stack: Layer[] };
  const routes: string[] = [];
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
        for (const path of paths) {
          for (const [method, on] of Object.entries(layer.route.methods)) {
            if (on) routes.push(`${method === '_all' ? 'ALL' : method.toUpperCase()} ${prefix}${path}`);
          }
        }
      } else if (layer.handle?.stack) {
        const mount = typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : '';
        walk(layer.handle.stack, prefix + mount);
      }
    }
  };
  walk(router.stack, API_PREFIX);
  return routes;
}
