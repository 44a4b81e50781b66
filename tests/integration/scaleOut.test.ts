/**
 * Several Galley nodes (real `server/main.ts` processes) on one Postgres database and
 * one Redis: clients spread over them co-edit, see each other, survive a node's
 * death, a Redis restart and Postgres going away for a while.
 */
import { PROTOCOL_VERSION } from '../../shared/protocol';
import { createClient } from 'redis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createAccount } from '../../server/auth/accounts';
import { PgStore } from '../../server/persistence/pg/PgStore';
import { closeSocket, connectSocket, type GalleyClientSocket } from '../../client/lib/sync/socket';
import { STORY_FIELDS } from '../../shared/story';
import type { StoryWorkflow } from '../../shared/workflow';
import { connectClient, createStory, eventually, setParagraphs, storedDoc, type TestClient } from '../helpers/clients';
import { call } from '../helpers/http';
import { createTestDatabase, requirePostgres } from '../helpers/postgres';
import { mulberry32, randomEdit } from '../helpers/randomEdits';
import { requireRedisServer, startRedis, type TestRedis } from '../helpers/redisServer';
import { killAllServerProcesses, type ServerProcess, startServerProcess } from '../helpers/serverProcess';
import { startTcpProxy, type TcpProxy } from '../helpers/tcpProxy';
import { signIn, type TestUser } from '../helpers/testServer';
import { Typist, wordsOf } from '../helpers/typist';

const available = (await requirePostgres()) && (await requireRedisServer());
const NODES = 3;
const SECRET = 'scale-out-test-secret-0123456789abcdef';

let database: { url: string; drop: () => Promise<void> };
let redis: TestRedis;
let postgresProxy: TcpProxy;
let store: PgStore;
const nodes: ServerProcess[] = [];
let writer: TestUser;
let editor: TestUser;
const clients: TestClient[] = [];
const sockets: GalleyClientSocket[] = [];

/** The nodes reach Postgres through a proxy, so a test can cut them off from it. */
function nodeEnv(): Record<string, string> {
  const url = new URL(database.url);
  url.port = String(postgresProxy.port);
  return {
    DATABASE_URL: url.toString(),
    REDIS_URL: redis.url,
    SESSION_SECRET: SECRET,
    // Small, so compaction and unloading happen often, with several nodes writing one story.
    COMPACT_AFTER_UPDATES: '25',
    IDLE_UNLOAD_MS: '500',
    SIGN_IN_FAILURES_PER_ACCOUNT: '3',
  };
}

const startNode = () => startServerProcess(nodeEnv());

async function account(role: 'writer' | 'editor' | 'admin', name: string, email = `${role}@scale.test`): Promise<TestUser> {
  const password = 'a long enough password';
  const user = await createAccount(store, { email, name, role, password });
  return { id: user.id, email, password, name, role, cookie: await signIn(nodes[0].url, email, password) };
}

async function client(node: ServerProcess, user: TestUser, storyId: string, doc?: Y.Doc): Promise<TestClient> {
  const connected = await connectClient(node, user, storyId, doc);
  clients.push(connected);
  return connected;
}

const fieldsOf = (doc: Y.Doc) => STORY_FIELDS.map((f) => doc.getXmlFragment(f).toJSON());

