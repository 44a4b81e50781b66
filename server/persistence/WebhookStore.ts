/**
 * Webhooks (docs/webhooks.md): the endpoints admins register, and the durable queue of deliveries, one per
 * event and endpoint, claimed with a lease so one process sends each while it holds it. Part of the storage
 * contract (Store.ts); rules S-WHK-* of the contract suite.
 */
import type { WebhookDeliveryStatus, WebhookDeliveryType, WebhookEventType } from '../../shared/webhooks';

export type WebhookEndpoint = {
  id: string;
  url: string;
  description: string;
  events: WebhookEventType[];
  /** Signs each delivery (HMAC-SHA256); kept as is, since the server must sign with it. */
  secret: string;
  active: boolean;
  createdAt: string;
  /** The admin's name. */
  createdBy: string;
};

export type WebhookEndpointChange = Partial<Pick<WebhookEndpoint, 'url' | 'description' | 'events' | 'active' | 'secret'>>;

/** One event as every subscribed endpoint gets it: `id` is the receivers' idempotency key. */
/**
 * An event as queued. `storyId`: the story it is about, when there is one: its deliveries (payload and log) go
 * when the story is purged, like every other row of it (docs/trash.md).
 */
export type WebhookEvent = { id: string; type: WebhookDeliveryType; payload: string; createdAt: string; storyId?: string };

export type WebhookDelivery = {
  id: string;
  endpointId: string;
  eventId: string;
  type: WebhookDeliveryType;
  payload: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  createdAt: string;
  /** Attempts stop here: a failure after it gives the delivery up. */
  giveUpAt: string;
  nextAttemptAt: string;
  lastAttemptAt: string | null;
  responseStatus: number | null;
  responseExcerpt: string;
};

/** A claimed delivery with where it goes and what signs it. */
export type WebhookJob = WebhookDelivery & { url: string; secret: string };

/** What one attempt came to: accepted, to try again at `retryAt`, or given up (retryAt null). */
type WebhookAttempt = {
  at: string;
  delivered: boolean;
  responseStatus: number | null;
  responseExcerpt: string;
  retryAt: string | null;
};

export interface WebhookStore {
  /** Adds an endpoint unless `max` are registered already (false then). */
  addWebhookEndpoint(endpoint: WebhookEndpoint, max: number): Promise<boolean>;
  /** Every endpoint, oldest first. */
  listWebhookEndpoints(): Promise<WebhookEndpoint[]>;
  getWebhookEndpoint(id: string): Promise<WebhookEndpoint | undefined>;
  /** Changes the fields given; the endpoint as it is now, undefined when there is none. */
  updateWebhookEndpoint(id: string, change: WebhookEndpointChange): Promise<WebhookEndpoint | undefined>;
  /** Removes an endpoint with its deliveries (pending ones are never sent); false when there was none. */
  removeWebhookEndpoint(id: string): Promise<boolean>;
  /**
   * Queues an event for every active endpoint subscribed to its type, in one transaction, due at once and
   * given up at `giveUpAt`; resolves to how many were queued. An event (its id) queued again adds nothing for
   * an endpoint that has it already.
   */
  enqueueWebhookEvent(event: WebhookEvent, giveUpAt: string): Promise<number>;
  /** Queues an event for one endpoint (a ping), whatever it subscribes to; undefined when it does not exist. */
  addWebhookDelivery(endpointId: string, deliveryId: string, event: WebhookEvent, giveUpAt: string): Promise<WebhookDelivery | undefined>;
  /**
   * Claims pending deliveries that are due, to active endpoints, not leased by another owner or whose lease
   * has run out, oldest due first, for `owner` until `leaseUntil`: while it holds, no other claim takes them.
   */
  claimDueWebhookDeliveries(owner: string, now: string, leaseUntil: string, limit: number): Promise<WebhookJob[]>;
  /** Records an attempt and frees the lease; false (nothing written) when `owner` no longer holds it. */
  finishWebhookDelivery(id: string, owner: string, attempt: WebhookAttempt): Promise<boolean>;
  /** An endpoint's deliveries, newest first. */
  listWebhookDeliveries(endpointId: string, limit: number): Promise<WebhookDelivery[]>;
  /**
   * Sends a delivery again: pending, due `now`, given up at `giveUpAt`, whatever became of it (its attempts
   * keep counting). Undefined when it is not the endpoint's, or is being sent right now (leased).
   */
  redeliverWebhook(endpointId: string, deliveryId: string, now: string, giveUpAt: string): Promise<WebhookDelivery | undefined>;
}
