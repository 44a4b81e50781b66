import type { ReconnectHint } from '../../shared/protocol';

/** The golden ratio's fractional part: k·φ mod 1 spreads any run of k evenly over [0, 1). */
const PHI = (Math.sqrt(5) - 1) / 2;

/**
 * Hands each new connection the phase at which it should come back should it be lost (shared/protocol.ts,
 * ReconnectHint). Consecutive phases follow a low-discrepancy sequence, so whatever the number of
 * connections, their phases cover the period evenly and a restart brings them back at an even rate.
 */
export class ReconnectSpread {
  #next = Math.random();

  constructor(private readonly periodMs: number) {}

  hint(): ReconnectHint {
    this.#next = (this.#next + PHI) % 1;
    return { phase: this.#next, periodMs: this.periodMs };
  }
}
