/**
 * The newsroom list's query (GET /api/stories and the newsroom page's address): search words, filters,
 * sort and page. One key per filter: the planning filters (section, tag, assignee, due) join here, each
 * with its condition in the store (server/persistence/StorySearchStore.ts).
 */
import { z } from 'zod/mini';
import type { StorySummary } from './api';
import { LIMITS } from './limits';
import { UserIdParam } from './api';
import { PLANNING_LIMITS } from './planning';
import type { SearchSnippet } from './searchSnippet';
import { STORY_STATUSES } from './workflow';
import { isTimeZone } from './zonedDay';

/** Most recently edited first, most recently created first, or soonest due first (no due time last). */
export const STORY_SORTS = ['edited', 'created', 'due'] as const;
export type StorySort = (typeof STORY_SORTS)[number];
export const SORT_LABELS: Record<StorySort, string> = { edited: 'Last edited', created: 'Created', due: 'Due time' };

export const DUE_FILTERS = ['overdue', 'soon', 'today'] as const;
export type DueFilter = (typeof DUE_FILTERS)[number];
export const DUE_FILTER_LABELS: Record<DueFilter, string> = { overdue: 'Overdue', soon: 'Due within the hour', today: 'Due today' };

/** Active stories (the default) or the archived ones; stories in the Trash are never listed (GET /api/trash). */
export const STORY_STATES = ['active', 'archived'] as const;
export type StoryState = (typeof STORY_STATES)[number];
export const STATE_LABELS: Record<StoryState, string> = { active: 'Active stories', archived: 'Archived' };

const flag = (name: string) => z.optional(z.literal('1', `Use ${name}=1, or leave it out`));

export const StoryListQuery = z.strictObject({
  /** Search words (shared/searchQuery.ts). */
  q: z.optional(
    z.string().check(z.trim(), z.maxLength(LIMITS.searchQueryMaxChars, `Search for at most ${LIMITS.searchQueryMaxChars} characters`)),
  ),
  status: z.optional(z.enum(STORY_STATUSES, `Choose a status: ${STORY_STATUSES.join(', ')}`)),
  /** Stories the caller created or is assigned. */
  mine: flag('mine'),
  /** Stories whose open comment threads @mention the caller. */
  mentions: flag('mentions'),
  /** Past their due time, due within the hour, or due today in the reader's time zone (shared/planning.ts). */
  due: z.optional(z.enum(DUE_FILTERS, `Choose due=${DUE_FILTERS.join(' or due=')}`)),
  /** The reader's time zone (IANA name), for due=today; UTC when left out. Not part of the page's address. */
  tz: z.optional(z.string().check(z.refine(isTimeZone, 'Not a time zone: use an IANA name such as Europe/London'))),
  /** Stories assigned to this user. */
  assignee: z.optional(UserIdParam),
  section: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(PLANNING_LIMITS.sectionMaxChars, 'Not a section'))),
  tag: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(PLANNING_LIMITS.tagMaxChars, 'Not a tag'))),
  state: z.optional(z.enum(STORY_STATES, `Choose state=${STORY_STATES.join(' or state=')}`)),
  sort: z.optional(z.enum(STORY_SORTS, `Sort by ${STORY_SORTS.join(' or ')}`)),
  /** The `next` of the page before. */
  before: z.optional(z.string().check(z.maxLength(100, 'Not a page cursor'))),
});
export type StoryListQuery = z.output<typeof StoryListQuery>;

/** A story in the list; `match` shows where a search found it. */
export type StoryListItem = StorySummary & { match: SearchSnippet | null };
/** A page of the list; pass `next` as `before` for the one after (null: this is the last). */
export type StoryList = { stories: StoryListItem[]; next: string | null };
