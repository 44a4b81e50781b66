import type { LogEntry, StoryLogStore } from './StoryLogStore';

type Pending = LogEntry & { resolve: (seq: number) => void; reject: (error: unknown) => void };

/** Upper bound per transaction, so one huge burst cannot hold the write lock for long. */
const MAX_BATCH = 1_000;

/**
 * Group commit: update writes that arrive in the same event-loop turn (or
 * while a commit is in progress) go to storage in one transaction. Durability
 * then costs one commit per burst instead of one per keystroke.
 */
export class GroupCommit {
  #queue: Pending[] = [];
  #draining = false;
  /** Counters for tests and benchmarks. */
  readonly stats = { transactions: 0, updates: 0 };

  constructor(private readonly store: Pick<StoryLogStore, 'appendUpdates'>) {}

  /** Resolves with the update's log sequence number once it is committed (with its deletion record, if any). */
  write(storyId: string, update: Uint8Array, deletion?: LogEntry['deletion']): Promise<number> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ storyId, update, deletion, resolve, reject });
      if (!this.#draining) {
        this.#draining = true;
        setImmediate(() => void this.#drain());
      }
    });
  }

  async #drain(): Promise<void> {
    while (this.#queue.length > 0) {
      const batch = this.#queue.splice(0, MAX_BATCH);
      try {
        const seqs = await this.store.appendUpdates(batch);
        this.stats.transactions++;
        this.stats.updates += batch.length;
        batch.forEach((pending, i) => pending.resolve(seqs[i]));
      } catch (error) {
        // What queued behind a failed batch fails with it, in order: a story's log must never
        // hold an update without an earlier one it may depend on.
        [...batch, ...this.#queue.splice(0)].forEach((pending) => pending.reject(error));
      }
    }
    this.#draining = false;
  }
}
