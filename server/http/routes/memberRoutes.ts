import express from 'express';
import type { NewsroomMembers } from '../../../shared/api';
import type { ApiDeps } from './apiDeps';
import { authorize, noBody } from '../sessionMiddleware';

/**
 * The newsroom's active members, for @mentions in comments: names and colours
 * only, to everyone who may read stories (account details stay with admins).
 */
export function memberRoutes(deps: ApiDeps): express.Router {
  const { store } = deps;
  const router = express.Router();

  router.get('/members', noBody, async (_req, res) => {
    authorize(res, 'story:read');
    const members = (await store.listUsers())
      .filter((user) => !user.deactivatedAt)
      .map(({ id, name, color }) => ({ id, name, color }))
      .sort((a, b) => a.name.localeCompare(b.name));
    res.json({ members } satisfies NewsroomMembers);
  });

  return router;
}
