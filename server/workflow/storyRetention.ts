/**
 * Archive and Trash (docs/newsroom.md#archive-trash-and-retention): the moves, each checked here against the
 * role and the story's state, made by a compare-and-set in the store (StoryRetentionStore.ts) and announced to
 * the newsroom on every node.
 */
import { GalleyError } from '../../shared/errors';
import { can, mayArchive } from '../../shared/roles';
import type { TrashEntry, TrashList } from '../../shared/trash';
import type { StoryActivity } from '../activity/StoryActivity';
import type { Store, StoryRecord, UserRecord } from '../persistence/Store';
import { findStory } from './findStory';

export type RetentionDeps = {
  store: Store;
  /** Each move goes into the story's timeline (seen once it is back from the Trash). */
  activity: StoryActivity;
  /** The newsroom lists (and anyone in the story) look again. */
  announce: (storyId: string) => void;
  /** Stores what this node's open copy of the story has not yet (its headline): the record names it as it is. */
  settle: (storyId: string) => Promise<void>;
  /** Takes every connection on every node out of a story gone to the Trash (they are told why). */
  evict: (storyId: string) => void;
  /** How long a story stays in the Trash before the sweep purges it (TRASH_RETENTION_DAYS). */
  retentionDays: number;
};

const DAY_MS = 86_400_000;
/** Lines of the deletion record the Trash page shows. */
const RECORDS_SHOWN = 50;

const actorOf = (user: UserRecord) => ({ id: user.id, name: user.name });

/** Archives (or, `archived` false, unarchives) a story: editors any, writers their own. Answers it as it is now. */
export async function archiveStory(deps: RetentionDeps, storyId: string, user: UserRecord, archived: boolean): Promise<StoryRecord> {
  const story = await findStory(deps.store, storyId);
  if (!mayArchive(user.role, story.createdBy === user.id)) {
    throw new GalleyError(
      'forbidden',
      can(user.role, 'story:archive-own') ? 'You may archive only stories you created' : 'Your role may not archive stories',
    );
  }
  // Archiving twice keeps the first time: the story has been out of the list since then.
  if (archived !== (story.archivedAt !== null)) {
    if (!(await deps.store.archiveStory(storyId, archived ? new Date().toISOString() : null)))
      throw new GalleyError('not_found', 'No such story');
    await deps.activity.record(storyId, actorOf(user), { kind: archived ? 'archived' : 'unarchived', detail: {} });
    deps.announce(storyId);
  }
  return findStory(deps.store, storyId);
}

/** Moves a story to the Trash: never a live or scheduled one, whose readers or schedule would be left behind. */
export async function trashStory(deps: RetentionDeps, storyId: string, user: UserRecord): Promise<void> {
  const story = await findStory(deps.store, storyId);
  if (story.live) throw new GalleyError('conflict', 'This story is live on the site: unpublish it before deleting it');
  if (story.status === 'scheduled') throw new GalleyError('conflict', 'This story is scheduled: cancel its schedule before deleting it');
  await deps.settle(storyId);
  if (!(await deps.store.trashStory(storyId, actorOf(user), new Date().toISOString()))) {
    throw new GalleyError('conflict', 'Someone changed this story meanwhile: look again and retry');
  }
  await deps.activity.record(storyId, actorOf(user), { kind: 'trashed', detail: {} });
  deps.evict(storyId);
  deps.announce(storyId);
}

/** Brings a story back from the Trash exactly as it went in. */
export async function restoreStory(deps: RetentionDeps, storyId: string, user: UserRecord): Promise<StoryRecord> {
  if (!(await deps.store.restoreStory(storyId, actorOf(user), new Date().toISOString()))) throw notInTrash();
  await deps.activity.record(storyId, actorOf(user), { kind: 'untrashed', detail: {} });
  deps.announce(storyId);
  return findStory(deps.store, storyId);
}

/** "Delete forever": purges a story in the Trash now, whatever its days left. */
export async function purgeStory(deps: RetentionDeps, storyId: string, user: UserRecord): Promise<void> {
  await deps.settle(storyId);
  if (!(await deps.store.purgeStory(storyId, actorOf(user), new Date().toISOString()))) throw notInTrash();
}

/** The Trash page: the stories in it with who deleted them and when the sweep will purge each, and the record. */
export async function trashList(deps: RetentionDeps): Promise<TrashList> {
  const stories = (await deps.store.trashedStories()).map((s): TrashEntry => ({
    id: s.id,
    headline: s.headline,
    deletedAt: s.trashedAt,
    deletedBy: s.trashedBy,
    purgeAt: new Date(Date.parse(s.trashedAt) + deps.retentionDays * DAY_MS).toISOString(),
  }));
  return { stories, records: await deps.store.trashRecords(RECORDS_SHOWN), retentionDays: deps.retentionDays };
}

const notInTrash = () => new GalleyError('not_found', 'That story is not in the Trash');

/** Stories put in the Trash at or before this time are due for purging at `now`. */
export const purgeableUpTo = (now: number, retentionDays: number) => new Date(now - retentionDays * DAY_MS).toISOString();
