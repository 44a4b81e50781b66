/**
 * "Due within an hour": every minute, the assigned stories whose due time
 * is less than an hour away are handed to the Notifier, which tells each
 * assignee once per story and due time (it dedupes across sweeps and nodes,
 * so every node may sweep).
 */
import { DUE_SOON_MS } from '../../shared/planning';
import type { Logger } from '../logger';
import type { Store } from '../persistence/Store';
import type { Notifier } from './Notifier';

export class DueSoonReminders {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> = Promise.resolve();

  constructor(
    private readonly deps: { store: Store; notifier: Notifier; log: Logger },
    private readonly everyMs: number,
  ) {}

  start(): void {
    this.#timer = setInterval(() => (this.#running = this.sweep()), this.everyMs);
    this.#timer.unref();
  }

  /** One sweep: stories due from now to an hour from now. */
  async sweep(now = Date.now()): Promise<void> {
    try {
      const due = await this.deps.store.storiesDueBetween(new Date(now).toISOString(), new Date(now + DUE_SOON_MS).toISOString());
      if (due.length > 0) await this.deps.notifier.notifyDueSoon(due);
    } catch (err) {
      this.deps.log.warn({ err }, 'due-soon reminders not sent');
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#running;
  }
}
