/**
 * A story's activity across nodes: two `server/main.ts` processes on one Postgres and one Redis, each
 * with the story open. A planning change made on one node is seen by both (each writes the story's
 * summary) and recorded once; every entry reaches the story's open copies on the other node live.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount } from '../../server/auth/accounts';
import { PgStore } from '../../server/persistence/pg/PgStore';
import type { ActivityView } from '../../shared/activity';
import { ASSIGNEES_ROOT, PLANNING_ROOT } from '../../shared/planning';
import { connectClient, createStory, eventually, type TestClient } from '../helpers/clients';
import { call } from '../helpers/http';
import { createTestDatabase, requirePostgres } from '../helpers/postgres';
import { requireRedisServer, startRedis, type TestRedis } from '../helpers/redisServer';
import { killAllServerProcesses, type ServerProcess, startServerProcess } from '../helpers/serverProcess';
import { signIn, type TestUser } from '../helpers/testServer';

const available = (await requirePostgres()) && (await requireRedisServer());
const SECRET = 'activity-scale-out-secret-0123456789abcd';

let database: { url: string; drop: () => Promise<void> };
let redis: TestRedis;
let store: PgStore;
let nodes: ServerProcess[] = [];
const clients: TestClient[] = [];

async function account(role: 'writer' | 'editor', name: string): Promise<TestUser> {
  const email = `${role}@activity.test`;
  const password = 'a long enough password';
  const user = await createAccount(store, { email, name, role, password });
  return { id: user.id, email, password, name, role, cookie: await signIn(nodes[0].url, email, password) };
}

describe.skipIf(!available)('activity on several nodes', () => {
  beforeAll(async () => {
    database = await createTestDatabase();
    redis = await startRedis();
    store = await PgStore.open(database.url);
    const env = { DATABASE_URL: database.url, REDIS_URL: redis.url, SESSION_SECRET: SECRET };
    nodes = await Promise.all([startServerProcess(env), startServerProcess(env)]);
  }, 120_000);

  afterAll(async () => {
    clients.forEach((c) => c.close());
    killAllServerProcesses();
    await store?.close();
    await redis?.stop();
    await database?.drop();
  });

  it('records a planning change once though both nodes see it, and pushes every entry to the other node', async () => {
    const writer = await account('writer', 'Wren Writer');
    const editor = await account('editor', 'Eddie Editor');
    const storyId = await createStory(nodes[0], writer);
    const near = await connectClient(nodes[0], editor, storyId);
    const far = await connectClient(nodes[1], writer, storyId);
    clients.push(near, far);
    const heard: ActivityView[] = [];
    far.provider.socket.on('story:activity', (id, entry) => id === storyId && heard.push(entry));

    near.doc.transact(() => {
      near.doc.getMap(ASSIGNEES_ROOT).set(writer.id, true);
      near.doc.getMap(PLANNING_ROOT).set('section', 'City');
    });
    await near.provider.whenSaved();
    // Both nodes hold the change before either writes its summary.
    await eventually(() => expect(far.doc.getMap(PLANNING_ROOT).get('section')).toBe('City'));
    expect((await call(nodes[1], 'POST', `/api/stories/${storyId}/submit`, { user: writer })).status).toBe(200);

    await eventually(
      async () => expect((await store.listStoryActivity(storyId, { limit: 10 })).map((e) => e.kind)).toContain('section'),
      15_000,
    );
    // A later change from the other node, once recorded, comes after both nodes' summaries of the first
    // (each node writes a story's summaries in order): the first is still recorded once.
    far.doc.getMap(PLANNING_ROOT).set('priority', 'high');
    await far.provider.whenSaved();
    await eventually(async () => expect((await store.listStoryActivity(storyId, { limit: 1 }))[0]?.kind).toBe('priority'), 15_000);
    const kinds = (await store.listStoryActivity(storyId, { limit: 10 })).map((e) => [e.kind, e.actor?.name]);
    expect(kinds.filter(([kind]) => kind === 'assigned')).toEqual([['assigned', 'Eddie Editor']]);
    expect(kinds.filter(([kind]) => kind === 'section')).toEqual([['section', 'Eddie Editor']]);
    expect(kinds.filter(([kind]) => kind === 'submitted')).toEqual([['submitted', 'Wren Writer']]);
    expect(kinds.filter(([kind]) => kind === 'priority')).toEqual([['priority', 'Wren Writer']]);
    // The far node's tab heard every entry recorded while it was in the story, whichever node recorded it.
    await eventually(() => expect(new Set(heard.map((e) => e.kind))).toEqual(new Set(['assigned', 'section', 'submitted', 'priority'])));
    expect(heard).toHaveLength(4);
  }, 60_000);
});
