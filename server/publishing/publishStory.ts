import * as Y from 'yjs';
import type { Publication } from '../../shared/api';
import { GalleyError } from '../../shared/errors';
import { LIMITS } from '../../shared/limits';
import { can } from '../../shared/roles';
import { META_MAP } from '../../shared/story';
import type { DocumentRegistry } from '../documents/DocumentRegistry';
import type { StoryDocument } from '../documents/StoryDocument';
import type { Store, UserRecord } from '../persistence/Store';
import { renderStory, type RenderedStory } from './renderStory';
import { slugify, uniqueSlug } from './slug';

export type PublishDeps = {
  store: Store;
  registry: DocumentRegistry;
  /** Tells everyone watching that the story went out. */
  notify: (publication: Publication) => void;
};

/** Field-level reasons a story cannot be published yet. */
export function publicationProblems(story: RenderedStory): Record<string, string> {
  const problems: Record<string, string> = {};
  if (!story.headline) problems.headline = 'Add a headline before publishing';
  else if (story.headline.length > LIMITS.headlineMaxChars) {
    problems.headline = `Headline is ${story.headline.length} characters; the limit is ${LIMITS.headlineMaxChars}`;
  }
  if (!story.bodyText.trim()) problems.body = 'Add body text before publishing';
  if (!slugify(story.headline) && story.headline) problems.headline = 'Headline needs letters or numbers to make a web address';
  return problems;
}

let publishing: Promise<unknown> = Promise.resolve();

/**
 * Renders the story as it is now, stores an immutable revision and the public
 * page, and marks the story published in its Y.Doc. Publications run one at a
 * time so two stories cannot claim the same slug.
 */
export function publishStory(deps: PublishDeps, storyId: string, user: UserRecord, origin: string): Promise<Publication> {
  const run = publishing.then(() => publishNow(deps, storyId, user, origin));
  publishing = run.catch(() => undefined);
  return run;
}

async function publishNow(deps: PublishDeps, storyId: string, user: UserRecord, origin: string): Promise<Publication> {
  if (!can(user.role, 'story:publish')) throw new GalleyError('forbidden', 'Only editors and admins may publish');
  const story = await deps.store.getStory(storyId);
  if (!story) throw new GalleyError('not_found', 'No such story');
  const document = await deps.registry.open(storyId);
  try {
    await document.flushed();
    const rendered = renderStory(document.doc);
    const problems = publicationProblems(rendered);
    if (Object.keys(problems).length > 0) throw new GalleyError('invalid', 'The story is not ready to publish', problems);
    const slug = story.slug ?? (await uniqueSlug(slugify(rendered.headline), (s) => deps.store.isSlugTaken(s, storyId)));
    const now = new Date().toISOString();
    const previous = story.slug ? await deps.store.getPublicationBySlug(story.slug) : undefined;
    const publishedAt = previous?.publishedAt ?? now;
    const { headline, standfirst, byline, bodyHtml } = rendered;
    const content = { headline, standfirst, byline, bodyHtml };
    await deps.store.savePublication(
      { storyId, slug, ...content, publishedAt, updatedAt: now, publishedBy: user.name },
      { storyId, slug, ...content, docState: Y.encodeStateAsUpdate(document.doc), publishedAt: now, publishedBy: user.name, publishedById: user.id },
    );
    markPublished(document, slug, now, user.name);
    const publication: Publication = { storyId, slug, url: `${origin}/stories/${slug}`, publishedAt: now, publishedBy: user.name };
    deps.notify(publication);
    return publication;
  } finally {
    deps.registry.release(document);
  }
}

/** Mirrors the publication into the shared `meta` map, so every open editor shows it at once. */
function markPublished(document: StoryDocument, slug: string, at: string, by: string): void {
  const meta = document.doc.getMap(META_MAP);
  document.doc.transact(() => {
    meta.set('status', 'published');
    meta.set('slug', slug);
    meta.set('publishedAt', at);
    meta.set('publishedBy', by);
  });
}
