import type { PublicationEntry } from '../persistence/PublicationStore';
import { escapeXml, type FeedSite, storyUrl } from './feeds';

/**
 * Files for search engines (sitemaps.org 0.9, Google News sitemaps): built only from stored publications,
 * every address absolute, every date ISO 8601 in UTC. Like the feeds they never read the clock, so the
 * same stories give the same bytes and ETag; the news sitemap's two-day window is chosen by its caller.
 */

export const SITEMAP_PATH = '/sitemap.xml';
export const NEWS_SITEMAP_PATH = '/news-sitemap.xml';
export const ROBOTS_PATH = '/robots.txt';
/** Where page `n` of the stories lives once they no longer fit in one sitemap. */
const sitemapPagePath = (n: number) => `/sitemaps/stories-${n}.xml`;

export const SITEMAP_CONTENT_TYPE = 'application/xml; charset=utf-8';
export const ROBOTS_CONTENT_TYPE = 'text/plain; charset=utf-8';

/** The protocol's limit of URLs in one sitemap (and of sitemaps in one index). */
export const SITEMAP_MAX_URLS = 50_000;
/** Google News reads at most this many URLs from a news sitemap… */
export const NEWS_SITEMAP_MAX_URLS = 1000;
/** …published within this long. */
export const NEWS_WINDOW_MS = 2 * 86_400_000;

const SITEMAP_NS = 'http://www.sitemaps.org/schemas/sitemap/0.9';
const NEWS_NS = 'http://www.google.com/schemas/sitemap-news/0.9';

/** The publication named in a news sitemap: the site's name and its language (ISO 639, e.g. `en`). */
export type NewsPublication = { name: string; language: string };

/** One story per <url>: its address and when it last changed. */
export function renderSitemap(entries: readonly PublicationEntry[], site: FeedSite): string {
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>', `<urlset xmlns="${SITEMAP_NS}">`];
  for (const entry of entries) {
    lines.push(`<url><loc>${escapeXml(storyUrl(site, entry.slug))}</loc><lastmod>${isoDate(entry.updatedAt)}</lastmod></url>`);
  }
  lines.push('</urlset>', '');
  return lines.join('\n');
}

/** The index of `pages` sitemap pages (1…pages). No <lastmod>: it is optional, and a page's would cost a query. */
export function renderSitemapIndex(pages: number, site: FeedSite): string {
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>', `<sitemapindex xmlns="${SITEMAP_NS}">`];
  for (let n = 1; n <= pages; n++) lines.push(`<sitemap><loc>${escapeXml(`${site.origin}${sitemapPagePath(n)}`)}</loc></sitemap>`);
  lines.push('</sitemapindex>', '');
  return lines.join('\n');
}

/** Recent stories with what Google News needs of each: the publication, the first publication date and the title. */
export function renderNewsSitemap(entries: readonly PublicationEntry[], site: FeedSite, publication: NewsPublication): string {
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>', `<urlset xmlns="${SITEMAP_NS}" xmlns:news="${NEWS_NS}">`];
  for (const entry of entries.slice(0, NEWS_SITEMAP_MAX_URLS)) {
    lines.push(
      '<url>',
      `<loc>${escapeXml(storyUrl(site, entry.slug))}</loc>`,
      '<news:news>',
      `<news:publication><news:name>${escapeXml(publication.name)}</news:name>` +
        `<news:language>${escapeXml(publication.language)}</news:language></news:publication>`,
      `<news:publication_date>${isoDate(entry.publishedAt)}</news:publication_date>`,
      `<news:title>${escapeXml(entry.headline || 'Untitled story')}</news:title>`,
      '</news:news>',
      '</url>',
    );
  }
  lines.push('</urlset>', '');
  return lines.join('\n');
}

/**
 * Everything but the newsroom: its API, its previews, its sockets and the app's own pages (client/lib/routes.ts)
 * are not for crawlers. The public site (stories, feeds, pictures, stylesheet) stays open.
 */
export const ROBOTS_DISALLOWED = [
  '/api/',
  '/preview/',
  '/socket.io/',
  '/yjs/',
  '/story/',
  '/setup',
  '/signin',
  '/settings',
  '/admin/',
  '/media-library',
  '/trash',
] as const;

export function renderRobots(site: FeedSite): string {
  return [
    'User-agent: *',
    'Allow: /',
    ...ROBOTS_DISALLOWED.map((path) => `Disallow: ${path}`),
    '',
    `Sitemap: ${site.origin}${SITEMAP_PATH}`,
    `Sitemap: ${site.origin}${NEWS_SITEMAP_PATH}`,
    '',
  ].join('\n');
}

/** W3C datetime (ISO 8601, UTC); a stored date that does not parse is the epoch rather than an invalid file. */
function isoDate(value: string): string {
  const time = Date.parse(value);
  return new Date(Number.isNaN(time) ? 0 : time).toISOString();
}
