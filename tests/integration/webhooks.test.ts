/**
 * Webhooks end to end (docs/webhooks.md), with a real receiver on 127.0.0.1 (WEBHOOK_ALLOW_PRIVATE=1 lets the
 * server send there): each publication move becomes one signed event per subscribed endpoint, a receiver that
 * fails twice gets the event on the third try, a restart between attempts loses nothing, redirects are not
 * followed, and without the allowance private addresses are refused at registration and at delivery.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { WebhookDeliveryView } from '../../shared/webhooks';
import { verifySignature } from '../../server/webhooks/webhookSignature';
import { type TestClient, eventually } from '../helpers/clients';
import { call, writeStory } from '../helpers/http';
import { createUser, startTestServer, tempDataDir, type TestServer, type TestUser } from '../helpers/testServer';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhookReceiver';

const ALLOW = { WEBHOOK_ALLOW_PRIVATE: '1', WEBHOOK_RETRY_BASE_MS: '50' };
const ALL_EVENTS = ['story.published', 'story.updated', 'story.unpublished', 'story.deleted'];

let server: TestServer;
let admin: TestUser;
let editor: TestUser;
const clients: TestClient[] = [];
const receivers: WebhookReceiver[] = [];
const endpoints: string[] = [];

beforeAll(async () => {
  server = await startTestServer({ env: { ...ALLOW, PUBLIC_URL: 'https://news.example.com' } });
  admin = await createUser(server, 'admin', 'Ada Admin');
  editor = await createUser(server, 'editor', 'Eve Editor');
});

afterEach(async () => {
  // One test's endpoints never hear the next test's events.
  for (const id of endpoints.splice(0)) await call(server, 'DELETE', `/api/webhooks/${id}`, { user: admin });
});

afterAll(async () => {
  clients.forEach((c) => c.close());
  await Promise.all(receivers.map((r) => r.close()));
  await server?.close();
});

async function receiver(): Promise<WebhookReceiver> {
  const r = await startWebhookReceiver();
  receivers.push(r);
  return r;
}

async function register(on: { url: string }, url: string, events = ALL_EVENTS): Promise<{ id: string; secret: string }> {
  const answer = await call(on, 'POST', '/api/webhooks', { user: admin, body: { url, events } });
  expect(answer.status, answer.text).toBe(201);
  endpoints.push(answer.body.endpoint.id);
  return { id: answer.body.endpoint.id, secret: answer.body.secret };
}

async function readyStory(on: { url: string }, headline: string, by = editor): Promise<string> {
  const fields = { headline: [headline], standfirst: ['A standfirst.'], byline: [by.name], body: [`${headline}, the body.`] };
  return writeStory(on, by, fields, clients);
}

async function publish(on: { url: string }, storyId: string): Promise<void> {
  const answer = await call(on, 'POST', `/api/stories/${storyId}/publish`, { user: editor });
  expect(answer.status, answer.text).toBe(200);
}

async function deliveries(on: { url: string }, endpointId: string): Promise<WebhookDeliveryView[]> {
  const answer = await call(on, 'GET', `/api/webhooks/${endpointId}/deliveries`, { user: admin });
  expect(answer.status).toBe(200);
  return answer.body.deliveries;
}

const bodies = (r: WebhookReceiver) => r.received.map((x) => JSON.parse(x.body) as { id: string; type: string; data: any });

describe('events and signatures', () => {
  it('sends each move of a story once to every endpoint subscribed to it, signed with its secret', async () => {
    const all = await receiver();
    const deletions = await receiver();
    const everything = await register(server, `${all.url}/hooks/galley`);
    await register(server, deletions.url, ['story.deleted']);
    const storyId = await readyStory(server, 'Herons return to the river');

    await publish(server, storyId);
    await eventually(() => expect(all.received).toHaveLength(1));
    await publish(server, storyId);
    expect((await call(server, 'POST', `/api/stories/${storyId}/unpublish`, { user: editor })).status).toBe(200);
    expect((await call(server, 'DELETE', `/api/stories/${storyId}`, { user: editor })).status).toBe(204);
    await eventually(() => expect(all.received).toHaveLength(4));
    await eventually(() => expect(deletions.received).toHaveLength(1));

    expect(bodies(all).map((b) => b.type)).toEqual(ALL_EVENTS);
    expect(bodies(deletions).map((b) => b.type)).toEqual(['story.deleted']);
    const [published] = bodies(all);
    expect(published.data.story).toMatchObject({
      id: storyId,
      slug: 'herons-return-to-the-river',
      url: 'https://news.example.com/stories/herons-return-to-the-river',
      headline: 'Herons return to the river',
      revision: 1,
    });
    const first = all.received[0];
    expect(first.path).toBe('/hooks/galley');
    expect(first.headers).toMatchObject({
      'content-type': 'application/json',
      'galley-event': 'story.published',
      'galley-event-id': published.id,
    });
    // The receiver's check (docs/webhooks.md): this secret, this body, a recent time.
    const signature = String(first.headers['galley-signature']);
    expect(signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifySignature(everything.secret, signature, first.body, Date.now())).toBe(true);
    expect(verifySignature(everything.secret, signature, first.body.replace('Herons', 'Cranes'), Date.now())).toBe(false);
    expect(verifySignature('whsec_another', signature, first.body, Date.now())).toBe(false);
    // Replayed ten minutes later, it is refused.
    expect(verifySignature(everything.secret, signature, first.body, Date.now() + 600_000)).toBe(false);
    // Four events, four ids.
    expect(new Set(bodies(all).map((b) => b.id)).size).toBe(4);
    const log = await deliveries(server, everything.id);
    expect(log.map((d) => [d.type, d.status, d.attempts, d.responseStatus])).toEqual(
      [...ALL_EVENTS].reverse().map((type) => [type, 'delivered', 1, 204]),
    );
  });

  it('tells of a scheduled publication when the schedule publishes it', async () => {
    const r = await receiver();
    await register(server, r.url, ['story.published']);
    const storyId = await readyStory(server, 'Out on time');
    const at = new Date(Date.now() + 1500).toISOString();
    expect((await call(server, 'POST', `/api/stories/${storyId}/schedule`, { user: editor, body: { at } })).status).toBe(200);
    await eventually(() => expect(r.received).toHaveLength(1));
    expect(bodies(r)[0]).toMatchObject({ type: 'story.published', data: { story: { id: storyId, headline: 'Out on time' } } });
    expect(r.received[0].at).toBeGreaterThanOrEqual(Date.parse(at));
  });

  it('never answers an endpoint’s secret but when it is made or rotated, and signs with the new one at once', async () => {
    const r = await receiver();
    const { id, secret } = await register(server, r.url);
    expect(secret).toMatch(/^whsec_/);
    const listed = await call(server, 'GET', '/api/webhooks', { user: admin });
    expect(listed.text).not.toContain(secret);
    expect(listed.body.endpoints).toContainEqual(expect.objectContaining({ id, url: r.url, active: true, createdBy: 'Ada Admin' }));
    const rotated = await call(server, 'PATCH', `/api/webhooks/${id}`, { user: admin, body: { rotateSecret: true } });
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(secret);
    expect((await call(server, 'POST', `/api/webhooks/${id}/ping`, { user: admin })).status).toBe(201);
    await eventually(() => expect(r.received).toHaveLength(1));
    const ping = r.received[0];
    expect(ping.headers['galley-event']).toBe('ping');
    expect(verifySignature(rotated.body.secret, String(ping.headers['galley-signature']), ping.body, Date.now())).toBe(true);
    expect(verifySignature(secret, String(ping.headers['galley-signature']), ping.body, Date.now())).toBe(false);
  });

  it('queues nothing for a disabled endpoint until it is enabled again', async () => {
    const r = await receiver();
    const { id } = await register(server, r.url, ['story.published']);
    expect((await call(server, 'PATCH', `/api/webhooks/${id}`, { user: admin, body: { active: false } })).body.endpoint.active).toBe(false);
    await publish(server, await readyStory(server, 'Quiet news'));
    expect((await call(server, 'PATCH', `/api/webhooks/${id}`, { user: admin, body: { active: true } })).status).toBe(200);
    await publish(server, await readyStory(server, 'Loud news'));
    await eventually(() => expect(r.received).toHaveLength(1));
    expect(bodies(r)[0].data.story.headline).toBe('Loud news');
    expect(await deliveries(server, id)).toHaveLength(1);
  });
});

describe('retries', () => {
  it('gives a receiver that fails twice the event on the third try, with the same event id', async () => {
    const r = await receiver();
    r.answer({ status: 500, body: 'down for maintenance' }, { status: 503 });
    const { id } = await register(server, r.url, ['story.published']);
    await publish(server, await readyStory(server, 'Third time lucky'));
    await eventually(() => expect(r.received).toHaveLength(3));
    expect(new Set(r.received.map((x) => x.headers['galley-event-id'])).size).toBe(1);
    // Each attempt is signed afresh (its own time), and each verifies.
    await eventually(async () =>
      expect(await deliveries(server, id)).toMatchObject([{ status: 'delivered', attempts: 3, responseStatus: 204 }]),
    );
  });

  it('keeps a short excerpt of a failed answer, as text, and redelivers on request', async () => {
    const r = await receiver();
    r.otherwise = { status: 500, body: `<script>alert(1)</script>${'x'.repeat(10_000)}` };
    const { id } = await register(server, r.url, ['story.published']);
    await publish(server, await readyStory(server, 'An unlucky receiver'));
    const [failing] = await eventually(async () => {
      const log = await deliveries(server, id);
      expect(log[0].attempts).toBeGreaterThanOrEqual(2);
      return log;
    });
    expect(failing).toMatchObject({ status: 'pending', responseStatus: 500 });
    expect(failing.responseExcerpt.startsWith('<script>alert(1)</script>xxx')).toBe(true);
    expect(failing.responseExcerpt.length).toBeLessThanOrEqual(500);
    r.otherwise = { status: 200 };
    await eventually(async () => expect(await deliveries(server, id)).toMatchObject([{ status: 'delivered' }]));
    const before = r.received.length;
    const again = await call(server, 'POST', `/api/webhooks/${id}/deliveries/${failing.id}/redeliver`, { user: admin });
    expect(again.status).toBe(200);
    await eventually(() => expect(r.received).toHaveLength(before + 1));
    expect(r.received.at(-1)!.headers['galley-event-id']).toBe(failing.eventId);
  });

  it('does not follow a redirect: it is a failed attempt', async () => {
    const r = await receiver();
    r.answer({ status: 302, headers: { location: '/elsewhere' } });
    const { id } = await register(server, `${r.url}/hook`, ['story.published']);
    await publish(server, await readyStory(server, 'Sent elsewhere'));
    await eventually(() => expect(r.received.length).toBeGreaterThanOrEqual(2));
    expect(r.received.map((x) => x.path)).not.toContain('/elsewhere');
    const [delivery] = await deliveries(server, id);
    expect(delivery).toMatchObject({ status: 'delivered', attempts: 2 });
    expect(r.received.every((x) => x.path === '/hook')).toBe(true);
  });

  it('loses nothing across a restart between attempts', async () => {
    const dataDir = tempDataDir();
    const env = { ...ALLOW, WEBHOOK_RETRY_BASE_MS: '2000' };
    let first: TestServer | undefined = await startTestServer({ dataDir, env });
    let second: TestServer | undefined;
    try {
      const r = await receiver();
      r.answer({ status: 500 });
      const people = { admin: await createUser(first, 'admin'), editor: await createUser(first, 'editor') };
      const created = await call(first, 'POST', '/api/webhooks', { user: people.admin, body: { url: r.url, events: ['story.published'] } });
      const storyId = await readyStory(first, 'Through a restart', people.editor);
      expect((await call(first, 'POST', `/api/stories/${storyId}/publish`, { user: people.editor })).status).toBe(200);
      await eventually(async () =>
        expect(await first!.store.listWebhookDeliveries(created.body.endpoint.id, 5)).toMatchObject([{ attempts: 1 }]),
      );
      await first.stop();
      first = undefined;
      const restartedAt = Date.now();
      second = await startTestServer({ dataDir, env });
      await eventually(() => expect(r.received).toHaveLength(2));
      // The second attempt was the restarted server's.
      expect(r.received[1].at).toBeGreaterThan(restartedAt);
      expect(r.received[1].headers['galley-event-id']).toBe(r.received[0].headers['galley-event-id']);
      await eventually(async () =>
        expect(await second!.store.listWebhookDeliveries(created.body.endpoint.id, 5)).toMatchObject([
          { status: 'delivered', attempts: 2 },
        ]),
      );
    } finally {
      await first?.close();
      await second?.close();
    }
  });
});

describe('time limits', () => {
  it('fails an attempt the receiver does not answer in WEBHOOK_TIMEOUT_MS, and tries again later', async () => {
    const impatient = await startTestServer({ env: { ...ALLOW, WEBHOOK_TIMEOUT_MS: '300', WEBHOOK_RETRY_BASE_MS: '3600000' } });
    try {
      const r = await receiver();
      r.otherwise = { status: 0 };
      const boss = await createUser(impatient, 'admin');
      const made = await call(impatient, 'POST', '/api/webhooks', { user: boss, body: { url: r.url, events: ['story.published'] } });
      expect((await call(impatient, 'POST', `/api/webhooks/${made.body.endpoint.id}/ping`, { user: boss })).status).toBe(201);
      const [delivery] = await eventually(async () => {
        const log = await impatient.store.listWebhookDeliveries(made.body.endpoint.id, 5);
        expect(log[0]?.attempts).toBe(1);
        return log;
      });
      expect(delivery).toMatchObject({ status: 'pending', responseStatus: null, responseExcerpt: 'No answer within 300 ms' });
      // An hour's backoff, give or take its jitter.
      expect(Date.parse(delivery.nextAttemptAt) - Date.now()).toBeGreaterThan(1_000_000);
    } finally {
      await impatient.close();
    }
  });
});

describe('where deliveries may go', () => {
  let guarded: TestServer;
  let guardedAdmin: TestUser;

  beforeAll(async () => {
    guarded = await startTestServer();
    guardedAdmin = await createUser(guarded, 'admin');
  });

  afterAll(async () => {
    await guarded?.close();
  });

  it.each([
    'http://127.0.0.1:8080/hook',
    'http://localhost/hook',
    'http://169.254.169.254/latest/meta-data',
    'http://10.1.2.3/',
    'http://192.168.1.1/',
    'http://[::1]/',
    'http://[::ffff:127.0.0.1]/',
    'http://[fd00::1]/',
    'http://0.0.0.0/',
  ])('refuses to register %s', async (url) => {
    const answer = await call(guarded, 'POST', '/api/webhooks', { user: guardedAdmin, body: { url, events: ['story.published'] } });
    expect(answer.status).toBe(422);
    expect(answer.body.error.fields.url).toMatch(/private|this server/);
  });

  it('refuses at delivery an endpoint that points at a private address', async () => {
    const r = await receiver();
    // As if registered while its name pointed elsewhere (DNS rebinding): only the delivery's check stands.
    const id = randomUUID();
    await guarded.store.addWebhookEndpoint(
      {
        id,
        url: r.url,
        description: '',
        events: ['story.published'],
        secret: 'whsec_x',
        active: true,
        createdAt: new Date().toISOString(),
        createdBy: 'x',
      },
      20,
    );
    expect((await call(guarded, 'POST', `/api/webhooks/${id}/ping`, { user: guardedAdmin })).status).toBe(201);
    const [delivery] = await eventually(async () => {
      const log = await guarded.store.listWebhookDeliveries(id, 5);
      expect(log[0].attempts).toBe(1);
      return log;
    });
    expect(delivery.responseExcerpt).toMatch(/^Not sent: .*private/);
    expect(r.received).toHaveLength(0);
  });
});

describe('bad input', () => {
  const valid = { url: 'https://8.8.8.8/hook', events: ['story.published'] };

  it.each([
    ['no URL', { events: ['story.published'] }, 'url'],
    ['a URL that is not a string', { ...valid, url: 42 }, 'url'],
    ['an ftp URL', { ...valid, url: 'ftp://8.8.8.8/hook' }, 'url'],
    ['a javascript: URL', { ...valid, url: 'javascript:alert(1)' }, 'url'],
    ['a URL with credentials', { ...valid, url: 'https://user:secret@8.8.8.8/hook' }, 'url'],
    ['a URL too long', { ...valid, url: `https://8.8.8.8/${'a'.repeat(2000)}` }, 'url'],
    ['no events', { ...valid, events: [] }, 'events'],
    ['an unknown event', { ...valid, events: ['story.read'] }, 'events.0'],
    ['events that are not a list', { ...valid, events: 'story.published' }, 'events'],
    ['too many events', { ...valid, events: Array(5).fill('story.published') }, 'events'],
    ['a description too long', { ...valid, description: 'd'.repeat(201) }, 'description'],
    ['an unknown field', { ...valid, secret: 'mine' }, '_'],
  ])('refuses to register an endpoint with %s', async (_name, body, field) => {
    const before = (await server.store.listWebhookEndpoints()).length;
    const answer = await call(server, 'POST', '/api/webhooks', { user: admin, body });
    expect(answer.status).toBe(400);
    expect(Object.keys(answer.body.error.fields)).toContain(field);
    expect(await server.store.listWebhookEndpoints()).toHaveLength(before);
  });

  it('refuses bad ids, unknown ids, bad changes and query strings', async () => {
    const { id } = await register(server, 'https://8.8.8.8/hook', ['story.deleted']);
    const cases: [string, string, unknown, number][] = [
      ['PATCH', '/api/webhooks/not-a-uuid', { active: false }, 400],
      ['PATCH', `/api/webhooks/${randomUUID()}`, { active: false }, 404],
      ['PATCH', `/api/webhooks/${id}`, { rotateSecret: false }, 400],
      ['PATCH', `/api/webhooks/${id}`, { active: 'no' }, 400],
      ['PATCH', `/api/webhooks/${id}`, { url: 'http://127.0.0.1.nip.io@8.8.8.8/' }, 400],
      ['DELETE', `/api/webhooks/${randomUUID()}`, undefined, 404],
      ['DELETE', `/api/webhooks/${id}`, { force: true }, 400],
      ['GET', '/api/webhooks/1/deliveries', undefined, 400],
      ['GET', `/api/webhooks/${randomUUID()}/deliveries`, undefined, 404],
      ['GET', `/api/webhooks/${id}/deliveries?limit=1000`, undefined, 400],
      ['POST', `/api/webhooks/${randomUUID()}/ping`, undefined, 404],
      ['POST', `/api/webhooks/${id}/deliveries/${randomUUID()}/redeliver`, undefined, 404],
      ['POST', `/api/webhooks/${id}/deliveries/x/redeliver`, undefined, 400],
    ];
    for (const [method, path, body, status] of cases) {
      expect([method, path, (await call(server, method, path, { user: admin, body })).status]).toEqual([method, path, status]);
    }
    expect(await server.store.getWebhookEndpoint(id)).toMatchObject({ active: true, url: 'https://8.8.8.8/hook' });
  });

  it('holds at most 20 endpoints', async () => {
    const made = [];
    for (let i = (await server.store.listWebhookEndpoints()).length; i < 20; i++)
      made.push(await register(server, `https://8.8.8.8/${i}`, ['story.deleted']));
    const answer = await call(server, 'POST', '/api/webhooks', { user: admin, body: valid });
    expect(answer.status).toBe(422);
    expect(answer.body.error.message).toMatch(/At most 20/);
  });
});
