/**
 * Which rows of a story's stored log (its snapshot and its updates) a document can be built from.
 *
 * A row may be damaged (a torn write, a bad disk block, a manual edit): it does not decode, or it
 * cannot be placed, because it builds on content the store no longer has (a missing snapshot, an
 * earlier row that was damaged). Yjs would keep such a row's structs as *pending* state, which a
 * server must never hold: every client would receive it in `encodeStateAsUpdate`, send it back in
 * every resync and be refused forever. And Yjs applies an update in two steps (structs, then the
 * delete set), so a row that fails half-way leaves half of itself behind. So a row is decoded
 * whole before it is applied, and checked for what it builds on; whatever cannot be loaded is
 * returned as a DamagedRow, for the store to quarantine.
 */
import * as Y from 'yjs';
import { type DamagedRow, logUpdates, type StoredLog } from '../persistence/Store';

/** Why a row was quarantined, as the operator reads it. */
export const DAMAGE_REASONS = {
  undecodable: (detail: string) => `Does not decode (${detail})`,
  unappliable: (detail: string) => `Could not be applied (${detail})`,
  unplaceable: 'Builds on changes the store does not have',
  partlyUnplaceable: 'Part of it builds on changes the store does not have',
} as const;

/** The stored log does not load as it is: a row does not decode, or cannot be placed. See `triageLog`. */
export class StoredLogDamaged extends Error {}

type Decoded = ReturnType<typeof Y.decodeUpdate>;
type Row = { seq: number; data: Uint8Array };

/** What a stored log can be loaded from, and what of it cannot. */
export type Triage = { loadable: StoredLog; damaged: DamagedRow[] };

/**
 * Loads the whole stored log into `doc` as it is: the fast way, for a log that is healthy (nearly always).
 * Throws StoredLogDamaged when a row does not decode or leaves pending state; `doc` is then half-built,
 * and must be thrown away (load again from `triageLog`'s `loadable`). Pending state that `doc` held
 * before (relayed updates waiting for this load) is set aside meanwhile and applied again after.
 */
export function loadWhole(doc: Y.Doc, log: StoredLog, origin: unknown): void {
  const aside = takePending(doc);
  try {
    doc.transact(() => logUpdates(log).forEach((update) => Y.applyUpdate(doc, update)), origin);
  } catch (error) {
    throw new StoredLogDamaged(`A stored row does not load: ${messageOf(error)}`);
  }
  if (hasPending(doc)) throw new StoredLogDamaged(`A stored row ${DAMAGE_REASONS.unplaceable.toLowerCase()}`);
  restorePending(doc, aside, origin);
}

/**
 * Sorts a stored log into what a document can be built from (`loadable`, which `loadWhole` then
 * loads without fault) and what it cannot (`damaged`), by building it row by row in a scratch
 * document. A snapshot that cannot be placed whole is replaced by the part of it that can.
 */
export function triageLog(log: StoredLog): Triage {
  const build = new TrialBuild();
  const damaged: DamagedRow[] = [];
  if (log.snapshot) {
    const damage = build.useSnapshot(log.snapshot);
    if (damage) damaged.push(damage);
  }
  const waiting: { row: Row; decoded: Decoded }[] = [];
  log.updates.forEach((data, i) => {
    const row = { seq: log.seqs[i], data };
    const decoded = decode(data);
    if (typeof decoded === 'string') damaged.push(updateDamage(row.seq, DAMAGE_REASONS.undecodable(decoded)));
    else if (placeable(build.doc, decoded)) build.add(row, damaged);
    else waiting.push({ row, decoded });
  });
  // A row stored before what it builds on (possible with several writers) is placed once that is in.
  for (let progress = true; progress;) {
    progress = false;
    for (const entry of [...waiting]) {
      if (!placeable(build.doc, entry.decoded)) continue;
      waiting.splice(waiting.indexOf(entry), 1);
      build.add(entry.row, damaged);
      progress = true;
    }
  }
  for (const { row } of waiting) damaged.push(updateDamage(row.seq, DAMAGE_REASONS.unplaceable));
  build.doc.destroy();
  damaged.sort((a, b) => seqOf(a) - seqOf(b));
  return { loadable: build.log(), damaged };
}

