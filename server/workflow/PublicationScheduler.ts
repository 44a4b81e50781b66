import { GalleyError } from '../../shared/errors';
import type { Logger } from '../logger';
import type { DueSchedule } from '../persistence/Store';
import { publishStory, type PublishDeps } from './publishStory';

export type SchedulerOptions = {
  checkEveryMs: number;
  /** How long a claim holds: a process that dies mid-publication leaves the story to another after this. */
  leaseMs?: number;
};

const DEFAULT_LEASE_MS = 60_000;

/**
 * Publishes scheduled stories when their time comes. The schedule lives in the
 * store, so it survives restarts; every process runs a scheduler, and each
 * publication happens once because (1) a process claims due stories with a
 * lease, and (2) the publication itself commits only if the story is still
 * scheduled for that exact time (Store.savePublication).
 */
export class PublicationScheduler {
  readonly #deps: PublishDeps & { log: Logger };
  readonly #options: Required<SchedulerOptions>;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #running: Promise<void> = Promise.resolve();
  #stopped = false;

  constructor(deps: PublishDeps & { log: Logger }, options: SchedulerOptions) {
    this.#deps = deps;
    this.#options = { leaseMs: DEFAULT_LEASE_MS, ...options };
  }

  start(): void {
    this.#stopped = false;
    this.#schedule();
  }

  /** Stops checking and waits for a publication in progress. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
  }

  #schedule(): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#running = this.runDue().finally(() => this.#schedule());
    }, this.#options.checkEveryMs);
    this.#timer.unref();
  }

  /** Publishes everything due now that no other process holds. */
  async runDue(): Promise<void> {
    const now = Date.now();
    let due: DueSchedule[];
    try {
      due = await this.#deps.store.claimDueSchedules(new Date(now).toISOString(), new Date(now + this.#options.leaseMs).toISOString());
    } catch (error) {
      this.#deps.log.error({ err: error }, 'could not read scheduled publications; retrying');
      return;
    }
    for (const item of due) await this.#publish(item);
  }

  async #publish(item: DueSchedule): Promise<void> {
    const { store, log } = this.#deps;
    try {
      const user = await store.getUserById(item.scheduledById);
      if (!user) throw new GalleyError('forbidden', 'The editor who scheduled it no longer exists');
      const published = await publishStory(this.#deps, item.storyId, user, item.scheduledFor);
      if (published)
        log.info({ storyId: item.storyId, slug: published.slug, scheduledFor: item.scheduledFor }, 'scheduled story published');
    } catch (error) {
      // Not ready or no longer allowed: back to draft with the reason. Anything else (storage): the lease lapses and a process retries.
      if (error instanceof GalleyError) await this.#giveUp(item, error);
      else log.error({ err: error, storyId: item.storyId }, 'scheduled publication failed; will retry');
    }
  }

  async #giveUp(item: DueSchedule, error: GalleyError): Promise<void> {
    const reasons = error.fields ? Object.values(error.fields).join('; ') : error.message;
    const note = `Scheduled publication did not go out: ${reasons}`;
    const change = { status: 'draft' as const, at: new Date().toISOString(), by: null, note };
    if (await this.#deps.store.changeStatus(item.storyId, change, ['scheduled'])) {
      await this.#deps.activity.record(item.storyId, null, { kind: 'unscheduled', detail: { note } });
      this.#deps.announce(item.storyId);
    }
    this.#deps.log.warn({ storyId: item.storyId, reason: reasons }, 'scheduled publication refused');
  }
}
