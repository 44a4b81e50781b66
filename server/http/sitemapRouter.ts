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
import { latest, sendCacheable } from './cacheable';

export type SitemapOptions = {
  /** URLs per sitemap before /sitemap.xml becomes an index (the protocol's 50,000; tests pass a few). */
  urlsPerSitemap?: number;
  /** The news sitemap's publication; by default the site's name and language from its settings, per request. */
  publication?: NewsPublication;
  now?: () => number;
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
  const router = express.Router();

  const sendXml = (req: Request, res: Response, body: string, lastModified: string | null) =>
    sendCacheable(req, res, { body, contentType: SITEMAP_CONTENT_TYPE, lastModified });

  /** Page n (from 1) of the stories, oldest first: a new story only ever changes the last page. */
  const sendPage = async (req: Request, res: Response, n: number) => {
    const entries = await store.listPublicationEntries({ limit: perSitemap, offset: (n - 1) * perSitemap, order: 'oldest' });
    if (n > 1 && entries.length === 0) return notFound(res);
    sendXml(req, res, renderSitemap(entries, { origin: publicOrigin(req) }), latest(entries.map((e) => e.updatedAt)));
  };

  router.get(SITEMAP_PATH, async (req, res) => {
    const { count, lastUpdatedAt } = await store.publicationStats();
    if (count <= perSitemap) return sendPage(req, res, 1);
    sendXml(req, res, renderSitemapIndex(Math.ceil(count / perSitemap), { origin: publicOrigin(req) }), lastUpdatedAt);
  });

  router.get('/sitemaps/:file', async (req, res) => {
    const page = PAGE.exec(req.params.file);
    if (!page) return notFound(res);
    await sendPage(req, res, Number(page[1]));
  });

  router.get(NEWS_SITEMAP_PATH, async (req, res) => {
    const since = new Date(now() - NEWS_WINDOW_MS).toISOString();
    const entries = await store.listPublicationEntries({ limit: NEWS_SITEMAP_MAX_URLS, since, order: 'newest' });
    const site = await store.getSiteSettings();
    const publication = options.publication ?? newsPublication(site?.settings ?? DEFAULT_SITE_SETTINGS);
    const lastModified = latest([...entries.map((e) => e.updatedAt), site?.updatedAt ?? null]);
    sendXml(req, res, renderNewsSitemap(entries, { origin: publicOrigin(req) }, publication), lastModified);
  });

  router.get(ROBOTS_PATH, (req, res) => {
    sendCacheable(req, res, { body: renderRobots({ origin: publicOrigin(req) }), contentType: ROBOTS_CONTENT_TYPE });
  });

  return router;
}

/** Not cached: the page may exist a minute later. */
function notFound(res: Response): void {
  res.status(404).setHeader('Cache-Control', 'no-store');
  res.type('text/plain').send('No such sitemap.\n');
}