/**
 * Applies to a live document (one transaction, under `origin`) what of a stored log it lacks and can
 * place, row by row, each decoded whole first; returns the rows that do not decode or cannot be
 * placed, applying nothing of them. A snapshot nothing of which can be used is not returned: the
 * live document holds what it had, and removing it from storage is left to the next load, which
 * rebuilds the document from what remains. Pending state the document held (relayed updates waiting
 * for this catch-up) is set aside meanwhile and applied again after.
 */
export function catchUpWith(doc: Y.Doc, log: StoredLog, origin: unknown): DamagedRow[] {
  const aside = takePending(doc);
  const damaged: DamagedRow[] = [];
  doc.transact(() => {
    if (log.snapshot) {
      const snapshot = checkSnapshot(doc, log.snapshot);
      if (snapshot.damage && snapshot.usable) damaged.push(snapshot.damage);
      if (snapshot.usable) applyPlaced(doc, snapshot.usable);
    }
    const waiting: { seq: number; data: Uint8Array; decoded: Decoded }[] = [];
    log.updates.forEach((data, i) => {
      const decoded = decode(data);
      if (typeof decoded === 'string') damaged.push(updateDamage(log.seqs[i], DAMAGE_REASONS.undecodable(decoded)));
      else waiting.push({ seq: log.seqs[i], data, decoded });
    });
    for (let progress = true; progress;) {
      progress = false;
      for (const entry of [...waiting]) {
        if (!placeable(doc, entry.decoded)) continue;
        waiting.splice(waiting.indexOf(entry), 1);
        const failure = applyPlaced(doc, entry.data);
        if (failure) damaged.push(updateDamage(entry.seq, failure));
        progress = true;
      }
    }
    for (const { seq } of waiting) damaged.push(updateDamage(seq, DAMAGE_REASONS.unplaceable));
  }, origin);
  restorePending(doc, aside, origin);
  return damaged;
}

/** A scratch document built from the rows accepted so far; a row that fails is taken out again by a rebuild. */
class TrialBuild {
  doc = new Y.Doc();
  #snapshot: Uint8Array | null = null;
  #rows: Row[] = [];

  /** Starts from the snapshot, or from what of it can be placed; returns its damage, if any. */
  useSnapshot(data: Uint8Array): DamagedRow | null {
    const decoded = decode(data);
    if (typeof decoded === 'string') return snapshotDamage(data, null, DAMAGE_REASONS.undecodable(decoded));
    try {
      Y.applyUpdate(this.doc, data);
    } catch (error) {
      this.#rebuild();
      return snapshotDamage(data, null, DAMAGE_REASONS.unappliable(messageOf(error)));
    }
    if (!hasPending(this.doc)) {
      this.#snapshot = data;
      return null;
    }
    // Folded from a log that held an unplaceable row: keep what can be placed, quarantine the original.
    takePending(this.doc);
    this.#snapshot = this.doc.store.clients.size > 0 ? Y.encodeStateAsUpdate(this.doc) : null;
    return snapshotDamage(data, this.#snapshot, DAMAGE_REASONS.partlyUnplaceable);
  }

  /** Applies a decoded row; when Yjs still cannot place or apply it whole, takes it out again and records why. */
  add(row: Row, damaged: DamagedRow[]): void {
    let failure: string | null = null;
    try {
      Y.applyUpdate(this.doc, row.data);
      if (hasPending(this.doc)) failure = DAMAGE_REASONS.unplaceable;
    } catch (error) {
      failure = DAMAGE_REASONS.unappliable(messageOf(error));
    }
    if (!failure) this.#rows.push(row);
    else {
      damaged.push(updateDamage(row.seq, failure));
      this.#rebuild();
    }
  }

  /** The accepted rows as a log, in the order they were placed. */
  log(): StoredLog {
    return {
      snapshot: this.#snapshot,
      updates: this.#rows.map((r) => r.data),
      seqs: this.#rows.map((r) => r.seq),
      updateBytes: this.#rows.reduce((sum, r) => sum + r.data.byteLength, 0),
    };
  }

  #rebuild(): void {
    this.doc.destroy();
    this.doc = new Y.Doc();
    const updates = this.#snapshot ? [this.#snapshot, ...this.#rows.map((r) => r.data)] : this.#rows.map((r) => r.data);
    this.doc.transact(() => updates.forEach((u) => Y.applyUpdate(this.doc, u)));
  }
}

