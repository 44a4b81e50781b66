/**
 * Archive and the Trash over the real API and sockets (docs/newsroom.md#archive-trash-and-retention): who may do
 * what, the refusal to delete a live story, open editors taken out of a deleted story, restore, "Delete forever",
 * the deletion record, and the retention sweep run at a chosen time (TRASH_RETENTION_DAYS=3).
 */
import { PROTOCOL_VERSION } from '../../shared/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type TestClient, connectClient, eventually } from '../helpers/clients';
import { call, writeStory } from '../helpers/http';
import { sqliteRowsMentioning } from '../helpers/rowsMentioning';
import { createUser, startTestServer, type TestServer, type TestUser } from '../helpers/testServer';

let server: TestServer;
let editor: TestUser;
let writer: TestUser;
let viewer: TestUser;
const clients: TestClient[] = [];
const DAY_MS = 86_400_000;

beforeAll(async () => {
  server = await startTestServer({ env: { TRASH_RETENTION_DAYS: '3' } });
  editor = await createUser(server, 'editor', 'Ana Editor');
  writer = await createUser(server, 'writer', 'Wes Writer');
  viewer = await createUser(server, 'viewer', 'Val Viewer');
});

afterAll(async () => {
  clients.forEach((c) => c.close());
  await server?.close();
});

/** A story ready to publish, once the newsroom list has its headline and search its words. */
async function story(headline: string, by = editor): Promise<string> {
  const fields = { headline: [headline], standfirst: ['Birds.'], byline: [by.name], body: [`${headline}, the body.`] };
  const id = await writeStory(server, by, fields, clients);
  await eventually(async () => expect((await server.store.storyTexts([id])).get(id)?.headline).toBe(headline));
  return id;
}
const listed = async (query = '') =>
  ((await call(server, 'GET', `/api/stories${query}`, { user: editor })).body.stories as { id: string }[]).map((s) => s.id);

/** The story's timeline, newest first, without its creation: [kind, who]. */
async function timeline(id: string): Promise<Array<[string, string]>> {
  const answer = await call(server, 'GET', `/api/stories/${id}/activity`, { user: viewer });
  return (answer.body.activity as Array<{ kind: string; actor: { name: string } | null }>)
    .filter((entry) => entry.kind !== 'created')
    .map((entry) => [entry.kind, entry.actor?.name ?? 'Galley']);
}

