import express from 'express';
import { ActivityListQuery, type ActivityPage } from '../../../shared/activity';
import { StoryIdParam } from '../../../shared/api';
import { LIMITS } from '../../../shared/limits';
import type { Store } from '../../persistence/Store';
import { findStory } from '../../workflow/findStory';
import { authorize, noBody } from '../sessionMiddleware';
import { validate } from '../validate';

/**
 * A story's activity timeline (docs/api.md#activity), newest first, a page at a time: whoever may read
 * the story reads it. Mounted before the API's no-query rule: it takes a cursor, and checks its query itself.
 */
export function activityRoutes({ store }: { store: Store }): express.Router {
  const router = express.Router();

  router.get('/stories/:id/activity', noBody, async (req, res) => {
    authorize(res, 'story:read');
    const storyId = validate(StoryIdParam, req.params.id);
    const { before } = validate(ActivityListQuery, req.query);
    const story = await findStory(store, storyId);
    const entries = await store.listStoryActivity(story.id, { before, limit: LIMITS.activityPageSize + 1 });
    const page = entries.slice(0, LIMITS.activityPageSize);
    const next = entries.length > page.length ? (page.at(-1)?.id ?? null) : null;
    res.json({ activity: page, next } satisfies ActivityPage);
  });

  return router;
}
