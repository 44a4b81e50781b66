import { describe, it, expect } from 'vitest';
import * as Y from 'yjs';
import { renderStoryIndex } from '../../server/publishing/indexPages';
import type { StoryLink } from '../../server/publishing/pageLayout';
import { renderStoryPage, renderPublicError, type PublishedStoryView } from '../../server/publishing/publicPages';
import { renderStory } from '../../server/publishing/renderStory';

const URL_ = 'https://news.example.com/stories/council-backs-plan';
const enc = encodeURIComponent;

function story(overrides: Partial<PublishedStoryView> = {}): PublishedStoryView {
  return {
    slug: 'council-backs-plan',
    headline: 'Council backs plan',
    standfirst: 'Vote passes after long debate',
    byline: 'Jane Doe',
    bodyHtml: '<p>Body text.</p>',
    publishedAt: '2026-11-29T09:30:00.000Z',
    updatedAt: '2026-11-29T09:30:00.000Z',
    ...overrides,
  };
}

const recent: StoryLink[] = [
  { slug: 'first-story', headline: 'First story', standfirst: 'First summary', publishedAt: '2026-11-28T10:00:00Z' },
  { slug: 'second-story', headline: 'Second story', standfirst: 'Second summary', publishedAt: '2026-11-27T10:00:00Z' },
];

/** A hostile value for every plain-text field: breaks out of text and of both quote styles. */
const EVIL = `"'><script>alert(1)</script><img src=x onerror=alert(2)>`;
const EVIL_ESCAPED = '&quot;&#39;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;';

type Tag = { name: string; attrs: [name: string, value: string][] };

/**
 * Reads the page's real tags. Every literal "<" must open a well-formed tag with
 * double-quoted attribute values; escaped text (&lt;…) is therefore never mistaken for markup.
 */
