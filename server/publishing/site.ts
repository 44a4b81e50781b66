/** Names and addresses of the public site, shared by its pages, feeds and router. */

export const SITE_NAME = 'Galley';

export const STORIES_PATH = '/stories';
export const ATOM_PATH = '/feed.xml';
export const JSON_FEED_PATH = '/feed.json';
export const STYLESHEET_PATH = '/public/story.css';

/** Stories on one page of the index, and in each feed. */
export const STORIES_PER_PAGE = 20;

/** `/stories` for the first page (the canonical address), `/stories?page=N` after. */
export function indexPath(page: number): string {
  return page <= 1 ? STORIES_PATH : `${STORIES_PATH}?page=${page}`;
}
