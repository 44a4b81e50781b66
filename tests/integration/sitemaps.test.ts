/**
 * Sitemaps and robots.txt against a real server: stories put in its store at chosen dates, the files read back
 * as a crawler would and checked against the protocols' rules (sitemaps.org 0.9, Google News): well-formed XML,
 * the required elements, ISO 8601 dates, absolute URLs; the index split (with a small limit passed to the
 * router), the two-day news window, and nothing unpublished or in the Trash.
 */
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sitemapRouter } from '../../server/http/sitemapRouter';
import { ROBOTS_DISALLOWED } from '../../server/publishing/sitemaps';
import { matchRoute } from '../../client/lib/routes';
import { DEFAULT_SITE_SETTINGS } from '../../shared/siteSettings';
import { call } from '../helpers/http';
import { seedPublication } from '../helpers/publications';
import { createUser, startTestServer, type TestServer, type TestUser } from '../helpers/testServer';
import { childrenNamed, onlyText, parseXml, type XmlElement } from '../helpers/xmlTree';

const SITEMAP_NS = 'http://www.sitemaps.org/schemas/sitemap/0.9';
const NEWS_NS = 'http://www.google.com/schemas/sitemap-news/0.9';
/** W3C datetime as we write it: full ISO 8601 in UTC. */
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const HOUR = 3_600_000;

let server: TestServer;
let editor: TestUser;
const ago = (ms: number) => new Date(Date.now() - ms).toISOString();
/** Slugs of the stories a sitemap must list, oldest first. */
const live: string[] = [];

async function get(base: string, path: string, headers: Record<string, string> = {}) {
  const res = await fetch(base + path, { headers });
  return { status: res.status, headers: res.headers, body: await res.text() };
}

/** Every <url> of a urlset, with its required <loc> (absolute, on our origin) and <lastmod> (ISO 8601). */
function urls(doc: XmlElement, origin: string): Array<{ loc: string; lastmod: string }> {
  expect(doc.name).toBe('urlset');
  expect(doc.attributes.xmlns).toBe(SITEMAP_NS);
  return childrenNamed(doc, 'url').map((url) => {
    const loc = onlyText(url, 'loc');
    const lastmod = onlyText(url, 'lastmod');
    expect(new URL(loc).origin, loc).toBe(origin);
    expect(lastmod, loc).toMatch(ISO);
    return { loc, lastmod };
  });
}