describe('the Trash', () => {
  it('takes a deleted story out of the list, search and API, and its open editors out of it, until restored', async () => {
    const id = await story('Heron count');
    const open = await connectClient(server, writer, id);
    clients.push(open);
    const told: string[] = [];
    open.provider.socket.on('story:deleted', (storyId) => told.push(storyId));

    expect(await call(server, 'DELETE', `/api/stories/${id}`, { user: editor })).toMatchObject({ status: 204 });
    await eventually(() => expect(told).toEqual([id]));
    expect((await call(server, 'GET', `/api/stories/${id}`, { user: editor })).status).toBe(404);
    expect((await call(server, 'GET', `/api/stories/${id}/revisions`, { user: editor })).status).toBe(404);
    expect(await listed()).not.toContain(id);
    expect(await listed('?q=heron')).toEqual([]);
    // The document lost its connection, and a new join is refused.
    await eventually(() => expect(server.app.registry.get(id)?.presence() ?? []).toEqual([]));
    const again = await new Promise((resolve) =>
      open.provider.socket.emit('story:join', { storyId: id, protocolVersion: PROTOCOL_VERSION }, resolve),
    );
    expect(again).toMatchObject({ ok: false, error: { code: 'not_found' } });

    const trash = (await call(server, 'GET', '/api/trash', { user: editor })).body;
    expect(trash.stories).toEqual([
      {
        id,
        headline: 'Heron count',
        deletedAt: expect.any(String),
        deletedBy: { id: editor.id, name: 'Ana Editor' },
        purgeAt: new Date(Date.parse(trash.stories[0].deletedAt) + 3 * DAY_MS).toISOString(),
      },
    ]);
    expect(trash.retentionDays).toBe(3);

    expect(await call(server, 'POST', `/api/stories/${id}/restore`, { user: editor })).toMatchObject({ status: 200, body: { id } });
    const back = await call(server, 'GET', `/api/stories/${id}`, { user: viewer });
    expect(back.body.story.text).toMatchObject({ headline: 'Heron count', body: 'Heron count, the body.' });
    expect(await listed('?q=heron')).toEqual([id]);
    expect((await call(server, 'POST', `/api/stories/${id}/restore`, { user: editor })).status).toBe(404);
    const records = (await call(server, 'GET', '/api/trash', { user: editor })).body.records;
    expect(records.slice(0, 2).map((r: { action: string; by: { name: string } }) => [r.action, r.by.name])).toEqual([
      ['restored', 'Ana Editor'],
      ['deleted', 'Ana Editor'],
    ]);
    expect(await timeline(id)).toEqual([
      ['untrashed', 'Ana Editor'],
      ['trashed', 'Ana Editor'],
    ]);
  });

  it('closes y-websocket connections to a deleted story, and refuses new ones', async () => {
    const id = await story('Tern colony');
    const url = `${server.url.replace('http', 'ws')}/yjs/${id}`;
    const ws = new WebSocket(url, { headers: { cookie: writer.cookie } });
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    await new Promise((resolve) => ws.once('open', resolve));
    // Its writer's Socket.IO client and this connection.
    await eventually(() => expect(server.app.registry.get(id)?.connections.size).toBe(2));
    expect((await call(server, 'DELETE', `/api/stories/${id}`, { user: editor })).status).toBe(204);
    expect(await closed).toBe(4410);
    const again = new WebSocket(url, { headers: { cookie: writer.cookie } });
    again.on('error', () => {});
    expect(await new Promise((resolve) => again.once('unexpected-response', (_req, res) => resolve(res.statusCode)))).toBe(404);
  });

  it('refuses to delete a live story until it is unpublished, and lets only editors delete', async () => {
    const id = await story('Live pelicans');
    const published = await call(server, 'POST', `/api/stories/${id}/publish`, { user: editor });
    expect(published.status).toBe(200);
    const refused = await call(server, 'DELETE', `/api/stories/${id}`, { user: editor });
    expect(refused).toMatchObject({ status: 409, body: { error: { code: 'conflict', message: expect.stringMatching(/unpublish it/) } } });
    expect((await call(server, 'DELETE', `/api/stories/${id}`, { user: writer })).status).toBe(403);
    expect((await call(server, 'GET', '/api/trash', { user: writer })).status).toBe(403);
    expect((await call(server, 'POST', `/api/stories/${id}/unpublish`, { user: editor })).status).toBe(200);
    expect((await call(server, 'DELETE', `/api/stories/${id}`, { user: editor })).status).toBe(204);
    // The unpublished page stays gone.
    expect((await fetch(published.body.publication.url)).status).toBe(410);
    expect((await call(server, 'DELETE', `/api/stories/${id}`, { user: editor })).status).toBe(404);
  });

  it('purges a story at once with "Delete forever", leaving only its deletion record', async () => {
    const id = await story('Cormorant census');
    expect((await call(server, 'DELETE', `/api/trash/${id}`, { user: editor })).status).toBe(404);
    expect((await call(server, 'DELETE', `/api/stories/${id}`, { user: editor })).status).toBe(204);
    expect((await call(server, 'DELETE', `/api/trash/${id}`, { user: writer })).status).toBe(403);
    expect((await call(server, 'DELETE', `/api/trash/${id}`, { user: editor })).status).toBe(204);
    expect(sqliteRowsMentioning(server.dataDir, id)).toEqual(['story_trash_records']);
    const records = (await call(server, 'GET', '/api/trash', { user: editor })).body.records;
    expect(records[0]).toMatchObject({ storyId: id, action: 'purged', headline: 'Cormorant census', by: { name: 'Ana Editor' } });
    expect((await call(server, 'POST', `/api/stories/${id}/restore`, { user: editor })).status).toBe(404);
  });

  it('purges what has been in the Trash for TRASH_RETENTION_DAYS when the sweep runs, and nothing sooner', async () => {
    const id = await story('Gull survey');
    expect((await call(server, 'DELETE', `/api/stories/${id}`, { user: editor })).status).toBe(204);
    const now = Date.now();
    expect(await server.app.trashSweeper.sweep(now + 2 * DAY_MS)).toEqual([]);
    expect((await server.store.trashedStories()).map((s) => s.id)).toContain(id);
    expect(await server.app.trashSweeper.sweep(now + 3 * DAY_MS + 60_000)).toContain(id);
    expect((await server.store.trashedStories()).map((s) => s.id)).not.toContain(id);
    const records = (await call(server, 'GET', '/api/trash', { user: editor })).body.records;
    expect(records[0]).toMatchObject({ storyId: id, action: 'purged', headline: 'Gull survey', by: null });
  });
});

