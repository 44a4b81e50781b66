/** Addresses of the public site, shared by its pages, feeds and router. Its name is a setting (siteSettings.ts). */
import { slugify } from '../../shared/slug';

export const STORIES_PATH = '/stories';
export const ATOM_PATH = '/feed.xml';
export const JSON_FEED_PATH = '/feed.json';
export const STYLESHEET_PATH = '/public/story.css';
/** The site's own stylesheet (its accent colour), made from its settings. */
export const SITE_STYLESHEET_PATH = '/public/site.css';
/** The site search: `?q=words&page=N`. */
export const SEARCH_PATH = '/search';

/** Stories on one page of the index, and in each feed. */
export const STORIES_PER_PAGE = 20;

/** `/stories` for the first page (the canonical address), `/stories?page=N` after. */
export function indexPath(page: number): string {
  return pagedPath(STORIES_PATH, page);
}

/** A listing's page N: the bare address for the first (canonical), `?page=N` after. */
export function pagedPath(base: string, page: number): string {
  return page <= 1 ? base : `${base}?page=${page}`;
}

/** The site stylesheet's address for one version of the settings: a new version, a new address, so no stale copy is used. */
export function siteStylesheetPath(version: string | null): string {
  return version ? `${SITE_STYLESHEET_PATH}?v=${encodeURIComponent(version)}` : SITE_STYLESHEET_PATH;
}

/**
 * A section's, tag's and author's pages (docs/site.md#index-pages); each has `/feed.xml` and `/feed.json`
 * under it. A name's address is its slug, or the name itself, encoded, when it has no Latin letters or
 * digits to make one of.
 */
export const sectionPath = (name: string) => `/sections/${encodeURIComponent(termSlug(name))}`;
export const tagPath = (name: string) => `/tags/${encodeURIComponent(termSlug(name))}`;
export const authorPath = (userId: string) => `/authors/${encodeURIComponent(userId)}`;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** A section's or tag's address segment (decoded): several names may share one ("World", "world"). */
export function termSlug(name: string): string {
  return slugify(name) || name.toLocaleLowerCase('en').replace(LONE_SURROGATE, '\uFFFD');
}

/** A section's, tag's or author's listing: the page at `path`, its feeds under it. */
export type ListingKind = 'section' | 'tag' | 'author';

export const listingFeeds = (path: string) => ({ atom: `${path}/feed.xml`, json: `${path}/feed.json` });
