/**
 * The content API against a real server: stories put in its store, read back as a separate front-end would,
 * with a content token (which counts nowhere else), a full token, a session, nothing at all, or on a server
 * where CONTENT_API_PUBLIC opens it. Who may read is also in authorizationMatrix.test.ts; here: what is
 * served (only live stories, absolute addresses, no emails), the cursors, the caching, CORS and bad input.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContentStory, ContentStoryList } from '../../shared/contentApi';
import type { PublicationRecord } from '../../server/persistence/PublicationStore';
import { seedPublication } from '../helpers/publications';
import { createUser, startTestServer, type TestServer, type TestUser } from '../helpers/testServer';

const API = '/api/content/v1';
const MEDIA = 'AbCdEfGhIjKlMnOpQrStUv';
const HOUR = 3_600_000;

let server: TestServer;
let editor: TestUser;
let writer: TestUser;
let contentToken = '';
let fullToken = '';
/** Live stories, newest first, as the list must give them. */
const live: PublicationRecord[] = [];
let withdrawn: PublicationRecord;
let binned: PublicationRecord;
let pictured: PublicationRecord;

type Answer = { status: number; headers: Headers; text: string; json: any };

async function get(path: string, headers: Record<string, string> = {}, base = server.url): Promise<Answer> {
  const res = await fetch(base + path, { headers, redirect: 'manual' });
  const text = await res.text();
  const json = (res.headers.get('content-type') ?? '').startsWith('application/json') && text ? JSON.parse(text) : null;
  return { status: res.status, headers: res.headers, text, json };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const asReader = () => bearer(contentToken);

async function makeToken(owner: TestUser, scope?: string): Promise<{ token: string; id: string; scope: string }> {
  const res = await fetch(`${server.url}/api/tokens`, {
    method: 'POST',
    headers: { cookie: owner.cookie, 'content-type': 'application/json' },
    body: JSON.stringify(scope === undefined ? { name: 'reader' } : { name: 'reader', scope }),
  });
  expect(res.status).toBe(201);
  const body = (await res.json()) as { token: string; summary: { id: string; scope: string } };
  return { token: body.token, ...body.summary };
}

const ago = (ms: number) => new Date(Date.now() - ms).toISOString();

beforeAll(async () => {
  server = await startTestServer();
  editor = await createUser(server, 'editor', 'Eddie Editor');
  writer = await createUser(server, 'writer', 'Wren Writer');
  const seed = (slug: string, hoursAgo: number, more: Parameters<typeof seedPublication>[2] | object = {}) =>
    seedPublication(server.store, editor, { slug, publishedAt: ago(hoursAgo * HOUR), ...more });
  // What each story was filed under when published (the list's filters): two names share the address world-news.
  const filed = [
    { section: null, tags: [] },
    { section: 'World News', tags: ['Budget'] },
    { section: null, tags: ['日本'], authors: [{ id: 'guest-id', name: 'A Guest' }] },
    { section: 'Sport', tags: ['Harbour life'] },
    { section: 'World news', tags: [] },
  ];
  for (let i = 0; i < 5; i++) live.unshift(await seed(`story-${i}`, 50 - i, filed[i]));
  pictured = await seed('pictured', 10, {
    lead: { media: MEDIA, width: 1000, height: 500, alt: 'A harbour', caption: 'Boats <b>at</b> dawn', credit: 'Jo Lee' },
    bodyHtml: `<p>Text &amp; more</p><figure><img src="/media/${MEDIA}/960.jpeg" srcset="/media/${MEDIA}/640.jpeg 640w" alt=""></figure>`,
    section: 'World News',
    tags: ['Budget', 'Harbour life'],
    // The page credits these two (its revisions, which the API used to read, name only the editor).
    authors: [
      { id: writer.id, name: 'Wren Writer' },
      { id: editor.id, name: 'Eddie Editor' },
    ],
  });
  live.unshift(pictured);
  withdrawn = await seed('withdrawn', 5, {
    section: 'Withdrawn only',
    tags: ['Budget'],
    authors: [{ id: 'gone-id', name: 'Gone Person' }],
  });
  await server.store.unpublish(withdrawn.storyId, ago(4 * HOUR), editor.name);
  binned = await seed('binned', 3);
  await server.store.unpublish(binned.storyId, ago(2 * HOUR), editor.name);
  await server.store.trashStory(binned.storyId, { id: editor.id, name: editor.name }, ago(HOUR));
  contentToken = (await makeToken(editor, 'content')).token;
  fullToken = (await makeToken(editor)).token;
});

afterAll(async () => {
  await server?.close();
});

describe('the story list', () => {
  it('pages through every live story once, newest first, by opaque cursors', async () => {
    const seen: string[] = [];
    let next: string | null = null;
    let pages = 0;
    do {
      const answer = await get(`${API}/stories?limit=2${next ? `&cursor=${next}` : ''}`, asReader());
      expect(answer.status).toBe(200);
      const list = answer.json as ContentStoryList;
      expect(list.stories.length).toBeLessThanOrEqual(2);
      seen.push(...list.stories.map((s) => s.slug));
      next = list.next;
      pages++;
    } while (next && pages < 10);
    expect(seen).toEqual(live.map((p) => p.slug));
    expect(pages).toBe(3);
  });

  it('gives summaries with absolute addresses and no body; the default page holds them all', async () => {
    const answer = await get(`${API}/stories`, asReader());
    const list = answer.json as ContentStoryList;
    expect(list.next).toBeNull();
    expect(list.stories.map((s) => s.id)).toEqual(live.map((p) => p.storyId));
    expect(list.stories[0]).toEqual({
      id: pictured.storyId,
      slug: 'pictured',
      url: `${server.url}/stories/pictured`,
      headline: 'Headline of pictured',
      standfirst: 'A standfirst.',
      byline: 'Eddie Editor',
      lead: {
        url: `${server.url}/media/${MEDIA}/1280.jpeg`,
        width: 1000,
        height: 500,
        alt: 'A harbour',
        caption: 'Boats <b>at</b> dawn',
        credit: 'Jo Lee',
        srcset: {
          avif: `${server.url}/media/${MEDIA}/320.avif 320w, ${server.url}/media/${MEDIA}/640.avif 640w, ${server.url}/media/${MEDIA}/960.avif 960w, ${server.url}/media/${MEDIA}/1280.avif 1000w`,
          webp: expect.stringContaining(`${server.url}/media/${MEDIA}/1280.webp 1000w`),
          jpeg: expect.stringContaining(`${server.url}/media/${MEDIA}/320.jpeg 320w`),
        },
      },
      publishedAt: pictured.publishedAt,
      updatedAt: pictured.updatedAt,
    });
    expect(list.stories[1].lead).toBeNull();
    // JSON is JSON: its type, nosniff, and no markup in the bytes (escaped as \u003c).
    expect(answer.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    expect(answer.text).not.toMatch(/[<>]/);
  });

  it('keeps only stories first published within since (inclusive) and until (exclusive)', async () => {
    const since = live[3].publishedAt;
    const until = live[1].publishedAt;
    const answer = await get(`${API}/stories?since=${encodeURIComponent(since)}&until=${encodeURIComponent(until)}`, asReader());
    expect((answer.json as ContentStoryList).stories.map((s) => s.slug)).toEqual([live[2].slug, live[3].slug]);
    // An offset other than Z means the same moment.
    const plusTwo = new Date(Date.parse(since) + 2 * HOUR).toISOString().replace('Z', '+02:00');
    const offset = await get(`${API}/stories?since=${encodeURIComponent(plusTwo)}`, asReader());
    expect((offset.json as ContentStoryList).stories.map((s) => s.slug)).toEqual(live.slice(0, 4).map((p) => p.slug));
  });
});

describe('the story list by section and tag', () => {
  const listed = async (query: string) => {
    const answer = await get(`${API}/stories?${query}`, asReader());
    expect(answer.status, query).toBe(200);
    return (answer.json as ContentStoryList).stories.map((s) => s.id);
  };
  const ids = (...slugs: string[]) => slugs.map((slug) => [...live, withdrawn].find((p) => p.slug === slug)!.storyId);

  it('keeps the live stories published in a section, by its name as published or by its address', async () => {
    expect(await listed('section=World%20News')).toEqual(ids('pictured', 'story-1'));
    expect(await listed('section=World%20news')).toEqual(ids('story-4'));
    // The address segment the site gives both names.
    expect(await listed('section=world-news')).toEqual(ids('pictured', 'story-4', 'story-1'));
    expect(await listed('section=Sport')).toEqual(ids('story-3'));
    expect(await listed('section=sport')).toEqual(ids('story-3'));
    // The withdrawn story's section is published nowhere; names neither as published nor an address find nothing.
    expect(await listed('section=Withdrawn%20only')).toEqual([]);
    expect(await listed('section=WORLD-NEWS')).toEqual([]);
    expect(await listed('section=Nowhere')).toEqual([]);
    expect(await listed(`section=${encodeURIComponent("x' OR '1'='1")}`)).toEqual([]);
  });

  it('keeps those carrying a tag, with a section too, and pages them by cursor', async () => {
    expect(await listed('tag=Budget')).toEqual(ids('pictured', 'story-1'));
    expect(await listed('tag=harbour-life')).toEqual(ids('pictured', 'story-3'));
    expect(await listed(`tag=${encodeURIComponent('日本')}`)).toEqual(ids('story-2'));
    expect(await listed('tag=Harbour')).toEqual([]);
    expect(await listed('tag=harbour-life&section=Sport')).toEqual(ids('story-3'));
    expect(await listed('tag=Budget&section=Sport')).toEqual([]);
    const first = (await get(`${API}/stories?section=world-news&limit=2`, asReader())).json as ContentStoryList;
    expect(first.stories.map((s) => s.id)).toEqual(ids('pictured', 'story-4'));
    const second = (await get(`${API}/stories?section=world-news&limit=2&cursor=${first.next}`, asReader())).json as ContentStoryList;
    expect([second.stories.map((s) => s.id), second.next]).toEqual([ids('story-1'), null]);
    const none = await get(`${API}/stories?tag=nothing-at-all`, asReader());
    expect([none.status, none.json]).toEqual([200, { stories: [], next: null }]);
  });
});

describe('one story', () => {
  it('by id and by slug: the body as published, its pictures absolute, its authors by id and name, no email anywhere', async () => {
    const byId = await get(`${API}/stories/${pictured.storyId}`, asReader());
    const bySlug = await get(`${API}/stories/by-slug/pictured`, asReader());
    expect(byId.status).toBe(200);
    expect(bySlug.text).toBe(byId.text);
    const story = byId.json.story as ContentStory;
    expect(story).toMatchObject({ id: pictured.storyId, slug: 'pictured', url: `${server.url}/stories/pictured` });
    expect(story.bodyHtml).toBe(
      `<p>Text &amp; more</p><figure><img src="${server.url}/media/${MEDIA}/960.jpeg" srcset="${server.url}/media/${MEDIA}/640.jpeg 640w" alt="" /></figure>`,
    );
    // As the story page credits them, in its order.
    expect(story.authors).toEqual([
      { id: writer.id, name: 'Wren Writer' },
      { id: editor.id, name: 'Eddie Editor' },
    ]);
    expect((await get(`${API}/stories/${live[1].storyId}`, asReader())).json.story.authors).toEqual([]);
    expect(byId.text).not.toContain('@example.test');
    expect(byId.headers.get('last-modified')).toBe(new Date(pictured.updatedAt).toUTCString());
  });

  it('follows an address the story had before with a 301, as the site does', async () => {
    expect(await server.store.setSlug(live[4].storyId, 'renamed-story')).toBe(true);
    const answer = await get(`${API}/stories/by-slug/${live[4].slug}`, asReader());
    expect(answer.status).toBe(301);
    expect(answer.headers.get('location')).toBe(`${API}/stories/by-slug/renamed-story`);
    expect((await get(answer.headers.get('location')!, asReader())).json.story.id).toBe(live[4].storyId);
  });

  it('answers 410 for a withdrawn story and 404 for one in the Trash or never published', async () => {
    for (const [path, status, code] of [
      [`/stories/${withdrawn.storyId}`, 410, 'gone'],
      ['/stories/by-slug/withdrawn', 410, 'gone'],
      [`/stories/${binned.storyId}`, 410, 'gone'],
      ['/stories/by-slug/never-published', 404, 'not_found'],
      ['/stories/00000000-0000-4000-8000-000000000000', 404, 'not_found'],
    ] as const) {
      const answer = await get(API + path, asReader());
      expect([answer.status, answer.json?.error?.code], path).toEqual([status, code]);
    }
    const all = await get(`${API}/stories?limit=100`, asReader());
    expect(all.text).not.toContain(withdrawn.storyId);
    expect(all.text).not.toContain(binned.storyId);
  });
});

describe('sections, tags and authors', () => {
  it('lists the newsroom’s sections and tags, and the people live stories credit', async () => {
    const add = (kind: string, name: string) =>
      fetch(`${server.url}/api/${kind}`, {
        method: 'POST',
        headers: { cookie: editor.cookie, 'content-type': 'application/json' },
        body: JSON.stringify({ name }),
      });
    expect((await add('sections', 'Politics')).status).toBe(201);
    expect((await add('tags', 'Budget')).status).toBe(201);
    expect((await get(`${API}/sections`, asReader())).json.terms).toEqual([{ id: expect.any(String), name: 'Politics' }]);
    expect((await get(`${API}/tags`, asReader())).json.terms).toEqual([{ id: expect.any(String), name: 'Budget' }]);
    const authors = await get(`${API}/authors`, asReader());
    // By name; the withdrawn story's credit is not published.
    expect(authors.json.authors).toEqual([
      { id: 'guest-id', name: 'A Guest' },
      { id: editor.id, name: 'Eddie Editor' },
      { id: writer.id, name: 'Wren Writer' },
    ]);
    expect(authors.text).not.toContain('@example.test');
  });
});

describe('caching and CORS', () => {
  it('sends a strong ETag and answers 304 to If-None-Match; private behind a credential', async () => {
    for (const path of ['/stories', `/stories/${pictured.storyId}`, '/sections', '/authors']) {
      const first = await get(API + path, asReader());
      const etag = first.headers.get('etag')!;
      expect(etag, path).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
      expect(first.headers.get('cache-control'), path).toBe('private, max-age=60');
      const again = await get(API + path, { ...asReader(), 'if-none-match': etag });
      expect([again.status, again.text], path).toEqual([304, '']);
    }
  });

  it('lets any origin read (never with cookies) and answers preflights for the Authorization header', async () => {
    const answer = await get(`${API}/stories`, { ...asReader(), origin: 'https://front.example.com' });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('access-control-allow-origin')).toBe('*');
    expect(answer.headers.get('access-control-allow-credentials')).toBeNull();
    expect(answer.headers.get('access-control-expose-headers')).toBe('ETag');
    const preflight = await fetch(`${server.url}${API}/stories`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://front.example.com',
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'authorization',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
    expect(preflight.headers.get('access-control-allow-methods')).toBe('GET, HEAD');
  });
});

describe('who may read', () => {
  it('a content token, a full token and a session may; nobody, a revoked or a deactivated account’s token may not', async () => {
    const revoked = await makeToken(writer, 'content');
    await fetch(`${server.url}/api/tokens/${revoked.id}`, { method: 'DELETE', headers: { cookie: writer.cookie } });
    const leaver = await createUser(server, 'writer', 'Lee Leaver');
    const leaversToken = await makeToken(leaver, 'content');
    const admin = await createUser(server, 'admin', 'Ada Admin');
    const off = await fetch(`${server.url}/api/users/${leaver.id}`, {
      method: 'PATCH',
      headers: { cookie: admin.cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ active: false }),
    });
    expect(off.status).toBe(200);
    const statuses: Record<string, number> = {};
    const callers: Record<string, Record<string, string>> = {
      content: asReader(),
      full: bearer(fullToken),
      session: { cookie: writer.cookie },
      nobody: {},
      revoked: bearer(revoked.token),
      deactivated: bearer(leaversToken.token),
      garbage: bearer('glt_not-a-token'),
    };
    for (const [who, headers] of Object.entries(callers)) {
      statuses[who] = (await get(`${API}/stories`, headers)).status;
    }
    expect(statuses).toEqual({ content: 200, full: 200, session: 200, nobody: 401, revoked: 401, deactivated: 401, garbage: 401 });
  });

  it('a content token counts nowhere else: the rest of the API, previews and pictures treat it as no credential', async () => {
    for (const path of ['/api/session', '/api/stories', '/api/tokens', '/api/sections', `/preview/${pictured.storyId}`]) {
      const answer = await get(path, asReader());
      expect([path, answer.status]).toEqual([path, 401]);
    }
    // Its owner's full token and session still work there, as before scopes.
    expect((await get('/api/session', bearer(fullToken))).status).toBe(200);
    expect((await get('/api/tokens', { cookie: editor.cookie })).json.tokens.map((t: { scope: string }) => t.scope).sort()).toEqual([
      'content',
      'full',
    ]);
  });

  it('with CONTENT_API_PUBLIC=true anyone may read, and answers may be kept by shared caches', async () => {
    const open = await startTestServer({ dataDir: server.dataDir, env: { CONTENT_API_PUBLIC: 'true' } });
    try {
      const answer = await get(`${API}/stories`, {}, open.url);
      expect(answer.status).toBe(200);
      expect(answer.headers.get('cache-control')).toBe('public, max-age=60, stale-while-revalidate=300');
      // Only the content API opens: the rest still needs a credential.
      expect((await get('/api/stories', {}, open.url)).status).toBe(401);
    } finally {
      await open.stop();
    }
  });
});

describe('bad input', () => {
  const cursorOf = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  it.each([
    ['limit 0', '/stories?limit=0', 400],
    ['limit over 100', '/stories?limit=101', 400],
    ['limit not a number', '/stories?limit=ten', 400],
    ['limit with a sign', '/stories?limit=%2B5', 400],
    ['limit twice', '/stories?limit=1&limit=2', 400],
    ['limit as an object', '/stories?limit[a]=1', 400],
    ['cursor not base64url', '/stories?cursor=a%2Bb', 400],
    ['cursor too long', `/stories?cursor=${'a'.repeat(201)}`, 400],
    ['cursor not JSON', `/stories?cursor=${Buffer.from('nope').toString('base64url')}`, 400],
    ['cursor of the wrong shape', `/stories?cursor=${cursorOf({ publishedAt: '2026-01-01T00:00:00.000Z' })}`, 400],
    ['cursor with a bad date', `/stories?cursor=${cursorOf(['yesterday', '00000000-0000-4000-8000-000000000000'])}`, 400],
    ['cursor with a bad id', `/stories?cursor=${cursorOf(['2026-01-01T00:00:00.000Z', "x' OR 1=1"])}`, 400],
    ['since not a date', '/stories?since=yesterday', 400],
    ['until without a zone', '/stories?until=2026-01-01T00:00:00', 400],
    ['an unknown parameter', '/stories?page=2', 400],
    ['an empty section', '/stories?section=', 400],
    ['a tag twice', '/stories?tag=a&tag=b', 400],
    ['a section too long', `/stories?section=${'s'.repeat(200)}`, 400],
    ['an id that is not a UUID', '/stories/not-a-uuid', 400],
    ['a slug with capitals', '/stories/by-slug/Not-A-Slug', 400],
    ['a slug too long', `/stories/by-slug/${'a'.repeat(81)}`, 400],
    ['a slug with encoded slashes', '/stories/by-slug/..%2F..%2Fetc', 400],
    ['a query on one story', '/stories/00000000-0000-4000-8000-000000000000?x=1', 400],
    ['no such route', '/nothing', 404],
  ])('%s: %s → %i', async (_name, path, status) => {
    const answer = await get(API + path, asReader());
    expect(answer.status).toBe(status);
    expect(answer.json.error.code).toEqual(expect.any(String));
    expect(answer.headers.get('cache-control') ?? '').not.toMatch(/public/);
  });

  it('refuses every method but GET and HEAD', async () => {
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      const res = await fetch(`${server.url}${API}/stories`, { method, headers: asReader() });
      expect([method, res.status]).toEqual([method, 404]);
    }
    const head = await fetch(`${server.url}${API}/stories`, { method: 'HEAD', headers: asReader() });
    expect(head.status).toBe(200);
  });
});
