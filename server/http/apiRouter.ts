import express from 'express';
import { GalleyError } from '../../shared/errors';
import { LIMITS } from '../../shared/limits';
import type { ApiDeps } from './routes/apiDeps';
import { accountRoutes } from './routes/accountRoutes';
import { sessionRoutes } from './routes/sessionRoutes';
import { revisionRoutes } from './routes/revisionRoutes';
import { attributionRoutes } from './routes/attributionRoutes';
import { damagedStoryRoutes } from './routes/damagedStoryRoutes';
import { memberRoutes } from './routes/memberRoutes';
import { storyRoutes } from './routes/storyRoutes';
import { tokenRoutes } from './routes/tokenRoutes';
import { workflowRoutes } from './routes/workflowRoutes';
import { loadPrincipal, noQuery, sameOriginWrites } from './sessionMiddleware';

/** The JSON API (docs/api.md): every route validates its input and checks who may call it. */
export function apiRouter(deps: ApiDeps): express.Router {
  const router = express.Router();
  router.use(sameOriginWrites(deps.allowedOrigins));
  router.use(express.json({ limit: LIMITS.maxJsonBodyBytes }));
  router.use(noQuery);
  router.use(loadPrincipal(deps.auth));
  router.use(sessionRoutes(deps));
  router.use(accountRoutes(deps));
  router.use(tokenRoutes(deps));
  router.use(storyRoutes(deps));
  router.use(workflowRoutes(deps));
  router.use(revisionRoutes(deps));
  router.use(attributionRoutes(deps));
  router.use(memberRoutes(deps));
  router.use(damagedStoryRoutes(deps));
  router.all('/{*rest}', () => {
    throw new GalleyError('not_found', 'No such API route');
  });
  return router;
}
