import { LIMITS } from '../../shared/limits';
import { mediaUrl } from '../../shared/media';
import { DEFAULT_SITE_SETTINGS, type SiteImage, type SiteSettings } from '../../shared/siteSettings';
import type { PublicationRecord } from '../persistence/PublicationStore';
import { escapeHtml } from './escapeHtml';
import { ATOM_PATH, JSON_FEED_PATH, SEARCH_PATH, sectionPath, siteStylesheetPath, STORIES_PATH, STYLESHEET_PATH } from './site';

/**
 * The frame every public page shares (masthead, navigation, search, footer), and how pages write dates and
 * links. No JavaScript, inline scripts or style attributes: the pages are served under a strict CSP.
 */

/**
 * The site the pages belong to: its settings (shared/siteSettings.ts) and `version`, which changes whenever
 * they do (their updatedAt), so the accent stylesheet's address changes with it; `sections`, the navigation's.
 */
export type SiteContext = { settings: SiteSettings; version: string | null; sections?: readonly string[] };

export const DEFAULT_SITE: SiteContext = { settings: DEFAULT_SITE_SETTINGS, version: null };

/** The feeds a page offers (`<link rel="alternate">`): the site's, or a section's, tag's or author's own. */
export type FeedLinks = { atom: string; json: string; title?: string };

const SITE_FEEDS: FeedLinks = { atom: ATOM_PATH, json: JSON_FEED_PATH };

const feedTitle = (feeds: FeedLinks) => (feeds.title ? ` title="${escapeHtml(feeds.title)}"` : '');

/** A whole public page: the site's masthead, navigation and footer around `main`. */
export function page(site: SiteContext, parts: { title: string; head: string; main: string; feeds?: FeedLinks }): string {
  const feeds = parts.feeds ?? SITE_FEEDS;
  return `<!doctype html>
<html lang="${escapeHtml(site.settings.language)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(parts.title)}</title>
${parts.head}
<link rel="alternate" type="application/atom+xml" href="${escapeHtml(feeds.atom)}"${feedTitle(feeds)}>
<link rel="alternate" type="application/feed+json" href="${escapeHtml(feeds.json)}"${feedTitle(feeds)}>
<link rel="stylesheet" href="${STYLESHEET_PATH}">
<link rel="stylesheet" href="${escapeHtml(siteStylesheetPath(site.version))}">
</head>
<body>
<a class="skip-link" href="#main">Skip to content</a>
${masthead(site)}
<main id="main">
${parts.main}
</main>
${siteFooter(site.settings)}
</body>
</html>
`;
}

/**
 * The logo (its words are the name beside it, so its alt is empty) and the name, linking home; the search
 * form (a plain GET: the pages run no script); the sections stories are published in.
 */
function masthead({ settings: { name, logo }, sections = [] }: SiteContext): string {
  const image = logo ? `${logoImg(logo)} ` : '';
  return [
    '<header class="site-header">',
    `<div class="masthead"><a class="site-name" href="${STORIES_PATH}">${image}${escapeHtml(name)}</a>`,
    `<form class="site-search" role="search" aria-label="Site search" action="${SEARCH_PATH}" method="get">`,
    '<label for="site-search-q" class="visually-hidden">Search stories</label>',
    `<input id="site-search-q" type="search" name="q" maxlength="${LIMITS.siteSearchQuery}" autocomplete="off">`,
    '<button type="submit">Search</button>',
    '</form></div>',
    sectionNav(sections),
    '</header>',
  ].join('\n');
}

/**
 * At most NAV_SECTIONS, in name order, one per address; every section still has its page, linked from its
 * stories.
 */
function sectionNav(sections: readonly string[]): string {
  if (sections.length === 0) return '';
  const byPath = new Map<string, string>();
  for (const name of sections) if (!byPath.has(sectionPath(name))) byPath.set(sectionPath(name), name);
  const items = [...byPath.values()]
    .slice(0, NAV_SECTIONS)
    .map((s) => `<li><a href="${escapeHtml(sectionPath(s))}">${escapeHtml(s)}</a></li>`);
  return `<nav class="section-nav" aria-label="Sections">\n<ul>\n${items.join('\n')}\n</ul>\n</nav>`;
}

const NAV_SECTIONS = 10;

/** The logo shows at most 3rem high (story.css): the 320 WebP is sharp enough at any density for that. */
function logoImg(logo: SiteImage): string {
  const width = Math.min(LOGO_WIDTH, logo.width);
  const height = Math.max(1, Math.round((logo.height * width) / logo.width));
  return `<img class="site-logo" src="${escapeHtml(mediaUrl(logo.media, `${LOGO_WIDTH}.webp`))}" width="${width}" height="${height}" alt="">`;
}

const LOGO_WIDTH = 320;

/** The newsroom's footer: its words (line breaks kept as lines) and links; nothing at all when it has none. */
function siteFooter({ footerText, footerLinks }: SiteSettings): string {
  const parts = [];
  if (footerText) parts.push(`<p>${footerText.split(/\r?\n/).map(escapeHtml).join('<br>')}</p>`);
  if (footerLinks.length > 0) {
    const items = footerLinks.map((link) => `<li><a href="${escapeHtml(link.url)}">${escapeHtml(link.label)}</a></li>`);
    parts.push(`<nav aria-label="Site links"><ul class="footer-links">\n${items.join('\n')}\n</ul></nav>`);
  }
  return `<footer class="site-footer">${parts.join('\n')}</footer>`;
}

export type StoryLink = Pick<PublicationRecord, 'slug' | 'headline' | 'standfirst' | 'publishedAt'>;

export const toLink = (p: PublicationRecord): StoryLink => ({
  slug: p.slug,
  headline: p.headline,
  standfirst: p.standfirst,
  publishedAt: p.publishedAt,
});

export function storyAnchor(story: StoryLink): string {
  const href = `${STORIES_PATH}/${encode(story.slug)}`;
  return `<a href="${escapeHtml(href)}">${escapeHtml(story.headline || 'Untitled story')}</a>`;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** encodeURIComponent throws on a lone surrogate; a headline must never 500 the page. */
export function encode(value: string): string {
  return encodeURIComponent(value.replace(LONE_SURROGATE, '\uFFFD'));
}

/**
 * `<time>` elements in the site's language and time zone: the story page says the time too ("1 December
 * 2026 at 14:05 GMT"), the index only the day. The `datetime` is the instant, ISO 8601 in UTC. '' for an
 * unparseable date: better no date than "Invalid Date" or a throw.
 */
export class SiteDates {
  readonly #withTime: Intl.DateTimeFormat;
  readonly #dayOnly: Intl.DateTimeFormat;

  constructor({ language, timeZone }: Pick<SiteSettings, 'language' | 'timeZone'>) {
    const day = { day: 'numeric', month: 'long', year: 'numeric', timeZone } as const;
    this.#dayOnly = new Intl.DateTimeFormat(language, day);
    this.#withTime = new Intl.DateTimeFormat(language, { ...day, hour: '2-digit', minute: '2-digit', timeZoneName: 'short' });
  }

  time(iso: string): string {
    return this.#element(iso, this.#withTime);
  }

  day(iso: string): string {
    return this.#element(iso, this.#dayOnly);
  }

  #element(iso: string, format: Intl.DateTimeFormat): string {
    const normalized = isoDate(iso);
    if (!normalized) return '';
    return `<time datetime="${normalized}">${escapeHtml(format.format(new Date(normalized)))}</time>`;
  }
}

export function isoDate(value: string): string {
  const time = Date.parse(value);
  return Number.isNaN(time) ? '' : new Date(time).toISOString();
}
