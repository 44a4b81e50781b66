/**
 * The public site's rendered answers (server/http/RenderedAnswers.ts) on a real server: a page, index, feed,
 * sitemap or stylesheet asked for again is the same bytes and ETag without reading the stories again, 304s still
 * come, and every change a reader can see (publish, republish, address change, unpublish, site settings) shows at
 * the very next request, on the node that made it and on another node on the same database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount } from '../../server/auth/accounts';
import { PgStore } from '../../server/persistence/pg/PgStore';
import type { Store } from '../../server/persistence/Store';
import { DEFAULT_SITE_SETTINGS } from '../../shared/siteSettings';
import { setParagraphs, type TestClient } from '../helpers/clients';
import { call, writeStory } from '../helpers/http';
import { createTestDatabase, requirePostgres } from '../helpers/postgres';
import { requireRedisServer, startRedis, type TestRedis } from '../helpers/redisServer';
import { killAllServerProcesses, type ServerProcess, startServerProcess } from '../helpers/serverProcess';
import { createUser, signIn, startTestServer, type TestServer, type TestUser } from '../helpers/testServer';

/** The store reads a public answer is rendered from: a kept answer makes none of them. */
const RENDER_READS = new Set(['getPublicationBySlug', 'listPublications', 'publicationStats', 'listPublicationEntries']);
let renderReads = 0;
const counting = (store: Store): Store =>
  new Proxy(store, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (typeof value !== 'function') return value;
      if (!RENDER_READS.has(String(key))) return value.bind(target);
      return (...args: unknown[]) => {
        renderReads++;
        return value.apply(target, args);
      };
    },
  });

let server: TestServer;
let editor: TestUser;
let admin: TestUser;
const clients: TestClient[] = [];

beforeAll(async () => {
  server = await startTestServer({ wrapStore: counting });
  editor = await createUser(server, 'editor', 'Eddie Editor');
  admin = await createUser(server, 'admin', 'Ada Admin');
}, 20_000);

afterAll(async () => {
  clients.forEach((c) => c.close());
  await server?.close();
});

/** Writes a story through a real client and publishes it on `node`; its id and address. */
async function publish(node: { url: string }, user: TestUser, headline: string): Promise<{ id: string; slug: string }> {
  const id = await writeStory(node, user, { headline: [headline], standfirst: ['S.'], byline: ['B'], body: ['Body.'] }, clients);
  const answer = await call(node, 'POST', `/api/stories/${id}/publish`, { user });
  expect(answer.status, answer.text).toBe(200);
  return { id, slug: answer.body.publication.slug };
}

const page = (node: { url: string }, path: string, headers: Record<string, string> = {}) => call(node, 'GET', path, { headers });

