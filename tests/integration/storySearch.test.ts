/**
 * Issue 18, search and filters: GET /api/stories with search words, filters, sort and pages, on a real
 * server. The index follows what editors type through real Yjs clients over Socket.IO, on SQLite and on
 * Postgres with two servers sharing the database; stories stored before search existed are indexed at
 * start-up; bad queries get a clear 400 and search syntax typed as words never breaks anything.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createAccount } from '../../server/auth/accounts';
import { PgStore } from '../../server/persistence/pg/PgStore';
import { newDraft } from '../../server/workflow/workflowState';
import type { StoryList } from '../../shared/newsroomQuery';
import { connectClient, eventually, setParagraphs, type TestClient } from '../helpers/clients';
import { call, writeStory } from '../helpers/http';
import { freshSchemaStore, POSTGRES_URL, requirePostgres } from '../helpers/postgres';
import { createUser, signIn, startTestServer, type TestServer, type TestUser } from '../helpers/testServer';

let server: TestServer;
let writer: TestUser;
let editor: TestUser;
const clients: TestClient[] = [];

beforeAll(async () => {
  server = await startTestServer();
  writer = await createUser(server, 'writer', 'Wren Writer');
  editor = await createUser(server, 'editor', 'Eda Editor');
});
afterAll(async () => {
  clients.forEach((c) => c.close());
  await server.close();
});

async function list(user: TestUser, query: string, on: { url: string } = server): Promise<StoryList> {
  const answer = await call(on, 'GET', `/api/stories?${query}`, { user });
  expect(answer.status, `${query}: ${answer.text}`).toBe(200);
  return answer.body as StoryList;
}
const q = (words: string) => `q=${encodeURIComponent(words)}`;
/** The marked runs of a story's match. */
const marked = (page: StoryList, storyId: string) =>
  page.stories
    .find((s) => s.id === storyId)
    ?.match?.segments.filter((s) => s.mark)
    .map((s) => s.text);

describe('searching what editors type', () => {
  it('finds a phrase of the body within seconds of it being typed, with the match marked', async () => {
    const storyId = await writeStory(server, writer, { headline: ['Tidal report'], body: ['Nothing here yet.'] }, clients);
    const client = clients[clients.length - 1];
    setParagraphs(client.doc, 'body', ['Boats wait.', 'The lighthouse keeper counted seventeen herons at dawn.']);
    await client.provider.whenSaved();
    const page = await eventually(async () => {
      const found = await list(editor, q('"seventeen herons"'));
      expect(found.stories.map((s) => s.id)).toEqual([storyId]);
      return found;
    }, 5_000);
    expect(page.stories[0].match?.field).toBe('body');
    expect(marked(page, storyId)).toEqual(['seventeen herons']);
    expect(page.stories[0].match?.segments.map((s) => s.text).join('')).toContain(
      'The lighthouse keeper counted seventeen herons at dawn.',
    );
    // What was replaced is no longer found.
    expect((await list(editor, q('"nothing here yet"'))).stories).toEqual([]);
  });

  it('filters by status, mine and mentions me, and sorts by creation', async () => {
    const first = await writeStory(server, writer, { body: ['marmalade first'] }, clients);
    const second = await writeStory(server, editor, { body: ['marmalade second'] }, clients);
    await eventually(async () => expect((await list(editor, q('marmalade'))).stories).toHaveLength(2), 5_000);
    expect((await list(writer, `${q('marmalade')}&mine=1`)).stories.map((s) => s.id)).toEqual([first]);
    expect((await list(editor, `${q('marmalade')}&mine=1`)).stories.map((s) => s.id)).toEqual([second]);
    expect((await list(editor, `${q('marmalade')}&status=in_review`)).stories).toEqual([]);
    expect((await list(editor, `${q('marmalade')}&mentions=1`)).stories).toEqual([]);
    expect((await list(editor, `${q('marmalade')}&sort=created`)).stories.map((s) => s.id)).toEqual([second, first]);
    // Every role that reads stories may search them; no one else.
    const viewer = await createUser(server, 'viewer');
    expect((await list(viewer, q('marmalade'))).stories).toHaveLength(2);
    expect((await call(server, 'GET', `/api/stories?${q('marmalade')}`)).status).toBe(401);
  });

  it('pages through the list with a cursor, each story once', async () => {
    const fresh = await startTestServer();
    try {
      const user = await createUser(fresh, 'writer');
      const created = [];
      for (let i = 0; i < 53; i++) created.push((await call(fresh, 'POST', '/api/stories', { user, body: {} })).body.id as string);
      const first = await list(user, '', fresh);
      expect(first.stories).toHaveLength(50);
      expect(first.next).not.toBeNull();
      const second = await list(user, `before=${encodeURIComponent(first.next!)}`, fresh);
      expect(second.next).toBeNull();
      const seen = [...first.stories, ...second.stories].map((s) => s.id);
      expect(seen.sort()).toEqual(created.sort());
      // The default list still answers without a query, as it always did.
      expect((await call(fresh, 'GET', '/api/stories', { user })).body.stories).toHaveLength(50);
    } finally {
      await fresh.close();
    }
  });
});

