/**
 * Webhooks as the rest of the server sees them (docs/webhooks.md): the events the workflow's moves queue
 * (WebhookEvents), this process's sender (WebhookDispatcher), and what the admin API does with endpoints:
 * register one (its address checked, its secret made here and answered once), change, ping and redeliver.
 */
import { randomUUID } from 'node:crypto';
import { GalleyError } from '../../shared/errors';
import {
  WEBHOOK_LIMITS,
  type WebhookDeliveryView,
  type WebhookEndpointAnswer,
  type WebhookEndpointView,
  type WebhookEventType,
} from '../../shared/webhooks';
import type { Config } from '../config';
import type { Logger } from '../logger';
import type { Store, UserRecord } from '../persistence/Store';
import type { WebhookDelivery, WebhookEndpoint, WebhookEndpointChange } from '../persistence/WebhookStore';
import { addressRefusal } from './webhookAddress';
import { WebhookDispatcher } from './WebhookDispatcher';
import { giveUpAfter, WebhookEvents, webhookEvent } from './WebhookEvents';
import { newWebhookSecret } from './webhookSignature';

/** How often each process looks for due deliveries at most (retries, other nodes' events). */
const CHECK_MS = 5_000;

type EndpointInput = { url: string; events: WebhookEventType[]; description?: string };
type EndpointChange = Partial<EndpointInput> & { active?: boolean; rotateSecret?: true };

export class Webhooks {
  readonly events: WebhookEvents;
  readonly #dispatcher: WebhookDispatcher;
  readonly #store: Store;
  readonly #allowPrivate: boolean;

  constructor(config: Pick<Config, 'webhooks' | 'publicUrl'>, deps: { store: Store; log: Logger }) {
    const { retryBaseMs, timeoutMs, allowPrivate } = config.webhooks;
    this.#store = deps.store;
    this.#allowPrivate = allowPrivate;
    if (allowPrivate) deps.log.warn('WEBHOOK_ALLOW_PRIVATE=1: webhooks may reach this machine and its private network');
    this.#dispatcher = new WebhookDispatcher(deps, {
      checkEveryMs: Math.min(CHECK_MS, retryBaseMs),
      retryBaseMs,
      timeoutMs,
      allowPrivate,
    });
    this.events = new WebhookEvents({ ...deps, publicUrl: config.publicUrl, queued: () => this.#dispatcher.wake() });
  }

  start(): void {
    this.#dispatcher.start();
  }

  stop(): Promise<void> {
    return this.#dispatcher.stop();
  }

  async register(user: UserRecord, input: EndpointInput): Promise<WebhookEndpointAnswer> {
    await this.#checkAddress(input.url);
    const endpoint: WebhookEndpoint = {
      id: randomUUID(),
      url: input.url,
      description: input.description ?? '',
      events: [...new Set(input.events)],
      secret: newWebhookSecret(),
      active: true,
      createdAt: new Date().toISOString(),
      createdBy: user.name,
    };
    if (!(await this.#store.addWebhookEndpoint(endpoint, WEBHOOK_LIMITS.endpointsMax))) {
      throw new GalleyError('invalid', `At most ${WEBHOOK_LIMITS.endpointsMax} endpoints: remove one first`);
    }
    return { endpoint: endpointView(endpoint), secret: endpoint.secret };
  }

  async change(id: string, input: EndpointChange): Promise<WebhookEndpointAnswer> {
    if (input.url !== undefined) await this.#checkAddress(input.url);
    const { rotateSecret, events, ...rest } = input;
    const change: WebhookEndpointChange = { ...rest, ...(events && { events: [...new Set(events)] }) };
    if (rotateSecret) change.secret = newWebhookSecret();
    const endpoint = await this.#store.updateWebhookEndpoint(id, change);
    if (!endpoint) throw noEndpoint();
    // A pending delivery to a re-enabled endpoint is due now.
    if (endpoint.active) this.#dispatcher.wake();
    return { endpoint: endpointView(endpoint), ...(rotateSecret && { secret: endpoint.secret }) };
  }

  /** "Send test": a `ping` event to this endpoint alone. */
  async ping(id: string): Promise<WebhookDeliveryView> {
    const at = new Date().toISOString();
    const event = webhookEvent('ping', { message: 'A test delivery from Galley' }, at);
    const delivery = await this.#store.addWebhookDelivery(id, randomUUID(), event, giveUpAfter(at));
    if (!delivery) throw noEndpoint();
    this.#dispatcher.wake();
    return deliveryView(delivery);
  }

  /** Sends a delivery again now (with the same event id), whatever became of it. */
  async redeliver(id: string, deliveryId: string): Promise<WebhookDeliveryView> {
    const now = new Date().toISOString();
    const delivery = await this.#store.redeliverWebhook(id, deliveryId, now, giveUpAfter(now));
    if (!delivery) throw new GalleyError('not_found', 'No such delivery to send again (or it is being sent right now)');
    this.#dispatcher.wake();
    return deliveryView(delivery);
  }

  async #checkAddress(url: string): Promise<void> {
    const refusal = await addressRefusal(new URL(url), this.#allowPrivate);
    if (refusal) throw new GalleyError('invalid', refusal, { url: refusal });
  }
}

const noEndpoint = () => new GalleyError('not_found', 'No such webhook endpoint');

export const endpointView = ({ secret: _secret, ...view }: WebhookEndpoint): WebhookEndpointView => view;

export const deliveryView = (d: WebhookDelivery): WebhookDeliveryView => ({
  id: d.id,
  endpointId: d.endpointId,
  eventId: d.eventId,
  type: d.type,
  payload: d.payload,
  status: d.status,
  attempts: d.attempts,
  createdAt: d.createdAt,
  lastAttemptAt: d.lastAttemptAt,
  nextAttemptAt: d.status === 'pending' ? d.nextAttemptAt : null,
  responseStatus: d.responseStatus,
  responseExcerpt: d.responseExcerpt,
});
