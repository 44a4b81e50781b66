/** How often every live connection is re-checked anyway (catches changes made by the CLI or another node). */
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

  constructor() {
    this.#sweep = setInterval(() => this.changed(null), SWEEP_MS);
    this.#sweep.unref();
  }

  onChange(listener: Recheck): void {
    this.#listeners.add(listener);
  }

  /** `null`: re-check everyone. */
  changed(userId: string | null): void {
    for (const listener of this.#listeners) listener(userId);
  }

  close(): void {
    clearInterval(this.#sweep);
  }
}
