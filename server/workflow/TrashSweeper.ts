/**
 * The Trash's retention: every TRASH_SWEEP_MS each node claims the stories in the Trash for longer than
 * TRASH_RETENTION_DAYS (a lease, so two nodes never purge one at once; a node that dies mid-purge leaves its
 * claim to expire) and purges them one transaction each, recorded as the sweep's.
 */
import type { Logger } from '../logger';
import type { Store } from '../persistence/Store';
import { purgeableUpTo } from './storyRetention';

/** Long enough for a purge of many stories; short enough that a dead node's claims come back soon. */
const LEASE_MS = 5 * 60_000;

export class TrashSweeper {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly deps: { store: Store; log: Logger },
    private readonly options: { retentionDays: number; everyMs: number },
  ) {}

  start(): void {
    this.#timer = setInterval(() => (this.#running = this.sweep()), this.options.everyMs);
    this.#timer.unref();
  }

  /** One sweep at `now`: answers the ids purged. */
  async sweep(now = Date.now()): Promise<string[]> {
    const { store, log } = this.deps;
    const upTo = purgeableUpTo(now, this.options.retentionDays);
    const at = new Date(now).toISOString();
    const purged: string[] = [];
    try {
      for (const storyId of await store.claimExpiredTrash(upTo, at, new Date(now + LEASE_MS).toISOString())) {
        if (await store.purgeStory(storyId, null, at, upTo)) purged.push(storyId);
      }
      if (purged.length > 0) log.info({ stories: purged }, 'purged stories kept in the Trash past their retention');
    } catch (err) {
      log.warn({ err }, 'trash retention sweep failed; the next one retries');
    }
    return purged;
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#running;
  }
}
