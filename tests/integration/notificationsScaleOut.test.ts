/**
 * Notifications across nodes: two `server/main.ts` processes on one Postgres and one Redis. A review
 * request made on one node reaches the editor's tab on the other (their `user:<id>` room, through the
 * Redis adapter), and marking it read there updates the count in a tab on the first.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount } from '../../server/auth/accounts';
import { PgStore } from '../../server/persistence/pg/PgStore';
import { closeSocket, connectSocket, type GalleyClientSocket } from '../../client/lib/sync/socket';
import type { NotificationView } from '../../shared/notifications';
import { createStory, eventually } from '../helpers/clients';
import { call } from '../helpers/http';
import { createTestDatabase, requirePostgres } from '../helpers/postgres';
import { requireRedisServer, startRedis, type TestRedis } from '../helpers/redisServer';
import { killAllServerProcesses, type ServerProcess, startServerProcess } from '../helpers/serverProcess';
import { signIn, type TestUser } from '../helpers/testServer';

const available = (await requirePostgres()) && (await requireRedisServer());
const SECRET = 'notifications-scale-out-secret-0123456789';

let database: { url: string; drop: () => Promise<void> };
let redis: TestRedis;
let store: PgStore;
let nodes: ServerProcess[] = [];
const sockets: GalleyClientSocket[] = [];

async function account(role: 'writer' | 'editor', name: string): Promise<TestUser> {
  const email = `${role}@notify.test`;
  const password = 'a long enough password';
  const user = await createAccount(store, { email, name, role, password });
  return { id: user.id, email, password, name, role, cookie: await signIn(nodes[0].url, email, password) };
}

function tab(node: ServerProcess, user: TestUser) {
  const socket = connectSocket(node.url, { cookie: user.cookie });
  sockets.push(socket);
  const seen = { heard: [] as NotificationView[], unread: null as number | null };
  socket.on('notification:new', (n, unread) => {
    seen.heard.push(n);
    seen.unread = unread;
  });
  socket.on('notification:read', (_ids, unread) => (seen.unread = unread));
  return new Promise<typeof seen>((resolve) => socket.once('connect', () => resolve(seen)));
}

describe.skipIf(!available)('notifications on several nodes', () => {
  beforeAll(async () => {
    database = await createTestDatabase();
    redis = await startRedis();
    store = await PgStore.open(database.url);
    const env = { DATABASE_URL: database.url, REDIS_URL: redis.url, SESSION_SECRET: SECRET };
    nodes = await Promise.all([startServerProcess(env), startServerProcess(env)]);
  }, 120_000);

  afterAll(async () => {
    sockets.forEach(closeSocket);
    killAllServerProcesses();
    await store?.close();
    await redis?.stop();
    await database?.drop();
  });

  it('brings the bell’s count to a tab on the other node, and a read there to a tab here', async () => {
    const writer = await account('writer', 'Wren Writer');
    const editor = await account('editor', 'Eddie Editor');
    const [far, near] = [await tab(nodes[1], editor), await tab(nodes[0], editor)];
    const storyId = await createStory(nodes[0], writer);
    expect((await call(nodes[0], 'POST', `/api/stories/${storyId}/submit`, { user: writer })).status).toBe(200);
    for (const t of [far, near]) {
      await eventually(() => expect(t.heard).toMatchObject([{ kind: 'submitted', storyId, actor: { name: 'Wren Writer' } }]));
      expect(t.unread).toBe(1);
    }
    expect((await call(nodes[1], 'POST', `/api/notifications/${far.heard[0].id}/read`, { user: editor })).status).toBe(204);
    await eventually(() => expect(near.unread).toBe(0));
  });
});
