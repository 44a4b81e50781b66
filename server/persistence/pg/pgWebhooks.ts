import { randomUUID } from 'node:crypto';
import type { Querier } from './PgDatabase';
import { toWebhookDelivery, toWebhookEndpoint, toWebhookJob } from '../webhookRows';
import type { WebhookEvent, WebhookStore } from '../WebhookStore';
import type { PgDatabase } from './PgDatabase';

const insert = async (c: Querier, id: string, endpointId: string, event: WebhookEvent, giveUpAt: string) =>
  ((
    await c.query(
      `INSERT INTO webhook_deliveries (id, endpoint_id, event_id, type, payload, status, created_at, give_up_at, next_attempt_at, story_id)
       VALUES ($1, $2, $3, $4, $5, 'pending', $6, $7, $6, $8) ON CONFLICT (endpoint_id, event_id) DO NOTHING`,
      [id, endpointId, event.id, event.type, event.payload, event.createdAt, giveUpAt, event.storyId ?? null],
    )
  ).rowCount ?? 0) > 0;

/**
 * Webhook endpoints and their deliveries' queue on Postgres: claims take rows FOR UPDATE SKIP LOCKED, so
 * nodes claiming at once take different deliveries, and a finish counts only from the lease's owner.
 */
export function pgWebhooks(db: PgDatabase): WebhookStore {
  const endpoint = async (id: string) => {
    const row = await db.row('SELECT * FROM webhook_endpoints WHERE id = $1', [id]);
    return row && toWebhookEndpoint(row);
  };

  return {
    async addWebhookEndpoint(e, max) {
      return db.tx(async (c) => {
        // One registration at a time, so two at once cannot both pass the count.
        await c.query('LOCK TABLE webhook_endpoints IN SHARE ROW EXCLUSIVE MODE');
        const { rows } = await c.query('SELECT COUNT(*) AS n FROM webhook_endpoints');
        if (Number(rows[0].n) >= max) return false;
        await c.query(
          `INSERT INTO webhook_endpoints (id, url, description, events, secret, active, created_at, created_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
          [e.id, e.url, e.description, JSON.stringify(e.events), e.secret, e.active, e.createdAt, e.createdBy],
        );
        return true;
      });
    },

    async listWebhookEndpoints() {
      return (await db.rows('SELECT * FROM webhook_endpoints ORDER BY created_at, id')).map(toWebhookEndpoint);
    },

    getWebhookEndpoint: endpoint,

    async updateWebhookEndpoint(id, change) {
      const row = await db.row(
        `UPDATE webhook_endpoints SET url = COALESCE($2, url), description = COALESCE($3, description), events = COALESCE($4, events),
           secret = COALESCE($5, secret), active = COALESCE($6, active)
         WHERE id = $1 RETURNING *`,
        [
          id,
          change.url ?? null,
          change.description ?? null,
          change.events ? JSON.stringify(change.events) : null,
          change.secret ?? null,
          change.active ?? null,
        ],
      );
      return row && toWebhookEndpoint(row);
    },

    async removeWebhookEndpoint(id) {
      return (await db.changes('DELETE FROM webhook_endpoints WHERE id = $1', [id])) > 0;
    },

    async enqueueWebhookEvent(event, giveUpAt) {
      return db.tx(async (c) => {
        const { rows } = await c.query('SELECT * FROM webhook_endpoints WHERE active');
        let queued = 0;
        for (const e of rows.map(toWebhookEndpoint)) {
          if ((e.events as string[]).includes(event.type) && (await insert(c, randomUUID(), e.id, event, giveUpAt))) queued++;
        }
        return queued;
      });
    },

    async addWebhookDelivery(endpointId, deliveryId, event, giveUpAt) {
      return db.tx(async (c) => {
        const { rows } = await c.query('SELECT id FROM webhook_endpoints WHERE id = $1 FOR SHARE', [endpointId]);
        if (rows.length === 0) return undefined;
        await insert(c, deliveryId, endpointId, event, giveUpAt);
        const added = await c.query('SELECT * FROM webhook_deliveries WHERE id = $1', [deliveryId]);
        return added.rows[0] && toWebhookDelivery(added.rows[0]);
      });
    },

    async claimDueWebhookDeliveries(owner, now, leaseUntil, limit) {
      const rows = await db.rows(
        `WITH due AS (
           SELECT d.id FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id
           WHERE d.status = 'pending' AND e.active AND d.next_attempt_at <= $2 AND (d.lease_until IS NULL OR d.lease_until < $2)
           ORDER BY d.next_attempt_at, d.id LIMIT $4 FOR UPDATE OF d SKIP LOCKED),
         claimed AS (
           UPDATE webhook_deliveries d SET lease_owner = $1, lease_until = $3 FROM due WHERE d.id = due.id RETURNING d.*)
         SELECT claimed.*, e.url, e.secret FROM claimed JOIN webhook_endpoints e ON e.id = claimed.endpoint_id
         ORDER BY claimed.next_attempt_at, claimed.id`,
        [owner, now, leaseUntil, limit],
      );
      return rows.map(toWebhookJob);
    },

    async finishWebhookDelivery(id, owner, a) {
      const changed = await db.changes(
        `UPDATE webhook_deliveries SET attempts = attempts + 1, last_attempt_at = $3, response_status = $4, response_excerpt = $5,
           status = $6, next_attempt_at = COALESCE($7, next_attempt_at), lease_owner = NULL, lease_until = NULL
         WHERE id = $1 AND lease_owner = $2 AND status = 'pending'`,
        [
          id,
          owner,
          a.at,
          a.responseStatus,
          a.responseExcerpt,
          a.delivered ? 'delivered' : a.retryAt ? 'pending' : 'failed',
          a.delivered ? null : a.retryAt,
        ],
      );
      return changed > 0;
    },

    async listWebhookDeliveries(endpointId, limit) {
      const rows = await db.rows('SELECT * FROM webhook_deliveries WHERE endpoint_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2', [
        endpointId,
        limit,
      ]);
      return rows.map(toWebhookDelivery);
    },

    async redeliverWebhook(endpointId, deliveryId, now, giveUpAt) {
      const row = await db.row(
        `UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = $3, give_up_at = $4, lease_owner = NULL, lease_until = NULL
         WHERE id = $1 AND endpoint_id = $2 AND (lease_until IS NULL OR lease_until < $3) RETURNING *`,
        [deliveryId, endpointId, now, giveUpAt],
      );
      return row && toWebhookDelivery(row);
    },
  };
}
