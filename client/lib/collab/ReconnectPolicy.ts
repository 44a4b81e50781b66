/**
 * When to try connecting again: exponential backoff with ±50% jitter, so a
 * newsroom's clients spread out after a server restart instead of returning
 * in the same second. The schedule only starts over once a connection has
 * stayed up for `stableMs`: a server that accepts and drops at once keeps
 * being retried at growing intervals rather than hammered. Knows nothing of
 * sockets; socket.ts reports what happened and supplies `connect`.
 */

export type ReconnectPhase =
  /** A connect attempt is under way (including the very first). */
  | 'connecting'
  | 'connected'
  /** Between attempts, waiting for the backoff delay. */
  | 'waiting'
  /** Closed on purpose by its owner: no more attempts. */
  | 'stopped'
  /** The server turned us away for lack of a session: retrying cannot help. */
  | 'refused';

export type ReconnectPolicyOptions = {
  /** Starts one connect attempt; its outcome comes back as connected(), lost() or refused(). */
  connect: () => void;
  baseMs?: number;
  factor?: number;
  maxMs?: number;
  /** 0.5 spreads each delay over ±50% of its nominal value. */
  jitter?: number;
  /** How long a connection must last before the schedule starts over. */
  stableMs?: number;
  random?: () => number;
  now?: () => number;
};

type PolicyEvents = {
  /** phase or failures changed. */
  change: () => void;
  unauthenticated: () => void;
};

export class ReconnectPolicy {
  phase: ReconnectPhase = 'connecting';
  /** Attempts that failed since the last successful connect. */
  failures = 0;
  /** Position in the backoff schedule. */
  #attempt = 0;
  #connectedAt = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #options: Required<ReconnectPolicyOptions>;
  readonly #listeners: { [K in keyof PolicyEvents]: Set<PolicyEvents[K]> } = { change: new Set(), unauthenticated: new Set() };

  constructor(options: ReconnectPolicyOptions) {
    this.#options = {
      baseMs: 500,
      factor: 2,
      maxMs: 10_000,
      jitter: 0.5,
      stableMs: 10_000,
      random: Math.random,
      now: Date.now,
      ...options,
    };
  }

  on<K extends keyof PolicyEvents>(event: K, listener: PolicyEvents[K]): () => void {
    this.#listeners[event].add(listener);
    return () => this.#listeners[event].delete(listener);
  }

  /** The delay before retry number `attempt` (0-based), jitter included. */
  delayFor(attempt: number): number {
    const { baseMs, factor, maxMs, jitter, random } = this.#options;
    const nominal = Math.min(maxMs, baseMs * factor ** attempt);
    return Math.round(Math.min(maxMs, nominal * (1 + jitter * (2 * random() - 1))));
  }

  connected(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#connectedAt = this.#options.now();
    this.failures = 0;
    this.#setPhase('connected');
  }

  /** The connection dropped, or an attempt failed: try again after the next delay. */
  lost(): void {
    if (this.phase === 'refused' || this.#timer !== undefined) return;
    if (this.phase === 'connected') {
      if (this.#options.now() - this.#connectedAt >= this.#options.stableMs) this.#attempt = 0;
    } else {
      this.failures++;
    }
    this.#schedule(this.delayFor(this.#attempt++));
  }

  /** The server refused the session: stop, and tell whoever can send the user to sign in. */
  refused(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#setPhase('refused');
    for (const listener of this.#listeners.unauthenticated) listener();
  }

  /** Closed on purpose: cancel any pending attempt. */
  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#setPhase('stopped');
  }

  /**
   * The network is back (the browser's `online`): start the schedule over and
   * skip the wait. An attempt already under way is left to finish; should it
   * fail (it may have started offline), the next one follows after the base delay.
   */
  reconnectNow(): void {
    if (this.phase !== 'waiting' && this.phase !== 'connecting') return;
    this.#attempt = 0;
    this.failures = 0;
    if (this.phase === 'connecting') return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#attemptNow();
  }

  #schedule(delay: number): void {
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#attemptNow();
    }, delay);
    this.#setPhase('waiting');
  }

  #attemptNow(): void {
    this.#setPhase('connecting');
    this.#options.connect();
  }

  #setPhase(phase: ReconnectPhase): void {
    this.phase = phase;
    for (const listener of this.#listeners.change) listener();
  }
}
