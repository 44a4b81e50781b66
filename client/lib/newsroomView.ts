/**
 * What the newsroom page shows — search words, filters, sort — as it is kept in the page's address
 * (`/?q=…&status=…`), so back and forward, reloads and shared links restore it. The keys are the API's
 * (shared/newsroomQuery.ts), without the page cursor.
 */
import { z } from 'zod/mini';
import { StoryListQuery } from '../../shared/newsroomQuery';

/** `tz` is the reader's, added to the API's query (apiQuery), not kept in the address. */
export type NewsroomView = Omit<StoryListQuery, 'before' | 'tz'>;

const VIEW_KEYS = ['q', 'status', 'mine', 'mentions', 'due', 'assignee', 'section', 'tag', 'state', 'sort'] as const;

/** The view an address asks for: a key whose value does not check out is ignored, as if left out. */
export function viewFromQuery(params: URLSearchParams): NewsroomView {
  const view: Record<string, string> = {};
  for (const key of VIEW_KEYS) {
    const parsed = z.safeParse(StoryListQuery, { [key]: params.get(key) ?? undefined });
    const value = parsed.success ? parsed.data[key] : undefined;
    if (value) view[key] = value;
  }
  return view as NewsroomView;
}

/** The view (and a page cursor) as a query string, without "?"; only what differs from the default list. */
export function viewToQuery(view: NewsroomView, before?: string): string {
  const params = new URLSearchParams();
  for (const key of VIEW_KEYS) {
    const value = view[key];
    if (value && !(key === 'sort' && value === 'edited') && !(key === 'state' && value === 'active')) params.set(key, value);
  }
  if (before) params.set('before', before);
  return params.toString();
}

/**
 * The view as GET /api/stories's query: "due today" is the reader's day, so their time zone goes with it
 * and the server works out the day's window (shared/zonedDay.ts).
 */
export function apiQuery(view: NewsroomView, before?: string): string {
  const query = viewToQuery(view, before);
  if (view.due !== 'today') return query;
  return `${query}&tz=${encodeURIComponent(Intl.DateTimeFormat().resolvedOptions().timeZone)}`;
}

/** The newsroom as a list (a table) or a board (a column per workflow status); the address's `view=board`. */
export type NewsroomLayout = 'list' | 'board';

export const layoutFromQuery = (params: URLSearchParams): NewsroomLayout => (params.get('view') === 'board' ? 'board' : 'list');

/** The newsroom page's address for a view in a layout. */
export function newsroomAddress(view: NewsroomView, layout: NewsroomLayout): string {
  const query = [viewToQuery(view), layout === 'board' ? 'view=board' : ''].filter(Boolean).join('&');
  return query ? `/?${query}` : '/';
}

/** Whether the view narrows the list (a search or a filter), rather than showing every story. */
export const isNarrowed = (view: NewsroomView) =>
  Boolean(
    view.q ||
    view.status ||
    view.mine ||
    view.mentions ||
    view.due ||
    view.assignee ||
    view.section ||
    view.tag ||
    view.state === 'archived',
  );
