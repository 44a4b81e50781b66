/**
 * The public site's listings (docs/site.md#index-pages) against a real server and store: the home page's
 * section blocks and navigation, a section's, tag's and author's page with paging and its own Atom and JSON
 * feeds, and the site search. Stories are put in the store as published (helpers/publications.ts), then read
 * as a reader (no cookie) would; one is unpublished over the API to show it leaves every listing.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PublicationRecord } from '../../server/persistence/PublicationStore';
import { eventually, type TestClient } from '../helpers/clients';
import { call, writeStory } from '../helpers/http';
import { seedPublication } from '../helpers/publications';
import { createUser, startTestServer, type TestServer, type TestUser } from '../helpers/testServer';
import { parseXml, type XmlElement } from '../helpers/xmlTree';

let server: TestServer;
let editor: TestUser;
let writer: TestUser;
const published: Record<string, PublicationRecord> = {};

const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();

beforeAll(async () => {
  server = await startTestServer();
  editor = await createUser(server, 'editor', 'Eddie Editor');
  writer = await createUser(server, 'writer', 'Wren Writer');
  const credit = (u: TestUser) => ({ id: u.id, name: u.name });
  const seed = async (slug: string, h: number, more: Parameters<typeof seedPublication>[2] | object = {}) => {
    published[slug] = await seedPublication(server.store, editor, {
      slug,
      publishedAt: hoursAgo(h),
      headline: `Headline ${slug}`,
      ...more,
    });
  };
  await seed('dredging', 9, { section: 'City Hall', tags: ['Budget', 'Harbour'], authors: [credit(writer)] });
  await seed('regatta', 8, { section: 'Sport', tags: ['Harbour'], authors: [credit(editor)] });
  await seed('bins', 7, { section: 'city hall', authors: [credit(writer), credit(editor)] });
  await seed('airship', 6, { bodyHtml: '<p>A <strong>zeppelin</strong> over the Quay, <em>naïvely</em> moored.</p>' });
  // 21 in one section: its page needs a second.
  for (let i = 0; i < 21; i++) await seed(`weather-${String(i).padStart(2, '0')}`, 100 + i, { section: 'Weather', tags: ['Forecast'] });
}, 60_000);

afterAll(async () => {
  await server?.close();
});

const get = (path: string, headers: Record<string, string> = {}) => call(server, 'GET', path, { headers });

/** The story links of a page's main list, in order. */
function listed(html: string): string[] {
  const start = html.indexOf('<ol class="story-list">');
  if (start < 0) return [];
  return [...html.slice(start, html.indexOf('</ol>', start)).matchAll(/<h2><a href="\/stories\/([^"]+)">/g)].map((m) => m[1]);
}

const children = (el: XmlElement, name: string) => el.children.filter((c) => c.name === name);

