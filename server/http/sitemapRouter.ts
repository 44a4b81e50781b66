import express, { type Request, type Response } from 'express';
import { DEFAULT_SITE_SETTINGS } from '../../shared/siteSettings';
import type { PublicationStore } from '../persistence/PublicationStore';
import type { SiteSettingsStore } from '../persistence/SiteSettingsStore';
import {
  NEWS_SITEMAP_MAX_URLS,
  NEWS_SITEMAP_PATH,
  NEWS_WINDOW_MS,
  type NewsPublication,
  renderNewsSitemap,
  renderRobots,
  renderSitemap,
  renderSitemapIndex,
  ROBOTS_CONTENT_TYPE,
  ROBOTS_PATH,
  SITEMAP_CONTENT_TYPE,
  SITEMAP_MAX_URLS,
  SITEMAP_PATH,
} from '../publishing/sitemaps';
import { newsPublication } from '../publishing/siteSettings';
import { latest, type Representation } from './cacheable';
import { RenderedAnswers } from './RenderedAnswers';

export type SitemapOptions = {
  /** URLs per sitemap before /sitemap.xml becomes an index (the protocol's 50,000; tests pass a few). */
  urlsPerSitemap?: number;
  /** The news sitemap's publication; by default the site's name and language from its settings, per request. */
  publication?: NewsPublication;
  now?: () => number;
  /** Where rendered answers are kept (by default a store of this router's own). */
  answers?: RenderedAnswers;
};

/** `stories-N.xml`, N written plainly (no sign, zeros or decimals): anything else is no page. */
const PAGE = /^stories-([1-9][0-9]{0,8})\.xml$/;

/**
 * /sitemap.xml (the stories, or an index of /sitemaps/stories-N.xml pages once they are more than one sitemap
 * holds), /news-sitemap.xml (the last two days, for Google News) and /robots.txt. Cacheable like the feeds.
 */
export function sitemapRouter(
  store: PublicationStore & SiteSettingsStore,
  publicOrigin: (req: Request) => string,
  options: SitemapOptions = {},
): express.Router {
  const perSitemap = options.urlsPerSitemap ?? SITEMAP_MAX_URLS;
  const now = options.now ?? Date.now;
  const answers = options.answers ?? new RenderedAnswers(store, publicOrigin, { now });
  const router = express.Router();

  const xml = (body: string, lastModified: string | null): Representation => ({ body, contentType: SITEMAP_CONTENT_TYPE, lastModified });

  /** Page n (from 1) of the stories, oldest first: a new story only ever changes the last page. */
  const renderPage = async (req: Request, n: number) => {
    const entries = await store.listPublicationEntries({ limit: perSitemap, offset: (n - 1) * perSitemap, order: 'oldest' });
    if (n > 1 && entries.length === 0) return notFound;
    return xml(renderSitemap(entries, { origin: publicOrigin(req) }), latest(entries.map((e) => e.updatedAt)));
  };

  router.get(
    SITEMAP_PATH,
    answers.route(async (req) => {
      const { count, lastUpdatedAt } = await store.publicationStats();
      if (count <= perSitemap) return renderPage(req, 1);
      return xml(renderSitemapIndex(Math.ceil(count / perSitemap), { origin: publicOrigin(req) }), lastUpdatedAt);
    }),
  );

  router.get(
    '/sitemaps/:file',
    answers.route(async (req) => {
      const page = PAGE.exec(String(req.params.file));
      if (!page) return notFound;
      return renderPage(req, Number(page[1]));
    }),
  );

  router.get(
    NEWS_SITEMAP_PATH,
    answers.route(async (req) => {
      const since = new Date(now() - NEWS_WINDOW_MS).toISOString();
      const entries = await store.listPublicationEntries({ limit: NEWS_SITEMAP_MAX_URLS, since, order: 'newest' });
      const site = await store.getSiteSettings();
      const publication = options.publication ?? newsPublication(site?.settings ?? DEFAULT_SITE_SETTINGS);
      const lastModified = latest([...entries.map((e) => e.updatedAt), site?.updatedAt ?? null]);
      // The window moves with the clock: the answer is right until its oldest story leaves it.
      const oldest = entries.at(-1);
      const keepUntil = oldest && Date.parse(oldest.publishedAt) + NEWS_WINDOW_MS;
      return { ...xml(renderNewsSitemap(entries, { origin: publicOrigin(req) }, publication), lastModified), keepUntil };
    }),
  );

  router.get(
    ROBOTS_PATH,
    answers.route(async (req) => ({ body: renderRobots({ origin: publicOrigin(req) }), contentType: ROBOTS_CONTENT_TYPE })),
  );

  return router;
}

/** Not cached: the page may exist a minute later. */
function notFound(res: Response): void {
  res.status(404).setHeader('Cache-Control', 'no-store');
  res.type('text/plain').send('No such sitemap.\n');
}
