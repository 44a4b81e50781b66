/**
 * When to try connecting again. Once a connection is lost, time is cut into rounds counted from that
 * moment, and each round has one attempt, at the connection's phase of the round: attempt k comes at
 * lostAt + (the rounds before it) + phase × period. The server hands every connection its phase
 * (`connection:hint`, spread evenly over its connections); a crash loses them all in the same instant,
 * so after a restart they come back at an even rate, all within one period of the server listening
 * again, instead of in the same second. Rounds keep the same period for the first twelve (a restart of up
 * to a minute), then grow, capped (a long outage). Before any hint, the phase is random.
 *
 * The rounds only start over once a connection has stayed up for `stableMs`: to a server that accepts
 * and drops at once, a client comes back at most once a round, rounds growing, rather than hammering it.
 * Knows nothing of sockets; socket.ts reports what happened and supplies `connect`.
 */
import { ObservableV2 } from 'lib0/observable';
import type { ReconnectHint } from '../../../shared/protocol';

export type ReconnectPhase =
  /** A connect attempt is under way (including the very first). */
  | 'connecting'
  | 'connected'
  /** Between attempts, waiting for this round's turn. */
  | 'waiting'
  /** Closed on purpose by its owner: no more attempts. */
  | 'stopped'
  /** The server turned us away for lack of a session: retrying cannot help. */
  | 'refused';

export type ReconnectPolicyOptions = {
  /** Starts one connect attempt; its outcome comes back as connected(), lost() or refused(). */
  connect: () => void;
  /** The period until a server's hint says otherwise (the server's default, RECONNECT_SPREAD_MS). */
  periodMs?: number;
  /** Rounds at the hinted period before they start to grow. */
  steadyRounds?: number;
  /** Each round after those is this much longer than the one before… */
  factor?: number;
  /** …up to this (or the hinted period, if longer). */
  maxPeriodMs?: number;
  /** How long a connection must last before the rounds start over. */
  stableMs?: number;
  random?: () => number;
  now?: () => number;
};

/** What the server may hint (server/config.ts bounds RECONNECT_SPREAD_MS the same); anything else is ignored. */
const HINTED_PERIOD_MS = { min: 500, max: 120_000 };

function isReconnectHint(value: unknown): value is ReconnectHint {
  if (typeof value !== 'object' || value === null) return false;
  const { phase, periodMs } = value as Record<string, unknown>;
  const validPhase = typeof phase === 'number' && phase >= 0 && phase < 1;
  return validPhase && typeof periodMs === 'number' && periodMs >= HINTED_PERIOD_MS.min && periodMs <= HINTED_PERIOD_MS.max;
}

type PolicyEvents = {
  /** phase or failures changed. */
  change: () => void;
  unauthenticated: () => void;
};

/** The rounds of one outage. */
type Outage = {
  /** The round of the next attempt. */
  round: number;
  /** When that round starts. */
  roundStart: number;
};

export class ReconnectPolicy {
  phase: ReconnectPhase = 'connecting';
  /** Attempts that failed since the last successful connect. */
  failures = 0;
  /** When the attempt being waited for (or under way) was due, in ms since the epoch. */
  dueAt: number | undefined;
  #hint: ReconnectHint;
  #outage: Outage | undefined;
  #connectedAt = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #options: Required<ReconnectPolicyOptions>;
  readonly #events = new ObservableV2<PolicyEvents>();

  constructor(options: ReconnectPolicyOptions) {
    this.#options = {
      periodMs: 5_600,
      steadyRounds: 12,
      factor: 2,
      maxPeriodMs: 30_000,
      stableMs: 10_000,
      random: Math.random,
      now: Date.now,
      ...options,
    };
    this.#hint = { phase: this.#options.random(), periodMs: this.#options.periodMs };
  }

  on<K extends keyof PolicyEvents>(event: K, listener: PolicyEvents[K]): () => void {
    this.#events.on(event, listener);
    return () => this.#events.off(event, listener);
  }

  /** The server's word on when to come back (from the wire: checked); it applies from the next loss on. */
  hint(hint: unknown): void {
    if (isReconnectHint(hint)) this.#hint = { phase: hint.phase, periodMs: hint.periodMs };
  }

  /** How long round `round` (0-based) of an outage lasts. */
  periodOf(round: number): number {
    const { steadyRounds, factor, maxPeriodMs } = this.#options;
    const { periodMs } = this.#hint;
    return Math.min(Math.max(maxPeriodMs, periodMs), periodMs * factor ** Math.max(0, round - steadyRounds + 1));
  }

  connected(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#connectedAt = this.#options.now();
    this.failures = 0;
    this.#setPhase('connected');
  }

  /** The connection dropped, or an attempt failed: wait for this connection's turn in the next round. */
  lost(): void {
    if (this.phase === 'refused' || this.phase === 'stopped' || this.#timer !== undefined) return;
    const now = this.#options.now();
    if (this.phase === 'connected') {
      // A connection that lasted ends the outage; one dropped at once continues it, rounds and all.
      if (now - this.#connectedAt >= this.#options.stableMs) this.#outage = undefined;
    } else {
      this.failures++;
    }
    this.#outage ??= { round: 0, roundStart: now };
    this.#schedule(now);
  }

  /** The server refused the session: stop, and tell whoever can send the user to sign in. */
  refused(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#setPhase('refused');
    this.#events.emit('unauthenticated', []);
  }

  /** Closed on purpose: cancel any pending attempt. */
  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#setPhase('stopped');
  }

  /**
   * The network is back (the browser's `online`): skip the wait, and should this attempt fail (it may
   * have started offline), start the rounds over from then. An attempt already under way is left to finish.
   */
  reconnectNow(): void {
    if (this.phase !== 'waiting' && this.phase !== 'connecting') return;
    this.#outage = undefined;
    this.failures = 0;
    if (this.phase === 'connecting') return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#attemptNow();
  }

  /** Waits for this connection's phase in the first round whose turn is still to come. */
  #schedule(now: number): void {
    const outage = this.#outage!;
    const turn = () => outage.roundStart + this.#hint.phase * this.periodOf(outage.round);
    // Rounds that passed while an attempt hung (or the machine slept) are skipped, not made up.
    while (turn() < now) this.#nextRound(outage);
    this.dueAt = turn();
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#nextRound(outage);
      this.#attemptNow();
    }, turn() - now);
    this.#setPhase('waiting');
  }

  #nextRound(outage: Outage): void {
    outage.roundStart += this.periodOf(outage.round);
    outage.round++;
  }

  #attemptNow(): void {
    this.#setPhase('connecting');
    this.#options.connect();
  }

  #setPhase(phase: ReconnectPhase): void {
    this.phase = phase;
    this.#events.emit('change', []);
  }
}