describe('bad queries', () => {
  it('refuses unknown filters, bad values and huge queries with a clear 400', async () => {
    const cases: [string, string][] = [
      ['color=red', 'color'],
      [`q=${'a'.repeat(201)}`, '200'],
      ['sort=relevance', 'Sort by'],
      ['status=lost', 'status'],
      ['mine=yes', 'mine=1'],
      ['before=not-a-cursor', 'cursor'],
      [`before=${encodeURIComponent(`2026-01-01T00:00:00.000Z~${randomUUID()}~x`)}`, 'cursor'],
      ['q=a&q=b', 'q'],
      [q('-excluded -only'), 'at least one word'],
      [q('((**))'), 'at least one word'],
    ];
    for (const [query, says] of cases) {
      const answer = await call(server, 'GET', `/api/stories?${query}`, { user: editor });
      expect(answer.status, query).toBe(400);
      expect(answer.body.error.code, query).toBe('bad_request');
      expect(answer.body.error.message, query).toContain(says);
    }
  });

  it('answers search engine syntax typed as words with results, never an error', async () => {
    const storyId = await writeStory(server, writer, { headline: ['Pier (north) NEAR the quay'], body: ['col:umn AND "more"'] }, clients);
    await eventually(async () => expect((await list(editor, q('quay'))).stories.map((s) => s.id)).toEqual([storyId]), 5_000);
    const typed = [
      'NEAR(pier quay)',
      'headline:pier',
      'pier AND quay',
      'pier OR',
      'OR pier',
      '"pier',
      'pier"',
      '^pier',
      'pier*',
      'p*',
      "pier's",
      'pier & !quay | x:*',
      '(pier',
      'col:umn',
      '\\"pier\\"',
      "'; DROP TABLE stories; --",
      '🚢 pier',
      'pier\u0000quay',
    ];
    for (const words of typed) {
      const answer = await call(server, 'GET', `/api/stories?${q(words)}`, { user: editor });
      expect([200, 400], words).toContain(answer.status);
      if (answer.status === 400) expect(answer.body.error.message, words).toContain('at least one word');
    }
    expect((await list(editor, q('NEAR(pier quay)'))).stories.map((s) => s.id)).toEqual([storyId]);
    // Not FTS5's column filter: "headline" is a word to find, and this story has none.
    expect((await list(editor, q('headline: pier'))).stories).toEqual([]);
    expect((await list(editor, q('col:umn'))).stories.map((s) => s.id)).toEqual([storyId]);
  });
});

describe('stories stored before search existed', () => {
  it('are indexed from their stored text when the server starts', async () => {
    const dataDir = (await import('../helpers/testServer')).tempDataDir();
    let node = await startTestServer({ dataDir });
    try {
      const author = await createAccount(node.store, {
        email: 'old@example.test',
        name: 'Old Timer',
        role: 'writer',
        password: 'long enough password',
      });
      // Written straight into storage, as a story of a release before search: no text indexed.
      const storyId = randomUUID();
      await node.store.createStory(newDraft(storyId, author, new Date().toISOString()));
      const doc = new Y.Doc();
      setParagraphs(doc, 'body', ['An archive piece about the copper mines.']);
      await node.store.appendUpdates([{ storyId, update: Y.encodeStateAsUpdate(doc) }]);
      expect(await node.store.unindexedStories('', 10)).toEqual([storyId]);
      await node.stop();
      node = await startTestServer({ dataDir });
      const cookie = await signIn(node.url, 'old@example.test', 'long enough password');
      const reader = { cookie } as TestUser;
      const page = await eventually(async () => {
        const found = await list(reader, q('copper mines'), node);
        expect(found.stories.map((s) => s.id)).toEqual([storyId]);
        return found;
      }, 5_000);
      expect(marked(page, storyId)).toEqual(['copper', 'mines']);
      expect(await node.store.unindexedStories('', 10)).toEqual([]);
    } finally {
      await node.close();
    }
  });
});

describe.skipIf(!(await requirePostgres()))('on Postgres, two servers sharing the database', () => {
  it('finds on server B, within seconds, a phrase typed into a story open on server A', async () => {
    const { store, schema, cleanup } = await freshSchemaStore();
    const env = { SESSION_SECRET: 'a shared secret of at least thirty-two characters' };
    const second = await PgStore.open(POSTGRES_URL, { schema });
    const [a, b] = await Promise.all([startTestServer({ env, wrapStore: () => store }), startTestServer({ env, wrapStore: () => second })]);
    const local: TestClient[] = [];
    try {
      await createAccount(store, { email: 'pg-w@example.test', name: 'Pat Writer', role: 'writer', password: 'long enough password' });
      await createAccount(store, { email: 'pg-e@example.test', name: 'Ed Itor', role: 'editor', password: 'long enough password' });
      const onA = { cookie: await signIn(a.url, 'pg-w@example.test', 'long enough password') } as TestUser;
      const onB = { cookie: await signIn(b.url, 'pg-e@example.test', 'long enough password') } as TestUser;
      const storyId = (await call(a, 'POST', '/api/stories', { user: onA, body: {} })).body.id as string;
      const client = await connectClient(a, onA, storyId);
      local.push(client);
      setParagraphs(client.doc, 'headline', ['Harbour dues']);
      setParagraphs(client.doc, 'body', ['The harbour master raised the mooring fees by a third.']);
      await client.provider.whenSaved();
      const page = await eventually(async () => {
        const found = await list(onB, q('"mooring fees"'), b);
        expect(found.stories.map((s) => s.id)).toEqual([storyId]);
        return found;
      }, 5_000);
      expect(marked(page, storyId)).toEqual(['mooring fees']);
      expect((await list(onB, `${q('harbour -fees')}`, b)).stories).toEqual([]);
      expect((await list(onB, `${q('harbo*')}&status=draft&sort=created`, b)).stories.map((s) => s.id)).toEqual([storyId]);
    } finally {
      local.forEach((c) => c.close());
      await Promise.all([a.close(), b.close()]);
      await second.close();
      await cleanup();
    }
  });
});
