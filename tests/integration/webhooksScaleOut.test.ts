/**
 * Webhooks across nodes: two `server/main.ts` processes on one Postgres and one Redis, both sending. Every
 * event reaches the receiver once (and a retried one once per attempt), whichever node made the move and
 * whichever claims the delivery.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount } from '../../server/auth/accounts';
import { PgStore } from '../../server/persistence/pg/PgStore';
import { type TestClient, eventually } from '../helpers/clients';
import { call, writeStory } from '../helpers/http';
import { createTestDatabase, requirePostgres } from '../helpers/postgres';
import { requireRedisServer, startRedis, type TestRedis } from '../helpers/redisServer';
import { killAllServerProcesses, type ServerProcess, startServerProcess } from '../helpers/serverProcess';
import { signIn, type TestUser } from '../helpers/testServer';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhookReceiver';

const available = (await requirePostgres()) && (await requireRedisServer());
const SECRET = 'webhooks-scale-out-secret-0123456789abcd';
const STORIES = 6;

let database: { url: string; drop: () => Promise<void> };
let redis: TestRedis;
let store: PgStore;
let nodes: ServerProcess[] = [];
let receiver: WebhookReceiver;
const clients: TestClient[] = [];

async function account(role: 'admin' | 'editor'): Promise<TestUser> {
  const email = `${role}@webhooks.test`;
  const password = 'a long enough password';
  const user = await createAccount(store, { email, name: `${role} one`, role, password });
  return { id: user.id, email, password, name: user.name, role, cookie: await signIn(nodes[0].url, email, password) };
}

describe.skipIf(!available)('webhooks on several nodes', () => {
  beforeAll(async () => {
    database = await createTestDatabase();
    redis = await startRedis();
    store = await PgStore.open(database.url);
    receiver = await startWebhookReceiver();
    const env = {
      DATABASE_URL: database.url,
      REDIS_URL: redis.url,
      SESSION_SECRET: SECRET,
      WEBHOOK_ALLOW_PRIVATE: '1',
      WEBHOOK_RETRY_BASE_MS: '100',
    };
    nodes = await Promise.all([startServerProcess(env), startServerProcess(env)]);
  }, 120_000);

  afterAll(async () => {
    clients.forEach((c) => c.close());
    killAllServerProcesses();
    await receiver?.close();
    await store?.close();
    await redis?.stop();
    await database?.drop();
  });

  it('delivers each event once, and each retry once, whichever node publishes and whichever sends', async () => {
    const [admin, editor] = [await account('admin'), await account('editor')];
    const registered = await call(nodes[1], 'POST', '/api/webhooks', {
      user: admin,
      body: { url: receiver.url, events: ['story.published'] },
    });
    expect(registered.status).toBe(201);
    // The first attempt of every event fails: both nodes look for the retries, every 100 ms.
    const attempts = new Map<string, number>();
    const seen = new Set<string>();
    receiver.decide = (r) => {
      const id = String(r.headers['galley-event-id']);
      if (seen.has(id)) return undefined;
      seen.add(id);
      // A NUL in the answer: Postgres text cannot hold one, so the log must not try.
      return { status: 500, body: 'down\u0000for now' };
    };
    const stories = await Promise.all(
      Array.from({ length: STORIES }, (_, i) =>
        writeStory(nodes[i % 2], editor, { headline: [`Story ${i}`], standfirst: ['S.'], byline: ['B.'], body: [`Body ${i}.`] }, clients),
      ),
    );
    await Promise.all(
      stories.map(async (id, i) =>
        expect((await call(nodes[i % 2], 'POST', `/api/stories/${id}/publish`, { user: editor })).status).toBe(200),
      ),
    );
    await eventually(async () => {
      const rows = await store.listWebhookDeliveries(registered.body.endpoint.id, 50);
      expect(rows).toHaveLength(STORIES);
      expect(rows.every((d) => d.status === 'delivered')).toBe(true);
    }, 30_000);
    for (const r of receiver.received) {
      const id = String(r.headers['galley-event-id']);
      attempts.set(id, (attempts.get(id) ?? 0) + 1);
    }
    // Six events, each answered 500 once and then accepted once: two requests each, never more.
    expect(attempts.size).toBe(STORIES);
    expect(receiver.received).toHaveLength(STORIES * 2);
    expect([...attempts.values()].every((n) => n === 2)).toBe(true);
    const rows = await store.listWebhookDeliveries(registered.body.endpoint.id, 50);
    expect(rows.every((d) => d.attempts === 2)).toBe(true);
    expect(rows.every((d) => d.responseStatus === 204)).toBe(true);
  }, 60_000);
});
