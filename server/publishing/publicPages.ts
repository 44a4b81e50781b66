import type { StoryImage } from '../../shared/figures';
import type { PublicationRecord } from '../persistence/Store';
import { escapeHtml } from './escapeHtml';
import { figureHtml, sharedImage } from './pictureMarkup';
import { ATOM_PATH, indexPath, JSON_FEED_PATH, SITE_NAME, STYLESHEET_PATH } from './site';

/**
 * Server-rendered public pages. No JavaScript, inline scripts or style attributes:
 * they are served under a strict CSP. Every plain-text value is escaped here;
 * only `bodyHtml`, sanitized by renderStory, goes in as-is.
 */

/** `lead` may be left out: a view without one (an old revision's, say) shows no lead image. */
export type PublishedStoryView = Omit<PublicationRecord, 'storyId' | 'publishedBy' | 'unpublishedAt' | 'lead'> & {
  lead?: StoryImage | null;
};

/** A page shown to the newsroom, not readers: a draft or an old revision. Marked, and kept out of search engines. */
export type PreviewNotice = { label: string; detail: string };

export type StoryLink = Pick<PublicationRecord, 'slug' | 'headline' | 'standfirst' | 'publishedAt'>;

/** Which page of the index this is; `canonicalUrl` is its absolute address. */
export type IndexPaging = { page: number; totalPages: number; canonicalUrl?: string };

export type PublicErrorStatus = 400 | 401 | 403 | 404 | 410 | 500;

const ERROR_TITLES: Record<PublicErrorStatus, string> = {
  400: 'Bad request',
  401: 'Sign in to see this page',
  403: 'Not allowed',
  404: 'Page not found',
  410: 'Story no longer available',
  500: 'Something went wrong',
};

const dateFormat = new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeZone: 'UTC' });

export function renderStoryPage(story: PublishedStoryView, recent: StoryLink[], canonicalUrl: string, preview?: PreviewNotice): string {
  const headline = story.headline || 'Untitled story';
  const meta = storyMeta(story, headline, canonicalUrl);
  return page({
    title: `${preview ? `${preview.label}: ` : ''}${headline} — ${SITE_NAME}`,
    head: preview ? `<meta name="robots" content="noindex, nofollow">\n${meta}` : meta,
    main: [
      preview ? previewBanner(preview) : '',
      '<article class="story">',
      storyHeader(story, headline),
      story.lead ? figureHtml({ ...story.lead, layout: 'wide' }, 'lead') : '',
      `<div class="story-body">${story.bodyHtml}</div>`,
      shareSection(headline, story.standfirst, canonicalUrl),
      '</article>',
      recentSection(recent),
    ]
      .filter(Boolean)
      .join('\n'),
  });
}

function previewBanner(notice: PreviewNotice): string {
  return `<p class="preview-banner" role="note"><strong>${escapeHtml(notice.label)}</strong> ${escapeHtml(notice.detail)}</p>`;
}

/** One page of the story list, newest first, with links to newer and older pages. */
export function renderStoryIndex(stories: StoryLink[], paging: IndexPaging = { page: 1, totalPages: 1 }): string {
  const { page: n, totalPages } = paging;
  const newer = n > 1 ? indexPath(n - 1) : undefined;
  const older = n < totalPages ? indexPath(n + 1) : undefined;
  const list =
    stories.length === 0
      ? '<p class="empty">No stories have been published yet. Check back soon.</p>'
      : `<ol class="story-list">\n${stories.map(indexItem).join('\n')}\n</ol>`;
  const head = [`<meta name="description" content="${SITE_NAME}: latest published stories">`];
  if (paging.canonicalUrl) head.push(`<link rel="canonical" href="${escapeHtml(paging.canonicalUrl)}">`);
  if (newer) head.push(`<link rel="prev" href="${escapeHtml(newer)}">`);
  if (older) head.push(`<link rel="next" href="${escapeHtml(older)}">`);
  const heading = totalPages > 1 ? `<h1>Stories</h1>\n<p class="page-count">Page ${n} of ${totalPages}</p>` : '<h1>Stories</h1>';
  return page({
    title: n > 1 ? `Stories, page ${n} — ${SITE_NAME}` : `Stories — ${SITE_NAME}`,
    head: head.join('\n'),
    main: [heading, list, pagination(newer, older)].filter(Boolean).join('\n'),
  });
}

