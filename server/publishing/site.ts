/** Addresses of the public site, shared by its pages, feeds and router. Its name is a setting (siteSettings.ts). */
import { slugify } from '../../shared/slug';

export const STORIES_PATH = '/stories';
export const ATOM_PATH = '/feed.xml';
export const JSON_FEED_PATH = '/feed.json';
export const STYLESHEET_PATH = '/public/story.css';
/** The site's own stylesheet (its accent colour), made from its settings. */
export const SITE_STYLESHEET_PATH = '/public/site.css';

/** Stories on one page of the index, and in each feed. */
export const STORIES_PER_PAGE = 20;

/** `/stories` for the first page (the canonical address), `/stories?page=N` after. */
export function indexPath(page: number): string {
  return page <= 1 ? STORIES_PATH : `${STORIES_PATH}?page=${page}`;
}

/** The site stylesheet's address for one version of the settings: a new version, a new address, so no stale copy is used. */
export function siteStylesheetPath(version: string | null): string {
  return version ? `${SITE_STYLESHEET_PATH}?v=${encodeURIComponent(version)}` : SITE_STYLESHEET_PATH;
}

/**
 * Where a section's, tag's and author's pages will be (docs/site.md: not built yet). A name's address is its
 * slug, or the name itself, encoded, when it has no Latin letters or digits to make one of.
 */
export const sectionPath = (name: string) => `/sections/${encodeURIComponent(termSlug(name))}`;
export const tagPath = (name: string) => `/tags/${encodeURIComponent(termSlug(name))}`;
export const authorPath = (userId: string) => `/authors/${encodeURIComponent(userId)}`;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** A section's or tag's address segment (decoded): several names may share one ("World", "world"). */
export function termSlug(name: string): string {
  return slugify(name) || name.toLocaleLowerCase('en').replace(LONE_SURROGATE, '\uFFFD');
}
