import path from 'node:path';
import express, { type Request, type Response } from 'express';
import { LIMITS } from '../../shared/limits';
import type { Store } from '../persistence/Store';
import { PROJECT_ROOT } from '../projectRoot';
import { ATOM_CONTENT_TYPE, JSON_FEED_CONTENT_TYPE, renderAtomFeed, renderJsonFeed } from '../publishing/feeds';
import { toLink } from '../publishing/pageLayout';
import { renderStoryPage, type PublicErrorStatus } from '../publishing/publicPages';
import { ATOM_PATH, JSON_FEED_PATH, SITE_STYLESHEET_PATH, STORIES_PATH, STORIES_PER_PAGE, STYLESHEET_PATH } from '../publishing/site';
import { siteContext } from '../publishing/siteSettings';
import { siteStylesheet } from '../publishing/siteStylesheet';
import { isValidSlug } from '../../shared/slug';
import { latest } from './cacheable';
import { publicError } from './publicError';
import { RenderedAnswers } from './RenderedAnswers';
import { publicPageSecurityHeaders } from './securityHeaders';

const STYLESHEET = path.join(PROJECT_ROOT, 'server/publishing/story.css');
const HTML = 'text/html; charset=utf-8';

/**
 * The reader-facing site: no session needed, nothing here touches a live Y.Doc.
 * Pages and feeds are rendered from stored publications and sent with a strong
 * ETag and Last-Modified (see cacheable.ts); conditional requests get a 304. Rendered
 * answers are kept until the site changes (RenderedAnswers.ts).
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

  const sendError = (status: PublicErrorStatus, message: string) => publicError(store, status, message);

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
    `${STORIES_PATH}/:slug`,
    answers.route(async (req) => {
      const slug = String(req.params.slug);
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
