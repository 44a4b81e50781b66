import { LIMITS } from '../../shared/limits';
import { escapeHtml } from './escapeHtml';
import { DEFAULT_SITE, type FeedLinks, page, type SiteContext, SiteDates, storyAnchor, type StoryLink } from './pageLayout';
import { indexPath, type ListingKind, listingFeeds, pagedPath, SEARCH_PATH, sectionPath } from './site';

/**
 * The pages that list stories (docs/site.md#index-pages): the home page (the latest, then a block per
 * section), a section's, tag's or author's page, and the search's results. Each is paginated with newer and
 * older links; plain text is escaped here.
 */

/** Which page of a listing this is; `canonicalUrl` is its absolute address. */
export type IndexPaging = { page: number; totalPages: number; canonicalUrl?: string };

/** A section's latest stories on the home page, with its name (as published) and its page's address. */
export type SectionBlock = { name: string; stories: StoryLink[] };

/** A section, tag or author: what its page is called and where it is. */
export type Listing = { kind: ListingKind; name: string; path: string };

const FIRST_PAGE: IndexPaging = { page: 1, totalPages: 1 };

/** The home page: the latest stories newest first, paginated, and on its first page a block per section. */
export function renderStoryIndex(
  stories: StoryLink[],
  paging: IndexPaging = FIRST_PAGE,
  site: SiteContext = DEFAULT_SITE,
  sections: SectionBlock[] = [],
): string {
  const { name, description } = site.settings;
  const n = paging.page;
  const blocks = n === 1 ? sectionBlocks(sections, new SiteDates(site.settings)) : '';
  return page(site, {
    title: n > 1 ? `Stories, page ${n} — ${name}` : `Stories — ${name}`,
    head: listingHead(description || `${name}: latest published stories`, paging, indexPath),
    main: [
      heading('Stories', paging),
      storyList(stories, site, 'No stories have been published yet. Check back soon.'),
      pagination(paging, indexPath),
      blocks,
    ]
      .filter(Boolean)
      .join('\n'),
  });
}

const KIND_LABELS: Record<ListingKind, string> = { section: 'Section', tag: 'Tag', author: 'Author' };

/** A section's, tag's or author's page: its stories newest first, paginated, and its own feeds. */
export function renderListing(listing: Listing, stories: StoryLink[], paging: IndexPaging, site: SiteContext = DEFAULT_SITE): string {
  const { name: siteName } = site.settings;
  const title = listing.kind === 'author' ? `Stories by ${listing.name}` : listing.name;
  const feeds: FeedLinks = { ...listingFeeds(listing.path), title: `${siteName}: ${title}` };
  const at = (n: number) => pagedPath(listing.path, n);
  return page(site, {
    title: `${title}${paging.page > 1 ? `, page ${paging.page}` : ''} — ${siteName}`,
    head: listingHead(`${title}: the latest stories from ${siteName}`, paging, at),
    feeds,
    main: [
      `<p class="listing-kind">${KIND_LABELS[listing.kind]}</p>`,
      heading(title, paging),
      feedLinks(feeds),
      storyList(stories, site, 'Nothing is published here at the moment.'),
      pagination(paging, at),
    ].join('\n'),
  });
}

/** What the search found for `text` ('' before anything was asked), newest first; never indexed. */
export function renderSearchResults(
  text: string,
  result: { total: number; stories: StoryLink[] },
  paging: IndexPaging,
  site: SiteContext = DEFAULT_SITE,
): string {
  const base = `${SEARCH_PATH}?q=${encodeURIComponent(text)}`;
  const at = (n: number) => (n <= 1 ? base : `${base}&page=${n}`);
  const found = text ? searchSummary(text, result.total) : '<p class="empty">Type words to search the published stories.</p>';
  return page(site, {
    title: `${text ? `Search: ${text}` : 'Search'} — ${site.settings.name}`,
    head: '<meta name="robots" content="noindex">',
    main: [
      heading('Search', paging),
      searchForm(text),
      found,
      result.total > 0 ? storyList(result.stories, site, '') : '',
      text ? pagination(paging, at) : '',
    ]
      .filter(Boolean)
      .join('\n'),
  });
}

function searchSummary(text: string, total: number): string {
  const words = `“${escapeHtml(text)}”`;
  if (total === 0) return `<p class="empty">No published stories match ${words}.</p>`;
  return `<p class="search-count">${total === 1 ? '1 story matches' : `${total.toLocaleString('en')} stories match`} ${words}.</p>`;
}

