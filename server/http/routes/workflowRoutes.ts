import express, { type Request } from 'express';
import {
  PublishStoryBody,
  ReturnStoryBody,
  ScheduleStoryBody,
  SetSlugBody,
  StoryIdParam,
  type ChecksResult,
  type Publication,
} from '../../../shared/api';
import { GalleyError } from '../../../shared/errors';
import { findStory } from '../../workflow/findStory';
import { checkDraft, publishStory } from '../../workflow/publishStory';
import {
  storyFor,
  returnStory,
  scheduleStory,
  setStorySlug,
  submitStory,
  unpublishStory,
  unscheduleStory,
} from '../../workflow/workflowActions';
import { workflowOf } from '../../workflow/workflowState';
import { STORIES_PATH } from '../../publishing/site';
import type { ApiDeps } from './apiDeps';
import { authorize, currentUser, noBody } from '../sessionMiddleware';
import { validate } from '../validate';

const storyId = (req: Request) => validate(StoryIdParam, req.params.id);

/** The editorial workflow (docs/api.md#workflow): every move checked here against role and state. */
export function workflowRoutes(deps: ApiDeps): express.Router {
  const router = express.Router();

  router.get('/stories/:id/checks', noBody, async (req, res) => {
    authorize(res, 'story:read');
    const { problems, slug } = await checkDraft(deps, await findStory(deps.store, storyId(req)));
    res.json({ problems, slug } satisfies ChecksResult);
  });

  router.post('/stories/:id/submit', noBody, async (req, res) => {
    const user = currentUser(res);
    res.json({ workflow: await submitStory(deps, storyId(req), user) });
  });

  router.post('/stories/:id/return', async (req, res) => {
    const user = currentUser(res);
    const id = storyId(req);
    const { note } = validate(ReturnStoryBody, req.body);
    res.json({ workflow: await returnStory(deps, id, user, note) });
  });

  router.post('/stories/:id/publish', async (req, res) => {
    const user = currentUser(res);
    const id = storyId(req);
    const correction = validate(PublishStoryBody, req.body)?.correction || undefined;
    await storyFor(deps, id, user, 'publish');
    const published = await publishStory(deps, id, user, undefined, correction);
    if (!published) throw new GalleyError('conflict', 'The story changed while publishing; try again');
    const { slug, publishedAt, publishedBy } = published;
    const publication: Publication = {
      storyId: id,
      slug,
      url: `${deps.publicOrigin(req)}${STORIES_PATH}/${slug}`,
      publishedAt,
      publishedBy,
    };
    res.json({ publication, workflow: workflowOf(await findStory(deps.store, id)) });
  });

  router.post('/stories/:id/schedule', async (req, res) => {
    const user = currentUser(res);
    const id = storyId(req);
    const { at } = validate(ScheduleStoryBody, req.body);
    res.json({ workflow: await scheduleStory(deps, id, user, at) });
  });

  router.delete('/stories/:id/schedule', noBody, async (req, res) => {
    const user = currentUser(res);
    res.json({ workflow: await unscheduleStory(deps, storyId(req), user) });
  });

  router.post('/stories/:id/unpublish', noBody, async (req, res) => {
    const user = currentUser(res);
    res.json({ workflow: await unpublishStory(deps, storyId(req), user) });
  });

  router.put('/stories/:id/slug', async (req, res) => {
    const user = currentUser(res);
    const id = storyId(req);
    const { slug } = validate(SetSlugBody, req.body);
    res.json({ workflow: await setStorySlug(deps, id, user, slug) });
  });

  return router;
}
