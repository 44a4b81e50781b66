import { randomUUID } from 'node:crypto';
import type { Row } from '../storeRows';
import { toWebhookDelivery, toWebhookEndpoint, toWebhookJob } from '../webhookRows';
import type { WebhookEvent, WebhookStore } from '../WebhookStore';
import type { SqliteConnection } from './SqliteConnection';

const INSERT_DELIVERY = `INSERT OR IGNORE INTO webhook_deliveries
  (id, endpoint_id, event_id, type, payload, status, created_at, give_up_at, next_attempt_at, story_id)
  VALUES (?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?)`;

/** Webhook endpoints and their deliveries' queue on SQLite: one writer at a time, so a claim is one transaction. */
export function sqliteWebhooks(db: SqliteConnection): WebhookStore {
  const endpoint = (id: string) => {
    const row = db.prepare('SELECT * FROM webhook_endpoints WHERE id = ?').get(id) as Row | undefined;
    return row && toWebhookEndpoint(row);
  };
  const delivery = (id: string) => {
    const row = db.prepare('SELECT * FROM webhook_deliveries WHERE id = ?').get(id) as Row | undefined;
    return row && toWebhookDelivery(row);
  };
  const insert = (id: string, endpointId: string, event: WebhookEvent, giveUpAt: string) =>
    db
      .prepare(INSERT_DELIVERY)
      .run(id, endpointId, event.id, event.type, event.payload, event.createdAt, giveUpAt, event.createdAt, event.storyId ?? null).changes >
    0;

  return {
    async addWebhookEndpoint(e, max) {
      return db.write(() => {
        const { n } = db.prepare('SELECT COUNT(*) AS n FROM webhook_endpoints').get() as Row;
        if (Number(n) >= max) return false;
        db.prepare(
          `INSERT INTO webhook_endpoints (id, url, description, events, secret, active, created_at, created_by)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        ).run(e.id, e.url, e.description, JSON.stringify(e.events), e.secret, e.active ? 1 : 0, e.createdAt, e.createdBy);
        return true;
      });
    },

    async listWebhookEndpoints() {
      return (db.prepare('SELECT * FROM webhook_endpoints ORDER BY created_at, id').all() as Row[]).map(toWebhookEndpoint);
    },

    async getWebhookEndpoint(id) {
      return endpoint(id);
    },

    async updateWebhookEndpoint(id, change) {
      return db.write(() => {
        const now = endpoint(id);
        if (!now) return undefined;
        const next = { ...now, ...change };
        db.prepare('UPDATE webhook_endpoints SET url = ?, description = ?, events = ?, secret = ?, active = ? WHERE id = ?').run(
          next.url,
          next.description,
          JSON.stringify(next.events),
          next.secret,
          next.active ? 1 : 0,
          id,
        );
        return next;
      });
    },

    async removeWebhookEndpoint(id) {
      return db.write(() => db.prepare('DELETE FROM webhook_endpoints WHERE id = ?').run(id).changes > 0);
    },

    async enqueueWebhookEvent(event, giveUpAt) {
      return db.write(() => {
        const endpoints = (db.prepare('SELECT * FROM webhook_endpoints WHERE active = 1').all() as Row[]).map(toWebhookEndpoint);
        const subscribed = endpoints.filter((e) => (e.events as string[]).includes(event.type));
        return subscribed.filter((e) => insert(randomUUID(), e.id, event, giveUpAt)).length;
      });
    },

    async addWebhookDelivery(endpointId, deliveryId, event, giveUpAt) {
      return db.write(() => {
        if (!endpoint(endpointId)) return undefined;
        insert(deliveryId, endpointId, event, giveUpAt);
        return delivery(deliveryId);
      });
    },

    async claimDueWebhookDeliveries(owner, now, leaseUntil, limit) {
      const due = () =>
        db
          .prepare(
            `SELECT d.*, e.url, e.secret FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id
             WHERE d.status = 'pending' AND e.active = 1 AND d.next_attempt_at <= ? AND (d.lease_until IS NULL OR d.lease_until < ?)
             ORDER BY d.next_attempt_at, d.id LIMIT ?`,
          )
          .all(now, now, limit) as Row[];
      // Every process looks often and mostly finds nothing: only then take the write lock (and look again under it).
      if (due().length === 0) return [];
      return db.write(() => {
        const rows = due();
        const lease = db.prepare('UPDATE webhook_deliveries SET lease_owner = ?, lease_until = ? WHERE id = ?');
        for (const r of rows) lease.run(owner, leaseUntil, r.id);
        return rows.map(toWebhookJob);
      });
    },

    async finishWebhookDelivery(id, owner, a) {
      return db.write(
        () =>
          db
            .prepare(
              `UPDATE webhook_deliveries SET attempts = attempts + 1, last_attempt_at = ?, response_status = ?, response_excerpt = ?,
                 status = ?, next_attempt_at = COALESCE(?, next_attempt_at), lease_owner = NULL, lease_until = NULL
               WHERE id = ? AND lease_owner = ? AND status = 'pending'`,
            )
            .run(
              a.at,
              a.responseStatus,
              a.responseExcerpt,
              a.delivered ? 'delivered' : a.retryAt ? 'pending' : 'failed',
              a.delivered ? null : a.retryAt,
              id,
              owner,
            ).changes > 0,
      );
    },

    async listWebhookDeliveries(endpointId, limit) {
      const rows = db
        .prepare('SELECT * FROM webhook_deliveries WHERE endpoint_id = ? ORDER BY created_at DESC, id DESC LIMIT ?')
        .all(endpointId, limit) as Row[];
      return rows.map(toWebhookDelivery);
    },

    async redeliverWebhook(endpointId, deliveryId, now, giveUpAt) {
      return db.write(() => {
        const changed = db
          .prepare(
            `UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = ?, give_up_at = ?, lease_owner = NULL, lease_until = NULL
             WHERE id = ? AND endpoint_id = ? AND (lease_until IS NULL OR lease_until < ?)`,
          )
          .run(now, giveUpAt, deliveryId, endpointId, now).changes;
        return changed > 0 ? delivery(deliveryId) : undefined;
      });
    },
  };
}
