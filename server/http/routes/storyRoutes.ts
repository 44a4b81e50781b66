import { randomUUID } from 'node:crypto';
import express from 'express';
import { CreateStoryBody, StoryIdParam, type StoryDetail, type StorySummary } from '../../../shared/api';
import { openMentions, openThreadCount } from '../../../shared/comments';
import { NO_PLANNING, type StoryPlanning } from '../../../shared/planning';
import { StoryListQuery } from '../../../shared/newsroomQuery';
import { STORY_FIELDS } from '../../../shared/story';
import type { CommentSummary, StoryRecord, UserRecord } from '../../persistence/Store';
import { fragmentText } from '../../publishing/storyContent';
import { findStory } from '../../workflow/findStory';
import { newDraft, workflowOf } from '../../workflow/workflowState';
import type { ApiDeps } from './apiDeps';
import { storyListPage } from './storyListPage';
import { authorize, noBody } from '../sessionMiddleware';
import { validate } from '../validate';

/** Stories: list, create, read. Workflow and revisions have their own route modules. */
export function storyRoutes(deps: ApiDeps): express.Router {
  const { store, registry } = deps;
  const router = express.Router();

  /** A story as `reader` sees it in the list: whether they are @mentioned in its open threads is theirs alone. */
  const summarize = (
    story: StoryRecord & Partial<CommentSummary> & { planning?: StoryPlanning },
    reader: UserRecord,
    names: ReadonlyMap<string, string> = new Map(),
  ): StorySummary => ({
    id: story.id,
    headline: story.headline,
    createdAt: story.createdAt,
    updatedAt: story.updatedAt,
    workflow: workflowOf(story),
    present: registry.get(story.id)?.presence() ?? [],
    openComments: story.openComments ?? 0,
    mentionsYou: story.mentionedIds?.includes(reader.id) ?? false,
    planning: story.planning ?? NO_PLANNING,
    assignees: (story.planning?.assigneeIds ?? []).map((id) => ({ id, name: names.get(id) ?? 'A former member' })),
    archivedAt: story.archivedAt,
    createdBy: story.createdBy,
  });

  const userNames = async () => new Map((await store.listUsers()).map((user) => [user.id, user.name]));

  /** The newsroom list: a page of stories, searched and filtered (docs/newsroom.md). apiRouter lets its query through. */
  router.get('/stories', noBody, async (req, res) => {
    const user = authorize(res, 'story:read');
    const query = validate(StoryListQuery, req.query);
    const names = await userNames();
    res.json(await storyListPage(store, query, user, (story) => summarize(story, user, names)));
  });

  router.post('/stories', async (req, res) => {
    const user = authorize(res, 'story:create');
    validate(CreateStoryBody, req.body);
    const story = newDraft(randomUUID(), user, new Date().toISOString());
    await store.createStory(story);
    await deps.activity.record(story.id, user, { kind: 'created', detail: {} });
    res.status(201).json({ id: story.id, story: summarize(story, user) });
  });

  router.get('/stories/:id', noBody, async (req, res) => {
    const user = authorize(res, 'story:read');
    const story = await findStory(store, validate(StoryIdParam, req.params.id));
    const { text, comments } = await registry.withDocument(story.id, ({ doc }) => ({
      text: Object.fromEntries(STORY_FIELDS.map((f) => [f, fragmentText(doc.getXmlFragment(f))])) as StoryDetail['text'],
      comments: { openComments: openThreadCount(doc), mentionedIds: openMentions(doc) },
    }));
    res.json({ story: { ...summarize({ ...story, ...comments }, user), text } satisfies StoryDetail });
  });

  return router;
}
