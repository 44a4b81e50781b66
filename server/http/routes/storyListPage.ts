import { DUE_SOON_MS } from '../../../shared/planning';
import { GalleyError } from '../../../shared/errors';
import { LIMITS } from '../../../shared/limits';
import type { DueFilter, StoryList, StoryListItem, StoryListQuery, StorySort } from '../../../shared/newsroomQuery';
import { StoryIdParam, type StorySummary } from '../../../shared/api';
import { parseSearchQuery } from '../../../shared/searchQuery';
import { searchSnippet } from '../../../shared/searchSnippet';
import { zonedDay } from '../../../shared/zonedDay';
import type { Store, UserRecord } from '../../persistence/Store';
import type { StoryCursor, StoryFilter } from '../../persistence/StorySearchStore';
import type { StoryListing } from '../../persistence/StoryStore';

/**
 * One page of the newsroom list for `reader` (GET /api/stories): the query's words and filters as the
 * store's filter, a page after the cursor, and where each story matched. Every role that may read
 * stories may list and search them all, as before search existed.
 */
export async function storyListPage(
  store: Store,
  query: StoryListQuery,
  reader: UserRecord,
  summarize: (story: StoryListing) => StorySummary,
): Promise<StoryList> {
  const filter = storyFilter(query, reader);
  const sort = query.sort ?? 'edited';
  const limit = LIMITS.storyPageSize;
  const found = await store.searchStories({
    filter,
    sort,
    before: query.before ? cursor(query.before, sort) : undefined,
    limit: limit + 1,
  });
  const page = found.slice(0, limit);
  const texts = filter.text ? await store.storyTexts(page.map((s) => s.id)) : new Map();
  const stories = page.map((story): StoryListItem => {
    const text = texts.get(story.id);
    return { ...summarize(story), match: text && filter.text ? searchSnippet(text, filter.text) : null };
  });
  const last = page[page.length - 1];
  const next = found.length > limit && last ? `${cursorAt(last, sort) ?? NO_DUE}~${last.id}` : null;
  return { stories, next };
}

/** The API's query keys as the store's filter: "mine" and "mentions" are the reader's. */
function storyFilter(query: StoryListQuery, reader: UserRecord): StoryFilter {
  const filter: StoryFilter = {
    status: query.status,
    ownedBy: query.mine ? reader.id : undefined,
    mentions: query.mentions ? reader.id : undefined,
    due: query.due ? dueWindow(query.due, Date.now(), query.tz ?? 'UTC') : undefined,
    section: query.section,
    tag: query.tag,
    assignee: query.assignee,
    state: query.state,
  };
  if (!query.q) return filter;
  const text = parseSearchQuery(query.q);
  if (!text)
    throw new GalleyError('bad_request', 'q: Search for at least one word (excluded words alone match everything)', {
      q: 'Search for at least one word',
    });
  return { ...filter, text };
}

/**
 * Overdue: due at or before now; soon: after now and within the hour; today: the reader's calendar day in
 * their time zone (the window's ends are instants, so every node and backend agrees on it).
 */
function dueWindow(due: DueFilter, now: number, timeZone: string): NonNullable<StoryFilter['due']> {
  const iso = (at: number) => new Date(at).toISOString();
  if (due === 'overdue') return { after: null, until: iso(now) };
  if (due === 'soon') return { after: iso(now), until: iso(now + DUE_SOON_MS) };
  const { start, end } = zonedDay(now, timeZone);
  return { after: iso(start - 1), until: iso(end - 1) };
}

/** In a cursor, the due sort's value for a story without a due time. */
const NO_DUE = 'none';

const cursorAt = (story: StoryListing, sort: StorySort): string | null =>
  sort === 'created' ? story.createdAt : sort === 'edited' ? story.updatedAt : story.planning.dueAt;

/** `next` of a page: the sort value and id of its last story. */
function cursor(before: string, sort: StorySort): StoryCursor {
  const [at, id, ...rest] = before.split('~');
  const noDue = sort === 'due' && at === NO_DUE;
  if (rest.length > 0 || !at || !id || (!noDue && Number.isNaN(Date.parse(at))) || !StoryIdParam.safeParse(id).success) {
    throw new GalleyError('bad_request', 'before: not a page cursor', { before: 'not a page cursor' });
  }
  return { at: noDue ? null : at, id };
}
