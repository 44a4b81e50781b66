import express, { type Request } from 'express';
import { StoryIdParam } from '../../../shared/api';
import { archiveStory, purgeStory, restoreStory, trashList, trashStory, type RetentionDeps } from '../../workflow/storyRetention';
import { authorize, currentUser, noBody } from '../sessionMiddleware';
import { validate } from '../validate';

const storyId = (req: Request) => validate(StoryIdParam, req.params.id);

/** Archive and Trash (docs/api.md): the role and the story's state are checked in storyRetention.ts. */
export function trashRoutes(deps: RetentionDeps): express.Router {
  const router = express.Router();

  router.post('/stories/:id/archive', noBody, async (req, res) => {
    const story = await archiveStory(deps, storyId(req), currentUser(res), true);
    res.json({ archivedAt: story.archivedAt });
  });

  router.post('/stories/:id/unarchive', noBody, async (req, res) => {
    const story = await archiveStory(deps, storyId(req), currentUser(res), false);
    res.json({ archivedAt: story.archivedAt });
  });

  router.delete('/stories/:id', noBody, async (req, res) => {
    const user = authorize(res, 'story:delete');
    await trashStory(deps, storyId(req), user);
    res.status(204).end();
  });

  router.post('/stories/:id/restore', noBody, async (req, res) => {
    const user = authorize(res, 'story:delete');
    const story = await restoreStory(deps, storyId(req), user);
    res.json({ id: story.id });
  });

  router.get('/trash', noBody, async (_req, res) => {
    authorize(res, 'story:delete');
    res.json(await trashList(deps));
  });

  router.delete('/trash/:id', noBody, async (req, res) => {
    const user = authorize(res, 'story:delete');
    await purgeStory(deps, storyId(req), user);
    res.status(204).end();
  });

  return router;
}