function tagsOf(html: string): Tag[] {
  const TAG = /<!doctype html>|<(\/?)([a-z][a-z0-9]*)((?:\s+[a-z][a-z0-9:-]*(?:="[^"<>]*")?)*)\s*\/?>/gi;
  const matches = [...html.matchAll(TAG)];
  expect(matches.length).toBe(html.split('<').length - 1);
  return matches.map((m) => ({
    name: (m[2] ?? '!doctype').toLowerCase(),
    attrs: [...(m[3] ?? '').matchAll(/\s+([a-z][a-z0-9:-]*)(?:="([^"]*)")?/gi)].map((a): [string, string] => [
      a[1].toLowerCase(),
      a[2] ?? '',
    ]),
  }));
}

const ALLOWED_TAGS = new Set([
  '!doctype',
  'html',
  'head',
  'meta',
  'title',
  'link',
  'body',
  'header',
  'main',
  'footer',
  'article',
  'aside',
  'section',
  'nav',
  'h1',
  'h2',
  'h3',
  'h4',
  'p',
  'a',
  'ul',
  'ol',
  'li',
  'time',
  'span',
  'div',
  'strong',
  'em',
  's',
  'u',
  'code',
  'pre',
  'blockquote',
  'br',
  'hr',
  // The site search form (masthead); its only form, checked below to go nowhere else.
  'form',
  'label',
  'input',
  'button',
]);

/** The one script element a page may have: structured data, whose JSON holds no "<" at all (\u003c instead). */
const JSON_LD = /<script type="application\/ld\+json">([^<]*)<\/script>/g;

function expectNoInjection(html: string): void {
  const withoutData = html.replace(JSON_LD, (_block, json: string) => {
    expect(() => JSON.parse(json)).not.toThrow();
    return '';
  });
  for (const tag of tagsOf(withoutData)) {
    expect(ALLOWED_TAGS.has(tag.name), `unexpected <${tag.name}>`).toBe(true);
    if (tag.name === 'form' && tag.attrs.length > 0)
      expect(Object.fromEntries(tag.attrs)).toMatchObject({ action: '/search', method: 'get' });
    for (const [name, value] of tag.attrs) {
      expect(name, `event handler on <${tag.name}>`).not.toMatch(/^on/);
      expect(name).not.toBe('style');
      if (name === 'href' || name === 'src') expect(value).toMatch(/^(https?:\/\/|mailto:|\/|#)/);
    }
  }
  expect(html).not.toContain(EVIL);
}

function expectDocumentShell(html: string): void {
  expect(html.startsWith('<!doctype html>')).toBe(true);
  expect(html).toContain('<html lang="en">');
  expect(html).toContain('<meta charset="utf-8">');
  expect(html).toContain('<link rel="stylesheet" href="/public/story.css">');
  expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
  expect(html).toContain('<link rel="alternate" type="application/atom+xml" href="/feed.xml">');
  expect(html).toContain('<link rel="alternate" type="application/feed+json" href="/feed.json">');
  expect(html).toMatch(/<header class="site-header">\n<div class="masthead"><a class="site-name" href="\/stories">News<\/a>/);
  expect(html).toContain('<main id="main">');
  expect(html).toMatch(/<footer[^>]*>/);
  // Strict CSP: no scripts or inline styles of any kind.
  expectNoInjection(html);
}

describe('injection check (self-test)', () => {
  it.each([
    '<p><img src=x onerror=alert(1)></p>',
    '<p><script>alert(1)</script></p>',
    '<a href="javascript:alert(1)">x</a>',
    '<a href=" data:text/html,x">x</a>',
    '<p onclick="x">y</p>',
    '<p style="color:red">y</p>',
    '<meta content="x"><p>"\'><b>',
    `<p>${EVIL}</p>`,
  ])('rejects %j', (html) => {
    expect(() => expectNoInjection(html)).toThrow();
  });

  it('accepts escaped text', () => {
    expect(() => expectNoInjection(`<p title="${EVIL_ESCAPED}">${EVIL_ESCAPED}</p>`)).not.toThrow();
  });
});

describe('renderStoryPage', () => {
  const html = renderStoryPage(story(), recent, URL_);

  it('is a complete, CSP-friendly document', () => {
    expectDocumentShell(html);
  });

  it('has title, description, canonical and Open Graph tags', () => {
    expect(html).toContain('<title>Council backs plan — News</title>');
    expect(html).toContain('<meta name="description" content="Vote passes after long debate">');
    expect(html).toContain(`<link rel="canonical" href="${URL_}">`);
    expect(html).toContain('<meta property="og:title" content="Council backs plan">');
    expect(html).toContain('<meta property="og:description" content="Vote passes after long debate">');
    expect(html).toContain('<meta property="og:type" content="article">');
    expect(html).toContain(`<meta property="og:url" content="${URL_}">`);
    expect(html).toContain('<meta property="og:site_name" content="News">');
    expect(html).toContain('<meta property="article:published_time" content="2026-11-29T09:30:00.000Z">');
    expect(html).toContain('<meta property="article:modified_time" content="2026-11-29T09:30:00.000Z">');
  });

  it('gives the modification time of a republished story', () => {
    const page = renderStoryPage(story({ updatedAt: '2026-12-01T23:59:00Z' }), [], URL_);
    expect(page).toContain('<meta property="article:published_time" content="2026-11-29T09:30:00.000Z">');
    expect(page).toContain('<meta property="article:modified_time" content="2026-12-01T23:59:00.000Z">');
  });

  it('renders the article header', () => {
    expect(html).toMatch(/<article[^>]*>/);
    expect(html).toContain('<h1>Council backs plan</h1>');
    expect(html.match(/<h1>/g)).toHaveLength(1);
    expect(html).toContain('<p class="standfirst">Vote passes after long debate</p>');
    expect(html).toContain('<p class="byline">By Jane Doe</p>');
    expect(html).toContain(
      '<p class="dateline">Published <time datetime="2026-11-29T09:30:00.000Z">November 29, 2026 at 09:30 AM UTC</time></p>',
    );
    expect(html).not.toContain('Updated');
  });

  it('does not double the "By"', () => {
    expect(renderStoryPage(story({ byline: 'By Jane Doe' }), [], URL_)).toContain('<p class="byline">By Jane Doe</p>');
    expect(renderStoryPage(story({ byline: 'by the newsdesk' }), [], URL_)).toContain('<p class="byline">by the newsdesk</p>');
    expect(renderStoryPage(story({ byline: 'Byron Bay' }), [], URL_)).toContain('<p class="byline">By Byron Bay</p>');
  });

  it('shows the update date when it differs', () => {
    const page = renderStoryPage(story({ updatedAt: '2026-12-01T23:59:00Z' }), [], URL_);
    expect(page).toContain(
      '<p class="dateline">Published <time datetime="2026-11-29T09:30:00.000Z">November 29, 2026 at 09:30 AM UTC</time> ' +
        '<span class="updated">Updated <time datetime="2026-12-01T23:59:00.000Z">December 1, 2026 at 11:59 PM UTC</time></span></p>',
    );
  });

  it('formats dates in UTC', () => {
    const page = renderStoryPage(story({ publishedAt: '2026-11-29T23:30:00-05:00', updatedAt: '2026-11-29T23:30:00-05:00' }), [], URL_);
    expect(page).toContain('<time datetime="2026-11-30T04:30:00.000Z">November 30, 2026 at 04:30 AM UTC</time>');
  });

  it('omits an unparseable date rather than printing "Invalid Date"', () => {
    const page = renderStoryPage(story({ publishedAt: 'not a date', updatedAt: 'not a date' }), [], URL_);
    expect(page).not.toContain('<time');
    expect(page).not.toContain('Invalid');
  });

  it('inserts the sanitized body as-is', () => {
    const body = '<h2>Sub</h2><p>One <strong>two</strong></p>';
    expect(renderStoryPage(story({ bodyHtml: body }), [], URL_)).toContain(body);
  });

  it('has share links with encoded values', () => {
    const u = enc(URL_);
    const t = enc('Council backs plan');
    expect(html).toMatch(/<h2 id="share-heading">Share story<\/h2>/);
    expect(html).toContain(`href="https://twitter.com/intent/tweet?url=${u}&amp;text=${t}"`);
    expect(html).toContain(`href="https://www.facebook.com/sharer/sharer.php?u=${u}"`);
    expect(html).toContain(`href="https://www.linkedin.com/sharing/share-offsite/?url=${u}"`);
    expect(html).toContain(`href="mailto:?subject=${t}&amp;body=${enc(`Vote passes after long debate\n\n${URL_}`)}"`);
    for (const label of ['X (Twitter)', 'Facebook', 'LinkedIn', 'Email']) expect(html).toContain(`>${label}</a>`);
  });

  it('lists recent stories', () => {
    const section = html.slice(html.indexOf('<section'), html.indexOf('</section>'));
    expect(section).toContain('aria-labelledby="recent-heading"');
    expect(section).toContain('<h2 id="recent-heading">Recent stories</h2>');
    expect(section).toContain('<a href="/stories/first-story">First story</a>');
    expect(section).toContain('<p>First summary</p>');
    expect(section).toContain('<a href="/stories/second-story">Second story</a>');
    expect(section.indexOf('First story')).toBeLessThan(section.indexOf('Second story'));
  });

  it('omits the recent section when there are none', () => {
    const page = renderStoryPage(story(), [], URL_);
    expect(page).not.toContain('Recent stories');
    expect(page).not.toContain('<section');
  });

  it('omits empty standfirst and byline', () => {
    const page = renderStoryPage(story({ standfirst: '', byline: '' }), [], URL_);
    expect(page).not.toContain('class="standfirst"');
    expect(page).not.toContain('class="byline"');
    expect(page).not.toContain('name="description"');
  });

  it('escapes every plain-text field', () => {
    const evilStory = story({ slug: EVIL, headline: EVIL, standfirst: EVIL, byline: EVIL });
    const evilRecent = [{ slug: EVIL, headline: EVIL, standfirst: EVIL, publishedAt: EVIL }];
    const page = renderStoryPage(evilStory, evilRecent, `https://x.example/${EVIL}`);
    expectNoInjection(page);
    expectDocumentShell(page);
    expect(page).toContain(`<title>${EVIL_ESCAPED} — News</title>`);
    expect(page).toContain(`<h1>${EVIL_ESCAPED}</h1>`);
    expect(page).toContain(`<p class="standfirst">${EVIL_ESCAPED}</p>`);
    expect(page).toContain(`<p class="byline">By ${EVIL_ESCAPED}</p>`);
    expect(page).toContain(`<meta name="description" content="${EVIL_ESCAPED}">`);
    expect(page).toContain(`<meta property="og:title" content="${EVIL_ESCAPED}">`);
    expect(page).toContain(`<link rel="canonical" href="https://x.example/${EVIL_ESCAPED}">`);
    expect(page).toContain(`<a href="/stories/${enc(EVIL).replace(/'/g, '&#39;')}">${EVIL_ESCAPED}</a>`);
    expect(page).toContain(`<p>${EVIL_ESCAPED}</p>`);
    expect(page).toContain(`text=${enc(EVIL).replace(/'/g, '&#39;')}`);
  });

  it('survives lone surrogates in encoded values', () => {
    const page = renderStoryPage(story({ headline: 'Bad \uD800 text', slug: 'x\uDC00' }), recent, URL_);
    expect(page).toContain(`text=${enc('Bad \uFFFD text')}`);
    expect(renderStoryIndex([{ ...recent[0], slug: 'a\uD800' }])).toContain(`href="/stories/a${enc('\uFFFD')}"`);
  });

  it('renders a hostile Y.Doc end to end without injection', () => {
    const doc = new Y.Doc();
    for (const field of ['headline', 'standfirst', 'byline']) {
      const p = new Y.XmlElement('paragraph');
      doc.getXmlFragment(field).insert(0, [p]);
      const t = new Y.XmlText();
      p.insert(0, [t]);
      t.insert(0, EVIL);
    }
    const body = doc.getXmlFragment('body');
    const script = new Y.XmlElement('script');
    const iframe = new Y.XmlElement('iframe');
    iframe.setAttribute('src', 'javascript:alert(3)');
    const para = new Y.XmlElement('paragraph');
    body.insert(0, [script, iframe, para]);
    const scriptText = new Y.XmlText();
    script.insert(0, [scriptText]);
    scriptText.insert(0, 'alert(4)');
    const text = new Y.XmlText();
    para.insert(0, [text]);
    text.insert(0, EVIL, { link: { href: ' JaVaScRiPt:alert(5)' }, bold: {} });
    text.insert(text.length, 'ok', { link: { href: 'https://example.com/"><script>' } });

    const rendered = renderStory(doc);
    const page = renderStoryPage(
      { slug: 'x', ...rendered, publishedAt: '2026-11-29T00:00:00Z', updatedAt: '2026-11-29T00:00:00Z' },
      [],
      URL_,
    );
    expectNoInjection(page);
    expectDocumentShell(page);
    expect(page).not.toMatch(/<iframe|javascript:/i);
    expect(page).toContain(`<h1>${EVIL_ESCAPED}</h1>`);
    expect(page).toMatch(/<a href="https:\/\/example\.com\/[^"<>]*" rel="noopener noreferrer nofollow ugc">ok<\/a>/);
  });
});

describe('renderStoryIndex', () => {
  it('lists stories with links, standfirsts and dates', () => {
    const html = renderStoryIndex(recent);
    expectDocumentShell(html);
    expect(html).toContain('<title>Stories — News</title>');
    expect(html).toContain('<h1>Stories</h1>');
    expect(html).toContain('<a href="/stories/first-story">First story</a>');
    expect(html).toContain('<a href="/stories/second-story">Second story</a>');
    expect(html).toContain('<p>First summary</p>');
    expect(html).toContain('<time datetime="2026-11-28T10:00:00.000Z">November 28, 2026</time>');
    expect(html.match(/<li>/g)).toHaveLength(2);
  });

  it('has no paging on a single page', () => {
    const html = renderStoryIndex(recent, { page: 1, totalPages: 1, canonicalUrl: 'https://news.example.com/stories' });
    expect(html).toContain('<link rel="canonical" href="https://news.example.com/stories">');
    expect(html).not.toMatch(/rel="(prev|next)"/);
    expect(html).not.toContain('class="pagination"');
    expect(html).not.toContain('Page 1 of');
  });

  it('links the first page to older stories only', () => {
    const html = renderStoryIndex(recent, { page: 1, totalPages: 3 });
    expectDocumentShell(html);
    expect(html).toContain('<title>Stories — News</title>');
    expect(html).toContain('<link rel="next" href="/stories?page=2">');
    expect(html).not.toContain('rel="prev"');
    expect(html).toContain('<a rel="next" href="/stories?page=2">Older stories</a>');
    expect(html).not.toContain('Newer stories');
    expect(html).toContain('<p class="page-count">Page 1 of 3</p>');
  });

  it('links a middle page both ways, the first page by its canonical address', () => {
    const html = renderStoryIndex(recent, { page: 2, totalPages: 3, canonicalUrl: 'https://news.example.com/stories?page=2' });
    expectDocumentShell(html);
    expect(html).toContain('<title>Stories, page 2 — News</title>');
    expect(html).toContain('<link rel="canonical" href="https://news.example.com/stories?page=2">');
    expect(html).toContain('<link rel="prev" href="/stories">');
    expect(html).toContain('<link rel="next" href="/stories?page=3">');
    expect(html).toContain('<nav class="pagination" aria-label="More stories">');
    expect(html).toContain('<a rel="prev" href="/stories">Newer stories</a>');
    expect(html).toContain('<a rel="next" href="/stories?page=3">Older stories</a>');
    expect(html.indexOf('Newer stories')).toBeLessThan(html.indexOf('Older stories'));
  });

  it('links the last page to newer stories only', () => {
    const html = renderStoryIndex(recent, { page: 3, totalPages: 3 });
    expect(html).toContain('<link rel="prev" href="/stories?page=2">');
    expect(html).not.toContain('rel="next"');
    expect(html).toContain('>Newer stories</a>');
    expect(html).not.toContain('Older stories');
  });

  it('has a friendly empty state', () => {
    const html = renderStoryIndex([]);
    expect(html).toContain('<h1>Stories</h1>');
    expect(html).toContain('No stories have been published yet');
    expect(html).not.toContain('<li>');
  });

  it('escapes every plain-text field', () => {
    const html = renderStoryIndex([{ slug: EVIL, headline: EVIL, standfirst: EVIL, publishedAt: EVIL }]);
    expectNoInjection(html);
    expectDocumentShell(html);
    expect(html).toContain(`>${EVIL_ESCAPED}</a>`);
    expect(html).toContain(`<p>${EVIL_ESCAPED}</p>`);
  });
});

describe('renderPublicError', () => {
  it.each([
    [400, 'Bad request'],
    [404, 'Page not found'],
    [410, 'Story no longer available'],
    [500, 'Something went wrong'],
  ] as const)('renders %i with a heading and a way back', (status, title) => {
    const html = renderPublicError(status, 'Try the story list.');
    expectDocumentShell(html);
    expect(html).toContain(`<h1>${title}</h1>`);
    expect(html).toContain('<p>Try the story list.</p>');
    expect(html).toContain('<a href="/stories">');
    expect(html).toContain('<meta name="robots" content="noindex">');
  });

  it('escapes the message', () => {
    const html = renderPublicError(404, EVIL);
    expectNoInjection(html);
    expect(html).toContain(`<p>${EVIL_ESCAPED}</p>`);
  });
});
