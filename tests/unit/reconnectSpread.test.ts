import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ReconnectHint } from '../../shared/protocol';
import { ReconnectSpread } from '../../server/transport/ReconnectSpread';

/** Connections as the server would admit them: each remembers the last hint it was sent. */
class Connections {
  readonly hints = new Map<number, ReconnectHint>();
  readonly #release = new Map<number, () => void>();
  #next = 0;

  constructor(readonly spread: ReconnectSpread) {}

  open(count = 1): void {
    for (let i = 0; i < count; i++) {
      const id = this.#next++;
      this.#release.set(
        id,
        this.spread.admit((hint) => this.hints.set(id, hint)),
      );
    }
  }

  close(id: number): void {
    this.#release.get(id)!();
    this.#release.delete(id);
    this.hints.delete(id);
  }

  get live(): number[] {
    return [...this.#release.keys()];
  }

  phases(): number[] {
    return [...this.hints.values()].map((hint) => hint.phase);
  }
}

/** The most phases in any arc [x, x + length) of the circle [0, 1). */
function mostInArc(phases: number[], length: number): number {
  const sorted = [...phases].sort((a, b) => a - b);
  const around = [...sorted, ...sorted.map((phase) => phase + 1)];
  let most = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    j = Math.max(j, i);
    while (j < i + sorted.length && around[j] < around[i] + length) j++;
    most = Math.max(most, j - i);
  }
  return most;
}

/** A seeded generator, so a failure can be replayed. */
function seeded(seed: number): () => number {
  return () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };
}

/** Arcs worth checking: one second of the default 5.6 s period, and others. */
const ARCS = [1 / 5.6, 0.1, 0.5];
/** Any run of up to 1,000 consecutive golden-ratio phases has at most this many more in an arc than an even spread. */
const EXCESS = 3.5;

describe('ReconnectSpread', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('hands out phases in [0, 1) with the configured period', () => {
    const connections = new Connections(new ReconnectSpread(5_600));
    connections.open(50);
    for (const hint of connections.hints.values()) {
      expect(hint.periodMs).toBe(5_600);
      expect(hint.phase).toBeGreaterThanOrEqual(0);
      expect(hint.phase).toBeLessThan(1);
    }
  });

  it('covers the period evenly whatever the number of connections', () => {
    for (const start of [0, 0.37, 0.999]) {
      const connections = new Connections(new ReconnectSpread(5_600, start));
      for (let n = 1; n <= 1_000; n++) {
        connections.open();
        if (n > 200 && n % 7 !== 0) continue;
        for (const arc of ARCS)
          expect(mostInArc(connections.phases(), arc), `${n} connections, arc ${arc}`).toBeLessThanOrEqual(n * arc + EXCESS);
      }
    }
  });

  it('stays even through a day of churn: whoever leaves, the phases left are those of the first slots', () => {
    const random = seeded(14);
    const connections = new Connections(new ReconnectSpread(5_600, 0.5));
    const reference = new Connections(new ReconnectSpread(5_600, 0.5));
    connections.open(600);
    for (let hour = 0; hour < 24; hour++) {
      // People come and go in no particular order: a third leave, about as many arrive.
      const leaving = connections.live.filter(() => random() < 1 / 3);
      for (const id of leaving) connections.close(id);
      connections.open(Math.round(leaving.length * (0.6 + 0.8 * random())));
      vi.advanceTimersByTime(1_000);
      const n = connections.live.length;
      reference.open(n - reference.live.length);
      for (const id of reference.live.slice(n)) reference.close(id);
      expect(connections.phases().sort()).toEqual(reference.phases().sort());
      for (const arc of ARCS)
        expect(mostInArc(connections.phases(), arc), `hour ${hour}, ${n} connections`).toBeLessThanOrEqual(n * arc + EXCESS);
    }
  });

  it('tells a moved connection its new phase a second later', () => {
    const spread = new ReconnectSpread(5_600, 0);
    const sent: [number, number][] = [];
    const release = [0, 1, 2].map((id) => spread.admit((hint) => sent.push([id, hint.phase])));
    const [slot0] = sent[0].slice(1);
    release[0]();
    release[0](); // a second release changes nothing
    expect(sent).toHaveLength(3);
    vi.advanceTimersByTime(1_000);
    // Connection 2 took slot 0.
    expect(sent.slice(3)).toEqual([[2, slot0]]);
  });

  it('tells nobody when every connection closes at once (a shutdown), and starts from slot 0 again', () => {
    const spread = new ReconnectSpread(5_600, 0);
    const sent: [number, number][] = [];
    const release = Array.from({ length: 10 }, (_, id) => spread.admit((hint) => sent.push([id, hint.phase])));
    const [slot0] = sent[0].slice(1);
    release.forEach((close) => close());
    vi.advanceTimersByTime(1_000);
    expect(sent).toHaveLength(10);
    spread.admit((hint) => sent.push([10, hint.phase]));
    expect(sent[10]).toEqual([10, slot0]);
  });
});
