import * as Y from 'yjs';

/** Text held under a run of item ids of one client: `text.length` items from `clock`. */
type Segment = { clock: number; text: string };

/**
 * The text a story has held under each Yjs item id, deleted text included, as far as anything still
 * holds it: what provenance claims are checked against. The live document garbage-collects what is
 * deleted, so deleted text is read from storage: the update log since its last compaction (each update
 * as it was written) and, when asked, every saved version's state (which keeps the text that was live
 * when the version was taken, after a compaction folded it away). Updates are decoded, not applied: a
 * document built from them would keep whichever copy of an item came first, and a snapshot or a
 * version holds what was deleted before it only as a bare placeholder.
 */
export class StoryHistory {
  /** Per client id, sorted, never overlapping. */
  readonly #segments = new Map<number, Segment[]>();

  /** Reads the text of every update (rows that do not decode, quarantined at load, are left out). */
  constructor(updates: Iterable<Uint8Array>) {
    const items = new Map<number, Segment[]>();
    for (const update of updates) {
      let structs: ReturnType<typeof Y.decodeUpdate>['structs'];
      try {
        structs = Y.decodeUpdate(update).structs;
      } catch {
        continue;
      }
      for (const struct of structs) {
        if (!(struct instanceof Y.Item) || !(struct.content instanceof Y.ContentString)) continue;
        const segment = { clock: struct.id.clock, text: struct.content.str };
        const list = items.get(struct.id.client);
        if (list) list.push(segment);
        else items.set(struct.id.client, [segment]);
      }
    }
    for (const [client, list] of items) this.#segments.set(client, withoutOverlaps(list));
  }

  /** The text of the `length` items from (client, clock), or null unless every one of them held text here. */
  text(client: number, clock: number, length: number): string | null {
    const segments = this.#segments.get(client);
    if (!segments) return null;
    let text = '';
    let at = clock;
    for (let i = firstEndingAfter(segments, clock, (s) => s.clock + s.text.length); at < clock + length; i++) {
      const segment = segments[i];
      if (!segment || segment.clock > at) return null;
      text += segment.text.slice(at - segment.clock, clock + length - segment.clock);
      at = segment.clock + segment.text.length;
    }
    return text;
  }
}

/**
 * The text of the `length` items from (client, clock) in a document, or null unless each is there and
 * holds text (deleted items of a garbage-collected document hold none).
 */
export function documentText(doc: Y.Doc, client: number, clock: number, length: number): string | null {
  const structs = doc.store.clients.get(client);
  if (!structs || clock + length > Y.getState(doc.store, client)) return null;
  let text = '';
  for (let i = firstEndingAfter(structs, clock, (s) => s.id.clock + s.length); text.length < length; i++) {
    const struct = structs[i];
    if (!(struct instanceof Y.Item) || !(struct.content instanceof Y.ContentString)) return null;
    text += struct.content.str.slice(Math.max(0, clock - struct.id.clock), clock + length - struct.id.clock);
  }
  return text;
}

/** Sorted, with what an earlier segment already covers cut off (the same id holds the same text wherever it is read). */
function withoutOverlaps(segments: Segment[]): Segment[] {
  segments.sort((a, b) => a.clock - b.clock || b.text.length - a.text.length);
  const kept: Segment[] = [];
  let end = 0;
  for (const { clock, text } of segments) {
    const segmentEnd = clock + text.length;
    if (segmentEnd <= end) continue;
    kept.push(clock >= end ? { clock, text } : { clock: end, text: text.slice(end - clock) });
    end = segmentEnd;
  }
  return kept;
}

/** The index of the first of `entries` (sorted, not overlapping) that ends after `clock`. */
function firstEndingAfter<T>(entries: readonly T[], clock: number, endOf: (entry: T) => number): number {
  let low = 0;
  let high = entries.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (endOf(entries[mid]) <= clock) low = mid + 1;
    else high = mid;
  }
  return low;
}