describe('rendered answers on one node', () => {
  let story: { id: string; slug: string };

  beforeAll(async () => {
    story = await publish(server, editor, 'Harbour wall to be rebuilt');
  }, 20_000);

  it('sends a page, the index, the feeds, the sitemaps and the stylesheet again as the same bytes and ETag, reading no story', async () => {
    for (const path of [
      `/stories/${story.slug}`,
      '/stories',
      '/stories?page=1',
      '/feed.xml',
      '/feed.json',
      '/sitemap.xml',
      '/news-sitemap.xml',
      '/robots.txt',
      '/public/site.css',
    ]) {
      const first = await page(server, path);
      expect(first.status, path).toBe(200);
      const reads = renderReads;
      const again = await page(server, path);
      expect(again.text, path).toBe(first.text);
      expect(again.headers.get('etag'), path).toBe(first.headers.get('etag'));
      expect(again.headers.get('last-modified'), path).toBe(first.headers.get('last-modified'));
      expect(again.headers.get('content-type'), path).toBe(first.headers.get('content-type'));
      expect(again.headers.get('cache-control'), path).toBe(first.headers.get('cache-control'));
      expect(renderReads, `${path} was rendered again`).toBe(reads);
    }
  });

  it('answers conditional requests and HEAD from the kept answer', async () => {
    const path = `/stories/${story.slug}`;
    const first = await page(server, path);
    const reads = renderReads;
    const etag = first.headers.get('etag')!;
    const byTag = await page(server, path, { 'if-none-match': etag });
    expect(byTag.status).toBe(304);
    expect(byTag.text).toBe('');
    expect(byTag.headers.get('etag')).toBe(etag);
    expect((await page(server, path, { 'if-modified-since': first.headers.get('last-modified')! })).status).toBe(304);
    expect((await page(server, path, { 'if-none-match': '"something-else"' })).text).toBe(first.text);
    const head = await call(server, 'HEAD', path);
    expect(head.status).toBe(200);
    expect(head.headers.get('etag')).toBe(etag);
    expect(head.text).toBe('');
    expect(renderReads).toBe(reads);
  });

  it('keeps no error: a story published after its address answered 404 shows at the next request', async () => {
    const id = await writeStory(
      server,
      editor,
      { headline: ['Ferry timetable changes'], standfirst: ['S.'], byline: ['B'], body: ['Body.'] },
      clients,
    );
    const slug = `ferry-timetable-${id.slice(0, 8)}`;
    expect((await call(server, 'PUT', `/api/stories/${id}/slug`, { user: editor, body: { slug } })).status).toBe(200);
    expect((await page(server, `/stories/${slug}`)).status).toBe(404);
    expect((await call(server, 'POST', `/api/stories/${id}/publish`, { user: editor })).status).toBe(200);
    expect((await page(server, `/stories/${slug}`)).text).toContain('Ferry timetable changes');
  });

  it('shows a publication, a republication, an address change, an unpublication and new settings at the next request', async () => {
    const other = await publish(server, editor, 'Library opens on Sundays');
    // Warm every answer, then change what it shows and ask once.
    const warm = () => Promise.all([`/stories/${story.slug}`, '/stories', '/feed.xml', '/sitemap.xml'].map((p) => page(server, p)));
    await warm();

    const added = await publish(server, editor, 'Night buses return');
    expect((await page(server, '/stories')).text).toContain(`/stories/${added.slug}`);
    expect((await page(server, `/stories/${story.slug}`)).text).toContain('Night buses return'); // its recent stories
    expect((await page(server, '/feed.xml')).text).toContain('Night buses return');
    expect((await page(server, '/sitemap.xml')).text).toContain(`/stories/${added.slug}`);

    await warm();
    const moved = `${other.slug}-moved`;
    await page(server, `/stories/${other.slug}`);
    expect((await call(server, 'PUT', `/api/stories/${other.id}/slug`, { user: editor, body: { slug: moved } })).status).toBe(200);
    const old = await page(server, `/stories/${other.slug}`);
    expect(old.status).toBe(301);
    expect(old.headers.get('location')).toBe(`/stories/${moved}`);
    expect((await page(server, `/stories/${moved}`)).status).toBe(200);
    expect((await page(server, '/stories')).text).toContain(`/stories/${moved}`);
    // And back: the new address redirects, the old one is the page again.
    expect((await call(server, 'PUT', `/api/stories/${other.id}/slug`, { user: editor, body: { slug: other.slug } })).status).toBe(200);
    expect((await page(server, `/stories/${other.slug}`)).status).toBe(200);
    expect((await page(server, `/stories/${moved}`)).status).toBe(301);

    await warm();
    await page(server, `/stories/${added.slug}`);
    expect((await call(server, 'POST', `/api/stories/${added.id}/unpublish`, { user: editor })).status).toBe(200);
    expect((await page(server, `/stories/${added.slug}`)).status).toBe(410);
    expect((await page(server, '/stories')).text).not.toContain(`/stories/${added.slug}`);
    expect((await page(server, '/feed.xml')).text).not.toContain('Night buses return');
    expect((await page(server, `/stories/${story.slug}`)).text).not.toContain('Night buses return');

    await warm();
    const before = await page(server, `/stories/${story.slug}`);
    const settings = { ...DEFAULT_SITE_SETTINGS, name: 'The Harbour Herald', logo: null, socialImage: null };
    expect((await call(server, 'PUT', '/api/site', { user: admin, body: settings })).status).toBe(200);
    const after = await page(server, `/stories/${story.slug}`);
    expect(after.text).toContain('The Harbour Herald');
    expect(after.headers.get('etag')).not.toBe(before.headers.get('etag'));
    expect((await page(server, '/stories')).text).toContain('The Harbour Herald');
    expect((await page(server, '/feed.xml')).text).toContain('The Harbour Herald');
  }, 30_000);

  it('shows a republication’s new words at the next request', async () => {
    const { id, slug } = await publish(server, editor, 'Market moves indoors');
    expect((await page(server, `/stories/${slug}`)).text).toContain('Market moves indoors');
    const client = clients.at(-1)!;
    setParagraphs(client.doc, 'headline', ['Market moves indoors for winter']);
    await client.provider.whenSaved();
    expect((await call(server, 'POST', `/api/stories/${id}/publish`, { user: editor })).status).toBe(200);
    expect((await page(server, `/stories/${slug}`)).text).toContain('Market moves indoors for winter');
  }, 20_000);
});

const clusterAvailable = (await requirePostgres()) && (await requireRedisServer());

describe.skipIf(!clusterAvailable)('rendered answers on two nodes on one Postgres', () => {
  let database: { url: string; drop: () => Promise<void> };
  let redis: TestRedis;
  let store: PgStore;
  let nodes: ServerProcess[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    redis = await startRedis();
    store = await PgStore.open(database.url);
    const env = { DATABASE_URL: database.url, REDIS_URL: redis.url, SESSION_SECRET: 'rendered-answers-scale-out-secret-0123456789' };
    nodes = await Promise.all([startServerProcess(env), startServerProcess(env)]);
  }, 120_000);

  afterAll(async () => {
    killAllServerProcesses();
    await store?.close();
    await redis?.stop();
    await database?.drop();
  });

  it('shows a publication and an unpublication made on one node at the other’s next request', async () => {
    const password = 'a long enough password';
    await createAccount(store, { email: 'editor@site.test', name: 'Eddie Editor', role: 'editor', password });
    const user = { cookie: await signIn(nodes[0].url, 'editor@site.test', password) } as TestUser;
    const first = await publish(nodes[0], user, 'Bridge reopens');
    // The other node keeps its answers…
    for (const path of ['/stories', '/feed.xml', `/stories/${first.slug}`]) await page(nodes[1], path);

    const second = await publish(nodes[0], user, 'Tram line extended');
    // …and shows the change at its very next request: no waiting for anything to expire.
    expect((await page(nodes[1], '/stories')).text).toContain(`/stories/${second.slug}`);
    expect((await page(nodes[1], '/feed.xml')).text).toContain('Tram line extended');
    expect((await page(nodes[1], `/stories/${first.slug}`)).text).toContain('Tram line extended');

    await page(nodes[1], `/stories/${second.slug}`);
    expect((await call(nodes[0], 'POST', `/api/stories/${second.id}/unpublish`, { user })).status).toBe(200);
    expect((await page(nodes[1], `/stories/${second.slug}`)).status).toBe(410);
    expect((await page(nodes[1], '/stories')).text).not.toContain(`/stories/${second.slug}`);
    expect((await page(nodes[1], '/feed.xml')).text).not.toContain('Tram line extended');
  }, 60_000);
});
