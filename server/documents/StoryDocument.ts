import { ObservableV2 } from 'lib0/observable';
import * as Y from 'yjs';
import { applyAwarenessUpdate, Awareness, removeAwarenessStates } from 'y-protocols/awareness';
import type { PresenceUser } from '../../shared/api';
import type { StoryDamageNotice } from '../../shared/protocol';
import { GalleyError } from '../../shared/errors';
import { pickColorIndex, STORY_COLORS_ROOT, storyColor } from '../../shared/personColors';
import { SUGGESTION_AUTHORS_ROOT, suggestionKeysIn } from '../../shared/suggestions';
import type { Logger } from '../logger';
import type { GroupCommit } from '../persistence/GroupCommit';
import type { DamagedRow, LogEntry, Store, StoredLog, UserRecord } from '../persistence/Store';
import { ClientClaims } from './ClientClaims';
import { catchUpWith, loadWhole } from './logTriage';
import {
  checkClientUpdate,
  type ClientOwners,
  type ClientUpdate,
  decodeClientUpdate,
  newContentOnly,
  SERVER_OWNER,
  type UpdateCheck,
  unownedClients,
} from './updateGuard';

/** One client's session inside one story (a Socket.IO or y-websocket connection). */
export type Connection = {
  readonly id: string;
  readonly user: UserRecord;
  /** Awareness client ids this connection has announced; removed when it leaves. */
  readonly awarenessClients: Set<number>;
};

export type DocumentEvents = {
  /** An applied update to fan out at once (before its commit); `origin` is the connection that sent it, if any. */
  update: (update: Uint8Array, origin: Connection | null) => void;
  /** An update this process committed: what other processes must hear about. */
  committed: (update: Uint8Array) => void;
  /**
   * What `connection` was held back for is here now: ask it to resync (a sync step 1), so it sends
   * what the server still lacks. See "held back" in applyClientUpdate.
   */
  resync: (connection: Connection) => void;
  /** Awareness changes to fan out, for the given client ids. */
  awareness: (clients: number[], origin: Connection | null) => void;
  presence: (present: PresenceUser[]) => void;
  /**
   * Content changed; the list's summary (headline, last edited, comments) may be stale. `text` is
   * false for the server's own changes (comments), which are not edits to the story.
   */
  edited: (text: boolean) => void;
};

/** When the update log is folded into a snapshot. */
export type CompactionPolicy = { maxUpdates: number; maxBytes: number };

export type DocumentDeps = { store: Store; commits: GroupCommit; log: Logger; compaction: CompactionPolicy };

const RETRY_WRITE_MS = 1_000;

/**
 * Who made a transaction on a story's document, which decides what becomes of its update (#onUpdate).
 * Yjs makes one more kind by itself, with no origin: inside a transaction applied from elsewhere,
 * Y.Text's formatting cleanup, under the server's client id; it is forwarded and committed.
 */
type Origin =
  /** Replayed from storage: applied, never written back. */
  | { readonly kind: 'storage' }
  /** Committed by another process (relayed, or read back from storage): applied and forwarded, never written again. */
  | { readonly kind: 'remote' }
  /** The server's own change (a comment operation): committed, then forwarded (see applyServerChange). */
  | { readonly kind: 'server' }
  /** A connection's update: forwarded at once to everyone else, acknowledged once committed. */
  | { readonly kind: 'client'; readonly connection: Connection };

const STORAGE = { kind: 'storage' } as const satisfies Origin;
const REMOTE = { kind: 'remote' } as const satisfies Origin;
const SERVER = { kind: 'server' } as const satisfies Origin;

/** Where #onUpdate leaves a transaction's commit for #transact, which ran it, to return. */
const COMMIT = 'galley:commit';

/**
 * The authoritative in-memory copy of one story. Every update is forwarded to
 * the story's other clients as soon as it is applied, and committed to storage
 * (group-committed with whatever else arrived at the same time) before it is
 * acknowledged to its sender or relayed to other processes. The sender keeps
 * an edit until its ack, so a crash between forward and commit loses nothing
 * (docs/sync.md). A failed write keeps the update in memory and retries, in
 * order; the document is not unloaded until it lands.
 */
