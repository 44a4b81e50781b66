import express, { type Request } from 'express';
import { z } from 'zod';
import { UserIdParam } from '../../shared/api';
import { LIMITS } from '../../shared/limits';
import type { PublicationFilter } from '../persistence/PublicationStore';
import type { Store } from '../persistence/Store';
import { ATOM_CONTENT_TYPE, JSON_FEED_CONTENT_TYPE, renderAtomFeed, renderJsonFeed } from '../publishing/feeds';
import { renderListing, renderSearchResults, renderStoryIndex, type IndexPaging, type Listing } from '../publishing/indexPages';
import { toLink } from '../publishing/pageLayout';
import type { PublicErrorStatus } from '../publishing/publicPages';
import {
  authorPath,
  indexPath,
  type ListingKind,
  listingFeeds,
  pagedPath,
  SEARCH_PATH,
  STORIES_PATH,
  STORIES_PER_PAGE,
  termSlug,
} from '../publishing/site';
import { siteContext } from '../publishing/siteSettings';
import { latest } from './cacheable';
import { publicError } from './publicError';
import { RenderedAnswers, type Rendered, type Uncached } from './RenderedAnswers';
import { publicPageSecurityHeaders } from './securityHeaders';

const HTML = 'text/html; charset=utf-8';

/**
 * `?page=N`, N a positive integer written plainly (no sign, zeros, decimals or repeats). Other parameters
 * are ignored, not refused: shared links arrive with `utm_*` and the like, and a reader should not get an
 * error for them.
 */
const page = z
  .string()
  .regex(/^[1-9][0-9]*$/, 'page must be a positive integer')
  .transform(Number)
  .optional();
const indexQuery = z.object({ page });
/** The search's words: one value, bounded before the store sees it; blank is "nothing asked yet". */
const searchQuery = z.object({ page, q: z.string().max(LIMITS.siteSearchQuery).optional() });

/** What a listing's address names, found among live publications: its filter and how its page is titled. */
type FoundListing = { listing: Listing; filter: PublicationFilter };

/**
 * The public site's listings (docs/site.md#index-pages): the home page, a section's, tag's or author's page
 * and their feeds, and the search. Rendered from stored publications like the story page (publicRouter.ts),
 * with a strong ETag and Last-Modified; conditional requests get a 304.
 */
