import * as Y from 'yjs';
import { publishedMediaIds } from '../media/publishedMedia';
import { GalleyError } from '../../shared/errors';
import { readPlanning, type StoryPlanning } from '../../shared/planning';
import { publicationProblems, type PublicationProblems } from '../../shared/publicationChecks';
import { can } from '../../shared/roles';
import { slugify, uniqueSlug } from '../../shared/slug';
import type { StoryActivity } from '../activity/StoryActivity';
import type { DocumentRegistry } from '../documents/DocumentRegistry';
import type { Notifier } from '../notifications/Notifier';
import type { Store, StoryRecord, UserRecord } from '../persistence/Store';
import { renderStory, type RenderedStory } from '../publishing/renderStory';
import { contentFigures, storyContent } from '../publishing/storyContent';
import { findStory } from './findStory';
import { creditedAuthors } from './creditedAuthors';
import { authorsBetween } from './versionAuthors';

export type PublishDeps = {
  store: Store;
  registry: DocumentRegistry;
  /** Tells everyone watching the story (and the newsroom list) that its workflow state changed. */
  announce: (storyId: string) => void;
  /** Tells the story's people of a move, before the move is answered (so its notifications are stored). */
  notifier: Notifier;
  /** Records each move in the story's timeline, before the move is answered. */
  activity: StoryActivity;
};

export type PublishedStory = { storyId: string; slug: string; revision: number; publishedAt: string; publishedBy: string };

/** The draft as it stands, rendered, with the address it would publish at and what stops it. */
type RenderedCheck = { rendered: RenderedStory; slug: string; problems: PublicationProblems };
/** … and its planning (section, tags, assignees), which the page would show. */
export type DraftCheck = RenderedCheck & { planning: StoryPlanning };

/** Renders the story's live document (after its pending writes) and runs every pre-publish check. */
export function checkDraft(deps: PublishDeps, story: StoryRecord): Promise<DraftCheck> {
  return deps.registry.withDocument(story.id, async (document) => {
    await document.flushed();
    const planning = readPlanning(document.doc);
    return { ...(await checkRendered(deps.store, story, renderStory(document.doc))), planning };
  });
}

async function checkRendered(store: Store, story: StoryRecord, rendered: RenderedStory): Promise<RenderedCheck> {
  // `missingAlt` comes with the rendering: the pictures it counts are the ones the page shows.
  const problems = publicationProblems({ ...rendered, slug: story.slug });
  const slug = await addressFor(store, story, rendered.headline, problems);
  return { rendered, slug, problems };
}

/** A chosen address must be free; a generated one takes the first free variant of the headline's. */
async function addressFor(store: Store, story: StoryRecord, headline: string, problems: PublicationProblems): Promise<string> {
  const isTaken = (slug: string) => store.isSlugTaken(slug, story.id);
  if (story.slug !== null) {
    if (!problems.slug && (await isTaken(story.slug))) problems.slug = 'Another story already uses this web address';
    return story.slug;
  }
  return slugify(headline) ? uniqueSlug(headline, isTaken) : '';
}

export function refuseIfNotReady(problems: PublicationProblems): void {
  if (Object.keys(problems).length > 0) throw new GalleyError('invalid', 'The story is not ready to publish', problems);
}

let publishing: Promise<unknown> = Promise.resolve();

/**
 * Renders the story as it is now, stores an immutable revision and the public
 * page. Publications run one at a time in a process so two stories cannot
 * claim the same generated address (the store's unique index guards across
 * processes). `scheduledFor`: a scheduled publication, which goes out only if
 * the story is still scheduled for that time (null when it no longer was).
 */
export function publishStory(
  deps: PublishDeps,
  storyId: string,
  user: UserRecord,
  scheduledFor?: string,
  correction?: string,
): Promise<PublishedStory | null> {
  const run = publishing.then(() => publishNow(deps, storyId, user, scheduledFor, correction));
  publishing = run.catch(() => undefined);
  return run;
}

async function publishNow(
  deps: PublishDeps,
  storyId: string,
  user: UserRecord,
  scheduledFor?: string,
  correction?: string,
): Promise<PublishedStory | null> {
  if (!can(user.role, 'story:publish') || user.deactivatedAt) throw new GalleyError('forbidden', 'Only editors and admins may publish');
  const story = await findStory(deps.store, storyId);
  if (correction && !story.publishedAt) {
    throw new GalleyError('invalid', 'A correction is noted when republishing: this story has not been published yet', {
      correction: 'Only for a story published before',
    });
  }
  return deps.registry.withDocument(storyId, async (document) => {
    await document.flushed();
    // All three from the same state of the document, before anything else is awaited.
    const rendered = renderStory(document.doc);
    const structured = storyContent(document.doc);
    const planning = readPlanning(document.doc);
    const content = JSON.stringify(structured);
    const docState = Y.encodeStateAsUpdate(document.doc);
    const { slug, problems } = await checkRendered(deps.store, story, rendered);
    refuseIfNotReady(problems);
    const authorIds = await authorsBetween(deps.store, storyId, docState, await deps.store.latestRevision(storyId));
    const authors = await creditedAuthors(deps.store, story, planning.assigneeIds, authorIds);
    const now = new Date().toISOString();
    const { headline, standfirst, byline, bodyHtml, lead } = rendered;
    const page = { storyId, slug, headline, standfirst, byline, bodyHtml };
    const context = { section: planning.section, tags: planning.tags, authors };
    const revision = await deps.store.savePublication(
      { ...page, ...context, lead, publishedAt: story.publishedAt ?? now, updatedAt: now, publishedBy: user.name },
      {
        ...page,
        content,
        docState,
        authorIds,
        publishedAt: now,
        publishedBy: user.name,
        publishedById: user.id,
        ...(correction ? { correction } : {}),
      },
      scheduledFor,
    );
    if (revision === null) return null;
    // Its images become public with it (and stop being so with the ones a new revision dropped).
    await deps.store.setPublishedMedia(storyId, publishedMediaIds(lead, contentFigures(structured.body)));
    deps.announce(storyId);
    const detail = { revision, slug, scheduled: scheduledFor !== undefined };
    await deps.activity.record(storyId, user, story.publishedAt ? { kind: 'republished', detail } : { kind: 'published', detail });
    await deps.notifier.publication('published', storyId, user);
    return { storyId, slug, revision, publishedAt: now, publishedBy: user.name };
  });
}
