/** How often every live connection is re-checked anyway (catches changes made by the CLI). */
const SWEEP_MS = 30_000;

type Recheck = (userId: string | null) => void;

/**
 * Tells the transports when someone's access changed (role, deactivation,
 * sign-out, password change, token revocation), so open sockets are
 * re-checked at once: disconnected, or downgraded to read-only.
 */
export class LiveAccess {
  #listeners = new Set<Recheck>();
  #sweep: NodeJS.Timeout;
  #others: ((userId: string) => void) | undefined;

  constructor() {
    this.#sweep = setInterval(() => this.#recheck(null), SWEEP_MS);
    this.#sweep.unref();
  }

  onChange(listener: Recheck): void {
    this.#listeners.add(listener);
  }

  /** With several processes: how to tell the others (they call `changedElsewhere`). */
  tellOthers(send: (userId: string) => void): void {
    this.#others = send;
  }

  /** Someone's access changed here: re-check their connections, in every process. */
  changed(userId: string): void {
    this.#recheck(userId);
    this.#others?.(userId);
  }

  /** Another process reported a change. */
  changedElsewhere(userId: string): void {
    this.#recheck(userId);
  }

  #recheck(userId: string | null): void {
    for (const listener of this.#listeners) listener(userId);
  }

  close(): void {
    clearInterval(this.#sweep);
  }
}
