/**
 * The public site against a real server: stories written through real Socket.IO
 * clients, published over the API, then read back as a reader (no cookie) would.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { connectClient, createStory, setParagraphs } from '../helpers/clients';
import { createUser, startTestServer, type TestServer, type TestUser } from '../helpers/testServer';

type Published = { storyId: string; slug: string };
type Page = { status: number; body: string; headers: Headers };

async function get(server: TestServer, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Page> {
  const res = await fetch(server.url + path, { method, headers });
  return { status: res.status, body: await res.text(), headers: res.headers };
}

/** Writes the fields as the editor would (a real client over Socket.IO), then publishes over the API. */
async function publish(
  server: TestServer,
  editor: TestUser,
  fields: Record<string, string[]>,
  body?: (doc: Y.Doc) => void,
): Promise<Published> {
  const storyId = await createStory(server, editor);
  const client = await connectClient(server, editor, storyId);
  try {
    const complete = { standfirst: ['A standfirst.'], byline: ['A reporter'], ...fields };
    for (const [field, paragraphs] of Object.entries(complete)) setParagraphs(client.doc, field, paragraphs);
    body?.(client.doc);
    await client.provider.whenSaved();
  } finally {
    client.close();
  }
  const res = await fetch(`${server.url}/api/stories/${storyId}/publish`, { method: 'POST', headers: { cookie: editor.cookie } });
  if (res.status !== 200) throw new Error(`publish failed: ${res.status} ${await res.text()}`);
  const { publication } = (await res.json()) as { publication: { slug: string } };
  return { storyId, slug: publication.slug };
}

/** The page without its one JSON-LD data block, which must parse and hold no "<" (so no text can end it). */
function withoutStructuredData(html: string): string {
  return html.replace(/<script type="application\/ld\+json">([^<]*)<\/script>/, (_block, json: string) => {
    expect(() => JSON.parse(json)).not.toThrow();
    return '';
  });
}

/** The story links of the index's list, in order. */
function listedSlugs(html: string): string[] {
  const start = html.indexOf('<ol class="story-list">');
  if (start < 0) return [];
  const list = html.slice(start, html.indexOf('</ol>', start));
  return [...list.matchAll(/<h2><a href="\/stories\/([^"]+)">/g)].map((m) => m[1]);
}

function csp(header: string | null): Record<string, string[]> {
  expect(header, 'Content-Security-Policy header').toBeTruthy();
  return Object.fromEntries(
    header!
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((parts) => parts[0])
      .map(([name, ...sources]) => [name.toLowerCase(), sources]),
  );
}

function expectPublicHeaders(page: Page, url: string): void {
  const policy = csp(page.headers.get('content-security-policy'));
  expect(policy['default-src'], url).toEqual(["'none'"]);
  expect(policy['script-src'] ?? policy['default-src'], url).toEqual(["'none'"]);
  expect(policy['frame-ancestors'], url).toEqual(["'none'"]);
  expect(page.headers.get('x-content-type-options'), url).toBe('nosniff');
}

const CACHE_CONTROL = 'public, max-age=60, stale-while-revalidate=300';
const STRONG_ETAG = /^"[A-Za-z0-9_-]{43}"$/;