function pagination(newer: string | undefined, older: string | undefined): string {
  if (!newer && !older) return '';
  const links = [];
  if (newer) links.push(`<li class="newer"><a rel="prev" href="${escapeHtml(newer)}">Newer stories</a></li>`);
  if (older) links.push(`<li class="older"><a rel="next" href="${escapeHtml(older)}">Older stories</a></li>`);
  return ['<nav class="pagination" aria-label="More stories">', `<ul>\n${links.join('\n')}\n</ul>`, '</nav>'].join('\n');
}

export function renderPublicError(status: PublicErrorStatus, message: string): string {
  const title = ERROR_TITLES[status];
  return page({
    title: `${title} — ${SITE_NAME}`,
    head: '<meta name="robots" content="noindex">',
    main: [
      '<div class="error-page">',
      `<h1>${escapeHtml(title)}</h1>`,
      `<p>${escapeHtml(message)}</p>`,
      '<p><a href="/stories">Browse all stories</a></p>',
      '</div>',
    ].join('\n'),
  });
}

// ---------------------------------------------------------------------------
// Layout

function page(parts: { title: string; head: string; main: string }): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(parts.title)}</title>
${parts.head}
<link rel="alternate" type="application/atom+xml" href="${ATOM_PATH}">
<link rel="alternate" type="application/feed+json" href="${JSON_FEED_PATH}">
<link rel="stylesheet" href="${STYLESHEET_PATH}">
</head>
<body>
<a class="skip-link" href="#main">Skip to content</a>
<header class="site-header"><a class="site-name" href="/stories">${SITE_NAME}</a></header>
<main id="main">
${parts.main}
</main>
<footer class="site-footer"><p>Published with ${SITE_NAME}</p></footer>
</body>
</html>
`;
}

function storyMeta(story: PublishedStoryView, headline: string, canonicalUrl: string): string {
  const tags = [
    `<link rel="canonical" href="${escapeHtml(canonicalUrl)}">`,
    metaProperty('og:type', 'article'),
    metaProperty('og:site_name', SITE_NAME),
    metaProperty('og:title', headline),
    metaProperty('og:url', canonicalUrl),
  ];
  if (story.standfirst) {
    tags.unshift(`<meta name="description" content="${escapeHtml(story.standfirst)}">`);
    tags.push(metaProperty('og:description', story.standfirst));
  }
  const published = isoDate(story.publishedAt);
  if (published) tags.push(metaProperty('article:published_time', published));
  const modified = isoDate(story.updatedAt);
  if (modified) tags.push(metaProperty('article:modified_time', modified));
  if (story.lead) tags.push(...leadImageMeta(story.lead, originOf(canonicalUrl)));
  return tags.join('\n');
}

/** The canonical address is always absolute; should it not parse, a relative image beats a failed page. */
function originOf(url: string): string {
  return URL.canParse(url) ? new URL(url).origin : '';
}

/** What a shared link shows: the lead image's 1280 JPEG, at an absolute address, as a large card. */
function leadImageMeta(lead: StoryImage, origin: string): string[] {
  const image = sharedImage(lead);
  const tags = [
    metaProperty('og:image', `${origin}${image.path}`),
    metaProperty('og:image:type', 'image/jpeg'),
    metaProperty('og:image:width', String(image.width)),
    metaProperty('og:image:height', String(image.height)),
  ];
  if (lead.alt) tags.push(metaProperty('og:image:alt', lead.alt));
  tags.push('<meta name="twitter:card" content="summary_large_image">');
  return tags;
}

function metaProperty(property: string, content: string): string {
  return `<meta property="${escapeHtml(property)}" content="${escapeHtml(content)}">`;
}

// ---------------------------------------------------------------------------
// Story parts

function storyHeader(story: PublishedStoryView, headline: string): string {
  const lines = ['<header class="story-header">', `<h1>${escapeHtml(headline)}</h1>`];
  if (story.standfirst) lines.push(`<p class="standfirst">${escapeHtml(story.standfirst)}</p>`);
  if (story.byline) lines.push(`<p class="byline">${escapeHtml(bylineText(story.byline))}</p>`);
  const dates = dateline(story.publishedAt, story.updatedAt);
  if (dates) lines.push(`<p class="dateline">${dates}</p>`);
  lines.push('</header>');
  return lines.join('\n');
}

function bylineText(byline: string): string {
  return /^by\b/i.test(byline) ? byline : `By ${byline}`;
}

function dateline(publishedAt: string, updatedAt: string): string {
  const published = timeElement(publishedAt);
  const updated = timeElement(updatedAt);
  const first = published ? `Published ${published}` : '';
  if (!updated || sameInstant(publishedAt, updatedAt)) return first;
  return first ? `${first} <span class="updated">Updated ${updated}</span>` : `Updated ${updated}`;
}

function sameInstant(a: string, b: string): boolean {
  return Date.parse(a) === Date.parse(b);
}

function shareSection(headline: string, standfirst: string, url: string): string {
  const u = encode(url);
  const emailBody = encode(standfirst ? `${standfirst}\n\n${url}` : url);
  const links = [
    shareLink(`https://twitter.com/intent/tweet?url=${u}&text=${encode(headline)}`, 'X (Twitter)', true),
    shareLink(`https://www.facebook.com/sharer/sharer.php?u=${u}`, 'Facebook', true),
    shareLink(`https://www.linkedin.com/sharing/share-offsite/?url=${u}`, 'LinkedIn', true),
    shareLink(`mailto:?subject=${encode(headline)}&body=${emailBody}`, 'Email', false),
  ];
  return [
    '<aside class="share" aria-labelledby="share-heading">',
    '<h2 id="share-heading">Share story</h2>',
    `<ul class="share-links">\n${links.join('\n')}\n</ul>`,
    '</aside>',
  ].join('\n');
}

