import sanitizeHtml from 'sanitize-html';
import type { StoryImage } from '../../shared/figures';
import { mediaUrl } from '../../shared/media';
import type { PublicationRecord } from '../persistence/Store';
import { sharedImage, type SharedImage } from './pictureMarkup';
import { DEFAULT_SITE_SETTINGS, type SiteSettings } from '../../shared/siteSettings';
import { ATOM_PATH, JSON_FEED_PATH, STORIES_PATH } from './site';

/**
 * Syndication: the latest publications as Atom 1.0 and JSON Feed 1.1.
 *
 * Both are built only from stored publications and are deterministic (no "now"),
 * so the same publications always give the same bytes and the same ETag.
 * Plain-text fields are escaped here; `bodyHtml` (sanitized by renderStory)
 * travels as escaped text in Atom and as a JSON string in JSON Feed, its
 * pictures' addresses made absolute (a feed reader is not on our site).
 * The lead image is each entry's image: an enclosure and Media RSS content in
 * Atom, `image` in JSON Feed.
 */

export type FeedStory = Pick<
  PublicationRecord,
  'storyId' | 'slug' | 'headline' | 'standfirst' | 'byline' | 'bodyHtml' | 'publishedAt' | 'updatedAt'
> & { lead?: StoryImage | null };

/**
 * Where the feed lives: `origin` is the public origin, e.g. https://news.example.com; `settings` the site's
 * (its name, description and language), the defaults when left out.
 */
export type FeedSite = { origin: string; settings?: SiteSettings; channel?: FeedChannel };

/**
 * A feed of one part of the site (a section, tag or author: site.ts `Listing`): its name, and the addresses
 * of its page and feeds. Without one, the feed is the whole site's.
 */
type FeedChannel = { title: string; page: string; atom: string; json: string };

const siteChannel = (settings: SiteSettings): FeedChannel => ({
  title: `${settings.name}: latest stories`,
  page: STORIES_PATH,
  atom: ATOM_PATH,
  json: JSON_FEED_PATH,
});

const channelOf = (site: FeedSite, settings: SiteSettings) =>
  site.channel ? { ...site.channel, title: `${settings.name}: ${site.channel.title}` } : siteChannel(settings);

export const ATOM_CONTENT_TYPE = 'application/atom+xml; charset=utf-8';
export const JSON_FEED_CONTENT_TYPE = 'application/feed+json; charset=utf-8';

const feedDescription = ({ name, description }: SiteSettings) => description || `The latest stories from ${name}.`;
/** A valid date for a feed with no entries; never "now", which would change the ETag every request. */
const EPOCH = '1970-01-01T00:00:00.000Z';

export function renderAtomFeed(stories: readonly FeedStory[], site: FeedSite): string {
  const settings = site.settings ?? DEFAULT_SITE_SETTINGS;
  const channel = channelOf(site, settings);
  const home = `${site.origin}${channel.page}`;
  const self = `${site.origin}${channel.atom}`;
  const lines = [
    '<?xml version="1.0" encoding="utf-8"?>',
    `<feed xmlns="http://www.w3.org/2005/Atom" xmlns:media="${MEDIA_RSS}" xml:lang="${escapeXml(settings.language)}">`,
    element('id', self),
    element('title', channel.title),
    element('subtitle', feedDescription(settings)),
    element('updated', latestUpdate(stories)),
    `<link rel="self" type="application/atom+xml" href="${escapeXml(self)}"/>`,
    `<link rel="alternate" type="text/html" href="${escapeXml(home)}"/>`,
    // Atom needs an author for every entry; the site stands in for stories without a byline.
    `<author>${element('name', settings.name)}</author>`,
  ];
  for (const story of stories) lines.push(atomEntry(story, site));
  lines.push('</feed>', '');
  return lines.join('\n');
}

function atomEntry(story: FeedStory, site: FeedSite): string {
  const url = storyUrl(site, story.slug);
  const author = authorName(story.byline);
  const lines = [
    '<entry>',
    element('id', entryId(story.storyId)),
    element('title', headlineOf(story)),
    `<link rel="alternate" type="text/html" href="${escapeXml(url)}"/>`,
    element('published', isoOr(story.publishedAt)),
    element('updated', isoOr(story.updatedAt)),
  ];
  if (story.lead) lines.push(...atomImage(story.lead, site));
  if (author) lines.push(`<author>${element('name', author)}</author>`);
  if (story.standfirst) lines.push(element('summary', story.standfirst));
  lines.push(`<content type="html">${escapeXml(absoluteImages(story.bodyHtml, site))}</content>`, '</entry>');
  return lines.join('\n');
}

const MEDIA_RSS = 'http://search.yahoo.com/mrss/';

/** The lead image twice over: Atom's own enclosure link, and Media RSS for readers that show a picture with its words. */
function atomImage(lead: StoryImage, site: FeedSite): string[] {
  const image = sharedImage(lead);
  const url = escapeXml(absolute(site, image.path));
  const words = [];
  if (lead.alt) words.push(element('media:description', lead.alt));
  if (lead.credit) words.push(element('media:credit', lead.credit));
  return [
    `<link rel="enclosure" type="image/jpeg" href="${url}"/>`,
    `<media:content url="${url}" medium="image" type="image/jpeg" width="${image.width}" height="${image.height}">`,
    ...words,
    '</media:content>',
  ];
}

export type JsonFeed = {
  version: 'https://jsonfeed.org/version/1.1';
  title: string;
  description: string;
  home_page_url: string;
  feed_url: string;
  language: string;
  authors: { name: string }[];
  items: JsonFeedItem[];
};

