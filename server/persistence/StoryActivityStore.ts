/**
 * Each story's activity timeline: who did what to it and when (shared/activity.ts), appended once the
 * action itself is committed, read newest first a page at a time. Part of the storage contract
 * (Store.ts); rules S-ACT-* of the contract suite.
 */
import type { ActivityEvent, ActivityPerson, ActivityView } from '../../shared/activity';

/** An entry to record: its id is the store's (the order entries were recorded in). */
export type NewActivity = ActivityEvent & { storyId: string; at: string; actor: ActivityPerson | null };

export type ActivityRecord = ActivityView;

export interface StoryActivityStore {
  /**
   * Appends entries in one transaction, in the order given, and resolves to them with their ids. Refuses
   * the whole batch (nothing stored) when an entry's detail is not its kind's or is over
   * LIMITS.activityDetailMaxBytes.
   */
  addStoryActivity(entries: NewActivity[]): Promise<ActivityRecord[]>;
  /** A story's entries, newest recorded first; `before` is the id of the last of the page before. */
  listStoryActivity(storyId: string, query: { before?: string; limit: number }): Promise<ActivityRecord[]>;
  /** Forgets a story's whole timeline (purging it from Trash); resolves to how many entries went. */
  deleteStoryActivity(storyId: string): Promise<number>;
}