describe('the archive', () => {
  it('hides archived stories from the default list and search, lists them under state=archived, and brings them back', async () => {
    const id = await story('Archived egrets');
    expect(await call(server, 'POST', `/api/stories/${id}/archive`, { user: editor })).toMatchObject({
      status: 200,
      body: { archivedAt: expect.any(String) },
    });
    expect(await listed()).not.toContain(id);
    expect(await listed('?q=egrets')).toEqual([]);
    expect(await listed('?state=archived')).toEqual([id]);
    expect(await listed('?state=archived&q=egrets')).toEqual([id]);
    // It still opens, and stays editable.
    expect((await call(server, 'GET', `/api/stories/${id}`, { user: viewer })).body.story.archivedAt).toEqual(expect.any(String));
    expect(await call(server, 'POST', `/api/stories/${id}/unarchive`, { user: editor })).toMatchObject({
      status: 200,
      body: { archivedAt: null },
    });
    expect(await listed('?q=egrets')).toEqual([id]);
    expect(await timeline(id)).toEqual([
      ['unarchived', 'Ana Editor'],
      ['archived', 'Ana Editor'],
    ]);
  });

  it('lets a writer archive the stories they created, and no one else’s', async () => {
    const own = await story('Own draft', writer);
    const others = await story('Someone else’s');
    expect((await call(server, 'POST', `/api/stories/${own}/archive`, { user: writer })).status).toBe(200);
    const refused = await call(server, 'POST', `/api/stories/${others}/archive`, { user: writer });
    expect(refused).toMatchObject({ status: 403, body: { error: { message: 'You may archive only stories you created' } } });
    expect((await call(server, 'POST', `/api/stories/${own}/archive`, { user: viewer })).status).toBe(403);
  });
});

describe('bad input', () => {
  it('refuses malformed ids, bodies and queries with a clear 400', async () => {
    const id = await story('Plover tally');
    for (const [method, path] of [
      ['POST', '/api/stories/not-a-uuid/archive'],
      ['DELETE', '/api/stories/not-a-uuid'],
      ['POST', '/api/stories/not-a-uuid/restore'],
      ['DELETE', '/api/trash/not-a-uuid'],
      ['GET', '/api/trash?state=all'],
      ['POST', `/api/stories/${id}/archive?now=1`],
    ]) {
      const answer = await call(server, method, path, { user: editor });
      expect(answer, `${method} ${path}`).toMatchObject({ status: 400, body: { error: { code: 'bad_request' } } });
    }
    const withBody = await call(server, 'DELETE', `/api/stories/${id}`, { user: editor, body: { force: true } });
    expect(withBody).toMatchObject({ status: 400, body: { error: { code: 'bad_request' } } });
    const state = await call(server, 'GET', '/api/stories?state=trash', { user: editor });
    expect(state).toMatchObject({ status: 400, body: { error: { message: expect.stringContaining('state=archived') } } });
    expect((await server.store.getStory(id))!.archivedAt).toBeNull();
  });
});
