import type { StoryImage } from '../../shared/figures';
import type { SiteImage, SiteSettings } from '../../shared/siteSettings';
import type { PublicationRecord } from '../persistence/Store';
import { escapeHtml } from './escapeHtml';
import { DEFAULT_SITE, encode, isoDate, page, SiteDates, storyAnchor, type SiteContext, type StoryLink } from './pageLayout';
import { figureHtml, sharedImage } from './pictureMarkup';
import { authorPath, sectionPath, STORIES_PATH, tagPath } from './site';
import { newsArticleJsonLd } from './structuredData';

/**
 * The story page and the error page, in the frame of pageLayout.ts. Every plain-text value is escaped here;
 * only `bodyHtml`, sanitized by renderStory, goes in as-is.
 */

type PageContext = 'section' | 'tags' | 'authors' | 'corrections';

/**
 * `lead`, section, tags, authors and corrections may be left out: a view without them (a draft's preview, an
 * old revision's) shows none.
 */
export type PublishedStoryView = Omit<PublicationRecord, 'storyId' | 'publishedBy' | 'unpublishedAt' | 'lead' | PageContext> & {
  lead?: StoryImage | null;
} & Partial<Pick<PublicationRecord, PageContext>>;

/** A page shown to the newsroom, not readers: a draft or an old revision. Marked, and kept out of search engines. */
export type PreviewNotice = { label: string; detail: string };

export type PublicErrorStatus = 400 | 401 | 403 | 404 | 410 | 500;

const ERROR_TITLES: Record<PublicErrorStatus, string> = {
  400: 'Bad request',
  401: 'Sign in to see this page',
  403: 'Not allowed',
  404: 'Page not found',
  410: 'Story no longer available',
  500: 'Something went wrong',
};