export function listingRouter(
  store: Store,
  publicOrigin: (req: Request) => string,
  answers = new RenderedAnswers(store, publicOrigin),
): express.Router {
  const router = express.Router();
  router.use([STORIES_PATH, '/sections', '/tags', '/authors', SEARCH_PATH], publicPageSecurityHeaders());
  const sendError = (status: PublicErrorStatus, message: string) => publicError(store, status, message);

  /** The page asked for, or the error to send: a bad number is 400, past the last page 404. */
  const paging = async (req: Request, count: number, at: (n: number) => string): Promise<IndexPaging | Uncached> => {
    const query = indexQuery.safeParse({ page: req.query.page });
    if (!query.success) return sendError(400, 'The page number must be a whole number, 1 or more.');
    const n = query.data.page ?? 1;
    const totalPages = Math.max(1, Math.ceil(count / STORIES_PER_PAGE));
    if (n > totalPages) return sendError(404, 'There are no stories on that page.');
    return { page: n, totalPages, canonicalUrl: `${publicOrigin(req)}${at(n)}` };
  };

  router.get(
    STORIES_PATH,
    answers.route(['page'], async (req) => {
      const { count, lastUpdatedAt } = await store.publicationStats();
      const at = await paging(req, count, indexPath);
      if (typeof at === 'function') return at;
      const [stories, site] = await Promise.all([
        store.listPublications(STORIES_PER_PAGE, (at.page - 1) * STORIES_PER_PAGE),
        siteContext(store),
      ]);
      // Stories can be unpublished between the two reads: an empty page past the first is still not a page.
      if (at.page > 1 && stories.length === 0) return sendError(404, 'There are no stories on that page.');
      const blocks = at.page === 1 ? await sectionBlocks(store, site.sections) : [];
      return {
        body: renderStoryIndex(stories.map(toLink), at, site, blocks),
        contentType: HTML,
        // Any publication can move stories between pages, so the whole site's latest change counts.
        lastModified: latest([lastUpdatedAt, site.updatedAt]),
      };
    }),
  );

  const listingPage =
    (kind: ListingKind) =>
    async (req: Request): Promise<Rendered> => {
      const found = await findListing(store, kind, String(req.params.key));
      if (!found) return sendError(404, NOT_FOUND[kind]);
      const { count, lastUpdatedAt } = await store.publicationStats(found.filter);
      const at = await paging(req, count, (n) => pagedPath(found.listing.path, n));
      if (typeof at === 'function') return at;
      const [stories, site] = await Promise.all([
        store.listPublications(STORIES_PER_PAGE, (at.page - 1) * STORIES_PER_PAGE, found.filter),
        siteContext(store),
      ]);
      if (at.page > 1 && stories.length === 0) return sendError(404, 'There are no stories on that page.');
      return {
        body: renderListing(found.listing, stories.map(toLink), at, site),
        contentType: HTML,
        lastModified: latest([lastUpdatedAt, site.updatedAt]),
      };
    };

  const listingFeed =
    (kind: ListingKind, format: 'atom' | 'json') =>
    async (req: Request): Promise<Rendered> => {
      const found = await findListing(store, kind, String(req.params.key));
      if (!found) return sendError(404, NOT_FOUND[kind]);
      const [stories, site] = await Promise.all([store.listPublications(STORIES_PER_PAGE, 0, found.filter), siteContext(store)]);
      const { listing } = found;
      const feedSite = {
        origin: publicOrigin(req),
        settings: site.settings,
        channel: {
          title: listing.kind === 'author' ? `stories by ${listing.name}` : listing.name,
          page: listing.path,
          ...listingFeeds(listing.path),
        },
      };
      return {
        body: format === 'atom' ? renderAtomFeed(stories, feedSite) : renderJsonFeed(stories, feedSite),
        contentType: format === 'atom' ? ATOM_CONTENT_TYPE : JSON_FEED_CONTENT_TYPE,
        lastModified: latest([...stories.map((p) => p.updatedAt), site.updatedAt]),
      };
    };

  for (const [kind, base] of LISTING_BASES) {
    router.get(`${base}/:key`, answers.route(['page'], listingPage(kind)));
    router.get(`${base}/:key/feed.xml`, answers.route(listingFeed(kind, 'atom')));
    router.get(`${base}/:key/feed.json`, answers.route(listingFeed(kind, 'json')));
  }

  // Kept like the other pages (results change only with publications); `q` and `page` name the answer.
  router.get(
    SEARCH_PATH,
    answers.route(['q', 'page'], async (req) => {
      const query = searchQuery.safeParse({ page: req.query.page, q: req.query.q });
      if (!query.success) return sendError(400, `Search for at most ${LIMITS.siteSearchQuery} characters, on one page number.`);
      const text = (query.data.q ?? '').trim();
      const n = query.data.page ?? 1;
      // Past any possible result (and any offset a store could take): no page, before the store is asked.
      if (!Number.isSafeInteger(n * STORIES_PER_PAGE)) return sendError(404, 'There are no results on that page.');
      const [result, site] = await Promise.all([
        text ? store.searchPublications({ text, limit: STORIES_PER_PAGE, offset: (n - 1) * STORIES_PER_PAGE }) : { total: 0, stories: [] },
        siteContext(store),
      ]);
      const totalPages = Math.max(1, Math.ceil(result.total / STORIES_PER_PAGE));
      if (n > totalPages) return sendError(404, 'There are no results on that page.');
      // Never in a shared cache: which words a reader searched for is theirs.
      return {
        body: renderSearchResults(text, { total: result.total, stories: result.stories.map(toLink) }, { page: n, totalPages }, site),
        contentType: HTML,
        cacheControl: 'private, no-cache',
      };
    }),
  );

  return router;
}

const LISTING_BASES: [ListingKind, string][] = [
  ['section', '/sections'],
  ['tag', '/tags'],
  ['author', '/authors'],
];

const NOT_FOUND: Record<ListingKind, string> = {
  section: 'No published stories are in that section.',
  tag: 'No published stories carry that tag.',
  author: 'No published stories are by that author.',
};

/**
 * A section or tag is every published name with this address ("World" and "world" share one), shown by the
 * first; an author is an account the live stories credit, shown by the name the latest of them gives.
 * Nothing published: undefined, a 404 (a listing exists while something is published in it).
 */
async function findListing(store: Store, kind: ListingKind, key: string): Promise<FoundListing | undefined> {
  if (key.length > LIMITS.siteSearchQuery) return undefined;
  if (kind === 'author') {
    if (!UserIdParam.safeParse(key).success) return undefined;
    const [latestStory] = await store.listPublications(1, 0, { authorId: key });
    const credit = latestStory?.authors.find((a) => a.id === key);
    return credit && { listing: { kind, name: credit.name, path: authorPath(key) }, filter: { authorId: key } };
  }
  const names = (await store.publishedTerms(kind === 'section' ? 'sections' : 'tags')).filter((name) => termSlug(name) === key);
  if (names.length === 0) return undefined;
  const path = `/${kind === 'section' ? 'sections' : 'tags'}/${encodeURIComponent(key)}`;
  return { listing: { kind, name: names[0], path }, filter: kind === 'section' ? { sections: names } : { tags: names } };
}

/** The home page's blocks: the first sections (in name order), each with its latest few. */
async function sectionBlocks(store: Store, sections: readonly string[] = []) {
  const bySlug = new Map<string, string[]>();
  for (const name of sections) bySlug.set(termSlug(name), [...(bySlug.get(termSlug(name)) ?? []), name]);
  const groups = [...bySlug.values()].slice(0, LIMITS.homeSections);
  return Promise.all(
    groups.map(async (names) => ({
      name: names[0],
      stories: (await store.listPublications(LIMITS.homeSectionStories, 0, { sections: names })).map(toLink),
    })),
  );
}
