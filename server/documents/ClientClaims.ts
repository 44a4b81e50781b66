import { GalleyError } from '../../shared/errors';
import type { Store } from '../persistence/Store';
import type { ClientOwners } from './updateGuard';

type Batch = { claims: Map<number, string>; done: Promise<void> };

/**
 * Who owns each Yjs client id in one story. Known owners are answered from
 * memory; new ids are claimed in the store, and claims that arrive together
 * (the first keystrokes of many clients joining at once) share one
 * transaction, the way GroupCommit shares one for updates.
 */
export class ClientClaims {
  #next: Batch | null = null;
  /** Settles when the batch in the store now has settled: the next one waits for it. */
  #running: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: Store,
    private readonly storyId: string,
    readonly owners: ClientOwners = new Map(),
  ) {}

  /** Resolves once the store has answered who owns each of `clientIds` (see `owners`). */
  claim(clientIds: readonly number[], userId: string): Promise<void> {
    const batch = this.#next ?? this.#startBatch();
    for (const id of clientIds) if (!batch.claims.has(id)) batch.claims.set(id, userId);
    return batch.done;
  }

  #startBatch(): Batch {
    const claims = new Map<number, string>();
    const done = this.#running
      .then(() => new Promise((resolve) => setImmediate(resolve)))
      .then(async () => {
        if (this.#next?.claims === claims) this.#next = null;
        const owners = await this.store.claimClients(this.storyId, claims).catch((error: unknown) => {
          // A write that failed (a full disk): the sender keeps its update and sends it again, as for any failed write.
          throw Object.assign(new GalleyError('storage_failed', 'Saving failed; the change is kept and will be retried'), { cause: error });
        });
        for (const [client, owner] of owners) this.owners.set(client, owner);
      });
    this.#running = done.catch(() => undefined);
    this.#next = { claims, done };
    return this.#next;
  }
}