export function renderStoryPage(
  story: PublishedStoryView,
  recent: StoryLink[],
  canonicalUrl: string,
  preview?: PreviewNotice,
  site: SiteContext = DEFAULT_SITE,
): string {
  const headline = story.headline || 'Untitled story';
  const dates = new SiteDates(site.settings);
  const meta = storyMeta(story, headline, canonicalUrl, site.settings);
  return page(site, {
    title: `${preview ? `${preview.label}: ` : ''}${headline} — ${site.settings.name}`,
    head: preview ? `<meta name="robots" content="noindex, nofollow">\n${meta}` : meta,
    main: [
      preview ? previewBanner(preview) : '',
      '<article class="story">',
      storyHeader(story, headline, dates),
      story.lead ? figureHtml({ ...story.lead, layout: 'wide' }, 'lead') : '',
      `<div class="story-body">${story.bodyHtml}</div>`,
      tagList(story.tags ?? []),
      correctionsSection(story.corrections ?? [], dates),
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

export function renderPublicError(status: PublicErrorStatus, message: string, site: SiteContext = DEFAULT_SITE): string {
  const title = ERROR_TITLES[status];
  return page(site, {
    title: `${title} — ${site.settings.name}`,
    head: '<meta name="robots" content="noindex">',
    main: [
      '<div class="error-page">',
      `<h1>${escapeHtml(title)}</h1>`,
      `<p>${escapeHtml(message)}</p>`,
      `<p><a href="${STORIES_PATH}">Browse all stories</a></p>`,
      '</div>',
    ].join('\n'),
  });
}

function storyMeta(story: PublishedStoryView, headline: string, canonicalUrl: string, site: SiteSettings): string {
  const origin = originOf(canonicalUrl);
  const tags = [
    `<link rel="canonical" href="${escapeHtml(canonicalUrl)}">`,
    metaProperty('og:type', 'article'),
    metaProperty('og:site_name', site.name),
    metaProperty('og:title', headline),
    metaProperty('og:url', canonicalUrl),
    metaProperty('og:locale', site.language.replace('-', '_')),
    metaName('twitter:title', headline),
  ];
  if (story.standfirst) {
    tags.unshift(`<meta name="description" content="${escapeHtml(story.standfirst)}">`);
    tags.push(metaProperty('og:description', story.standfirst), metaName('twitter:description', story.standfirst));
  }
  const published = isoDate(story.publishedAt);
  if (published) tags.push(metaProperty('article:published_time', published));
  const modified = isoDate(story.updatedAt);
  if (modified) tags.push(metaProperty('article:modified_time', modified));
  if (story.section) tags.push(metaProperty('article:section', story.section));
  for (const tag of story.tags ?? []) tags.push(metaProperty('article:tag', tag));
  if (story.lead) tags.push(...shareImageMeta(story.lead, origin));
  else if (site.socialImage) tags.push(...shareImageMeta({ ...site.socialImage, alt: '' }, origin));
  else tags.push(metaName('twitter:card', 'summary'));
  tags.push(jsonLdScript(newsArticleJsonLd({ story, headline, canonicalUrl, origin, site })));
  return tags.join('\n');
}

/**
 * Structured data as a data block: JSON with `<`, `>`, `&` and the JS line separators written as \u escapes,
 * so no text of the story can close the element or start markup. The public CSP allows no script at all; a
 * data block is not script, and browsers neither run nor block it.
 */
function jsonLdScript(data: object): string {
  return `<script type="application/ld+json">${JSON.stringify(data).replace(/[<>&\u2028\u2029]/g, unicodeEscape)}</script>`;
}

function unicodeEscape(c: string): string {
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** The canonical address is always absolute; should it not parse, a relative image beats a failed page. */
function originOf(url: string): string {
  return URL.canParse(url) ? new URL(url).origin : '';
}

/**
 * What a shared link shows: the lead image's 1280 JPEG (or the site's default social image), at an absolute
 * address, as a large card.
 */
function shareImageMeta(lead: SiteImage & { alt: string }, origin: string): string[] {
  const image = sharedImage(lead);
  const url = `${origin}${image.path}`;
  const tags = [
    metaProperty('og:image', url),
    metaProperty('og:image:type', 'image/jpeg'),
    metaProperty('og:image:width', String(image.width)),
    metaProperty('og:image:height', String(image.height)),
  ];
  if (lead.alt) tags.push(metaProperty('og:image:alt', lead.alt));
  tags.push('<meta name="twitter:card" content="summary_large_image">', metaName('twitter:image', url));
  if (lead.alt) tags.push(metaName('twitter:image:alt', lead.alt));
  return tags;
}

function metaProperty(property: string, content: string): string {
  return `<meta property="${escapeHtml(property)}" content="${escapeHtml(content)}">`;
}

function metaName(name: string, content: string): string {
  return `<meta name="${escapeHtml(name)}" content="${escapeHtml(content)}">`;
}

// ---------------------------------------------------------------------------
// Story parts

function storyHeader(story: PublishedStoryView, headline: string, dates: SiteDates): string {
  const lines = ['<header class="story-header">'];
  if (story.section)
    lines.push(`<p class="section"><a href="${escapeHtml(sectionPath(story.section))}">${escapeHtml(story.section)}</a></p>`);
  lines.push(`<h1>${escapeHtml(headline)}</h1>`);
  if (story.standfirst) lines.push(`<p class="standfirst">${escapeHtml(story.standfirst)}</p>`);
  if (story.byline) lines.push(`<p class="byline">${escapeHtml(bylineText(story.byline))}</p>`);
  const authors = story.authors ?? [];
  if (authors.length > 0) {
    const links = authors.map((a) => `<a rel="author" href="${escapeHtml(authorPath(a.id))}">${escapeHtml(a.name)}</a>`);
    lines.push(`<p class="authors">${authors.length === 1 ? 'Author' : 'Authors'}: ${links.join(', ')}</p>`);
  }
  const dateLine = dateline(story.publishedAt, story.updatedAt, dates);
  if (dateLine) lines.push(`<p class="dateline">${dateLine}</p>`);
  lines.push('</header>');
  return lines.join('\n');
}

function tagList(tags: string[]): string {
  if (tags.length === 0) return '';
  const items = tags.map((tag) => `<li><a rel="tag" href="${escapeHtml(tagPath(tag))}">${escapeHtml(tag)}</a></li>`);
  return `<nav class="story-tags" aria-label="Tags">\n<ul>\n${items.join('\n')}\n</ul>\n</nav>`;
}

/** Every correction noted on republishing, oldest first, each with the time its publication went out. */
function correctionsSection(corrections: PublicationRecord['corrections'], dates: SiteDates): string {
  if (corrections.length === 0) return '';
  const items = corrections.map((c) => {
    const time = dates.time(c.at);
    return `<li><p><strong>Correction:</strong> ${escapeHtml(c.text)}${time ? ` <span class="correction-date">${time}</span>` : ''}</p></li>`;
  });
  return [
    '<section class="corrections" aria-labelledby="corrections-heading">',
    '<h2 id="corrections-heading">Corrections</h2>',
    `<ul>\n${items.join('\n')}\n</ul>`,
    '</section>',
  ].join('\n');
}

function bylineText(byline: string): string {
  return /^by\b/i.test(byline) ? byline : `By ${byline}`;
}

function dateline(publishedAt: string, updatedAt: string, dates: SiteDates): string {
  const published = dates.time(publishedAt);
  const updated = dates.time(updatedAt);
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
