import { performance } from 'node:perf_hooks';
import * as Y from 'yjs';

/**
 * Insert → arrival latency without tagging payloads: the send time is recorded per
 * Yjs (client, clock) just before a local insert, and each receiving document's
 * remote transactions say which clocks of which clients they brought.
 */
export class ArrivalLatency {
  readonly #sentAt = new Map<string, number>();
  /** Milliseconds from insert to arrival, one per (insert, receiver). */
  readonly samples: number[] = [];

  /** Call just before `doc` makes a one-character local insert. */
  sending(doc: Y.Doc): void {
    this.#sentAt.set(`${doc.clientID}:${Y.getState(doc.store, doc.clientID)}`, performance.now());
  }

  get sent(): number {
    return this.#sentAt.size;
  }

  watch(doc: Y.Doc): void {
    doc.on('afterTransaction', (tr: Y.Transaction) => {
      if (tr.local) return;
      const now = performance.now();
      for (const [client, after] of tr.afterState) {
        for (let clock = tr.beforeState.get(client) ?? 0; clock < after; clock++) {
          const sent = this.#sentAt.get(`${client}:${clock}`);
          if (sent !== undefined) this.samples.push(now - sent);
        }
      }
    });
  }
}
