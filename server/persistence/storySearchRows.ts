/**
 * What the SQL backends share of the story search (StorySearchStore.ts): the text that is indexed, the
 * statement for a page of the list, and rows back into text.
 */
import { LIMITS } from '../../shared/limits';
import { searchWords } from '../../shared/searchWords';
import { STORY_FIELDS } from '../../shared/story';
import type { Row } from './storeRows';

/** The due sort's key for a story without a due time. */
const NO_DUE = 'none';
import type { FilterConditions, StoryFilter, StoryPageQuery, StoryText } from './StorySearchStore';

/**
 * What each sort orders by, with an index of the same expression and id on both backends (sqliteSchema.ts,
 * pgSchema.ts). A story without a due time sorts after every ISO time (they start with a digit).
 */
const SORT_KEYS = { edited: 's.updated_at', created: 's.created_at', due: `COALESCE(s.due_at, '${NO_DUE}')` } as const;

/**
 * The text kept for search: the fields in order, cut after LIMITS.searchIndexMaxWords words in all, so
 * both backends index the same words of a very long story.
 */
export function indexedText(text: StoryText): StoryText {
  let room: number = LIMITS.searchIndexMaxWords;
  const kept = {} as StoryText;
  for (const field of STORY_FIELDS) {
    const words = searchWords(text[field]);
    kept[field] = words.length <= room ? text[field] : text[field].slice(0, words[room - 1]?.end ?? 0);
    room = Math.max(0, room - words.length);
  }
  return kept;
}

/**
 * SELECT for one page of the list: the filter's conditions, the cursor, the sort. `param` binds a value
 * and answers its placeholder, in the backend's style.
 */
export function storyPageSql(query: StoryPageQuery, conditions: FilterConditions, param: (value: unknown) => string): string {
  const order = orderBy(query);
  const where = [...conditionsOf(withState(query.filter), conditions, param), ...cursorOf(query, param)];
  return `SELECT s.* FROM stories s ${whereOf(where)} ${order} LIMIT ${param(query.limit)}`;
}

/**
 * The same page looked for among the first `within` stories of the list (all but the text filter
 * applied): their text is checked one story at a time, in the list's order. When that fills the page it
 * is the page; a search for a common word stops after a few dozen stories instead of gathering thousands.
 */
export function storyPageWithinSql(
  query: StoryPageQuery,
  conditions: FilterConditions,
  param: (value: unknown) => string,
  within: number,
): string {
  const { text, ...others } = withState(query.filter);
  const order = orderBy(query);
  const inner = [...conditionsOf(others, conditions, param), ...cursorOf(query, param)];
  const first = `SELECT s.* FROM stories s ${whereOf(inner)} ${order} LIMIT ${param(within)}`;
  return `SELECT s.* FROM (${first}) s ${whereOf(conditionsOf({ text }, conditions, param))} ${order} LIMIT ${param(query.limit)}`;
}

/** Every page is of one state: active stories unless the filter asks for the archived. */
const withState = (filter: StoryFilter): StoryFilter => ({ ...filter, state: filter.state ?? 'active' });

/** The state's condition, the same in both backends. */
export const stateCondition = (state: NonNullable<StoryFilter['state']>) =>
  `s.trashed_at IS NULL AND s.archived_at IS ${state === 'archived' ? 'NOT NULL' : 'NULL'}`;

/** Newest first, but soonest due first. */
const ascending = (query: StoryPageQuery) => query.sort === 'due';
const orderBy = (query: StoryPageQuery) => {
  const direction = ascending(query) ? 'ASC' : 'DESC';
  return `ORDER BY ${SORT_KEYS[query.sort]} ${direction}, s.id ${direction}`;
};
const whereOf = (conditions: string[]) => (conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '');

function conditionsOf(filter: StoryFilter, conditions: FilterConditions, param: (value: unknown) => string): string[] {
  return (Object.entries(filter) as [keyof StoryFilter, unknown][])
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => (conditions[key] as (v: unknown, p: typeof param) => string)(value, param));
}

function cursorOf(query: StoryPageQuery, param: (value: unknown) => string): string[] {
  if (!query.before) return [];
  const at = query.before.at ?? NO_DUE;
  return [`(${SORT_KEYS[query.sort]}, s.id) ${ascending(query) ? '>' : '<'} (${param(at)}, ${param(query.before.id)})`];
}

export const toStoryText = (r: Row): StoryText => ({
  headline: r.headline as string,
  standfirst: r.standfirst as string,
  byline: r.byline as string,
  body: r.body as string,
});
