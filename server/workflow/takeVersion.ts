import * as Y from 'yjs';
import type { StoryActivity } from '../activity/StoryActivity';
import type { DocumentRegistry } from '../documents/DocumentRegistry';
import { SERVER_OWNER } from '../documents/updateGuard';
import type { RevisionRecord, Store, UserRecord } from '../persistence/Store';
import { renderStory } from '../publishing/renderStory';
import { storyContent } from '../publishing/storyContent';
import { STORY_FIELDS } from '../../shared/story';
import { findStory } from './findStory';
import { authorsBetween } from './versionAuthors';

export type VersionDeps = {
  store: Store;
  registry: DocumentRegistry;
  /** Tells everyone in the story that a version was saved. */
  announceVersion: (storyId: string) => void;
  /** Named versions, restores and reverts go into the story's timeline (automatic versions do not). */
  activity: StoryActivity;
};

/** A named version (someone asked, with a name) or an automatic one (the server, after a pause). */
export type VersionRequest = { kind: 'named'; name: string; by: UserRecord } | { kind: 'auto' };

/**
 * Stores the story as it is now as a version, with the authors of what changed since the
 * version before. An automatic version is skipped when the text (fields, marks and suggestions
 * included; comments are not the story) is the same as the latest version's,
 * and stored only if no other version arrived meanwhile (another process taking the same one).
 * Resolves to the stored version, or null when skipped.
 */
export async function takeVersion(deps: VersionDeps, storyId: string, request: VersionRequest): Promise<RevisionRecord | null> {
  const story = await findStory(deps.store, storyId);
  return deps.registry.withDocument(storyId, async (document) => {
    await document.flushed();
    const previous = await deps.store.latestRevision(storyId);
    // Everything from the same state of the document, before anything else is awaited.
    const { doc } = document;
    if (request.kind === 'auto' && previous && sameText(previous.docState, doc)) return null;
    const { headline, standfirst, byline, bodyHtml } = renderStory(doc);
    const content = JSON.stringify(storyContent(doc));
    const docState = Y.encodeStateAsUpdate(doc);
    const version: Omit<RevisionRecord, 'number'> = {
      storyId,
      kind: request.kind,
      name: request.kind === 'named' ? request.name : null,
      authorIds: await authorsBetween(deps.store, storyId, docState, previous),
      slug: story.slug ?? '',
      headline,
      standfirst,
      byline,
      bodyHtml,
      content,
      docState,
      publishedAt: new Date().toISOString(),
      publishedBy: request.kind === 'named' ? request.by.name : '',
      publishedById: request.kind === 'named' ? request.by.id : SERVER_OWNER,
    };
    const number = await deps.store.saveVersion(version, request.kind === 'auto' ? (previous?.number ?? 0) : undefined);
    if (number === null) return null;
    deps.announceVersion(storyId);
    if (request.kind === 'named')
      await deps.activity.record(storyId, request.by, { kind: 'version', detail: { number, name: request.name } });
    return { ...version, number };
  });
}

/** The same four fields, with their marks (suggestions included), as a stored state: comment activity alone is not a new version. */
function sameText(stored: Uint8Array, doc: Y.Doc): boolean {
  const then = new Y.Doc();
  try {
    Y.applyUpdate(then, stored);
    return STORY_FIELDS.every((field) => then.getXmlFragment(field).toString() === doc.getXmlFragment(field).toString());
  } finally {
    then.destroy();
  }
}