describe('the home page', () => {
  it('lists the latest, then a block per section with its newest few, one block and one link per address', async () => {
    const page = await get('/stories');
    expect(page.status).toBe(200);
    expect(listed(page.text).slice(0, 4)).toEqual(['airship', 'bins', 'regatta', 'dredging']);
    const blocks = page.text.slice(page.text.indexOf('<div class="sections"'));
    // "City Hall" and "city hall" share /sections/city-hall: one block holding both, newest first.
    expect(blocks.match(/<h3 id="section-block-\d+"><a href="([^"]+)">([^<]+)<\/a><\/h3>/g)).toEqual([
      '<h3 id="section-block-1"><a href="/sections/city-hall">City Hall</a></h3>',
      '<h3 id="section-block-2"><a href="/sections/sport">Sport</a></h3>',
      '<h3 id="section-block-3"><a href="/sections/weather">Weather</a></h3>',
    ]);
    const cityHall = blocks.slice(0, blocks.indexOf('section-block-2'));
    expect([...cityHall.matchAll(/href="\/stories\/([^"]+)"/g)].map((m) => m[1])).toEqual(['bins', 'dredging']);
    const weather = blocks.slice(blocks.indexOf('section-block-3'));
    expect([...weather.matchAll(/href="\/stories\/([^"]+)"/g)]).toHaveLength(4);
    const nav = page.text.slice(
      page.text.indexOf('<nav class="section-nav"'),
      page.text.indexOf('</nav>', page.text.indexOf('section-nav')),
    );
    expect([...nav.matchAll(/href="([^"]+)"/g)].map((m) => m[1])).toEqual(['/sections/city-hall', '/sections/sport', '/sections/weather']);
  });

  it('has the section blocks on its first page only', async () => {
    const second = await get('/stories?page=2');
    expect(second.status).toBe(200);
    expect(second.text).not.toContain('class="sections"');
  });

  it('offers the site search in the masthead, a GET the public CSP allows', async () => {
    const page = await get('/stories');
    expect(page.text).toContain('<form class="site-search" role="search" aria-label="Site search" action="/search" method="get">');
    expect(page.headers.get('content-security-policy')).toContain("form-action 'self'");
  });
});

describe('section, tag and author pages', () => {
  it('lists a section’s stories under every name with its address, newest first, with its feeds', async () => {
    const page = await get('/sections/city-hall');
    expect(page.status).toBe(200);
    expect(listed(page.text)).toEqual(['bins', 'dredging']);
    expect(page.text).toContain('<p class="listing-kind">Section</p>\n<h1>City Hall</h1>');
    expect(page.text).toContain('<title>City Hall — News</title>');
    expect(page.text).toContain(`<link rel="canonical" href="${server.url}/sections/city-hall">`);
    expect(page.text).toContain(
      '<link rel="alternate" type="application/atom+xml" href="/sections/city-hall/feed.xml" title="News: City Hall">',
    );
    expect(page.text).toContain(
      '<link rel="alternate" type="application/feed+json" href="/sections/city-hall/feed.json" title="News: City Hall">',
    );
    expect(page.headers.get('etag')).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
    const again = await get('/sections/city-hall', { 'if-none-match': page.headers.get('etag')! });
    expect(again.status).toBe(304);
  });

  it('pages a section past 20 stories, and refuses pages that are not there', async () => {
    const first = await get('/sections/weather');
    expect(listed(first.text)).toEqual(Array.from({ length: 20 }, (_, i) => `weather-${String(i).padStart(2, '0')}`));
    expect(first.text).toContain('<a rel="next" href="/sections/weather?page=2">Older stories</a>');
    expect(first.text).toContain('Page 1 of 2');
    const second = await get('/sections/weather?page=2');
    expect(listed(second.text)).toEqual(['weather-20']);
    expect(second.text).toContain('<a rel="prev" href="/sections/weather">Newer stories</a>');
    expect(second.text).toContain('<title>Weather, page 2 — News</title>');
    expect((await get('/sections/weather?page=3')).status).toBe(404);
    expect((await get('/sections/weather?page=0')).status).toBe(400);
    expect((await get('/sections/weather?page=1.5')).status).toBe(400);
  });

  it('lists a tag’s stories', async () => {
    expect(listed((await get('/tags/harbour')).text)).toEqual(['regatta', 'dredging']);
    expect(listed((await get('/tags/budget')).text)).toEqual(['dredging']);
  });

  it('lists an author’s credited stories under the name their stories give', async () => {
    const page = await get(`/authors/${writer.id}`);
    expect(page.status).toBe(200);
    expect(listed(page.text)).toEqual(['bins', 'dredging']);
    expect(page.text).toContain('<h1>Stories by Wren Writer</h1>');
    expect(listed((await get(`/authors/${editor.id}`)).text)).toEqual(['bins', 'regatta']);
  });

  it('answers 404 for a listing with nothing published, and for addresses that cannot be one', async () => {
    for (const path of [
      '/sections/nowhere',
      '/tags/nothing',
      `/authors/${randomUUID()}`,
      '/authors/not-an-id',
      `/sections/${'x'.repeat(500)}`,
    ]) {
      const page = await get(path);
      expect(page.status, path).toBe(404);
      expect(page.headers.get('cache-control'), path).toBe('no-store');
    }
  });

  it('gives each listing an Atom feed and a JSON feed of its own', async () => {
    const atom = await get('/sections/city-hall/feed.xml');
    expect(atom.status).toBe(200);
    expect(atom.headers.get('content-type')).toBe('application/atom+xml; charset=utf-8');
    const feed = parseXml(atom.text);
    expect(children(feed, 'title')[0].text).toBe('News: City Hall');
    expect(children(feed, 'link').map((l) => l.attributes)).toEqual([
      { rel: 'self', type: 'application/atom+xml', href: `${server.url}/sections/city-hall/feed.xml` },
      { rel: 'alternate', type: 'text/html', href: `${server.url}/sections/city-hall` },
    ]);
    expect(children(feed, 'entry').map((e) => children(e, 'title')[0].text)).toEqual(['Headline bins', 'Headline dredging']);

    const json = await get(`/authors/${editor.id}/feed.json`);
    expect(json.headers.get('content-type')).toBe('application/feed+json; charset=utf-8');
    expect(json.body.title).toBe('News: stories by Eddie Editor');
    expect(json.body.feed_url).toBe(`${server.url}/authors/${editor.id}/feed.json`);
    expect(json.body.items.map((i: { url: string }) => i.url)).toEqual([`${server.url}/stories/bins`, `${server.url}/stories/regatta`]);
    expect((await get('/tags/nothing/feed.json')).status).toBe(404);
  });
});

describe('the site search', () => {
  it('finds a word of a body by its beginning, whatever its case or accents, newest first', async () => {
    for (const q of ['zeppelin', 'ZEPP', 'naive', 'quay zeppelin']) {
      const page = await get(`/search?q=${encodeURIComponent(q)}`);
      expect(page.status, q).toBe(200);
      expect(listed(page.text), q).toEqual(['airship']);
      expect(page.text, q).toContain('1 story matches');
    }
    const harbour = await get('/search?q=headline');
    expect(listed(harbour.text).slice(0, 4)).toEqual(['airship', 'bins', 'regatta', 'dredging']);
  });

  it('matches words, not markup, and says when nothing matches', async () => {
    const page = await get('/search?q=strong');
    expect(listed(page.text)).toEqual([]);
    expect(page.text).toContain('No published stories match “strong”.');
  });

  it('is never indexed nor kept in a shared cache, and keeps the words in its form', async () => {
    const page = await get('/search?q=%22zeppelin%22%20%3Cb%3E');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<meta name="robots" content="noindex">');
    expect(page.headers.get('cache-control')).toBe('private, no-cache');
    expect(page.text).toContain('value="&quot;zeppelin&quot; &lt;b&gt;"');
  });

  it('pages its results and keeps the words in the links', async () => {
    const first = await get('/search?q=headline%20weather');
    expect(listed(first.text)).toHaveLength(20);
    expect(first.text).toContain('21 stories match');
    expect(first.text).toContain('<a rel="next" href="/search?q=headline%20weather&amp;page=2">Older stories</a>');
    expect(listed((await get('/search?q=headline%20weather&page=2')).text)).toEqual(['weather-20']);
    expect((await get('/search?q=headline%20weather&page=3')).status).toBe(404);
    expect((await get(`/search?q=headline&page=${'9'.repeat(400)}`)).status).toBe(404);
    expect((await get(`/sections/weather?page=${'9'.repeat(400)}`)).status).toBe(404);
  });

  it('never finds a draft, however its words match', async () => {
    const clients: TestClient[] = [];
    try {
      await writeStory(server, writer, { headline: ['Unpublished quokka census'], body: ['The quokka count is embargoed.'] }, clients);
    } finally {
      clients.forEach((c) => c.close());
    }
    // The newsroom's own search does find it: the words were indexed, the public search must not read them.
    await eventually(async () => {
      const newsroom = await call(server, 'GET', '/api/stories?q=quokka', { user: writer });
      expect(JSON.stringify(newsroom.body)).toContain('quokka');
    }, 15_000);
    const page = await get('/search?q=quokka');
    expect(listed(page.text)).toEqual([]);
    expect(page.text).toContain('No published stories match “quokka”.');
  });

  it('asks for words when given none, and refuses words past the limit before searching', async () => {
    const blank = await get('/search');
    expect(blank.status).toBe(200);
    expect(blank.text).toContain('Type words to search the published stories.');
    expect((await get(`/search?q=${'a'.repeat(201)}`)).status).toBe(400);
    expect((await get('/search?q=a&q=b')).status).toBe(400);
  });
});

describe('an unpublished story', () => {
  it('leaves its section, tag, author and search listings, and the navigation', async () => {
    const res = await call(server, 'POST', `/api/stories/${published.regatta.storyId}/unpublish`, { user: editor });
    expect(res.status, res.text).toBe(200);
    expect((await get('/sections/sport')).status).toBe(404);
    expect(listed((await get('/tags/harbour')).text)).toEqual(['dredging']);
    expect(listed((await get(`/authors/${editor.id}`)).text)).toEqual(['bins']);
    expect(listed((await get('/search?q=regatta')).text)).toEqual([]);
    const home = await get('/stories');
    expect(home.text).not.toContain('/sections/sport');
  });
});