export class StoryDocument extends ObservableV2<DocumentEvents> {
  readonly doc = new Y.Doc();
  readonly awareness = new Awareness(this.doc);
  readonly connections = new Map<string, Connection>();
  /** Set at load when stored rows could not be read and were quarantined: the editors are told at join. */
  damage: StoryDamageNotice | null = null;
  /** Settles when every write started so far has settled. */
  #lastCommit: Promise<unknown> = Promise.resolve();
  /** Writes that failed, in order: retried until they land. */
  #unsaved: Write[] = [];
  #retryTimer: NodeJS.Timeout | undefined;
  #tail = { count: 0, bytes: 0 };
  #compaction: Promise<void> = Promise.resolve();
  #compacting = false;
  #claims: ClientClaims;
  /** Updates waiting for their client ids to be claimed, and what they wait on, in arrival order. */
  #turns: Promise<unknown> = Promise.resolve();
  #waiting = 0;
  #serverClaimed = false;
  /** Connections whose last update was partly held back, and what each waits for (see HeldBack). */
  #heldBack = new Map<Connection, HeldBack>();
  /** Every connection added here: the transports apply a connection's awareness updates with it as their origin. */
  #admitted = new WeakSet<Connection>();

  constructor(
    readonly storyId: string,
    private readonly deps: DocumentDeps,
  ) {
    super();
    this.#claims = new ClientClaims(deps.store, storyId);
    this.awareness.setLocalState(null);
    this.doc.on('update', this.#onUpdate);
    this.awareness.on('update', this.#onAwareness);
  }

  /**
   * Rebuilds the document from storage (snapshot + log) without writing anything back. Throws
   * StoredLogDamaged when a row does not load whole: the document is then unusable, and the registry
   * loads a new one from what of the log can be loaded (logTriage).
   */
  /** The user who writes with Yjs client id `clientId` here, when known (who assigned someone, for instance). */
  ownerOf(clientId: number): string | undefined {
    return this.#claims.owners.get(clientId);
  }

  loadFrom(stored: StoredLog, owners: ClientOwners): void {
    this.#claims = new ClientClaims(this.deps.store, this.storyId, owners);
    owners.set(this.doc.clientID, SERVER_OWNER);
    loadWhole(this.doc, stored, STORAGE);
    this.#tail = { count: stored.updates.length, bytes: stored.updateBytes };
  }

  /**
   * Applies a client's update; resolves once it is committed. Updates apply in arrival order.
   * One that uses client ids new to this story first has the store record (or refuse) them:
   * with several processes, another may have claimed them. A `resync` (the client's sync
   * step 2) may carry others' content this server lost in a crash after forwarding it: that
   * part is dropped, not refused, since its author still holds it unacknowledged and resends it.
   *
   * Held back: after such a crash, an author's own text may build on someone else's lost text,
   * and theirs on it in turn. Whatever of an update can be placed is applied and committed; the
   * rest is held back (the document never keeps Yjs's pending state) and the update is answered
   * `incomplete`. The client keeps it; once what it waits for arrives, from its author's resync,
   * the connection is asked to resync (`resync` event). Each round places at least the oldest
   * missing piece, so every author's edits get saved once all of them are back.
   */
  async applyClientUpdate(bytes: Uint8Array, sender: Connection, resync = false): Promise<void> {
    const userId = sender.user.id;
    const { owners } = this.#claims;
    const update = decodeClientUpdate(bytes);
    let unowned: number[];
    if (this.#waiting === 0) {
      const check = checkClientUpdate(this.doc, update, owners, userId);
      if (check.claims.length === 0) return this.#settle(this.#applyChecked(update, check, sender, resync), sender);
      unowned = check.claims;
    } else unowned = unownedClients(this.doc, update, owners);
    // Claimed at once, so claims arriving together share a transaction; applied in turn.
    const claimed = unowned.length > 0 ? this.#claims.claim(unowned, userId) : undefined;
    this.#waiting++;
    const turn = this.#turns.then(async () => {
      await claimed;
      let check = checkClientUpdate(this.doc, update, owners, userId);
      if (check.claims.length > 0) {
        await this.#claims.claim(check.claims, userId);
        check = checkClientUpdate(this.doc, update, owners, userId);
      }
      // Wrapped: the next turn must not wait for the commit, only for the application.
      return { applied: this.#applyChecked(update, check, sender, resync) };
    });
    this.#turns = turn.catch(() => undefined).finally(() => this.#waiting--);
    await this.#settle((await turn).applied, sender);
  }

  /** Resolves once what was applied is committed; then refuses the rest, if some was held back. */
  async #settle({ committed, heldBack }: Applied, sender: Connection): Promise<void> {
    await committed;
    if (!heldBack) {
      this.#heldBack.delete(sender);
      return;
    }
    this.#heldBack.set(sender, heldBack);
    throw new GalleyError(
      'incomplete',
      'Part of this change builds on changes the server does not have yet; it is kept and will be sent again',
    );
  }