function shareLink(href: string, label: string, newTab: boolean): string {
  const target = newTab ? ' target="_blank" rel="noopener noreferrer"' : '';
  return `<li><a href="${escapeHtml(href)}"${target}>${label}</a></li>`;
}

function recentSection(recent: StoryLink[]): string {
  if (recent.length === 0) return '';
  const items = recent.map((s) => `<li>${storyAnchor(s)}${s.standfirst ? `\n<p>${escapeHtml(s.standfirst)}</p>` : ''}</li>`);
  return [
    '<section class="recent" aria-labelledby="recent-heading">',
    '<h2 id="recent-heading">Recent stories</h2>',
    `<ul>\n${items.join('\n')}\n</ul>`,
    '</section>',
  ].join('\n');
}

function indexItem(story: StoryLink): string {
  const parts = [`<h2>${storyAnchor(story)}</h2>`];
  if (story.standfirst) parts.push(`<p>${escapeHtml(story.standfirst)}</p>`);
  const time = timeElement(story.publishedAt);
  if (time) parts.push(`<p class="dateline">${time}</p>`);
  return `<li>\n${parts.join('\n')}\n</li>`;
}

function storyAnchor(story: StoryLink): string {
  const href = `/stories/${encode(story.slug)}`;
  return `<a href="${escapeHtml(href)}">${escapeHtml(story.headline || 'Untitled story')}</a>`;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** encodeURIComponent throws on a lone surrogate; a headline must never 500 the page. */
function encode(value: string): string {
  return encodeURIComponent(value.replace(LONE_SURROGATE, '\uFFFD'));
}

// ---------------------------------------------------------------------------
// Dates

/** '' for an unparseable date: better no date than "Invalid Date" or a throw. */
function timeElement(iso: string): string {
  const normalized = isoDate(iso);
  if (!normalized) return '';
  return `<time datetime="${normalized}">${escapeHtml(dateFormat.format(new Date(normalized)))}</time>`;
}

function isoDate(value: string): string {
  const time = Date.parse(value);
  return Number.isNaN(time) ? '' : new Date(time).toISOString();
}
