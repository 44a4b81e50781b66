import express from 'express';
import { GalleyError } from '../../shared/errors';
import { LIMITS } from '../../shared/limits';
import type { ApiDeps } from './routes/apiDeps';
import { accountRoutes } from './routes/accountRoutes';
import { activityRoutes } from './routes/activityRoutes';
import { sessionRoutes } from './routes/sessionRoutes';
import { siteRoutes } from './routes/siteRoutes';
import { revisionRoutes } from './routes/revisionRoutes';
import { attributionRoutes } from './routes/attributionRoutes';
import { damagedStoryRoutes } from './routes/damagedStoryRoutes';
import { mediaRoutes } from './routes/mediaRoutes';
import { memberRoutes } from './routes/memberRoutes';
import { notificationRoutes } from './routes/notificationRoutes';
import { storyRoutes } from './routes/storyRoutes';
import { taxonomyRoutes } from './routes/taxonomyRoutes';
import { tokenRoutes } from './routes/tokenRoutes';
import { trashRoutes } from './routes/trashRoutes';
import { webhookRoutes } from './routes/webhookRoutes';
import { workflowRoutes } from './routes/workflowRoutes';
import { contentApiRouter } from './contentApiRouter';
import { CONTENT_API_PREFIX } from '../../shared/contentApi';
import { loadPrincipal, noQuery, sameOriginWrites } from './sessionMiddleware';

/** The JSON API (docs/api.md): every route validates its input and checks who may call it. */
export function apiRouter(deps: ApiDeps): express.Router {
  const router = express.Router();
  // First: it answers everything under its prefix with credentials of its own (content tokens count only there).
  router.use(CONTENT_API_PREFIX.replace(/^\/api/, ''), contentApiRouter({ ...deps, open: deps.contentApiPublic }));
  router.use(sameOriginWrites(deps.allowedOrigins));
  router.use(express.json({ limit: LIMITS.maxJsonBodyBytes }));
  router.use(loadPrincipal(deps.auth));
  // The media library's list takes a search query; it checks its own (and its upload is multipart).
  router.use(mediaRoutes(deps));
  // Notifications' list takes a cursor; its other routes refuse queries themselves.
  router.use(notificationRoutes(deps));
  // A story's activity timeline takes a cursor; it checks its own query.
  router.use(activityRoutes(deps));
  // The newsroom list (GET /stories) takes a search and filters; it checks its own query (storyRoutes).
  router.use((req, res, next) => (req.method === 'GET' && req.path === '/stories' ? next() : noQuery(req, res, next)));
  router.use(sessionRoutes(deps));
  router.use(accountRoutes(deps));
  router.use(tokenRoutes(deps));
  router.use(storyRoutes(deps));
  router.use(workflowRoutes(deps));
  router.use(revisionRoutes(deps));
  router.use(attributionRoutes(deps));
  router.use(memberRoutes(deps));
  router.use(taxonomyRoutes(deps));
  router.use(siteRoutes(deps));
  router.use(damagedStoryRoutes(deps));
  router.use(trashRoutes(deps.retention));
  router.use(webhookRoutes(deps));
  router.all('/{*rest}', () => {
    throw new GalleyError('not_found', 'No such API route');
  });
  return router;
}
