/**
 * Issue 18, managed sections and tags: editors keep the lists (unique by name whatever the case, bounded),
 * everyone reads them, a rename carries the stories with it (their Y.Doc planning, then the list's filters)
 * and a removal leaves stories as they are. On SQLite and, when it is there, on Postgres.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { StorySummary } from '../../shared/api';
import { PLANNING_ROOT, TAGS_ROOT } from '../../shared/planning';
import { connectClient, createStory, eventually, type TestClient } from '../helpers/clients';
import { call } from '../helpers/http';
import { freshSchemaStore, requirePostgres } from '../helpers/postgres';
import { createUser, startTestServer, type TestServer } from '../helpers/testServer';

const clients: TestClient[] = [];
const withPostgres = await requirePostgres();
const cleanups: Array<() => Promise<void>> = [];

afterAll(async () => {
  clients.forEach((c) => c.close());
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function suite(server: TestServer): Promise<void> {
  const editor = await createUser(server, 'editor', 'Eve Editor');
  const writer = await createUser(server, 'writer', 'Wren Writer');
  const names = async (kind: string) =>
    ((await call(server, 'GET', `/api/${kind}`, { user: writer })).body.terms as { name: string }[]).map((t) => t.name);

  // Added, unique whatever the case, by name.
  const city = await call(server, 'POST', '/api/sections', { user: editor, body: { name: '  City   desk ' } });
  expect(city.status).toBe(201);
  expect(city.body.term.name).toBe('City desk');
  expect((await call(server, 'POST', '/api/sections', { user: editor, body: { name: 'CITY DESK' } })).status).toBe(409);
  expect((await call(server, 'POST', '/api/sections', { user: editor, body: { name: 'Arts' } })).status).toBe(201);
  const ferries = await call(server, 'POST', '/api/tags', { user: editor, body: { name: 'ferries' } });
  expect(await names('sections')).toEqual(['Arts', 'City desk']);
  expect(await names('tags')).toEqual(['ferries']);
  expect((await call(server, 'POST', '/api/tags', { user: writer, body: { name: 'mine' } })).status).toBe(403);

  // Bad input: a clear 400 (or 404 for an id that is not there).
  for (const [method, path, body] of [
    ['POST', '/api/sections', { name: '' }],
    ['POST', '/api/sections', { name: '   ' }],
    ['POST', '/api/sections', { name: 'x'.repeat(61) }],
    ['POST', '/api/tags', { name: 'x'.repeat(41) }],
    ['POST', '/api/tags', { name: 42 }],
    ['POST', '/api/tags', { name: 'a', colour: 'red' }],
    ['POST', '/api/tags', ['a']],
    ['PATCH', '/api/sections/not-an-id', { name: 'A' }],
    ['PATCH', `/api/sections/${city.body.term.id}`, {}],
    ['DELETE', '/api/tags/not-an-id', undefined],
  ] as const) {
    const answer = await call(server, method, path, { user: editor, body });
    expect(answer.status, `${method} ${path} ${JSON.stringify(body)}`).toBe(400);
  }
  expect((await call(server, 'GET', '/api/sections?all=1', { user: editor })).status).toBe(400);
  expect((await call(server, 'PATCH', `/api/tags/${city.body.term.id}`, { user: editor, body: { name: 'x' } })).status).toBe(404);

  // A story in the section, with the tag, written as a client writes it.
  const storyId = await createStory(server, writer);
  const client = await connectClient(server, writer, storyId);
  clients.push(client);
  client.doc.transact(() => {
    client.doc.getMap(PLANNING_ROOT).set('section', 'City desk');
    client.doc.getMap(TAGS_ROOT).set('ferries', true);
    client.doc.getMap(TAGS_ROOT).set('fares', true);
  });
  const listed = async (query: string) =>
    ((await call(server, 'GET', `/api/stories?${query}`, { user: writer })).body.stories as StorySummary[]).map((s) => s.id);
  await eventually(async () => expect(await listed('section=City%20desk&tag=ferries')).toEqual([storyId]));

  // Renamed: the story follows, live in the open document and in the list's filters.
  const renamed = await call(server, 'PATCH', `/api/sections/${city.body.term.id}`, { user: editor, body: { name: 'Metro' } });
  expect(renamed.status).toBe(200);
  expect(renamed.body).toEqual({ term: { id: city.body.term.id, name: 'Metro' }, storiesMoved: 1 });
  expect(
    (await call(server, 'PATCH', `/api/tags/${ferries.body.term.id}`, { user: editor, body: { name: 'Ferry routes' } })).body.storiesMoved,
  ).toBe(1);
  await eventually(() => expect(client.doc.getMap(PLANNING_ROOT).get('section')).toBe('Metro'));
  await eventually(() => expect([...client.doc.getMap(TAGS_ROOT).keys()].sort()).toEqual(['Ferry routes', 'fares']));
  await eventually(async () => expect(await listed('section=Metro&tag=Ferry%20routes')).toEqual([storyId]));
  expect(await listed('section=City%20desk')).toEqual([]);
  expect((await call(server, 'PATCH', `/api/sections/${city.body.term.id}`, { user: editor, body: { name: 'arts' } })).status).toBe(409);

  // Removed: the story keeps its section.
  expect((await call(server, 'DELETE', `/api/sections/${city.body.term.id}`, { user: editor })).status).toBe(204);
  expect((await call(server, 'DELETE', `/api/sections/${city.body.term.id}`, { user: editor })).status).toBe(404);
  expect(await names('sections')).toEqual(['Arts']);
  expect(await listed('section=Metro')).toEqual([storyId]);

  // A section picked a moment ago (saved, the list not yet refreshed) is renamed with the rest.
  const harbour = await call(server, 'POST', '/api/sections', { user: editor, body: { name: 'Harbour' } });
  const fresh = await connectClient(server, writer, await createStory(server, writer));
  clients.push(fresh);
  fresh.doc.getMap(PLANNING_ROOT).set('section', 'Harbour');
  await fresh.provider.whenSaved();
  const port = await call(server, 'PATCH', `/api/sections/${harbour.body.term.id}`, { user: editor, body: { name: 'Port' } });
  expect(port.body.storiesMoved).toBe(1);
  await eventually(() => expect(fresh.doc.getMap(PLANNING_ROOT).get('section')).toBe('Port'));
}

describe('managed sections and tags', () => {
  it('on SQLite: editors keep the lists, a rename carries the stories, a removal keeps them', async () => {
    const server = await startTestServer();
    cleanups.push(() => server.close());
    await suite(server);
  });

  it.skipIf(!withPostgres)('on Postgres: the same', async () => {
    const { store, cleanup } = await freshSchemaStore();
    cleanups.push(cleanup);
    const server = await startTestServer({ wrapStore: () => store });
    cleanups.push(() => server.close());
    // Accounts go where the server reads them.
    await suite({ ...server, store } as unknown as TestServer);
  });
});
