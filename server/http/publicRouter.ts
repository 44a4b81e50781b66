import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Request, type Response } from 'express';
import { z } from 'zod';
import { LIMITS } from '../../shared/limits';
import type { PublicationRecord, Store } from '../persistence/Store';
import { ATOM_CONTENT_TYPE, JSON_FEED_CONTENT_TYPE, renderAtomFeed, renderJsonFeed } from '../publishing/feeds';
import { renderPublicError, renderStoryIndex, renderStoryPage, type PublicErrorStatus, type StoryLink } from '../publishing/publicPages';
import {
  ATOM_PATH,
  indexPath,
  JSON_FEED_PATH,
  SITE_STYLESHEET_PATH,
  STORIES_PATH,
  STORIES_PER_PAGE,
  STYLESHEET_PATH,
} from '../publishing/site';
import { siteContext } from '../publishing/siteSettings';
import { siteStylesheet } from '../publishing/siteStylesheet';
import { isValidSlug } from '../../shared/slug';
import { RenderedAnswers, type Uncached } from './renderedAnswers';
import { publicPageSecurityHeaders } from './securityHeaders';

const STYLESHEET = path.join(path.dirname(fileURLToPath(import.meta.url)), '../publishing/story.css');
const HTML = 'text/html; charset=utf-8';

/**
 * `?page=N`, N a positive integer written plainly (no sign, zeros, decimals or
 * repeats). Other parameters are ignored, not refused: shared links arrive with
 * `utm_*` and the like, and a reader should not get an error for them.
 */
const indexQuery = z.object({
  page: z
    .string()
    .regex(/^[1-9][0-9]*$/, 'page must be a positive integer')
    .transform(Number)
    .optional(),
});

const toLink = (p: PublicationRecord): StoryLink => ({
  slug: p.slug,
  headline: p.headline,
  standfirst: p.standfirst,
  publishedAt: p.publishedAt,
});

/** The latest of some ISO times (all written by the server in the same format). */
const latest = (times: (string | null)[]): string | null =>
  times.reduce<string | null>((a, b) => (b === null ? a : a === null || b > a ? b : a), null);

/**
 * The reader-facing site: no session needed, nothing here touches a live Y.Doc.
 * Pages and feeds are rendered from stored publications and sent with a strong
 * ETag and Last-Modified (see cacheable.ts); conditional requests get a 304. Rendered
 * answers are kept until the site changes (renderedAnswers.ts).
 */
export function publicRouter(
  store: Store,
  publicOrigin: (req: Request) => string,
  answers = new RenderedAnswers(store, publicOrigin),
): express.Router {
  const router = express.Router();
  router.use([STORIES_PATH, '/public', ATOM_PATH, JSON_FEED_PATH], publicPageSecurityHeaders());

  /**
   * The site's settings, read for each request (publishing/siteSettings.ts: never stale on any node). Their
   * time joins every page's Last-Modified, and their words its bytes, so a change makes new validators.
   */
  const siteFor = () => siteContext(store);

  /** Errors are not cached (a missing story may be published a minute later) and carry no ETag. */
  const sendError = async (status: PublicErrorStatus, message: string): Promise<Uncached> => {
    const body = renderPublicError(status, message, await siteFor());
    return (res: Response) => {
      res.status(status).setHeader('Cache-Control', 'no-store');
      res.setHeader('Content-Type', HTML);
      res.end(body);
    };
  };

  router.get(STYLESHEET_PATH, (_req, res) => {
    res.sendFile(STYLESHEET, { maxAge: '1h' });
  });

  // Its address carries the settings' version (?v=), which is ignored here: the answer is always the current one.
  router.get(
    SITE_STYLESHEET_PATH,
    answers.route(async () => {
      const site = await siteFor();
      return { body: siteStylesheet(site.settings), contentType: 'text/css; charset=utf-8', lastModified: site.updatedAt };
    }),
  );

  router.get(
    STORIES_PATH,
    answers.route(['page'], async (req) => {
      const query = indexQuery.safeParse(req.query);
      if (!query.success) return sendError(400, 'The page number must be a whole number, 1 or more.');
      const page = query.data.page ?? 1;
      const { count, lastUpdatedAt } = await store.publicationStats();
      const totalPages = Math.max(1, Math.ceil(count / STORIES_PER_PAGE));
      if (page > totalPages) return sendError(404, 'There are no stories on that page.');
      const stories = await store.listPublications(STORIES_PER_PAGE, (page - 1) * STORIES_PER_PAGE);
      // Stories can be unpublished between the two reads: an empty page past the first is still not a page.
      if (page > 1 && stories.length === 0) return sendError(404, 'There are no stories on that page.');
      const canonicalUrl = `${publicOrigin(req)}${indexPath(page)}`;
      const site = await siteFor();
      return {
        body: renderStoryIndex(stories.map(toLink), { page, totalPages, canonicalUrl }, site),
        contentType: HTML,
        // Any publication can move stories between pages, so the whole site's latest change counts.
        lastModified: latest([lastUpdatedAt, site.updatedAt]),
      };
    }),
  );

  router.get(
    `${STORIES_PATH}/:slug`,
    answers.route(async (req) => {
      const { slug } = req.params;
      if (!isValidSlug(slug)) return sendError(404, 'We could not find that story.');
      const story = await store.getPublicationBySlug(slug);
      if (!story) {
        // An address the story had before it was changed: send readers (and search engines) on for good.
        const current = await store.findRedirect(slug);
        if (current) return (res: Response) => res.redirect(301, `${STORIES_PATH}/${current}`);
        return sendError(404, 'We could not find that story.');
      }
      if (story.unpublishedAt) return sendError(410, 'This story has been withdrawn and is no longer available.');
      const recent = (await store.listPublications(LIMITS.recentStories + 1))
        .filter((p) => p.storyId !== story.storyId)
        .slice(0, LIMITS.recentStories);
      const url = `${publicOrigin(req)}${STORIES_PATH}/${story.slug}`;
      const site = await siteFor();
      return {
        body: renderStoryPage(story, recent.map(toLink), url, undefined, site),
        contentType: HTML,
        // "Recent stories" and the site's settings are part of the page: their changes are the page's changes.
        lastModified: latest([story.updatedAt, ...recent.map((p) => p.updatedAt), site.updatedAt]),
      };
    }),
  );

  const latestStories = () => store.listPublications(STORIES_PER_PAGE);

  router.get(
    ATOM_PATH,
    answers.route(async (req) => {
      const [stories, site] = await Promise.all([latestStories(), siteFor()]);
      return {
        body: renderAtomFeed(stories, { origin: publicOrigin(req), settings: site.settings }),
        contentType: ATOM_CONTENT_TYPE,
        lastModified: latest([...stories.map((p) => p.updatedAt), site.updatedAt]),
      };
    }),
  );

  router.get(
    JSON_FEED_PATH,
    answers.route(async (req) => {
      const [stories, site] = await Promise.all([latestStories(), siteFor()]);
      return {
        body: renderJsonFeed(stories, { origin: publicOrigin(req), settings: site.settings }),
        contentType: JSON_FEED_CONTENT_TYPE,
        lastModified: latest([...stories.map((p) => p.updatedAt), site.updatedAt]),
      };
    }),
  );

  return router;
}
