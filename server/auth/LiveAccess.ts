import { ObservableV2 } from 'lib0/observable';
import type { Logger } from '../logger';
import type { StopWatching, Store } from '../persistence/Store';

/**
 * How often every live connection is re-checked anyway. Only a backstop: changes from any process
 * arrive through the store within a second (Store.watchAccessChanges).
 */
const SWEEP_MS = 30_000;

type AccessEvents = {
  /** Re-check the connections of this user, or everyone's (null). */
  change: (userId: string | null) => void;
};

/**
 * Tells the transports when someone's access changed (role, deactivation,
 * sign-out, password change, token revocation), so open sockets are
 * re-checked at once: disconnected, or downgraded to read-only.
 */
export class LiveAccess extends ObservableV2<AccessEvents> {
  #sweep: NodeJS.Timeout;
  #unwatch: StopWatching | undefined;

  constructor() {
    super();
    this.#sweep = setInterval(() => this.emit('change', [null]), SWEEP_MS);
    this.#sweep.unref();
  }

  /**
   * Follows the changes committed on `store` by any process — this one, another node, `npm run user` —
   * and re-checks the connections of whoever they concern.
   */
  watch(store: Store, log: Logger): void {
    this.#unwatch = store.watchAccessChanges(
      (changed) => (changed === 'everyone' ? this.emit('change', [null]) : changed.forEach((userId) => this.emit('change', [userId]))),
      (error) => log.warn({ err: error }, 'the feed of access changes was interrupted; everyone is re-checked once it is back'),
    );
  }

  /** Someone's access changed in this process: re-check their connections here now, before the store's feed says so. */
  changed(userId: string): void {
    this.emit('change', [userId]);
  }

  async close(): Promise<void> {
    clearInterval(this.#sweep);
    await this.#unwatch?.();
  }
}
