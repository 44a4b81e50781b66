import type { WebhookDelivery, WebhookEndpoint, WebhookJob } from './WebhookStore';
import { orNull, type Row } from './storeRows';

/** Row → record, the same on every backend (sqlite/sqliteWebhooks.ts, pg/pgWebhooks.ts). */
export const toWebhookEndpoint = (r: Row): WebhookEndpoint => ({
  id: String(r.id),
  url: String(r.url),
  description: String(r.description),
  events: JSON.parse(String(r.events)) as WebhookEndpoint['events'],
  secret: String(r.secret),
  // SQLite has no booleans: 1/0 there, true/false in Postgres.
  active: r.active === true || r.active === 1,
  createdAt: String(r.created_at),
  createdBy: String(r.created_by),
});

export const toWebhookDelivery = (r: Row): WebhookDelivery => ({
  id: String(r.id),
  endpointId: String(r.endpoint_id),
  eventId: String(r.event_id),
  type: r.type as WebhookDelivery['type'],
  payload: String(r.payload),
  status: r.status as WebhookDelivery['status'],
  attempts: Number(r.attempts),
  createdAt: String(r.created_at),
  giveUpAt: String(r.give_up_at),
  nextAttemptAt: String(r.next_attempt_at),
  lastAttemptAt: orNull(r.last_attempt_at),
  responseStatus: r.response_status === null || r.response_status === undefined ? null : Number(r.response_status),
  responseExcerpt: String(r.response_excerpt ?? ''),
});

/** A delivery's columns with its endpoint's url and secret, as the claims select them. */
export const toWebhookJob = (r: Row): WebhookJob => ({ ...toWebhookDelivery(r), url: String(r.url), secret: String(r.secret) });
