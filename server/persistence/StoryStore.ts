/**
 * Stories: their records and the newsroom list, status changes (compare-and-set), addresses and their
 * redirects, and scheduled publications. Part of the storage contract (Store.ts); rules S-STO-* of the
 * contract suite.
 */
import type { StoryPlanning } from '../../shared/planning';
import type { StoryStatus } from '../../shared/workflow';

export type StoryRecord = {
  id: string;
  headline: string;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  status: StoryStatus;
  /** When the status last changed and who changed it (a name; null for the system). */
  statusChangedAt: string;
  statusChangedBy: string | null;
  /** The note of a send-back; cleared by the next change. */
  statusNote: string | null;
  scheduledFor: string | null;
  /** The editor who scheduled: the scheduled publication goes out in their name. */
  scheduledById: string | null;
  /** Chosen before first publication, or the public address after it; null follows the headline. */
  slug: string | null;
  /** A public page is up. */
  live: boolean;
  /** First publication. */
  publishedAt: string | null;
  /** Latest publication. */
  lastPublishedAt: string | null;
  /** Who published last. */
  publishedBy: string | null;
  /** When it was archived: out of the newsroom's default list (StoryRetentionStore.ts); null when not. */
  archivedAt: string | null;
};

/** A story as the newsroom list shows it: with what its open document last reported. */
export type StoryListing = StoryRecord & CommentSummary & { planning: StoryPlanning };

/** What the newsroom list shows of a story's comments (kept by StorySummaries from the document). */
export type CommentSummary = {
  /** Unresolved comment threads. */
  openComments: number;
  /** Users @mentioned in those threads' messages: the list tells them. */
  mentionedIds: string[];
};

/** A status change; fields left out are cleared. */
export type StatusChange = {
  status: StoryStatus;
  at: string;
  by: string | null;
  note?: string | null;
  scheduledFor?: string | null;
  scheduledById?: string | null;
};

/** An assigned story with a due time. */
export type DueStory = { storyId: string; dueAt: string; assigneeIds: string[] };

/** A scheduled publication this process has claimed (see claimDueSchedules). */
export type DueSchedule = { storyId: string; scheduledFor: string; scheduledById: string };

/** A story in the Trash is gone for all of these: getStory answers undefined, lists leave it out (StoryRetentionStore.ts). */
export interface StoryStore {
  createStory(story: StoryRecord): Promise<void>;
  getStory(id: string): Promise<StoryRecord | undefined>;
  listStories(): Promise<StoryListing[]>;
  /**
   * Refreshes the list's view of a story after edits. `updatedAt` null keeps "last edited" (only
   * comments changed); the comment summary is left as it is when omitted.
   */
  touchStory(id: string, headline: string, updatedAt: string | null, comments?: CommentSummary): Promise<void>;
  /**
   * Keeps the list's view of a story's planning (read from its document). Answers the planning it
   * replaced, read under the same lock (undefined: no such story), so however many processes write
   * the same change, one sees it as a change: who was newly assigned is told once, and it is recorded once.
   */
  setStoryPlanning(id: string, planning: StoryPlanning): Promise<StoryPlanning | undefined>;
  /** Assigned stories due after `from` and up to `until` (ISO times): who to remind that a story is due soon. */
  storiesDueBetween(from: string, until: string): Promise<DueStory[]>;

  /**
   * Moves the story to a new status only if its status is one of `from`
   * (compare-and-set: two editors acting at once cannot both win). False when not.
   */
  changeStatus(storyId: string, change: StatusChange, from: readonly StoryStatus[]): Promise<boolean>;

  /** Whether another story holds `slug`, as its address or as an old address that redirects. */
  isSlugTaken(slug: string, exceptStoryId: string): Promise<boolean>;
  /**
   * Sets the story's address; false if another story holds it. Once the story
   * has been published, its old address becomes a redirect to the new one.
   */
  setSlug(storyId: string, slug: string | null): Promise<boolean>;
  /** The current address of the story that used to live at `slug`. */
  findRedirect(slug: string): Promise<string | undefined>;

  /**
   * Claims scheduled publications due at `now` that no live claim holds, until
   * `leaseUntil`: a process that dies mid-publication leaves its claim to expire.
   */
  claimDueSchedules(now: string, leaseUntil: string): Promise<DueSchedule[]>;
}