  /** Applies what of a checked update is the sender's and new here: others' content dropped from a resync, known clocks cut off. */
  #applyChecked(update: ClientUpdate, check: UpdateCheck, sender: Connection, resync: boolean): Applied {
    if (check.foreign.length > 0 && !resync)
      throw new GalleyError('forbidden', `Yjs client id ${check.foreign[0]} belongs to another user`);
    const own =
      check.foreign.length === 0 && check.repeated.length === 0
        ? update.bytes
        : newContentOnly(this.doc, update, check.repeated, check.foreign);
    let applied: Applied;
    try {
      applied = this.#transact({ kind: 'client', connection: sender }, () => Y.applyUpdate(this.doc, own));
    } catch (error) {
      throw new GalleyError('invalid', `Update could not be applied: ${(error as Error).message}`);
    }
    this.#recordSuggestionAuthors(update, sender);
    return applied;
  }

  /**
   * Fixes who made each suggestion whose first mark just arrived: the sender, as the server bound its
   * client id. Recorded once, so a restore, an undo or a revert that writes the marks again (under the
   * restorer's client id) leaves the suggestion with whoever made it (shared/suggestions.ts).
   */
  #recordSuggestionAuthors(update: ClientUpdate, sender: Connection): void {
    const marks = update.structs.filter(
      (s): s is Y.Item =>
        s instanceof Y.Item && s.content instanceof Y.ContentFormat && s.id.clock < Y.getState(this.doc.store, s.id.client),
    );
    if (marks.length === 0) return;
    const placed = marks.map((s) => Y.getItem(this.doc.store, s.id)).filter((s): s is Y.Item => s instanceof Y.Item);
    const authors = this.doc.getMap<string>(SUGGESTION_AUTHORS_ROOT);
    const unknown = [...suggestionKeysIn(this.doc, placed)].filter((key) => !authors.has(key));
    if (unknown.length === 0) return;
    const userId = sender.user.id;
    this.applyServerChange(() => unknown.forEach((key) => authors.set(key, userId))).catch((error: Error) =>
      this.deps.log.error({ err: error, storyId: this.storyId }, 'recording suggestion authors failed'),
    );
  }

  /**
   * Makes `change` one transaction under `origin` and returns what it applied: the commit of its
   * update (#onUpdate starts it) and, for a client's update, what of it was held back. A client's
   * update is applied with the pending state of relayed updates (waiting for a catch-up from
   * storage) set aside, so that only the rest of this update is held back; the document itself
   * never keeps a client's pending state.
   */
  #transact(origin: Extract<Origin, { kind: 'client' | 'server' }>, change: () => void): Applied {
    const { store } = this.doc;
    const relayed = origin.kind === 'client' ? { structs: store.pendingStructs, ds: store.pendingDs } : null;
    let transaction: Y.Transaction;
    let heldBack: HeldBack | null = null;
    if (relayed) {
      store.pendingStructs = null;
      store.pendingDs = null;
    }
    try {
      transaction = Y.transact(this.doc, (t) => (change(), t), origin);
    } finally {
      if (relayed) {
        heldBack = pendingNeeds(store);
        store.pendingStructs = relayed.structs;
        store.pendingDs = relayed.ds;
      }
    }
    const committed = transaction.meta.get(COMMIT) as Promise<void> | undefined;
    // Nothing new: what it carries may still be on its way to storage.
    return { committed: committed ?? this.flushed(), heldBack };
  }

  /** Asks each held-back connection (other than the update's sender) to resync once what it waits for is here. */
  #wakeHeldBack(sender: Connection | null): void {
    for (const [connection, needs] of this.#heldBack) {
      if (connection === sender || ![...needs].some(([client, clock]) => Y.getState(this.doc.store, client) > clock)) continue;
      this.#heldBack.delete(connection);
      this.emit('resync', [connection]);
    }
  }

  /**
   * Makes the server's own change (a comment operation) as one transaction under the server's
   * client id: committed, then forwarded to every client and relayed. Unlike a client's update,
   * no author holds it to resend after a crash, so no client may see it before it is stored. Resolves
   * once committed, so an ack after it means durable. `change` must not throw: a transaction
   * that throws halfway still keeps (and sends) what it did before, so validate first.
   */
  applyServerChange(change: (doc: Y.Doc) => void): Promise<void> {
    return this.#transact(SERVER, () => change(this.doc)).committed;
  }

  /**
   * Resolves once every client update received so far has been applied (some wait for their
   * client ids to be claimed): a comment anchored in text just typed finds that text.
   */
  async applied(): Promise<void> {
    await this.#turns;
  }

  /** An update another process committed (relayed): applied and forwarded here, never written again. */
  applyRemoteUpdate(update: Uint8Array): void {
    Y.applyUpdate(this.doc, update, REMOTE);
  }

  /** Holds updates that wait for others it has not received. */
  get missingUpdates(): boolean {
    return this.doc.store.pendingStructs !== null || this.doc.store.pendingDs !== null;
  }

  /** Presence another process's clients announced. */
  applyRemoteAwareness(update: Uint8Array): void {
    applyAwarenessUpdate(this.awareness, update, REMOTE);
  }

  /** Applies what storage holds that this copy lacks (after missing relayed updates), forwarding it. */
  catchUp(stored: StoredLog): DamagedRow[] {
    // Rows that do not decode or cannot be placed are left out (returned, for the registry to quarantine).
    return catchUpWith(this.doc, stored, REMOTE);
  }

  /** Resolves when every update applied so far is committed; rejects while some are unsaved. */
  async flushed(): Promise<void> {
    await this.#lastCommit;
    await this.#compaction;
    if (this.#unsaved.length > 0) throw new GalleyError('storage_failed', 'Saving failed; the change is kept and will be retried');
  }

  /** Forwards and commits each update by who made it (see Origin); the commit is left on its transaction. */
  #onUpdate = (update: Uint8Array, origin: Origin | null, _doc: Y.Doc, transaction: Y.Transaction): void => {
    if (origin?.kind === 'storage') return;
    const sender = origin?.kind === 'client' ? origin.connection : null;
    if (this.#heldBack.size > 0) this.#wakeHeldBack(sender);
    if (origin?.kind === 'remote') {
      this.emit('update', [update, null]);
      // Relayed from another process: text or comments, this one cannot tell cheaply; counted as text.
      this.emit('edited', [true]);
      return;
    }
    // Only updates that delete something: typing alone costs nothing more.
    const deletion = sender && transaction.deleteSet.clients.size > 0 ? deletionRecord(sender, transaction) : undefined;
    const own = origin?.kind === 'server';
    if (!own) this.emit('update', [update, sender]);
    if (!sender && !this.#serverClaimed) {
      this.#serverClaimed = true;
      this.#claims.claim([this.doc.clientID], SERVER_OWNER).catch(() => (this.#serverClaimed = false));
    }
    const commit = this.#commit({ update, deletion, forwardOnCommit: own });
    transaction.meta.set(COMMIT, commit);
    this.#lastCommit = commit.catch(() => undefined);
  };

  async #commit(write: Write): Promise<void> {
    // Behind an unsaved update, so the log never holds an update without one it depends on.
    if (this.#unsaved.length > 0) {
      this.#unsaved.push(write);
      throw new GalleyError('storage_failed', 'Saving failed; the change is kept and will be retried');
    }
    try {
      await this.deps.commits.write(this.storyId, write.update, write.deletion);
    } catch (error) {
      this.#unsaved.push(write);
      this.deps.log.error({ err: error, storyId: this.storyId }, 'update write failed; keeping it in memory');
      this.#scheduleRetry();
      throw new GalleyError('storage_failed', 'Saving failed; the change is kept and will be retried');
    }
    this.#committed(write);
  }

  #committed({ update, forwardOnCommit }: Write): void {
    if (forwardOnCommit) this.emit('update', [update, null]);
    this.emit('committed', [update]);
    this.#tail.count++;
    this.#tail.bytes += update.byteLength;
    this.emit('edited', [!forwardOnCommit]);
    this.#maybeCompact();
  }

  #scheduleRetry(): void {
    if (this.#retryTimer) return;
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      const retry = this.#retryUnsaved();
      this.#lastCommit = Promise.all([this.#lastCommit, retry]);
    }, RETRY_WRITE_MS);
  }

  async #retryUnsaved(): Promise<void> {
    while (this.#unsaved.length > 0) {
      const write = this.#unsaved[0];
      try {
        await this.deps.commits.write(this.storyId, write.update, write.deletion);
        this.#unsaved.shift();
        this.#committed(write);
      } catch {
        return this.#scheduleRetry();
      }
    }
  }

  /** Folds the log into a snapshot once it passes the policy's thresholds. */
  #maybeCompact(): void {
    const { maxUpdates, maxBytes } = this.deps.compaction;
    if (this.#compacting || (this.#tail.count < maxUpdates && this.#tail.bytes < maxBytes)) return;
    this.#compacting = true;
    this.#tail = { count: 0, bytes: 0 };
    this.#compaction = this.deps.store
      .compact(this.storyId, foldUpdates)
      .catch((error: unknown) => this.deps.log.warn({ err: error, storyId: this.storyId }, 'compaction failed; the log is intact'))
      .finally(() => {
        this.#compacting = false;
        // Commits that landed meanwhile may already be past the threshold again.
        this.#maybeCompact();
      });
  }

  #onAwareness = ({ added, updated, removed }: AwarenessChange, origin: unknown): void => {
    const sender = this.#admitted.has(origin as Connection) ? (origin as Connection) : null;
    const changed = [...added, ...updated, ...removed];
    if (changed.length > 0) this.emit('awareness', [changed, sender]);
    // People in other processes come and go through their awareness states.
    if (!sender && added.length + removed.length > 0) this.emit('presence', [this.presence()]);
  };

  addConnection(connection: Connection): void {
    this.#admitted.add(connection);
    this.connections.set(connection.id, connection);
    this.#assignColor(connection.user.id);
    this.emit('presence', [this.presence()]);
  }

  /**
   * Gives someone joining the story a colour no one else present has (shared/personColors.ts): their
   * earlier one when it is free, so a person keeps their colour while they are in the story.
   */
  #assignColor(userId: string): void {
    const colors = this.doc.getMap<unknown>(STORY_COLORS_ROOT);
    const indexOf = (id: string) => {
      const index = colors.get(id);
      return typeof index === 'number' ? index : undefined;
    };
    const present = this.presence()
      .filter((person) => person.userId !== userId)
      .flatMap((person) => indexOf(person.userId) ?? []);
    const mine = indexOf(userId);
    if (mine !== undefined && storyColor(this.doc, userId) && !present.includes(mine)) return;
    const recorded = new Set([...colors.keys()].flatMap((id) => indexOf(id) ?? []));
    const index = pickColorIndex(present, recorded);
    this.applyServerChange(() => colors.set(userId, index)).catch((error: Error) =>
      this.deps.log.error({ err: error, storyId: this.storyId }, 'assigning a colour failed'),
    );
  }

  removeConnection(connection: Connection): void {
    this.#heldBack.delete(connection);
    if (!this.connections.delete(connection.id)) return;
    // The connection as origin: its departure is this process's news, to relay like its updates.
    removeAwarenessStates(this.awareness, [...connection.awarenessClients], connection);
    this.emit('presence', [this.presence()]);
  }

  /**
   * Distinct people in the story: this process's authenticated connections, and the people
   * other processes relayed (their awareness `user` is stamped by the process that
   * authenticated them, never taken from the client).
   */
  presence(): PresenceUser[] {
    const people = new Map<string, PresenceUser>();
    const local = new Set<number>();
    for (const { user, awarenessClients } of this.connections.values()) {
      people.set(user.id, { userId: user.id, name: user.name, color: user.color });
      awarenessClients.forEach((id) => local.add(id));
    }
    for (const [clientId, state] of this.awareness.getStates()) {
      const user = stampedUser(state);
      if (!local.has(clientId) && user && !people.has(user.id))
        people.set(user.id, { userId: user.id, name: user.name, color: user.color });
    }
    return [...people.values()];
  }

  override destroy(): void {
    clearTimeout(this.#retryTimer);
    this.awareness.destroy();
    this.doc.destroy();
    super.destroy();
  }
}