/** The search page's own form (the masthead has a smaller one): its words kept for changing them. */
function searchForm(text: string): string {
  return [
    `<form class="search-page-form" role="search" aria-label="Search again" action="${SEARCH_PATH}" method="get">`,
    '<label for="search-page-q">Search words</label>',
    `<input id="search-page-q" type="search" name="q" value="${escapeHtml(text)}" maxlength="${LIMITS.siteSearchQuery}">`,
    '<button type="submit">Search</button>',
    '</form>',
  ].join('\n');
}

function heading(title: string, { page: n, totalPages }: IndexPaging): string {
  const h1 = `<h1>${escapeHtml(title)}</h1>`;
  return totalPages > 1 ? `${h1}\n<p class="page-count">Page ${n} of ${totalPages}</p>` : h1;
}

function listingHead(description: string, paging: IndexPaging, at: (page: number) => string): string {
  const head = [`<meta name="description" content="${escapeHtml(description)}">`];
  if (paging.canonicalUrl) head.push(`<link rel="canonical" href="${escapeHtml(paging.canonicalUrl)}">`);
  if (paging.page > 1) head.push(`<link rel="prev" href="${escapeHtml(at(paging.page - 1))}">`);
  if (paging.page < paging.totalPages) head.push(`<link rel="next" href="${escapeHtml(at(paging.page + 1))}">`);
  return head.join('\n');
}

function feedLinks(feeds: FeedLinks): string {
  return [
    '<p class="listing-feeds">Follow: ',
    `<a href="${escapeHtml(feeds.atom)}" type="application/atom+xml">Atom feed</a> · `,
    `<a href="${escapeHtml(feeds.json)}" type="application/feed+json">JSON feed</a>`,
    '</p>',
  ].join('');
}

function storyList(stories: StoryLink[], site: SiteContext, empty: string): string {
  if (stories.length === 0) return empty ? `<p class="empty">${escapeHtml(empty)}</p>` : '';
  const dates = new SiteDates(site.settings);
  return `<ol class="story-list">\n${stories.map((story) => indexItem(story, dates)).join('\n')}\n</ol>`;
}

function pagination({ page: n, totalPages }: IndexPaging, at: (page: number) => string): string {
  const links = [];
  if (n > 1) links.push(`<li class="newer"><a rel="prev" href="${escapeHtml(at(n - 1))}">Newer stories</a></li>`);
  if (n < totalPages) links.push(`<li class="older"><a rel="next" href="${escapeHtml(at(n + 1))}">Older stories</a></li>`);
  if (links.length === 0) return '';
  return ['<nav class="pagination" aria-label="More stories">', `<ul>\n${links.join('\n')}\n</ul>`, '</nav>'].join('\n');
}

/** Each section's latest few, under its name; "More in …" leads to its page. */
function sectionBlocks(sections: SectionBlock[], dates: SiteDates): string {
  const filled = sections.filter((s) => s.stories.length > 0);
  if (filled.length === 0) return '';
  const blocks = filled.map((section, i) => {
    const id = `section-block-${i + 1}`;
    const href = escapeHtml(sectionPath(section.name));
    const name = escapeHtml(section.name);
    return [
      `<section class="section-block" aria-labelledby="${id}">`,
      `<h3 id="${id}"><a href="${href}">${name}</a></h3>`,
      `<ul>\n${section.stories.map((s) => `<li>${storyAnchor(s)}\n${dates.day(s.publishedAt)}</li>`).join('\n')}\n</ul>`,
      `<p class="more"><a href="${href}">More in ${name}</a></p>`,
      '</section>',
    ].join('\n');
  });
  return [
    '<div class="sections" role="region" aria-labelledby="sections-heading">',
    '<h2 id="sections-heading">Sections</h2>',
    ...blocks,
    '</div>',
  ].join('\n');
}

function indexItem(story: StoryLink, dates: SiteDates): string {
  const parts = [`<h2>${storyAnchor(story)}</h2>`];
  if (story.standfirst) parts.push(`<p>${escapeHtml(story.standfirst)}</p>`);
  const time = dates.day(story.publishedAt);
  if (time) parts.push(`<p class="dateline">${time}</p>`);
  return `<li>\n${parts.join('\n')}\n</li>`;
}
