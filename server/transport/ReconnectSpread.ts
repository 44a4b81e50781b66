import type { ReconnectHint } from '../../shared/protocol';

/** The golden ratio's fractional part: start + i·φ mod 1 spreads any run of consecutive i evenly over [0, 1). */
const PHI = (Math.sqrt(5) - 1) / 2;

/**
 * Moved connections are told their new phase this long after the move. A shutdown closes every connection
 * in one go: by then they are all gone, and none is told a phase that would put it next to another.
 */
const RESPREAD_DELAY_MS = 1_000;

type Holder = { send: (hint: ReconnectHint) => void; slot: number };

/**
 * Hands each live connection the phase at which it should come back should it be lost (shared/protocol.ts,
 * ReconnectHint). Phases follow the golden-ratio sequence over slots 0, 1, 2…, and the live connections
 * always hold exactly the first slots: when one closes, the holder of the last slot moves into its slot
 * and is sent its new hint. So whatever the number of connections and however many came and went, their
 * phases cover the period evenly and a restart brings them back at an even rate. (Numbering connections
 * without reusing slots would not: after a day of churn the survivors' phases are as clumped as random ones.)
 */
export class ReconnectSpread {
  readonly #holders: Holder[] = [];
  /** Where slot 0 sits: random, so that the processes behind one load balancer do not share their phases. */
  readonly #start: number;
  readonly #moved = new Set<Holder>();
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly periodMs: number,
    start = Math.random(),
  ) {
    this.#start = start;
  }

  /**
   * A connection was admitted: `send` gets its hint now, and a new one whenever the spread moves it.
   * Call the returned function once it has closed (calling it again does nothing).
   */
  admit(send: (hint: ReconnectHint) => void): () => void {
    const holder: Holder = { send, slot: this.#holders.length };
    this.#holders.push(holder);
    send(this.#hintFor(holder.slot));
    return () => this.#release(holder);
  }

  #release(holder: Holder): void {
    if (holder.slot < 0) return;
    const last = this.#holders.pop()!;
    if (last !== holder) {
      last.slot = holder.slot;
      this.#holders[holder.slot] = last;
      this.#moved.add(last);
      if (this.#timer === undefined) this.#timer = setTimeout(() => this.#tellMoved(), RESPREAD_DELAY_MS).unref();
    }
    holder.slot = -1;
    this.#moved.delete(holder);
  }

  #tellMoved(): void {
    this.#timer = undefined;
    for (const holder of this.#moved) holder.send(this.#hintFor(holder.slot));
    this.#moved.clear();
  }

  #hintFor(slot: number): ReconnectHint {
    return { phase: (this.#start + slot * PHI) % 1, periodMs: this.periodMs };
  }
}