type AwarenessChange = { added: number[]; updated: number[]; removed: number[] };

/**
 * What a held-back update waits for: for each Yjs client id, the state the document must pass
 * (Yjs's own `missing` clocks for structs; for deletions, the end of what they delete).
 */
type HeldBack = Map<number, number>;

/** An applied update: its commit, and what of it was held back (null: all of it was placed). */
type Applied = { committed: Promise<void>; heldBack: HeldBack | null };

/** An update on its way to storage, kept as it is for retries. */
type Write = {
  update: Uint8Array;
  /** Who deleted what in a connection's update, stored with it (selective revert). */
  deletion: LogEntry['deletion'];
  /** The server's own change: forwarded only once committed (see applyServerChange). */
  forwardOnCommit: boolean;
};

/** What the pending state Yjs left after an update waits for; null when there is none. */
function pendingNeeds(store: Y.Doc['store']): HeldBack | null {
  const { pendingStructs, pendingDs } = store;
  if (!pendingStructs && !pendingDs) return null;
  const needs: HeldBack = new Map(pendingStructs?.missing ?? []);
  if (pendingDs) {
    // Yjs keeps its pending state in update format v2.
    for (const [client, ranges] of Y.decodeUpdateV2(pendingDs).ds.clients) {
      const end = Math.max(...ranges.map((r) => r.clock + r.len)) - 1;
      needs.set(client, Math.min(needs.get(client) ?? end, end));
    }
  }
  return needs;
}

