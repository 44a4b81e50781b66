import { randomUUID } from 'node:crypto';
import express from 'express';
import { CreateStoryBody, StoryIdParam, type StoryDetail, type StorySummary } from '../../../shared/api';
import { GalleyError } from '../../../shared/errors';
import { STORY_FIELDS } from '../../../shared/story';
import type { StoryRecord } from '../../persistence/Store';
import { publishStory } from '../../publishing/publishStory';
import { fragmentText } from '../../publishing/renderStory';
import type { ApiDeps } from '../apiRouter';
import { authorize, noBody } from '../sessionMiddleware';
import { validate } from '../validate';

/** Stories: list, create, read, publish. */
export function storyRoutes(deps: ApiDeps): express.Router {
  const { store, registry } = deps;
  const router = express.Router();

  const summarize = (story: StoryRecord): StorySummary => ({
    ...story,
    present: registry.get(story.id)?.presence() ?? [],
  });

  const findStory = async (id: unknown) => {
    const story = await store.getStory(validate(StoryIdParam, id));
    if (!story) throw new GalleyError('not_found', 'No such story');
    return story;
  };

  router.get('/stories', noBody, async (_req, res) => {
    authorize(res, 'story:read');
    res.json({ stories: (await store.listStories()).map(summarize) });
  });

  router.post('/stories', async (req, res) => {
    const user = authorize(res, 'story:create');
    validate(CreateStoryBody, req.body);
    const now = new Date().toISOString();
    const story: StoryRecord = {
      id: randomUUID(),
      headline: '',
      status: 'draft',
      slug: null,
      createdAt: now,
      createdBy: user.id,
      updatedAt: now,
      publishedAt: null,
      publishedBy: null,
    };
    await store.createStory(story);
    res.status(201).json({ id: story.id, story: summarize(story) });
  });

  router.get('/stories/:id', noBody, async (req, res) => {
    authorize(res, 'story:read');
    const story = await findStory(req.params.id);
    const document = await registry.open(story.id);
    try {
      const text = Object.fromEntries(STORY_FIELDS.map((f) => [f, fragmentText(document.doc.getXmlFragment(f))])) as StoryDetail['text'];
      res.json({ story: { ...summarize(story), text } satisfies StoryDetail });
    } finally {
      registry.release(document);
    }
  });

  router.post('/stories/:id/publish', noBody, async (req, res) => {
    const user = authorize(res, 'story:publish');
    const story = await findStory(req.params.id);
    const publication = await publishStory(deps, story.id, user, deps.publicOrigin(req));
    res.json({ publication });
  });

  return router;
}