type JsonFeedItem = {
  id: string;
  url: string;
  title: string;
  summary?: string;
  content_html: string;
  /** The lead image's 1280 JPEG, absolute. */
  image?: string;
  date_published: string;
  date_modified: string;
  authors?: { name: string }[];
};

export function jsonFeed(stories: readonly FeedStory[], site: FeedSite): JsonFeed {
  const settings = site.settings ?? DEFAULT_SITE_SETTINGS;
  const channel = channelOf(site, settings);
  return {
    version: 'https://jsonfeed.org/version/1.1',
    title: channel.title,
    description: feedDescription(settings),
    home_page_url: `${site.origin}${channel.page}`,
    feed_url: `${site.origin}${channel.json}`,
    language: settings.language,
    authors: [{ name: settings.name }],
    items: stories.map((story) => {
      const author = authorName(story.byline);
      return {
        id: entryId(story.storyId),
        url: storyUrl(site, story.slug),
        title: headlineOf(story),
        ...(story.standfirst ? { summary: story.standfirst } : {}),
        content_html: absoluteImages(story.bodyHtml, site),
        ...(story.lead ? { image: absolute(site, sharedImage(story.lead).path) } : {}),
        date_published: isoOr(story.publishedAt),
        date_modified: isoOr(story.updatedAt),
        ...(author ? { authors: [{ name: author }] } : {}),
      };
    }),
  };
}

/**
 * JSON text of the feed. `<`, `>` and `&` (and the JS line separators) are written
 * as \u escapes: the parsed value is identical, but no markup appears raw in the bytes,
 * whatever a sniffing or careless consumer does with them.
 */
export function renderJsonFeed(stories: readonly FeedStory[], site: FeedSite): string {
  return `${JSON.stringify(jsonFeed(stories, site), null, 2).replace(/[<>&\u2028\u2029]/g, unicodeEscape)}\n`;
}

function unicodeEscape(c: string): string {
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

// ---------------------------------------------------------------------------
// Pictures

function absolute(site: FeedSite, path: SharedImage['path']): string {
  return `${site.origin}${path}`;
}

/** "/media/": where every picture address starts. */
const MEDIA_PATH = mediaUrl('ID').split('ID')[0];

/**
 * The body's picture addresses (`/media/…`, relative on our own pages) made absolute. Rewritten by a
 * real HTML parser, never by matching text: the words of the story may well say "/media/" too. A body
 * without pictures is passed on as it is.
 */
export function absoluteImages(html: string, site: FeedSite): string {
  if (!html.includes(MEDIA_PATH)) return html;
  const onSite = (url: string) => (url.startsWith(MEDIA_PATH) ? `${site.origin}${url}` : url);
  const rewrite = (tagName: string, attribs: sanitizeHtml.Attributes) => {
    const out = { ...attribs };
    if (out.src) out.src = onSite(out.src);
    if (out.srcset) out.srcset = out.srcset.replace(/(^|,\s*)(\S+)/g, (_m, lead: string, url: string) => lead + onSite(url));
    return { tagName, attribs: out };
  };
  return sanitizeHtml(html, {
    allowedTags: false,
    allowedAttributes: false,
    allowVulnerableTags: true,
    selfClosing: [...sanitizeHtml.defaults.selfClosing, 'source'],
    transformTags: { img: rewrite, source: rewrite },
  });
}

// ---------------------------------------------------------------------------
// XML

/**
 * XML text or attribute value. Escapes the five markup characters (so `]]>`
 * cannot occur) and drops what XML 1.0 cannot carry at all, not even as a
 * character reference: C0 controls other than tab/LF/CR, U+FFFE/U+FFFF and
 * lone surrogates (→ U+FFFD). C1 controls and DEL are dropped too: legal but
 * never meant in news copy.
 */
export function escapeXml(text: string): string {
  return text
    .replace(XML_UNREPRESENTABLE, '')
    .replace(LONE_SURROGATE, '\uFFFD')
    .replace(/[&<>"']/g, (c) => XML_ENTITIES[c]);
}

// Control characters are exactly what XML 1.0 cannot carry.
// eslint-disable-next-line no-control-regex
const XML_UNREPRESENTABLE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF]/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const XML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

function element(name: string, text: string): string {
  return `<${name}>${escapeXml(text)}</${name}>`;
}

// ---------------------------------------------------------------------------
// Shared values

/** Stable across republication, slug and host changes: the story id is a UUID. */
export function entryId(storyId: string): string {
  return `urn:uuid:${storyId.toLowerCase()}`;
}

export function storyUrl(site: FeedSite, slug: string): string {
  return `${site.origin}${STORIES_PATH}/${encodeURIComponent(slug.replace(LONE_SURROGATE, '\uFFFD'))}`;
}

function headlineOf(story: FeedStory): string {
  return story.headline || 'Untitled story';
}

/** A byline is a name, or "By <name>" as the page prints it; feeds want the name. */
function authorName(byline: string): string {
  return byline.replace(/^by\s+/i, '').trim();
}

/** The latest `updatedAt` in the feed: the feed changed then. */
function latestUpdate(stories: readonly FeedStory[]): string {
  let latest = '';
  for (const story of stories) {
    const at = isoOr(story.updatedAt, '');
    if (at > latest) latest = at;
  }
  return latest || EPOCH;
}

/** RFC 3339 in UTC; a stored date that does not parse becomes the fallback rather than an invalid feed. */
function isoOr(value: string, fallback = EPOCH): string {
  const time = Date.parse(value);
  return Number.isNaN(time) ? fallback : new Date(time).toISOString();
}
