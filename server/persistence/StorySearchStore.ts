/**
 * The newsroom list with its search and filters: each story's text as its document last said, indexed
 * (SQLite FTS5, Postgres tsvector + GIN: docs/newsroom.md), and pages of stories by filter, sort and
 * cursor. Part of the storage contract (Store.ts); rules S-SRC-* of the contract suite.
 */
import type { SearchQuery } from '../../shared/searchQuery';
import type { StoryField } from '../../shared/story';
import type { StorySort, StoryState } from '../../shared/newsroomQuery';
import type { StoryStatus } from '../../shared/workflow';
import type { StoryListing } from './StoryStore';

/** The plain text of a story's four fields. */
export type StoryText = Record<StoryField, string>;

/**
 * What the stories listed must be. Adding a filter is a key here and its condition in each backend
 * (the `FilterConditions` of sqlite/sqliteStorySearch.ts and pg/pgStorySearch.ts).
 */
export type StoryFilter = {
  /** Words in the headline, standfirst, byline or body. */
  text?: SearchQuery;
  status?: StoryStatus;
  /** "Mine": created by this user, or assigned to them. */
  ownedBy?: string;
  /** This user is @mentioned in the story's open comment threads. */
  mentions?: string;
  /** Due in this window (ISO times; `after` null: any time up to `until`, overdue). */
  due?: { after: string | null; until: string };
  /** In this section (planning). */
  section?: string;
  /** Carrying this tag (planning). */
  tag?: string;
  /** Assigned to this user (planning). */
  assignee?: string;
  /** Active (when left out) or archived; stories in the Trash are never listed. */
  state?: StoryState;
};

/** One SQL condition per filter key; `param` binds a value and answers its placeholder. */
export type FilterConditions = {
  [K in keyof StoryFilter]-?: (value: NonNullable<StoryFilter[K]>, param: (value: unknown) => string) => string;
};

/** Where a page starts: after the story with this sort value (updatedAt, createdAt or dueAt: null for none) and id. */
export type StoryCursor = { at: string | null; id: string };

export type StoryPageQuery = { filter: StoryFilter; sort: StorySort; before?: StoryCursor; limit: number };

export interface StorySearchStore {
  /** Keeps the story's text for search, replacing what was there; nothing for a story that does not exist. */
  indexStory(storyId: string, text: StoryText): Promise<void>;
  /**
   * Stories matching the filter, after `before`, at most `limit`: newest first by the sort (ties by id,
   * highest first), or for `due` soonest first and those without a due time last (ties by id, lowest first).
   */
  searchStories(query: StoryPageQuery): Promise<StoryListing[]>;
  /** The indexed text of these stories (those never indexed are missing). */
  storyTexts(storyIds: readonly string[]): Promise<Map<string, StoryText>>;
  /** Stories never indexed, in id order after `afterId`: what a start-up backfill indexes. */
  unindexedStories(afterId: string, limit: number): Promise<string[]>;
}
