/**
 * Archive and Trash (docs/newsroom.md#archive-trash-and-retention): archiving takes a story out of the newsroom's
 * default list; the Trash takes it out of everything (StoryStore.getStory, the lists, search) without losing a row,
 * so a restore brings it back exactly; a purge deletes every row of it in one transaction. Each delete, restore and
 * purge is recorded in a table of its own that outlives the story. Part of the storage contract (Store.ts); rules
 * S-TRS-* of the contract suite.
 */
import type { TrashAction, TrashActor } from '../../shared/trash';

/** A line of the deletion record. */
export type TrashRecord = { storyId: string; action: TrashAction; headline: string; by: TrashActor; at: string };

/** A story in the Trash, with the record of its latest deletion. */
export type TrashedStory = { id: string; headline: string; trashedAt: string; trashedBy: TrashActor };

export interface StoryRetentionStore {
  /** Archives the story (`at`) or unarchives it (null); false when it does not exist or is in the Trash. */
  archiveStory(storyId: string, at: string | null): Promise<boolean>;
  /**
   * Moves the story to the Trash and records it, only if it is not there already, not live and not scheduled
   * (compare-and-set: a publication racing the delete cannot leave a trashed story on the site). False when not.
   */
  trashStory(storyId: string, by: NonNullable<TrashActor>, at: string): Promise<boolean>;
  /** Brings a story in the Trash back as it was, and records it; false when it is not in the Trash. */
  restoreStory(storyId: string, by: NonNullable<TrashActor>, at: string): Promise<boolean>;
  /**
   * Deletes a story in the Trash for good (put there at or before `trashedUpTo`, when given) with everything that
   * belongs to it, in one transaction with its record; false when it is not (or no longer) in the Trash.
   */
  purgeStory(storyId: string, by: TrashActor, at: string, trashedUpTo?: string): Promise<boolean>;
  /** Every story in the Trash, most recently deleted first. */
  trashedStories(): Promise<TrashedStory[]>;
  /** The latest `limit` lines of the deletion record, newest first. */
  trashRecords(limit: number): Promise<TrashRecord[]>;
  /**
   * Claims the stories put in the Trash at or before `trashedUpTo` that no live claim holds, until `leaseUntil`:
   * the retention sweep's, so two nodes never purge one story at once.
   */
  claimExpiredTrash(trashedUpTo: string, now: string, leaseUntil: string): Promise<string[]>;
}
