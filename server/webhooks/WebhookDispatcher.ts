/**
 * Sends queued webhook deliveries (WebhookStore's durable queue, so a restart loses none). Every process runs
 * one; a claim's lease keeps two from sending the same delivery, and an attempt is recorded only by the
 * lease's owner. A failed attempt is tried again later (webhookSchedule.ts) until 24 hours have passed.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '../logger';
import type { WebhookJob, WebhookStore } from '../persistence/WebhookStore';
import { sendWebhook } from './webhookRequest';
import { webhookRetryAt } from './webhookSchedule';
import { SIGNATURE_HEADER, signatureHeader } from './webhookSignature';

export type WebhookDispatcherOptions = {
  /** How often to look for due deliveries (retries, other nodes' events); new ones here are sent at once (`wake`). */
  checkEveryMs: number;
  /** The first retry's delay. */
  retryBaseMs: number;
  /** How long one attempt may take. */
  timeoutMs: number;
  /** Deliveries to private addresses (a receiver on this machine, in development and tests). */
  allowPrivate: boolean;
};

const BATCH = 20;
/** Deliveries sent at once by one process. */
const PARALLEL = 4;

export class WebhookDispatcher {
  /** Names this process's leases. */
  readonly #owner = randomUUID();
  #timer: ReturnType<typeof setInterval> | undefined;
  #running: Promise<void> = Promise.resolve();
  #again = false;
  #stopped = false;

  constructor(
    private readonly deps: { store: WebhookStore; log: Logger },
    private readonly options: WebhookDispatcherOptions,
  ) {}

  start(): void {
    this.#timer = setInterval(() => this.wake(), this.options.checkEveryMs);
    this.#timer.unref();
    this.wake();
  }

  /** Sends what is due now; a call while a run is going makes one more run after it. */
  wake(): void {
    if (this.#again || this.#stopped) return;
    this.#again = true;
    this.#running = this.#running.then(async () => {
      this.#again = false;
      await this.#run().catch((error: unknown) => this.deps.log.error({ err: error }, 'sending webhooks failed'));
    });
  }

  /** Stops looking; an attempt under way finishes (within its time limit) and is recorded. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    await this.#running;
  }

  async #run(): Promise<void> {
    for (;;) {
      const now = Date.now();
      // The lease outlasts an attempt's time limit: nobody else takes a delivery while it is being sent.
      const leaseUntil = new Date(now + this.options.timeoutMs * 2 + 30_000).toISOString();
      const jobs = await this.deps.store.claimDueWebhookDeliveries(this.#owner, new Date(now).toISOString(), leaseUntil, BATCH);
      for (let i = 0; i < jobs.length; i += PARALLEL) await Promise.all(jobs.slice(i, i + PARALLEL).map((job) => this.#deliver(job)));
      if (jobs.length < BATCH || this.#stopped) return;
    }
  }

  async #deliver(job: WebhookJob): Promise<void> {
    const { timeoutMs, allowPrivate, retryBaseMs } = this.options;
    const response = await sendWebhook(
      {
        url: job.url,
        body: job.payload,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Galley-Webhooks/1',
          'galley-event': job.type,
          'galley-event-id': job.eventId,
          'galley-delivery-id': job.id,
          [SIGNATURE_HEADER.toLowerCase()]: signatureHeader(job.secret, job.payload, Date.now()),
        },
      },
      { timeoutMs, allowPrivate },
    );
    const now = Date.now();
    const retryAt = response.delivered ? null : webhookRetryAt(now, job.attempts, retryBaseMs, job.giveUpAt);
    if (!response.delivered) {
      this.deps.log.warn(
        { deliveryId: job.id, endpointId: job.endpointId, status: response.status, attempts: job.attempts + 1, retryAt },
        retryAt ? 'a webhook was not accepted; will retry' : 'a webhook was not accepted; giving up',
      );
    }
    const recorded = await this.deps.store.finishWebhookDelivery(job.id, this.#owner, {
      at: new Date(now).toISOString(),
      delivered: response.delivered,
      responseStatus: response.status,
      responseExcerpt: response.excerpt,
      retryAt,
    });
    if (!recorded) this.deps.log.warn({ deliveryId: job.id }, 'a webhook attempt outlived its lease; not recorded');
  }
}