describe('index, pagination and feeds with 25 published stories', () => {
  let server: TestServer;
  let editor: TestUser;
  const stories: Published[] = [];
  const label = (i: number) => String(i + 1).padStart(2, '0');

  beforeAll(async () => {
    server = await startTestServer();
    editor = await createUser(server, 'editor', 'Ed Itor');
    for (let i = 0; i < 25; i++) {
      stories.push(
        await publish(server, editor, {
          headline: [`Story ${label(i)} of the day`],
          standfirst: [`Standfirst ${label(i)}.`],
          byline: [`Reporter ${label(i)}`],
          body: [`Body of story ${label(i)}.`, 'A second paragraph.'],
        }),
      );
    }
  }, 120_000);
  afterAll(async () => {
    await server.close();
  });

  const newestFirst = () => [...stories].reverse();

  it('lists the newest 20 on the first page, linking to older stories and the feeds', async () => {
    const page = await get(server, '/stories');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(listedSlugs(page.body)).toEqual(
      newestFirst()
        .slice(0, 20)
        .map((s) => s.slug),
    );
    expect(page.body).toContain('<title>Stories — News</title>');
    expect(page.body).toContain(`<link rel="canonical" href="${server.url}/stories">`);
    expect(page.body).toContain('<link rel="next" href="/stories?page=2">');
    expect(page.body).not.toContain('rel="prev"');
    expect(page.body).toContain('<a rel="next" href="/stories?page=2">Older stories</a>');
    expect(page.body).not.toContain('Newer stories');
    expect(page.body).toContain('<link rel="alternate" type="application/atom+xml" href="/feed.xml">');
    expect(page.body).toContain('<link rel="alternate" type="application/feed+json" href="/feed.json">');
    expect(page.body).toContain('Page 1 of 2');
  });

  it('lists the remaining 5 on the second page, linking back to newer stories', async () => {
    const page = await get(server, '/stories?page=2');
    expect(page.status).toBe(200);
    expect(listedSlugs(page.body)).toEqual(
      newestFirst()
        .slice(20)
        .map((s) => s.slug),
    );
    expect(page.body).toContain('<title>Stories, page 2 — News</title>');
    expect(page.body).toContain(`<link rel="canonical" href="${server.url}/stories?page=2">`);
    expect(page.body).toContain('<link rel="prev" href="/stories">');
    expect(page.body).not.toContain('rel="next"');
    expect(page.body).toContain('<a rel="prev" href="/stories">Newer stories</a>');
    expect(page.body).not.toContain('Older stories');
  });

  it('answers a page past the end with 404, and ignores unrelated parameters', async () => {
    for (const path of ['/stories?page=3', '/stories?page=1000', `/stories?page=${'9'.repeat(400)}`]) {
      const page = await get(server, path);
      expect(page.status, path).toBe(404);
      expect(page.headers.get('content-type'), path).toMatch(/^text\/html/);
      expect(page.headers.get('cache-control'), path).toBe('no-store');
      expect(page.headers.get('etag'), path).toBeNull();
      expect(page.body, path).toContain('Page not found');
    }
    expect(listedSlugs((await get(server, '/stories?page=1')).body)).toHaveLength(20);
    expect(listedSlugs((await get(server, '/stories?utm_source=newsletter&page=2')).body)).toHaveLength(5);
  });

  it.each(['abc', '0', '-1', '1.5', '01', '+2', '2e1', '', '%20', '1&page=2', '0x2'])('refuses ?page=%s with 400', async (value) => {
    const page = await get(server, `/stories?page=${value}`);
    expect(page.status).toBe(400);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.body).toContain('Bad request');
    expectPublicHeaders(page, `/stories?page=${value}`);
  });

  it("serves the newest 20 as Atom, with a published story's body", async () => {
    const feed = await get(server, '/feed.xml');
    expect(feed.status).toBe(200);
    expect(feed.headers.get('content-type')).toBe('application/atom+xml; charset=utf-8');
    expect(feed.body.startsWith('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom"')).toBe(true);
    expect(feed.body.split('<entry>')).toHaveLength(21);
    expect(feed.body.split('</entry>')).toHaveLength(21);
    const ids = [...feed.body.matchAll(/<id>urn:uuid:([0-9a-f-]{36})<\/id>/g)].map((m) => m[1]);
    expect(ids).toEqual(
      newestFirst()
        .slice(0, 20)
        .map((s) => s.storyId),
    );
    const newest = stories[24];
    expect(feed.body).toContain(`<link rel="alternate" type="text/html" href="${server.url}/stories/${newest.slug}"/>`);
    expect(feed.body).toContain('<title>Story 25 of the day</title>');
    expect(feed.body).toContain('<summary>Standfirst 25.</summary>');
    expect(feed.body).toContain('<author><name>Reporter 25</name></author>');
    expect(feed.body).toContain(
      '<content type="html">&lt;p&gt;Body of story 25.&lt;/p&gt;&lt;p&gt;A second paragraph.&lt;/p&gt;</content>',
    );
    expect(feed.body).not.toContain('Story 05 of the day');
  });

  it("serves the newest 20 as JSON Feed 1.1, with a published story's body", async () => {
    const res = await get(server, '/feed.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/feed+json; charset=utf-8');
    const feed = JSON.parse(res.body);
    expect(feed).toMatchObject({
      version: 'https://jsonfeed.org/version/1.1',
      title: expect.any(String),
      home_page_url: `${server.url}/stories`,
      feed_url: `${server.url}/feed.json`,
    });
    expect(feed.items.map((item: { id: string }) => item.id)).toEqual(
      newestFirst()
        .slice(0, 20)
        .map((s) => `urn:uuid:${s.storyId}`),
    );
    const newest = stories[24];
    expect(feed.items[0]).toEqual({
      id: `urn:uuid:${newest.storyId}`,
      url: `${server.url}/stories/${newest.slug}`,
      title: 'Story 25 of the day',
      summary: 'Standfirst 25.',
      content_html: '<p>Body of story 25.</p><p>A second paragraph.</p>',
      date_published: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      date_modified: expect.any(String),
      authors: [{ name: 'Reporter 25' }],
    });
  });

  it('applies the public CSP to pages, feeds and errors', async () => {
    for (const url of [
      '/stories',
      '/stories?page=2',
      `/stories/${stories[3].slug}`,
      '/feed.xml',
      '/feed.json',
      '/stories/no-such-story',
      '/stories?page=9',
    ]) {
      const page = await get(server, url);
      expectPublicHeaders(page, url);
      expect(withoutStructuredData(page.body), url).not.toMatch(/<script/i);
    }
  });

  describe.each(['/stories', '/stories?page=2', '/feed.xml', '/feed.json', 'story'])('caching %s', (which) => {
    const path = () => (which === 'story' ? `/stories/${stories[10].slug}` : which);

    it('sends a strong ETag of the body, Last-Modified and Cache-Control, and no weak ETag of its own', async () => {
      const first = await get(server, path());
      expect(first.status).toBe(200);
      const etag = first.headers.get('etag')!;
      expect(etag).toMatch(STRONG_ETAG);
      expect(etag).toBe(`"${createHash('sha256').update(first.body).digest('base64url')}"`);
      expect(first.headers.get('cache-control')).toBe(CACHE_CONTROL);
      const lastModified = first.headers.get('last-modified')!;
      expect(new Date(lastModified).toUTCString()).toBe(lastModified);
      expect(Number(first.headers.get('content-length'))).toBe(Buffer.byteLength(first.body));
      const again = await get(server, path());
      expect(again.headers.get('etag')).toBe(etag);
      expect(again.body).toBe(first.body);
    });

    it('answers If-None-Match with 304 and no body', async () => {
      const { headers } = await get(server, path());
      const etag = headers.get('etag')!;
      for (const inm of [etag, `W/${etag}`, `"nope", ${etag}`, '*']) {
        const res = await get(server, path(), { 'if-none-match': inm });
        expect(res.status, inm).toBe(304);
        expect(res.body, inm).toBe('');
        expect(res.headers.get('etag'), inm).toBe(etag);
        expect(res.headers.get('cache-control'), inm).toBe(CACHE_CONTROL);
        expectPublicHeaders(res, `${path()} 304`);
      }
      expect((await get(server, path(), { 'if-none-match': '"something-else"' })).status).toBe(200);
    });

    it('answers If-Modified-Since with 304 unless changed since; If-None-Match wins when both are sent', async () => {
      const { headers } = await get(server, path());
      const lastModified = headers.get('last-modified')!;
      const before = new Date(Date.parse(lastModified) - 1000).toUTCString();
      const res = await get(server, path(), { 'if-modified-since': lastModified });
      expect(res.status).toBe(304);
      expect(res.body).toBe('');
      expect((await get(server, path(), { 'if-modified-since': before })).status).toBe(200);
      expect((await get(server, path(), { 'if-modified-since': 'not a date' })).status).toBe(200);
      expect((await get(server, path(), { 'if-modified-since': lastModified, 'if-none-match': '"other"' })).status).toBe(200);
    });

    it('answers HEAD with the same validators and no body', async () => {
      const full = await get(server, path());
      const head = await get(server, path(), {}, 'HEAD');
      expect(head.status).toBe(200);
      expect(head.body).toBe('');
      expect(head.headers.get('etag')).toBe(full.headers.get('etag'));
      expect(head.headers.get('content-length')).toBe(full.headers.get('content-length'));
    });
  });
});

