/**
 * The Store contract's rules for webhooks, S-WHK-n (WebhookStore: endpoints, and the queue of deliveries with
 * its leases). See storeContract.ts.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { WebhookEventType } from '../../shared/webhooks';
import type { WebhookEndpoint, WebhookEvent } from '../../server/persistence/WebhookStore';
import type { StoreFactory } from './storeContractFixtures';

const T = (minutes: number) => new Date(Date.UTC(2026, 5, 1, 0, minutes)).toISOString();
const DAY_LATER = T(24 * 60);

const endpoint = (over: Partial<WebhookEndpoint> = {}): WebhookEndpoint => ({
  id: randomUUID(),
  url: 'https://hooks.example.com/galley?x=<b>',
  description: 'The “wire” desk',
  events: ['story.published', 'story.updated'],
  secret: `whsec_${randomUUID()}`,
  active: true,
  createdAt: T(0),
  createdBy: 'Ada Admin',
  ...over,
});

const event = (type: WebhookEventType | 'ping' = 'story.published', createdAt = T(1)): WebhookEvent => {
  const id = randomUUID();
  return { id, type, createdAt, payload: JSON.stringify({ id, type, data: { headline: 'Herons “return” <i>' } }) };
};

export function webhookRules(factory: StoreFactory): void {
  describe('webhooks', () => {
    it('S-WHK-1 keeps endpoints as given, up to a limit, changes the fields given and removes them', async () => {
      const store = await factory.open();
      const [a, b] = [endpoint(), endpoint({ createdAt: T(1), events: ['story.deleted'], active: false })];
      expect(await store.addWebhookEndpoint(a, 2)).toBe(true);
      expect(await store.addWebhookEndpoint(b, 2)).toBe(true);
      expect(await store.addWebhookEndpoint(endpoint(), 2)).toBe(false);
      expect(await store.listWebhookEndpoints()).toEqual([a, b]);
      expect(await store.getWebhookEndpoint(b.id)).toEqual(b);
      const changed = await store.updateWebhookEndpoint(a.id, { active: false, events: ['story.unpublished'], secret: 'whsec_new' });
      expect(changed).toEqual({ ...a, active: false, events: ['story.unpublished'], secret: 'whsec_new' });
      expect(await store.getWebhookEndpoint(a.id)).toEqual(changed);
      expect(await store.updateWebhookEndpoint(randomUUID(), { active: true })).toBeUndefined();
      expect(await store.removeWebhookEndpoint(a.id)).toBe(true);
      expect(await store.removeWebhookEndpoint(a.id)).toBe(false);
      expect(await store.listWebhookEndpoints()).toEqual([b]);
      await store.close();
    });

    it('S-WHK-2 queues an event once for each active endpoint subscribed to its type, however often it is queued', async () => {
      const store = await factory.open();
      const [subscribed, other, inactive] = [endpoint(), endpoint({ events: ['story.deleted'] }), endpoint({ active: false })];
      for (const e of [subscribed, other, inactive]) await store.addWebhookEndpoint(e, 10);
      const published = event('story.published');
      expect(await store.enqueueWebhookEvent(published, DAY_LATER)).toBe(1);
      expect(await store.enqueueWebhookEvent(published, DAY_LATER)).toBe(0);
      expect(await store.listWebhookDeliveries(subscribed.id, 10)).toEqual([
        {
          id: expect.any(String),
          endpointId: subscribed.id,
          eventId: published.id,
          type: 'story.published',
          payload: published.payload,
          status: 'pending',
          attempts: 0,
          createdAt: published.createdAt,
          giveUpAt: DAY_LATER,
          nextAttemptAt: published.createdAt,
          lastAttemptAt: null,
          responseStatus: null,
          responseExcerpt: '',
        },
      ]);
      expect(await store.listWebhookDeliveries(other.id, 10)).toEqual([]);
      expect(await store.listWebhookDeliveries(inactive.id, 10)).toEqual([]);
      expect(await store.enqueueWebhookEvent(event('story.deleted'), DAY_LATER)).toBe(1);
      await store.close();
    });

    it('S-WHK-3 claims a due delivery once while its lease holds, with where it goes, and again once it lapses', async () => {
      const store = await factory.open();
      const e = endpoint();
      await store.addWebhookEndpoint(e, 10);
      const queued = event('story.published', T(1));
      await store.enqueueWebhookEvent(queued, DAY_LATER);
      expect(await store.claimDueWebhookDeliveries('a', T(0), T(5), 10)).toEqual([]);
      const [job] = await store.claimDueWebhookDeliveries('a', T(1), T(5), 10);
      expect(job).toMatchObject({ eventId: queued.id, url: e.url, secret: e.secret, attempts: 0, status: 'pending' });
      expect(await store.claimDueWebhookDeliveries('b', T(2), T(6), 10)).toEqual([]);
      // The lease lapsed (its owner died mid-send): another takes it, and the first may no longer record.
      const [again] = await store.claimDueWebhookDeliveries('b', T(6), T(10), 10);
      expect(again.id).toBe(job.id);
      const attempt = { at: T(6), delivered: true, responseStatus: 200, responseExcerpt: 'ok', retryAt: null };
      expect(await store.finishWebhookDelivery(job.id, 'a', attempt)).toBe(false);
      expect(await store.finishWebhookDelivery(job.id, 'b', attempt)).toBe(true);
      expect(await store.finishWebhookDelivery(job.id, 'b', attempt)).toBe(false);
      expect(await store.claimDueWebhookDeliveries('c', T(100), T(105), 10)).toEqual([]);
      const [done] = await store.listWebhookDeliveries(e.id, 10);
      expect(done).toMatchObject({ status: 'delivered', attempts: 1, lastAttemptAt: T(6), responseStatus: 200, responseExcerpt: 'ok' });
      await store.close();
    });

    it('S-WHK-4 records failed attempts: due again at their retry time, or given up', async () => {
      const store = await factory.open();
      const e = endpoint();
      await store.addWebhookEndpoint(e, 10);
      await store.enqueueWebhookEvent(event('story.updated', T(1)), DAY_LATER);
      const [job] = await store.claimDueWebhookDeliveries('a', T(1), T(2), 10);
      await store.finishWebhookDelivery(job.id, 'a', {
        at: T(1),
        delivered: false,
        responseStatus: 500,
        responseExcerpt: 'down',
        retryAt: T(10),
      });
      const [retrying] = await store.listWebhookDeliveries(e.id, 10);
      expect(retrying).toMatchObject({
        status: 'pending',
        attempts: 1,
        nextAttemptAt: T(10),
        responseStatus: 500,
        responseExcerpt: 'down',
      });
      expect(await store.claimDueWebhookDeliveries('a', T(9), T(11), 10)).toEqual([]);
      const [retry] = await store.claimDueWebhookDeliveries('a', T(10), T(11), 10);
      expect(retry.attempts).toBe(1);
      await store.finishWebhookDelivery(retry.id, 'a', {
        at: T(10),
        delivered: false,
        responseStatus: null,
        responseExcerpt: 'timeout',
        retryAt: null,
      });
      expect(await store.listWebhookDeliveries(e.id, 10)).toMatchObject([{ status: 'failed', attempts: 2, responseStatus: null }]);
      expect(await store.claimDueWebhookDeliveries('a', T(5000), T(5001), 10)).toEqual([]);
      await store.close();
    });

    it('S-WHK-5 holds an inactive endpoint’s pending deliveries, and removes them with it', async () => {
      const store = await factory.open();
      const e = endpoint();
      await store.addWebhookEndpoint(e, 10);
      await store.enqueueWebhookEvent(event('story.published', T(1)), DAY_LATER);
      await store.updateWebhookEndpoint(e.id, { active: false });
      expect(await store.claimDueWebhookDeliveries('a', T(2), T(3), 10)).toEqual([]);
      await store.updateWebhookEndpoint(e.id, { active: true });
      expect(await store.claimDueWebhookDeliveries('a', T(2), T(3), 10)).toHaveLength(1);
      await store.removeWebhookEndpoint(e.id);
      expect(await store.claimDueWebhookDeliveries('a', T(10), T(11), 10)).toEqual([]);
      expect(await store.listWebhookDeliveries(e.id, 10)).toEqual([]);
      await store.close();
    });

    it('S-WHK-6 adds one endpoint’s own delivery (a ping) and lists deliveries newest first', async () => {
      const store = await factory.open();
      const e = endpoint({ events: ['story.deleted'] });
      await store.addWebhookEndpoint(e, 10);
      const ping = event('ping', T(1));
      const added = await store.addWebhookDelivery(e.id, randomUUID(), ping, DAY_LATER);
      expect(added).toMatchObject({ endpointId: e.id, eventId: ping.id, type: 'ping', status: 'pending', attempts: 0 });
      expect(await store.addWebhookDelivery(randomUUID(), randomUUID(), event('ping'), DAY_LATER)).toBeUndefined();
      await store.enqueueWebhookEvent(event('story.deleted', T(2)), DAY_LATER);
      expect((await store.listWebhookDeliveries(e.id, 10)).map((d) => d.type)).toEqual(['story.deleted', 'ping']);
      expect(await store.listWebhookDeliveries(e.id, 1)).toHaveLength(1);
      await store.close();
    });

    it('S-WHK-7 redelivers one of the endpoint’s deliveries, whatever became of it, but not while it is being sent', async () => {
      const store = await factory.open();
      const [e, other] = [endpoint(), endpoint({ events: ['story.deleted'] })];
      await store.addWebhookEndpoint(e, 10);
      await store.addWebhookEndpoint(other, 10);
      await store.enqueueWebhookEvent(event('story.published', T(1)), DAY_LATER);
      const [job] = await store.claimDueWebhookDeliveries('a', T(1), T(5), 10);
      expect(await store.redeliverWebhook(e.id, job.id, T(2), DAY_LATER)).toBeUndefined();
      await store.finishWebhookDelivery(job.id, 'a', {
        at: T(2),
        delivered: false,
        responseStatus: 410,
        responseExcerpt: '',
        retryAt: null,
      });
      expect(await store.redeliverWebhook(other.id, job.id, T(3), DAY_LATER)).toBeUndefined();
      const again = await store.redeliverWebhook(e.id, job.id, T(3), T(100));
      expect(again).toMatchObject({ id: job.id, status: 'pending', attempts: 1, nextAttemptAt: T(3), giveUpAt: T(100) });
      expect((await store.claimDueWebhookDeliveries('b', T(3), T(4), 10)).map((j) => j.id)).toEqual([job.id]);
      await store.close();
    });
  });
}