/** The delete set of a connection's update (only what it newly deleted), as a snapshot with no state vector. */
function deletionRecord(sender: Connection, transaction: Y.Transaction): LogEntry['deletion'] {
  return { userId: sender.user.id, at: new Date().toISOString(), ds: Y.encodeSnapshot(Y.createSnapshot(transaction.deleteSet, new Map())) };
}

/**
 * A snapshot of stored updates: applied to a fresh document and re-encoded, so deleted content is
 * garbage-collected. Stored rows that cannot all be placed (damaged since the story was loaded) make it
 * throw: the compaction then changes nothing, and the next load quarantines them (logTriage) instead of
 * a snapshot swallowing them.
 */
function foldUpdates(updates: Uint8Array[]): Uint8Array {
  const doc = new Y.Doc();
  try {
    doc.transact(() => updates.forEach((u) => Y.applyUpdate(doc, u)));
    if (doc.store.pendingStructs || doc.store.pendingDs) throw new Error('Stored updates that cannot be placed; not folding them');
    return Y.encodeStateAsUpdate(doc);
  } finally {
    doc.destroy();
  }
}

function stampedUser(state: Record<string, unknown>): { id: string; name: string; color: string } | undefined {
  const user = state.user as Record<string, unknown> | undefined;
  const ok = user && typeof user.id === 'string' && typeof user.name === 'string' && typeof user.color === 'string';
  return ok ? (user as { id: string; name: string; color: string }) : undefined;
}
