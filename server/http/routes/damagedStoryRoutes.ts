import express from 'express';
import { type DamagedStories, type DamageReviewed, StoryIdParam } from '../../../shared/api';
import { findStory } from '../../workflow/findStory';
import type { ApiDeps } from './apiDeps';
import { authorize, noBody } from '../sessionMiddleware';
import { validate } from '../validate';

/**
 * "Damaged stories" (admins): stories some of whose stored rows could not be read when they were
 * loaded, and were quarantined (docs/security.md, "Storage faults"). Reviewing keeps the rows.
 */
export function damagedStoryRoutes(deps: ApiDeps): express.Router {
  const { store, registry } = deps;
  const router = express.Router();

  router.get('/damaged-stories', noBody, async (_req, res) => {
    authorize(res, 'users:manage');
    res.json({ stories: await store.listDamagedStories() } satisfies DamagedStories);
  });

  router.post('/damaged-stories/:id/review', noBody, async (req, res) => {
    const admin = authorize(res, 'users:manage');
    const story = await findStory(store, validate(StoryIdParam, req.params.id));
    const reviewed = await store.markDamageReviewed(story.id, new Date().toISOString(), admin.name);
    registry.damageReviewed(story.id);
    res.json({ reviewed } satisfies DamageReviewed);
  });

  return router;
}
