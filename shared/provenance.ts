/**
 * The provenance record: who first wrote text that was written again. Yjs ties each character to the
 * client id that wrote it, and the server binds each client id to the user who first wrote with it,
 * so "Who wrote this?" reads the author from the id. Text brought back (a restored version, an undone
 * deletion, a selective revert) is written again as new items under the id of whoever brought it back;
 * this record, a root map of the story's Y.Doc that only the server writes, says whose it was. The
 * server records only copies it made itself (a revert) or checked against the story's history (a
 * client's `story:provenance` claim), so nobody can attribute to a person text they did not write.
 *
 * Layout (docs/document-layout.md): `provenance` maps `<client>:<clock>`, the id of the first item of
 * a run, → `{ length, author }`: the `length` items from that id hold text first written by `author`
 * (a user id). Entries never overlap and never change once written. Shared by the server (which
 * records and resolves copies of copies) and the client (which colours text by it).
 */
import type * as Y from 'yjs';

export const PROVENANCE_ROOT = 'provenance';

/** One entry of the record, under `provenanceKey(client, clock)`. */
export type ProvenanceEntry = { length: number; author: string };

type Run = { clock: number; length: number; author: string };

/** The record by client id, each client's runs sorted by clock: what `originalAuthors` looks text up in. */
export type ProvenanceIndex = ReadonlyMap<number, readonly Run[]>;

/** A part of a run of items and who first wrote it: a user id from the record, or null where it says nothing. */
export type AuthoredPart = { clock: number; length: number; author: string | null };

export const provenanceKey = (client: number, clock: number): string => `${client}:${clock}`;

/** Reads the record (entries that are not one, which only a bug could write, are skipped). */
export function readProvenance(doc: Y.Doc): ProvenanceIndex {
  const index = new Map<number, Run[]>();
  doc.getMap<unknown>(PROVENANCE_ROOT).forEach((value, key) => {
    const run = parseEntry(key, value);
    if (!run) return;
    const runs = index.get(run.client);
    if (runs) runs.push(run);
    else index.set(run.client, [run]);
  });
  index.forEach((runs) => runs.sort((a, b) => a.clock - b.clock));
  return index;
}

function parseEntry(key: string, value: unknown): (Run & { client: number }) | null {
  const match = /^(\d+):(\d+)$/.exec(key);
  if (!match || typeof value !== 'object' || value === null) return null;
  const { length, author } = value as Record<string, unknown>;
  if (!Number.isSafeInteger(length) || (length as number) < 1 || typeof author !== 'string') return null;
  return { client: Number(match[1]), clock: Number(match[2]), length: length as number, author };
}

/**
 * Splits the items `length` long from (client, clock) into parts by who first wrote them: the author
 * the record names, or null (the client id's owner wrote it) where it names none. In clock order.
 */
export function originalAuthors(index: ProvenanceIndex, client: number, clock: number, length: number): AuthoredPart[] {
  const runs = index.get(client);
  const end = clock + length;
  if (!runs) return [{ clock, length, author: null }];
  const parts: AuthoredPart[] = [];
  let at = clock;
  for (let i = firstRunEndingAfter(runs, clock); i < runs.length && runs[i].clock < end; i++) {
    const run = runs[i];
    if (run.clock > at) parts.push({ clock: at, length: run.clock - at, author: null });
    const from = Math.max(at, run.clock);
    const to = Math.min(end, run.clock + run.length);
    if (to > from) parts.push({ clock: from, length: to - from, author: run.author });
    at = Math.max(at, to);
  }
  if (at < end) parts.push({ clock: at, length: end - at, author: null });
  return parts;
}

/** The index of the first run that ends after `clock` (binary search: runs do not overlap). */
function firstRunEndingAfter(runs: readonly Run[], clock: number): number {
  let low = 0;
  let high = runs.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (runs[mid].clock + runs[mid].length <= clock) low = mid + 1;
    else high = mid;
  }
  return low;
}