/**
 * A stored snapshot as a live document can use it: whole when it decodes and can be placed, else
 * (decided in a scratch document) the part of it that can, or nothing.
 */
function checkSnapshot(doc: Y.Doc, data: Uint8Array): { usable: Uint8Array | null; damage: DamagedRow | null } {
  const decoded = decode(data);
  if (typeof decoded !== 'string' && placeable(doc, decoded)) return { usable: data, damage: null };
  const trial = new TrialBuild();
  const damage = trial.useSnapshot(data);
  const { snapshot } = trial.log();
  trial.doc.destroy();
  return { usable: snapshot, damage };
}

/**
 * Applies a row that decodes and that `placeable` passed. Should Yjs still leave part of it pending
 * (items of the row that refer to each other in a cycle), that part is dropped and the row reported.
 */
function applyPlaced(doc: Y.Doc, data: Uint8Array): string | null {
  try {
    Y.applyUpdate(doc, data);
  } catch (error) {
    return DAMAGE_REASONS.unappliable(messageOf(error));
  }
  if (!hasPending(doc)) return null;
  takePending(doc);
  return DAMAGE_REASONS.unplaceable;
}

/**
 * Whether Yjs can integrate the whole update into `doc`, by Yjs's own rules (Item.getMissing and
 * integrateStructs): each client's structs continue what the document (or this update) has of that
 * client, without a gap; what new items sit next to or inside (their origins and parent), from other
 * clients, is there; and so is everything the delete set deletes.
 */
function placeable(doc: Y.Doc, { structs, ds }: Decoded): boolean {
  const known = (client: number) => Y.getState(doc.store, client);
  const reach = new Map<number, number>();
  const reachOf = (client: number) => reach.get(client) ?? known(client);
  for (const struct of [...structs].sort((a, b) => a.id.client - b.id.client || a.id.clock - b.id.clock)) {
    if (struct instanceof Y.Skip) continue;
    const { client, clock } = struct.id;
    if (clock > reachOf(client)) return false;
    reach.set(client, Math.max(reachOf(client), clock + struct.length));
  }
  for (const struct of structs) {
    if (!(struct instanceof Y.Item) || struct.id.clock + struct.length <= known(struct.id.client)) continue;
    for (const ref of [struct.origin, struct.rightOrigin, struct.parent instanceof Y.ID ? struct.parent : null]) {
      if (ref && ref.client !== struct.id.client && ref.clock >= reachOf(ref.client)) return false;
    }
  }
  for (const [client, deletions] of ds.clients) {
    if (deletions.some((d) => d.clock + d.len > reachOf(client))) return false;
  }
  return true;
}

function hasPending(doc: Y.Doc): boolean {
  return doc.store.pendingStructs !== null || doc.store.pendingDs !== null;
}

/** Clears the document's pending state; returns it as updates (format v2, as Yjs keeps it). */
function takePending(doc: Y.Doc): Uint8Array[] {
  const { pendingStructs, pendingDs } = doc.store;
  doc.store.pendingStructs = null;
  doc.store.pendingDs = null;
  return [...(pendingStructs ? [pendingStructs.update] : []), ...(pendingDs ? [pendingDs] : [])];
}

function restorePending(doc: Y.Doc, pending: Uint8Array[], origin: unknown): void {
  for (const update of pending) Y.applyUpdateV2(doc, update, origin);
}

/** Decodes the whole row (format v1, as stored); a string says why it does not decode. */
function decode(data: Uint8Array): Decoded | string {
  try {
    return Y.decodeUpdate(data);
  } catch (error) {
    return messageOf(error);
  }
}

const updateDamage = (seq: number, reason: string): DamagedRow => ({ kind: 'update', seq, reason });
const snapshotDamage = (data: Uint8Array, replacement: Uint8Array | null, reason: string): DamagedRow => ({
  kind: 'snapshot',
  data,
  replacement,
  reason,
});
const seqOf = (row: DamagedRow) => (row.kind === 'update' ? row.seq : -1);
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error)) || 'unknown error';
