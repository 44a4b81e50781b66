import * as Y from 'yjs';
import { redoneCopies } from '../../shared/copiedText';
import type { CopiedText } from '../../shared/provenanceClaim';
import { STORY_FIELDS } from '../../shared/story';
import { stateVector } from './versionAuthors';

/** Everything the revert needs to know, as Yjs updates and delete sets. */
export type RevertInput = {
  /** The version's stored state: where "since" starts. */
  version: Uint8Array;
  /**
   * Stored updates that may still hold content the live document garbage-collected (the
   * update log since its last compaction), and the live state itself, in that order.
   */
  history: Uint8Array[];
  current: Uint8Array;
  /**
   * The author's Yjs client ids, their recorded delete sets (Y.encodeSnapshot, from StoryDocument),
   * and what earlier reverts already restored of them (restoring twice would duplicate the text).
   */
  authorClients: ReadonlySet<number>;
  authorDeletions: Uint8Array[];
  restored: Uint8Array[];
  /** A client id unused in the story: the revert's own insertions are written with it. */
  clientId: number;
};

export type Revert = {
  update: Uint8Array;
  /** The author's deletions this revert restores (Y.encodeSnapshot): to record, so no later revert restores them again. */
  restored: Uint8Array;
  /** The text it brings back, written again under `clientId`, and the items it copies: for the provenance record. */
  copies: CopiedText[];
};

/**
 * Computes "revert one author's changes since a version" as one Yjs update against the
 * current state: the author's insertions since the version are deleted, and what they deleted
 * since is inserted again where it was, leaving everyone else's edits alone.
 *
 * Works on a copy with garbage collection off, built from the version's state (which still
 * holds text deleted since), the log and the current state, and lets a Y.UndoManager do the
 * undoing: given the author's insertions and deletions as one stack item, it deletes the one
 * and re-inserts the other (new items next to the deleted originals, as every Yjs undo does),
 * restoring inner content only where its container comes back too. Text someone else deleted
 * stays deleted. Deleted text no stored state holds any more (inserted and deleted between two
 * compactions since the version) cannot come back. Null when there is nothing to revert.
 */
export function authorRevert(input: RevertInput): Revert | null {
  const doc = new Y.Doc({ gc: false });
  doc.clientID = input.clientId;
  try {
    for (const update of [input.version, ...input.history, input.current]) Y.applyUpdate(doc, update);
    const insertions = insertedSince(stateVector(input.version), doc, input.authorClients);
    const deleted = subtract(merged(input.authorDeletions), merged(input.restored));
    const deletions = subtract(deleted, Y.decodeUpdate(input.version).ds);
    if (insertions.clients.size === 0 && deletions.clients.size === 0) return null;
    let change: Uint8Array | null = null;
    doc.on('update', (update: Uint8Array) => (change = update));
    const undo = new Y.UndoManager(
      STORY_FIELDS.map((field) => doc.getXmlFragment(field)),
      { trackedOrigins: new Set() },
    );
    // The stack item an UndoManager would have captured had it watched the author alone.
    undo.undoStack.push({ insertions, deletions, meta: new Map() } as unknown as (typeof undo.undoStack)[number]);
    undo.undo();
    undo.destroy();
    if (!change) return null;
    return {
      update: change,
      restored: Y.encodeSnapshot(Y.createSnapshot(deletions, new Map())),
      copies: redoneCopies(doc, deletions, { client: input.clientId, from: 0 }),
    };
  } finally {
    doc.destroy();
  }
}

const merged = (snapshots: Uint8Array[]): DeleteSet => Y.mergeDeleteSets(snapshots.map((ds) => Y.decodeSnapshot(ds).ds));

/** The author's clock ranges beyond the version's state vector, as a delete set. */
function insertedSince(since: Map<number, number>, doc: Y.Doc, clients: ReadonlySet<number>): DeleteSet {
  const inserted = Y.createDeleteSet();
  for (const client of clients) {
    const from = since.get(client) ?? 0;
    const to = Y.getState(doc.store, client);
    if (to > from) inserted.clients.set(client, [{ clock: from, len: to - from }]);
  }
  return inserted;
}

type DeleteSet = ReturnType<typeof Y.createDeleteSet>;
type DeleteItem = { clock: number; len: number };

/** `from` without the ranges in `minus` (both sorted and merged, as Yjs keeps delete sets). */
function subtract(from: DeleteSet, minus: DeleteSet): DeleteSet {
  const result = Y.createDeleteSet();
  for (const [client, ranges] of from.clients) {
    const cut = minus.clients.get(client) ?? [];
    const kept: DeleteItem[] = [];
    for (const { clock, len } of ranges) {
      let start = clock;
      const end = clock + len;
      for (const c of cut) {
        if (c.clock + c.len <= start || c.clock >= end) continue;
        if (c.clock > start) kept.push({ clock: start, len: c.clock - start });
        start = Math.max(start, c.clock + c.len);
      }
      if (start < end) kept.push({ clock: start, len: end - start });
    }
    if (kept.length > 0) result.clients.set(client, kept);
  }
  return result;
}
