import { performance } from 'node:perf_hooks';
import * as Y from 'yjs';

/**
 * Insert → arrival latency without tagging payloads: the send time is recorded per
 * Yjs (client, clock) just before a local insert, and each receiving document's
 * remote transactions say which clocks of which clients they brought.
 */
export class ArrivalLatency {
  /** Per Yjs client: the clock of each recorded insert's first character → its send time. */
  readonly #sentAt = new Map<number, Map<number, number>>();
  #sent = 0;
  /** Milliseconds from insert to arrival, one per (insert, receiver). */
  readonly samples: number[] = [];

  /** Call just before `doc` makes a local insert (of any length: a keystroke or a paste). */
  sending(doc: Y.Doc): void {
    let clocks = this.#sentAt.get(doc.clientID);
    if (!clocks) this.#sentAt.set(doc.clientID, (clocks = new Map()));
    clocks.set(Y.getState(doc.store, doc.clientID), performance.now());
    this.#sent++;
  }

  get sent(): number {
    return this.#sent;
  }

  watch(doc: Y.Doc): void {
    doc.on('afterTransaction', (tr: Y.Transaction) => {
      if (tr.local) return;
      const now = performance.now();
      for (const [client, after] of tr.afterState) {
        const clocks = this.#sentAt.get(client);
        const before = tr.beforeState.get(client) ?? 0;
        if (!clocks || after <= before) continue;
        // A paste brings tens of thousands of clocks: walk whichever of the two is shorter.
        if (after - before <= clocks.size) {
          for (let clock = before; clock < after; clock++) {
            const sent = clocks.get(clock);
            if (sent !== undefined) this.samples.push(now - sent);
          }
        } else {
          for (const [clock, sent] of clocks) if (clock >= before && clock < after) this.samples.push(now - sent);
        }
      }
    });
  }
}