describe('validators change with the publications', () => {
  let server: TestServer;
  let editor: TestUser;
  beforeAll(async () => {
    server = await startTestServer();
    editor = await createUser(server, 'editor');
  });
  afterAll(async () => {
    await server.close();
  });

  it("gives the index, the feeds and other stories' pages new ETags when a story is published or republished", async () => {
    const empty = await get(server, '/stories');
    expect(empty.status).toBe(200);
    expect(empty.body).toContain('No stories have been published yet');
    expect(empty.headers.get('last-modified')).toBeNull();
    expect((await get(server, '/stories?page=2')).status).toBe(404);
    expect(JSON.parse((await get(server, '/feed.json')).body).items).toEqual([]);

    const first = await publish(server, editor, { headline: ['First story'], body: ['First body.'] });
    const urls = ['/stories', '/feed.xml', '/feed.json', `/stories/${first.slug}`];
    const before = new Map<string, Page>();
    for (const url of urls) before.set(url, await get(server, url));
    await new Promise((r) => setTimeout(r, 1100)); // Last-Modified has whole seconds

    const second = await publish(server, editor, { headline: ['Second story'], body: ['Second body.'] });
    for (const url of urls) {
      const old = before.get(url)!;
      const now = await get(server, url, { 'if-none-match': old.headers.get('etag')! });
      expect(now.status, url).toBe(200);
      expect(now.headers.get('etag'), url).not.toBe(old.headers.get('etag'));
      expect(Date.parse(now.headers.get('last-modified')!), url).toBeGreaterThan(Date.parse(old.headers.get('last-modified')!));
      const since = await get(server, url, { 'if-modified-since': old.headers.get('last-modified')! });
      expect(since.status, url).toBe(200);
    }
    // The first story's own text did not change: its page did, through "Recent stories".
    expect((await get(server, `/stories/${first.slug}`)).body).toContain(`<a href="/stories/${second.slug}">Second story</a>`);

    // Republishing the first story with new text changes the second story's page through its recent list.
    const secondPage = await get(server, `/stories/${second.slug}`);
    const client = await connectClient(server, editor, first.storyId);
    try {
      setParagraphs(client.doc, 'headline', ['First story, corrected']);
      await client.provider.whenSaved();
    } finally {
      client.close();
    }
    expect(
      (await fetch(`${server.url}/api/stories/${first.storyId}/publish`, { method: 'POST', headers: { cookie: editor.cookie } })).status,
    ).toBe(200);
    const after = await get(server, `/stories/${second.slug}`, { 'if-none-match': secondPage.headers.get('etag')! });
    expect(after.status).toBe(200);
    expect(after.body).toContain('First story, corrected');
    const republished = await get(server, `/stories/${first.slug}`);
    expect(republished.body).toMatch(/Published <time[^>]*>[^<]+<\/time>/);
    expect(republished.body).toMatch(/<meta property="article:modified_time" content="[^"]+">/);
  }, 30_000);
});

