/**
 * Webhooks (docs/webhooks.md): the events an admin's endpoint may subscribe to, the API's bodies (checked
 * at the boundary, reused by the Settings form) and answers, and the limits of each. An endpoint's secret is
 * shown once, when it is made or rotated; the API never answers it otherwise.
 */
import { z } from 'zod/mini';

export const WEBHOOK_EVENTS = ['story.published', 'story.updated', 'story.unpublished', 'story.deleted'] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENTS)[number];
/** `ping`: the admin's "Send test", to that one endpoint; never subscribed to. */
export type WebhookDeliveryType = WebhookEventType | 'ping';

export const WEBHOOK_EVENT_LABELS: Record<WebhookEventType, string> = {
  'story.published': 'Published',
  'story.updated': 'Updated (published again)',
  'story.unpublished': 'Unpublished',
  'story.deleted': 'Deleted',
};

export const WEBHOOK_LIMITS = {
  urlMaxChars: 2000,
  descriptionMaxChars: 200,
  /** Endpoints a newsroom may register. */
  endpointsMax: 20,
  /** Deliveries the log shows per endpoint, newest first. */
  deliveriesShown: 50,
  /** What is kept of a receiver's answer (characters): enough to see an error, never a whole page. */
  responseExcerptChars: 500,
} as const;

/** Where a delivery stands: waiting for its (next) attempt, accepted (2xx), or given up after 24 h. */
export type WebhookDeliveryStatus = 'pending' | 'delivered' | 'failed';

/** An endpoint as the admin API answers it: never with its secret. */
export type WebhookEndpointView = {
  id: string;
  url: string;
  description: string;
  events: WebhookEventType[];
  active: boolean;
  createdAt: string;
  createdBy: string;
};

/** One delivery of one event to one endpoint, as the log shows it. */
export type WebhookDeliveryView = {
  id: string;
  endpointId: string;
  eventId: string;
  type: WebhookDeliveryType;
  /** The JSON body sent, as sent. */
  payload: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  createdAt: string;
  lastAttemptAt: string | null;
  /** When the next attempt is due (pending only). */
  nextAttemptAt: string | null;
  /** The receiver's last HTTP status, null when it never answered. */
  responseStatus: number | null;
  /** The start of its last answer, or why there was none (timeout, refused address, redirect). */
  responseExcerpt: string;
};

/** GET /api/webhooks */
export type WebhookList = { endpoints: WebhookEndpointView[] };
/** POST /api/webhooks, and PATCH with `rotateSecret`: the secret, this once. */
export type WebhookEndpointAnswer = { endpoint: WebhookEndpointView; secret?: string };
/** GET /api/webhooks/:id/deliveries */
export type WebhookDeliveries = { deliveries: WebhookDeliveryView[] };
/** POST …/ping and …/redeliver */
export type WebhookDeliveryAnswer = { delivery: WebhookDeliveryView };

/**
 * An http(s) URL with no credentials in it, within the length limit. Where it points (no private addresses)
 * is the server's check, at registration and again at each delivery.
 */
const webhookUrl = z
  .string()
  .check(
    z.trim(),
    z.minLength(1, 'Enter the URL to send events to'),
    z.maxLength(WEBHOOK_LIMITS.urlMaxChars, `At most ${WEBHOOK_LIMITS.urlMaxChars} characters`),
    z.refine(isWebhookUrl, 'Enter an http:// or https:// URL without a user name or password'),
  );

function isWebhookUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  return (url.protocol === 'https:' || url.protocol === 'http:') && url.username === '' && url.password === '' && url.hostname !== '';
}

const events = z
  .array(z.enum(WEBHOOK_EVENTS))
  .check(z.minLength(1, 'Choose at least one event'), z.maxLength(WEBHOOK_EVENTS.length, 'Each event once'));
const description = z
  .string()
  .check(z.trim(), z.maxLength(WEBHOOK_LIMITS.descriptionMaxChars, `At most ${WEBHOOK_LIMITS.descriptionMaxChars} characters`));

export const CreateWebhookBody = z.strictObject({ url: webhookUrl, events, description: z.optional(description) });
export const UpdateWebhookBody = z.strictObject({
  url: z.optional(webhookUrl),
  events: z.optional(events),
  description: z.optional(description),
  active: z.optional(z.boolean()),
  /** A new secret, answered this once; the old one stops signing at once. */
  rotateSecret: z.optional(z.literal(true)),
});
export const WebhookIdParam = z.uuid('Ids are UUIDs');
