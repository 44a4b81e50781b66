/**
 * Sends the queued notification emails (NotificationStore's durable queue, so a restart loses none).
 * Every process runs one; a claim's lease keeps two from sending the same email. One email per person
 * per run: the digest's items, or the immediate ones, together. A failed send is tried again later,
 * each time twice as late, and given up after EMAIL_MAX_ATTEMPTS.
 */
import type { Transporter } from 'nodemailer';
import type { Logger } from '../logger';
import type { EmailJob } from '../persistence/NotificationStore';
import type { Store } from '../persistence/Store';
import { notificationEmail } from './emailMessage';
import { retryAt } from './emailSchedule';
import { notificationView } from './Notifier';

export type EmailOutboxOptions = {
  transport: Pick<Transporter, 'sendMail'>;
  from: string;
  /** The app's origin, for links (PUBLIC_URL, or where this server listens). */
  origin: () => string;
  /** How often to look for due emails (digests, retries); new ones are sent at once (`wake`). */
  checkEveryMs: number;
  /** The first retry's delay. */
  retryMs: number;
};

const LEASE_MS = 120_000;
const BATCH = 100;

export class EmailOutbox {
  #timer: ReturnType<typeof setInterval> | undefined;
  #running: Promise<void> = Promise.resolve();
  #again = false;

  constructor(
    private readonly deps: { store: Store; log: Logger },
    private readonly options: EmailOutboxOptions,
  ) {}

  start(): void {
    this.#timer = setInterval(() => this.wake(), this.options.checkEveryMs);
    this.#timer.unref();
    this.wake();
  }

  /** Sends what is due now; a call while a run is going makes one more run after it. */
  wake(): void {
    if (this.#again) return;
    this.#again = true;
    this.#running = this.#running.then(async () => {
      this.#again = false;
      await this.#run().catch((error: unknown) => this.deps.log.error({ err: error }, 'sending notification emails failed'));
    });
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#running;
  }

  async #run(): Promise<void> {
    const now = Date.now();
    const jobs = await this.deps.store.claimDueEmails(new Date(now).toISOString(), new Date(now + LEASE_MS).toISOString(), BATCH);
    const byPerson = new Map<string, EmailJob[]>();
    for (const job of jobs) byPerson.set(job.notification.userId, [...(byPerson.get(job.notification.userId) ?? []), job]);
    for (const [userId, theirs] of byPerson) await this.#send(userId, theirs);
  }

  async #send(userId: string, jobs: EmailJob[]): Promise<void> {
    const { store, log } = this.deps;
    const ids = jobs.map((j) => j.id);
    const user = await store.getUserById(userId);
    if (!user || user.deactivatedAt) return store.finishEmails(ids, { sent: false, error: 'account gone or deactivated', retryAt: null });
    const views = await Promise.all(
      jobs.map(async (j) => notificationView(j.notification, (await store.getStory(j.notification.storyId))?.headline ?? '')),
    );
    try {
      await this.options.transport.sendMail({
        from: this.options.from,
        to: { name: user.name, address: user.email },
        ...notificationEmail(views, this.options.origin()),
      });
      await store.finishEmails(ids, { sent: true, at: new Date().toISOString() });
    } catch (error) {
      const attempts = Math.max(...jobs.map((j) => j.attempts));
      log.warn({ err: error, userId, attempts: attempts + 1 }, 'a notification email was not accepted; will retry');
      await store.finishEmails(ids, {
        sent: false,
        error: String((error as Error).message ?? error),
        retryAt: retryAt(Date.now(), attempts, this.options.retryMs),
      });
    }
  }
}