describe.skipIf(!available)('several nodes on Postgres and Redis', () => {
  beforeAll(async () => {
    database = await createTestDatabase();
    redis = await startRedis();
    postgresProxy = await startTcpProxy(Number(new URL(database.url).port || 5432));
    store = await PgStore.open(database.url);
    // All at once: their migrations must take turns on the empty database.
    nodes.push(...(await Promise.all(Array.from({ length: NODES }, startNode))));
    writer = await account('writer', 'Wren Writer');
    editor = await account('editor', 'Eddie Editor');
  }, 120_000);

  // A test that killed a node and failed before restarting it must not take the next ones down with it.
  afterEach(async () => {
    for (const [i, node] of nodes.entries())
      if (node.child.exitCode !== null || node.child.signalCode !== null) nodes[i] = await startNode();
  }, 120_000);

  afterAll(async () => {
    clients.forEach((c) => c.close());
    sockets.forEach(closeSocket);
    killAllServerProcesses();
    await store?.close();
    await postgresProxy?.close();
    await redis?.stop();
    await database?.drop();
  });

  it('co-edits one story live across nodes, with presence, and a publication on one node shows on all', async () => {
    const storyId = await createStory(nodes[0], writer);
    const [a, b, c] = await Promise.all(nodes.map((node, i) => client(node, i === 2 ? editor : writer, storyId)));
    setParagraphs(a.doc, 'headline', ['Ferry timetable changes']);
    await eventually(() => {
      for (const other of [b, c]) expect(other.doc.getXmlFragment('headline').toJSON()).toBe(a.doc.getXmlFragment('headline').toJSON());
    });
    setParagraphs(c.doc, 'standfirst', ['Earlier sailings from Monday.']);
    setParagraphs(b.doc, 'byline', ['Wren Writer']);
    setParagraphs(b.doc, 'body', ['The first boat leaves at six.']);
    await eventually(() => expect(fieldsOf(a.doc)).toEqual(fieldsOf(c.doc)));

    // Presence: the editor on node 2 is seen, by name and field, on node 0.
    c.provider.awareness.setLocalStateField('field', 'standfirst');
    await eventually(() => {
      const seen = [...a.provider.awareness.getStates().values()].find(
        (s) => (s.user as { name?: string } | undefined)?.name === 'Eddie Editor',
      );
      expect(seen).toMatchObject({ field: 'standfirst' });
    });

    await Promise.all([a, b, c].map((x) => x.provider.whenSaved()));
    const seen: StoryWorkflow[] = [];
    a.provider.on('workflow', (w) => seen.push(w));
    const published = await call(nodes[2], 'POST', `/api/stories/${storyId}/publish`, { user: editor });
    expect(published.status).toBe(200);
    await eventually(() => expect(seen.at(-1)).toMatchObject({ status: 'published', live: true, publishedBy: 'Eddie Editor' }));
    const page = await call(nodes[1], 'GET', `/stories/${published.body.publication.slug}`);
    expect(page.text).toContain('The first boat leaves at six.');

    // Leaving on one node removes the person from the others' view.
    c.close();
    await eventually(() => {
      const names = [...a.provider.awareness.getStates().values()].map((s) => (s.user as { name?: string } | undefined)?.name);
      expect(names).not.toContain('Eddie Editor');
    });
  }, 30_000);

  it('relays the caret moves that arrive in one turn to the other nodes as one message', async () => {
    const storyId = await createStory(nodes[0], writer);
    const [a, b] = await Promise.all([client(nodes[0], writer, storyId), client(nodes[1], editor, storyId)]);
    b.provider.awareness.setLocalStateField('field', 'body');
    await eventually(() => expect(a.provider.awareness.getStates().get(b.doc.clientID)).toMatchObject({ field: 'body' }));
    // Listen on the story's relay channel as a node does: one byte of kind (1: awareness), then the sender.
    const listener = createClient({ url: redis.url });
    await listener.connect();
    let relayed = 0;
    await listener.subscribe(`galley:story:${storyId}`, (message: Buffer) => message[0] === 1 && relayed++, true);
    try {
      for (let i = 1; i <= 20; i++) b.provider.awareness.setLocalStateField('caret', i);
      await eventually(() => expect(a.provider.awareness.getStates().get(b.doc.clientID)).toMatchObject({ caret: 20 }));
      expect(relayed).toBeGreaterThan(0);
      expect(relayed).toBeLessThan(20);
    } finally {
      await listener.close();
    }
  });

  it('converges random concurrent edits on several stories over all nodes, and storage holds exactly what clients hold', async () => {
    const random = mulberry32(6);
    const stories = await Promise.all([0, 1, 2].map(() => createStory(nodes[0], writer)));
    for (const storyId of stories) {
      const seed = await client(nodes[0], writer, storyId);
      STORY_FIELDS.forEach((f) => setParagraphs(seed.doc, f, ['seed text']));
      await seed.provider.whenSaved();
    }
    const editors = await Promise.all(stories.flatMap((storyId) => nodes.map((node) => client(node, writer, storyId))));
    for (let round = 0; round < 40; round++) {
      for (const e of editors) randomEdit(e.doc, random);
      await new Promise((r) => setTimeout(r, 10));
    }
    await Promise.all(editors.map((e) => e.provider.whenSaved()));
    for (const storyId of stories) {
      const onStory = editors.filter((c) => c.provider.storyId === storyId);
      await eventually(() => onStory.forEach((c) => expect(fieldsOf(c.doc)).toEqual(fieldsOf(onStory[0].doc))), 10_000);
      expect(fieldsOf(await storedDoc(store, storyId))).toEqual(fieldsOf(onStory[0].doc));
    }

    // After every node unloads them, fresh clients on each node read the same stories back.
    const expected = await Promise.all(stories.map(async (id) => fieldsOf(await storedDoc(store, id))));
    clients.splice(0).forEach((c) => c.close());
    await new Promise((r) => setTimeout(r, 1_500));
    for (const [i, storyId] of stories.entries()) {
      for (const node of nodes) expect(fieldsOf((await client(node, writer, storyId)).doc)).toEqual(expected[i]);
    }
  }, 60_000);

  it('keeps every acknowledged edit when a node is killed mid-typing; its clients carry on through the others', async () => {
    const storyId = await createStory(nodes[0], writer);
    const typists = await Promise.all([0, 1, 0, 1].map(async (n, i) => new Typist(i, await client(nodes[n], writer, storyId))));
    typists.forEach((t) => t.start(20));
    // Killed once every typist has had words acknowledged, however long that takes on a busy machine.
    await eventually(() => typists.forEach((t) => expect(t.acknowledged).toBeGreaterThanOrEqual(10)), 20_000);
    await nodes[0].kill();
    const acknowledged = typists.map((t) => t.acknowledged);
    const stored = await storedDoc(store, storyId);
    typists.forEach((t, i) => expect(wordsOf(stored, t)).toEqual(expect.arrayContaining(t.allWords().slice(0, acknowledged[i]))));

    // The load balancer sends the dead node's clients elsewhere: same documents, new connections to node 2.
    for (const t of [typists[0], typists[2]]) {
      t.client.close();
      t.use(await client(nodes[2], writer, storyId, t.client.doc));
    }
    // They carry on there: words typed after the move are acknowledged too.
    const moved = typists.map((t) => t.typed);
    await eventually(() => typists.forEach((t, i) => expect(t.acknowledged).toBeGreaterThan(moved[i])), 20_000);
    typists.forEach((t) => t.stop());
    await Promise.all(typists.map((t) => t.client.provider.whenSaved()));
    await eventually(() => typists.forEach((t) => expect(fieldsOf(t.client.doc)).toEqual(fieldsOf(typists[1].client.doc))), 10_000);
    const final = await storedDoc(store, storyId);
    for (const t of typists) {
      expect(wordsOf(typists[1].client.doc, t)).toEqual(t.allWords());
      expect(wordsOf(final, t)).toEqual(t.allWords());
    }
    // The restarted node serves the story from storage plus the relay: all of it.
    nodes[0] = await startNode();
    const late = await client(nodes[0], writer, storyId);
    expect(fieldsOf(late.doc)).toEqual(fieldsOf(typists[1].client.doc));
  }, 60_000);

  it('recovers by itself when Redis restarts mid-session: nothing lost, live again after', async () => {
    const storyId = await createStory(nodes[0], writer);
    const typists = await Promise.all([0, 1].map(async (n) => new Typist(n, await client(nodes[n], writer, storyId))));
    typists.forEach((t) => t.start(25));
    await new Promise((r) => setTimeout(r, 400));
    await redis.stop();
    await new Promise((r) => setTimeout(r, 800));
    await redis.start();
    await new Promise((r) => setTimeout(r, 400));
    typists.forEach((t) => t.stop());
    await Promise.all(typists.map((t) => t.client.provider.whenSaved()));
    // Each node catches up from storage after reconnecting: both see every word.
    await eventually(() => {
      for (const t of typists) for (const other of typists) expect(wordsOf(other.client.doc, t)).toEqual(t.allWords());
    }, 15_000);
    // And the relay carries edits live again.
    const text = typists[0].text;
    text.insert(text.length, 'after-restart ');
    await eventually(() => expect(wordsOf(typists[1].client.doc, typists[0])).toContain('after-restart'), 10_000);
  }, 40_000);

  it('acknowledges nothing while Postgres is unreachable, and saves everything once it is back', async () => {
    const storyId = await createStory(nodes[1], writer);
    const typist = new Typist(0, await client(nodes[1], writer, storyId));
    const watcher = await client(nodes[2], writer, storyId);
    typist.start(25);
    await new Promise((r) => setTimeout(r, 300));
    postgresProxy.pause();
    const before = typist.typed;
    // Time for an acknowledgement that should not come, and for a good many words to be typed meanwhile.
    await new Promise((r) => setTimeout(r, 1_200));
    await eventually(() => expect(typist.typed).toBeGreaterThan(before + 10));
    // None of it acknowledged: the client still shows "Saving…".
    expect(typist.acknowledged).toBeLessThanOrEqual(before);
    expect(typist.client.provider.unacknowledged + (typist.client.provider.pendingOffline ? 1 : 0)).toBeGreaterThan(0);
    postgresProxy.resume();
    await new Promise((r) => setTimeout(r, 300));
    typist.stop();
    await typist.client.provider.whenSaved();
    expect(wordsOf(await storedDoc(store, storyId), typist)).toEqual(typist.allWords());
    await eventually(() => expect(wordsOf(watcher.doc, typist)).toEqual(typist.allWords()), 10_000);
  }, 40_000);

  it('takes every node’s editors out of a story deleted on one node, and restores it for all', async () => {
    const storyId = await createStory(nodes[0], writer);
    const open = await Promise.all(nodes.map((node) => client(node, writer, storyId)));
    setParagraphs(open[1].doc, 'headline', ['Lighthouse keepers']);
    await open[1].provider.whenSaved();
    const told = nodes.map(() => [] as string[]);
    open.forEach((c, i) => c.provider.socket.on('story:deleted', (id) => told[i].push(id)));

    expect((await call(nodes[0], 'DELETE', `/api/stories/${storyId}`, { user: editor })).status).toBe(204);
    await eventually(() => expect(told).toEqual([[storyId], [storyId], [storyId]]));
    for (const node of nodes) expect((await call(node, 'GET', `/api/stories/${storyId}`, { user: writer })).status).toBe(404);
    const rejoin = await open[2].provider.socket.emitWithAck('story:join', { storyId, protocolVersion: PROTOCOL_VERSION });
    expect(rejoin).toMatchObject({ ok: false, error: { code: 'not_found' } });

    expect((await call(nodes[1], 'POST', `/api/stories/${storyId}/restore`, { user: editor })).status).toBe(200);
    const back = await client(nodes[2], writer, storyId);
    await eventually(() => expect(back.doc.getXmlFragment('headline').toJSON()).toContain('Lighthouse keepers'));
  }, 30_000);

  it('counts failed sign-ins across nodes: the lockout holds whichever node is asked', async () => {
    const signInAt = (node: ServerProcess, password: string) =>
      call(node, 'POST', '/api/session', { body: { email: editor.email, password } });
    for (const node of nodes) expect((await signInAt(node, 'not the password')).status).toBe(401);
    for (const node of nodes) expect((await signInAt(node, editor.password)).status).toBe(429);
  }, 20_000);

  it('binds a Yjs client id to its first writer across nodes: another user cannot write with it on another node', async () => {
    const intruder = await account('writer', 'Ivy Intruder', 'intruder@scale.test');
    const storyId = await createStory(nodes[0], writer);
    // The intruder's node has the story loaded before the id is claimed elsewhere: its own memory cannot know.
    const forged = new Y.Doc();
    const intruding = await client(nodes[1], intruder, storyId, forged);
    const owned = new Y.Doc();
    owned.clientID = 4_000_000_001;
    const owner = await client(nodes[0], writer, storyId, owned);
    setParagraphs(owned, 'headline', ['Written by the owner']);
    await owner.provider.whenSaved();
    await eventually(() => expect(forged.getXmlFragment('headline').toJSON()).toContain('Written by the owner'));

    const errors: string[] = [];
    intruding.provider.on('error', (error) => errors.push(error.code));
    forged.clientID = owned.clientID;
    setParagraphs(forged, 'body', ['Forged in the owner’s name']);
    await eventually(() => expect(errors).toContain('forbidden'));
    expect(fieldsOf(await storedDoc(store, storyId)).join()).not.toContain('Forged');
    expect(owner.doc.getXmlFragment('body').toJSON()).not.toContain('Forged');
  }, 20_000);

  it('shows who is in a story on every node’s newsroom list, and applies a role change made on one node to connections on the others at once', async () => {
    const admin = await account('admin', 'Ada Admin', 'admin@scale.test');
    const storyId = await createStory(nodes[0], writer);
    const watcher = connectSocket(nodes[0].url, { cookie: writer.cookie });
    sockets.push(watcher);
    const present = new Map<string, string[]>();
    watcher.on('newsroom:presence', (id, people) =>
      present.set(
        id,
        people.map((p) => p.name),
      ),
    );
    await new Promise((resolve) => watcher.emit('newsroom:watch', resolve));

    const typing = await client(nodes[2], writer, storyId);
    await eventually(() => expect(present.get(storyId)).toEqual(['Wren Writer']));
    typing.provider.awareness.setLocalStateField('field', 'body');

    expect(typing.provider.canEdit).toBe(true);
    const demoted = await call(nodes[0], 'PATCH', `/api/users/${writer.id}`, { user: admin, body: { role: 'viewer' } });
    expect(demoted.status).toBe(200);
    // Well before the 30-second sweep: the change is sent to every node (the 2-second rule itself is
    // measured in accessChanges.test.ts, from the moment the change is made).
    await eventually(() => expect(typing.provider.canEdit).toBe(false), 10_000);
    expect((await call(nodes[0], 'PATCH', `/api/users/${writer.id}`, { user: admin, body: { role: 'writer' } })).status).toBe(200);
    await eventually(() => expect(typing.provider.canEdit).toBe(true), 10_000);

    typing.close();
    await eventually(() => expect(present.get(storyId)).toEqual([]));
  }, 20_000);

  it('brings every node an update whose node committed it and died before relaying it', async () => {
    const storyId = await createStory(nodes[0], writer);
    const reader = await client(nodes[1], writer, storyId);
    setParagraphs(reader.doc, 'headline', ['Before the crash']);
    await reader.provider.whenSaved();
    // What a dying node leaves behind: an update in storage that no relay message announced.
    const ghost = new Y.Doc();
    Y.applyUpdate(ghost, Y.encodeStateAsUpdate(reader.doc));
    setParagraphs(ghost, 'standfirst', ['Committed, never relayed']);
    await store.appendUpdates([{ storyId, update: Y.encodeStateAsUpdate(ghost, Y.encodeStateVector(reader.doc)) }]);
    expect(reader.doc.getXmlFragment('standfirst').toJSON()).toBe('');
    // Its author's client reconnects elsewhere; that node reads the story from storage, and tells the others to.
    await client(nodes[2], writer, storyId, ghost);
    await eventually(() => expect(reader.doc.getXmlFragment('standfirst').toJSON()).toContain('Committed, never relayed'), 5_000);
  }, 20_000);
});