describe('hostile stories', () => {
  let server: TestServer;
  let story: Published;
  const PAYLOADS = [
    '<script>alert(1)</script>',
    '"><img src=x onerror=alert(1)>',
    ']]><script>alert(1)</script>',
    '</title><script>alert(1)</script>',
  ];

  beforeAll(async () => {
    server = await startTestServer();
    const editor = await createUser(server, 'editor');
    story = await publish(
      server,
      editor,
      {
        headline: [`Alert ${PAYLOADS[3]} ${PAYLOADS[1]}`],
        standfirst: [`${PAYLOADS[2]} ${PAYLOADS[1]} bell\u0007`],
        byline: [`${PAYLOADS[1]} ${PAYLOADS[3]}`],
      },
      (doc) => {
        const body = doc.getXmlFragment('body');
        const paragraphs = PAYLOADS.map((payload) => {
          const p = new Y.XmlElement('paragraph');
          p.insert(0, [new Y.XmlText(payload)]);
          return p;
        });
        const linked = new Y.XmlElement('paragraph');
        const text = new Y.XmlText();
        linked.insert(0, [text]);
        body.insert(0, [...paragraphs, linked]);
        text.insert(0, 'Read the ');
        text.insert(text.length, 'evil link', { link: { href: 'javascript:alert(1)' } });
        text.insert(text.length, ' and the ');
        text.insert(text.length, 'good link', { link: { href: 'https://example.com/report' } });
      },
    );
    // Two more, so the hostile story shows under "Recent stories" on another page too.
    await publish(server, editor, { headline: ['An ordinary story'], body: ['Nothing to see.'] });
  }, 30_000);
  afterAll(async () => {
    await server.close();
  });

  /** Live markup from a payload: a script or img element, a javascript: URL, a CDATA end, a closed title. */
  const RAW = /<script|<img|javascript:|]]>|<\/title></i;
  /** A real tag (double-quoted attributes, as the pages write them) with an event handler attribute. */
  const HANDLER = /<[a-z][a-z0-9]*(?:\s+[a-z][a-z0-9:-]*(?:="[^"]*")?)*\s+on[a-z]+\s*=/i;

  it.each(['story', '/stories', '/stories/an-ordinary-story'])('escapes every payload on %s', async (which) => {
    const url = which === 'story' ? `/stories/${story.slug}` : which;
    const page = await get(server, url);
    expect(page.status).toBe(200);
    expect(withoutStructuredData(page.body)).not.toMatch(RAW);
    expect(page.body).not.toMatch(HANDLER);
    expect(page.body).toContain('&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
    if (which === 'story') {
      expect(page.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(page.body).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
      expect(page.body).toContain('Read the evil link and the ');
      expect(page.body).toContain('<a href="https://example.com/report" rel="noopener noreferrer nofollow ugc">good link</a>');
    }
  });

  it('escapes every payload in the Atom feed and drops the control character', async () => {
    const feed = (await get(server, '/feed.xml')).body;
    expect(feed).not.toMatch(RAW);
    expect(feed).not.toMatch(HANDLER);
    expect(feed).not.toContain('\u0007');
    expect(feed).toContain(
      `<title>Alert &lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt; &quot;&gt;&lt;img src=x onerror=alert(1)&gt;</title>`,
    );
    expect(feed).toContain(
      '<summary>]]&gt;&lt;script&gt;alert(1)&lt;/script&gt; &quot;&gt;&lt;img src=x onerror=alert(1)&gt; bell</summary>',
    );
    // The body is HTML that is itself escaped: a reader shows the payload as text.
    expect(feed).toContain('&lt;p&gt;&amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt;&lt;/p&gt;');
    expect(feed.split('<entry>')).toHaveLength(3);
  });

  it('carries every payload in the JSON feed as inert text', async () => {
    const res = await get(server, '/feed.json');
    expect(res.body).not.toMatch(RAW);
    expect(res.body).not.toMatch(/[<>&\u0007]/);
    const item = JSON.parse(res.body).items.find((i: { id: string }) => i.id === `urn:uuid:${story.storyId}`);
    expect(item.title).toBe(`Alert ${PAYLOADS[3]} ${PAYLOADS[1]}`);
    expect(item.authors).toEqual([{ name: `${PAYLOADS[1]} ${PAYLOADS[3]}` }]);
    expect(item.summary).toBe(`${PAYLOADS[2]} ${PAYLOADS[1]} bell\u0007`);
    expect(item.content_html).not.toMatch(RAW);
    expect(item.content_html).toContain('<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>');
    expect(item.content_html).toContain('<p>Read the evil link and the <a href="https://example.com/report"');
  });
});