const slugOf = (loc: string) => decodeURIComponent(new URL(loc).pathname.replace(/^\/stories\//, ''));

beforeAll(async () => {
  server = await startTestServer();
  editor = await createUser(server, 'editor', 'Eddie Editor');
  const seed = (slug: string, publishedAt: string, more: Record<string, string> = {}) =>
    seedPublication(server.store, editor, { slug, publishedAt, ...more });
  // Oldest first, as the sitemap lists them.
  await seed('three-days-old', ago(72 * HOUR));
  live.push('three-days-old');
  await seed('hostile-headline', ago(47 * HOUR), { headline: 'Tom & Jerry <script>alert(1)</script> "quoted" \u0001 ]]>' });
  live.push('hostile-headline');
  await seed('yesterday', ago(24 * HOUR), { updatedAt: ago(HOUR) });
  live.push('yesterday');
  const withdrawn = await seed('withdrawn', ago(3 * HOUR));
  await server.store.unpublish(withdrawn.storyId, ago(2 * HOUR), editor.name);
  const binned = await seed('in-the-trash', ago(2 * HOUR));
  await server.store.unpublish(binned.storyId, ago(HOUR), editor.name);
  expect(await server.store.trashStory(binned.storyId, { id: editor.id, name: editor.name }, ago(HOUR))).toBe(true);
  await seed('just-now', ago(60_000));
  live.push('just-now');
});

afterAll(async () => {
  await server?.close();
});

describe('/sitemap.xml', () => {
  it('lists every live story, oldest first, with an absolute <loc> and an ISO 8601 <lastmod>, and nothing else', async () => {
    const page = await get(server.url, '/sitemap.xml');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('application/xml; charset=utf-8');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    const listed = urls(parseXml(page.body), server.url);
    expect(listed.map((u) => slugOf(u.loc))).toEqual(live);
    // lastmod is the latest publication, not the first.
    const yesterday = await server.store.getPublicationBySlug('yesterday');
    expect(listed[2].lastmod).toBe(yesterday!.updatedAt);
  });

  it('is cacheable: a strong ETag, and 304 for a conditional request', async () => {
    const first = await get(server.url, '/sitemap.xml');
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
    expect((await get(server.url, '/sitemap.xml', { 'if-none-match': etag })).status).toBe(304);
  });

  it('uses PUBLIC_URL for its addresses when set', async () => {
    const behindProxy = await startTestServer({ dataDir: server.dataDir, env: { PUBLIC_URL: 'https://news.example.com/' } });
    try {
      urls(parseXml((await get(behindProxy.url, '/sitemap.xml')).body), 'https://news.example.com');
    } finally {
      await behindProxy.stop();
    }
  });
});

describe('a sitemap index once the stories outgrow one sitemap (3 per sitemap here)', () => {
  let base = '';
  let close = () => {};
  const origin = 'https://news.example.com';

  beforeAll(async () => {
    const app = express().use(sitemapRouter(server.store, () => origin, { urlsPerSitemap: 3 }));
    const listening = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => listening.once('listening', resolve));
    base = `http://127.0.0.1:${(listening.address() as AddressInfo).port}`;
    close = () => listening.close();
  });
  afterAll(() => close());

  it('points to every page, and the pages hold every story once, each at most 3', async () => {
    const index = parseXml((await get(base, '/sitemap.xml')).body);
    expect(index.name).toBe('sitemapindex');
    expect(index.attributes.xmlns).toBe(SITEMAP_NS);
    const pages = childrenNamed(index, 'sitemap').map((s) => onlyText(s, 'loc'));
    expect(pages).toEqual([`${origin}/sitemaps/stories-1.xml`, `${origin}/sitemaps/stories-2.xml`]);
    const listed: string[] = [];
    for (const page of pages) {
      const answer = await get(base, new URL(page).pathname);
      expect(answer.status).toBe(200);
      const slugs = urls(parseXml(answer.body), origin).map((u) => slugOf(u.loc));
      expect(slugs.length).toBeLessThanOrEqual(3);
      listed.push(...slugs);
    }
    expect(listed).toEqual(live);
  });

  it.each([
    'stories-3.xml',
    'stories-0.xml',
    'stories-01.xml',
    'stories-1.xml.gz',
    'stories--1.xml',
    'other.xml',
    `stories-${'9'.repeat(12)}.xml`,
  ])('answers 404 for /sitemaps/%s', async (file) => {
    const answer = await get(base, `/sitemaps/${file}`);
    expect(answer.status).toBe(404);
    expect(answer.headers.get('cache-control')).toBe('no-store');
  });
});

describe('/news-sitemap.xml', () => {
  it('lists only stories first published in the last two days, newest first, with the news elements Google requires', async () => {
    // The publication is the site's, from its settings: its name, and its language as an ISO 639 code.
    const admin = await createUser(server, 'admin', 'Ada Admin');
    const site = { ...DEFAULT_SITE_SETTINGS, name: 'Harbour Times', language: 'en-GB' };
    expect((await call(server, 'PUT', '/api/site', { user: admin, body: site })).status).toBe(200);
    const page = await get(server.url, '/news-sitemap.xml');
    expect(page.status).toBe(200);
    const doc = parseXml(page.body);
    expect(doc.name).toBe('urlset');
    expect(doc.attributes.xmlns).toBe(SITEMAP_NS);
    expect(doc.attributes['xmlns:news']).toBe(NEWS_NS);
    const entries = childrenNamed(doc, 'url').map((url) => {
      const loc = onlyText(url, 'loc');
      expect(new URL(loc).origin).toBe(server.url);
      const [news] = childrenNamed(url, 'news:news');
      const [publication] = childrenNamed(news, 'news:publication');
      expect(onlyText(publication, 'news:name')).toBe('Harbour Times');
      expect(onlyText(publication, 'news:language')).toBe('en');
      const date = onlyText(news, 'news:publication_date');
      expect(date).toMatch(ISO);
      expect(Date.now() - Date.parse(date)).toBeLessThan(48 * HOUR);
      return { slug: slugOf(loc), title: onlyText(news, 'news:title') };
    });
    expect(entries.map((e) => e.slug)).toEqual(['just-now', 'yesterday', 'hostile-headline']);
    // Escaped, so the title reads back exactly, less the control character XML cannot carry.
    expect(entries[2].title).toBe('Tom & Jerry <script>alert(1)</script> "quoted"  ]]>');
    expect(page.body).not.toContain('<script>');
  });
});

describe('/robots.txt', () => {
  it('opens the public site, closes the API, previews and app pages, and names both sitemaps absolutely', async () => {
    const page = await get(server.url, '/robots.txt');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    const lines = page.body.split('\n');
    expect(lines[0]).toBe('User-agent: *');
    const disallowed = lines.filter((l) => l.startsWith('Disallow: ')).map((l) => l.slice('Disallow: '.length));
    expect(disallowed).toEqual(expect.arrayContaining(['/api/', '/preview/']));
    for (const path of ['/stories', '/stories/yesterday', '/feed.xml', '/feed.json', '/media/x/1280.jpeg', '/sitemap.xml']) {
      expect(
        disallowed.some((d) => path.startsWith(d)),
        path,
      ).toBe(false);
    }
    expect(lines.filter((l) => l.startsWith('Sitemap: '))).toEqual([
      `Sitemap: ${server.url}/sitemap.xml`,
      `Sitemap: ${server.url}/news-sitemap.xml`,
    ]);
  });

  it("closes every page of the app (client/lib/routes.ts) but its root, and only the app's pages among them", () => {
    const appPages = [
      '/setup',
      '/signin',
      '/settings',
      '/admin/users',
      '/admin/damaged-stories',
      '/media-library',
      '/trash',
      `/story/${'a'.repeat(8)}-aaaa-4aaa-8aaa-${'a'.repeat(12)}`,
    ];
    for (const page of appPages) {
      expect(matchRoute(page).name, page).not.toBe('notFound');
      expect(
        ROBOTS_DISALLOWED.some((d) => page.startsWith(d)),
        page,
      ).toBe(true);
    }
  });
});
