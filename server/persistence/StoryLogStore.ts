/**
 * The story log: each story's Yjs updates and snapshot, compaction, who owns each Yjs client id, who deleted
 * what, and the quarantine of rows that do not load. Part of the storage contract (Store.ts); rules
 * S-LOG-* of the contract suite.
 */

/**
 * Who deleted what: the delete set of one committed client update that deleted something,
 * encoded as a Yjs snapshot with an empty state vector (Y.encodeSnapshot). Yjs delete sets
 * carry no author; this record is what makes a person's deletions revertible. `restored`:
 * instead, the part of the user's deletions a selective revert brought back.
 */
export type DeletionRecord = { storyId: string; userId: string; at: string; ds: Uint8Array; restored: boolean };

/** `deletion`: the update deleted something, recorded in the same transaction. */
export type LogEntry = { storyId: string; update: Uint8Array; deletion?: Omit<DeletionRecord, 'storyId' | 'restored'> };

export type StoredLog = {
  snapshot: Uint8Array | null;
  updates: Uint8Array[];
  /** Each update's sequence number in the log (its row's identity: what a quarantine names). */
  seqs: number[];
  /** Bytes in `updates`: with their count, decides when to compact. */
  updateBytes: number;
};

/** Every Yjs update of a stored log, snapshot first: apply them in order to rebuild the story. */
export const logUpdates = (log: StoredLog): Uint8Array[] => (log.snapshot ? [log.snapshot, ...log.updates] : log.updates);

// --- Damaged rows: quarantine (see loadLog and docs/security.md, "Storage faults") ---

/**
 * A stored row a story could not be loaded from, to move out of its log into story_quarantine (kept,
 * never deleted). An update is named by its sequence number; the snapshot by the bytes that were read,
 * since a compaction may have replaced it meanwhile (then it is left alone). `replacement`: the part of
 * a snapshot that could be placed, which becomes the snapshot (null: nothing of it could be).
 */
export type DamagedRow =
  { kind: 'update'; seq: number; reason: string } | { kind: 'snapshot'; data: Uint8Array; replacement: Uint8Array | null; reason: string };

/** What a story's quarantined rows not yet reviewed add up to. */
export type StoryDamage = { entries: number; firstFoundAt: string; lastFoundAt: string };

/** A story with quarantined rows not yet reviewed (the admins' "Damaged stories" list). */
export type DamagedStory = StoryDamage & { storyId: string; headline: string; reasons: string[] };

/** One quarantined row, with its size instead of its data. */
export type QuarantineEntry = {
  id: number;
  storyId: string;
  kind: 'update' | 'snapshot';
  /** Its sequence number in the log; null for a snapshot. */
  seq: number | null;
  bytes: number;
  reason: string;
  foundAt: string;
  /** When an admin marked it reviewed, and who (a name); the row stays. */
  resolvedAt: string | null;
  resolvedBy: string | null;
};

export interface StoryLogStore {
  /**
   * Appends Yjs updates (possibly for several stories) in ONE transaction:
   * the group commit. Resolves once committed, with each entry's log sequence
   * number, in order.
   */
  appendUpdates(entries: readonly LogEntry[]): Promise<number[]>;
  /** The story's snapshot (if compacted) and the log after it, in order. */
  loadLog(storyId: string): Promise<StoredLog>;
  /**
   * Folds the story's snapshot and every log entry stored now into a new snapshot, atomically:
   * `fold` gets them in order (snapshot first) and returns their merge; the entries it got are
   * deleted, entries appended meanwhile (by this process or another) stay. Working from what is
   * stored, not from one process's copy of the document, keeps it correct with several writers.
   */
  compact(storyId: string, fold: (updates: Uint8Array[]) => Uint8Array): Promise<void>;

  /** Which user first wrote with each Yjs client id in the story. */
  loadClientOwners(storyId: string): Promise<Map<number, string>>;
  /**
   * Records each claimed client id's user as its owner unless it is owned already (first
   * writer wins, across processes), in one transaction, and resolves to the owner of each
   * claimed id afterwards. `claims` maps client id → the user claiming it.
   */
  claimClients(storyId: string, claims: ReadonlyMap<number, string>): Promise<Map<number, string>>;

  /** The story's deletion records (restorations included) at or after `since`, oldest first. */
  listDeletions(storyId: string, since: string): Promise<DeletionRecord[]>;
  /** Records what a selective revert restored of a user's deletions. */
  recordRestored(record: Omit<DeletionRecord, 'restored'>): Promise<void>;

  /**
   * Moves damaged rows of the story's log (or its snapshot) into story_quarantine, in one transaction:
   * each row is inserted there and deleted from the log together, exactly once however many processes
   * try at once, and never while a compaction of the story runs. Rows already gone (compacted, or
   * moved by another process) are skipped. Resolves to how many rows were moved.
   */
  quarantine(storyId: string, rows: readonly DamagedRow[], foundAt: string): Promise<number>;
  /** The story's quarantined rows not yet reviewed; null when there are none. */
  storyDamage(storyId: string): Promise<StoryDamage | null>;
  /** Every story with quarantined rows not yet reviewed, the most recently found first. */
  listDamagedStories(): Promise<DamagedStory[]>;
  /** Marks the story's quarantined rows reviewed (they stay in quarantine); resolves to how many were marked. */
  markDamageReviewed(storyId: string, at: string, by: string): Promise<number>;
  /** Every quarantined row, reviewed or not, by story and in the order found. */
  listQuarantine(): Promise<QuarantineEntry[]>;
}
