import { randomUUID } from 'node:crypto';
import express from 'express';
import { CreateStoryBody, StoryIdParam, type StoryDetail, type StorySummary } from '../../../shared/api';
import { openThreadCount } from '../../../shared/comments';
import { STORY_FIELDS } from '../../../shared/story';
import type { StoryRecord } from '../../persistence/Store';
import { fragmentText } from '../../publishing/renderStory';
import { findStory } from '../../workflow/publishStory';
import { newDraft, workflowOf } from '../../workflow/workflowState';
import type { ApiDeps } from '../apiRouter';
import { authorize, noBody } from '../sessionMiddleware';
import { validate } from '../validate';

/** Stories: list, create, read. Workflow and revisions have their own route modules. */
export function storyRoutes(deps: ApiDeps): express.Router {
  const { store, registry } = deps;
  const router = express.Router();

  const summarize = (story: StoryRecord & { openComments?: number }): StorySummary => ({
    id: story.id,
    headline: story.headline,
    createdAt: story.createdAt,
    updatedAt: story.updatedAt,
    workflow: workflowOf(story),
    present: registry.get(story.id)?.presence() ?? [],
    openComments: story.openComments ?? 0,
  });

  router.get('/stories', noBody, async (_req, res) => {
    authorize(res, 'story:read');
    res.json({ stories: (await store.listStories()).map(summarize) });
  });

  router.post('/stories', async (req, res) => {
    const user = authorize(res, 'story:create');
    validate(CreateStoryBody, req.body);
    const story = newDraft(randomUUID(), user, new Date().toISOString());
    await store.createStory(story);
    res.status(201).json({ id: story.id, story: summarize(story) });
  });

  router.get('/stories/:id', noBody, async (req, res) => {
    authorize(res, 'story:read');
    const story = await findStory(store, validate(StoryIdParam, req.params.id));
    const { text, openComments } = await registry.withDocument(story.id, ({ doc }) => ({
      text: Object.fromEntries(STORY_FIELDS.map((f) => [f, fragmentText(doc.getXmlFragment(f))])) as StoryDetail['text'],
      openComments: openThreadCount(doc),
    }));
    res.json({ story: { ...summarize({ ...story, openComments }), text } satisfies StoryDetail });
  });

  return router;
}
