import * as Y from 'yjs';
import { Awareness, removeAwarenessStates } from 'y-protocols/awareness';
import type { PresenceUser } from '../../shared/api';
import { GalleyError } from '../../shared/errors';
import type { Logger } from '../logger';
import type { Store, UserRecord } from '../persistence/Store';

/** One client's session inside one story. */
export type Connection = {
  readonly id: string;
  readonly user: UserRecord;
  /** Awareness client ids this connection has announced; removed when it leaves. */
  readonly awarenessClients: Set<number>;
};

export type DocumentEvents = {
  /** A document update to fan out; `origin` is the connection that sent it, if any. */
  update: (update: Uint8Array, origin: Connection | null) => void;
  /** Awareness changes to fan out, already encoded for the given client ids. */
  awareness: (clients: number[], origin: Connection | null) => void;
  presence: (present: PresenceUser[]) => void;
  /** Content changed; the list's summary (headline, last edited) may be stale. */
  edited: () => void;
};

const RETRY_WRITE_MS = 1_000;

/**
 * The authoritative in-memory copy of one story. Every update is appended to
 * the store before `applyClientUpdate` resolves; a failed write keeps the
 * update in memory and retries, so nothing acknowledged or applied is lost.
 */
export class StoryDocument {
  readonly doc = new Y.Doc();
  readonly awareness = new Awareness(this.doc);
  readonly connections = new Map<string, Connection>();
  #listeners: { [K in keyof DocumentEvents]: Set<DocumentEvents[K]> } = {
    update: new Set(),
    awareness: new Set(),
    presence: new Set(),
    edited: new Set(),
  };
  /** Writes are serialised per story so the log keeps causal order. */
  #writeChain: Promise<void> = Promise.resolve();
  #unsaved: Uint8Array[] = [];
  #retryTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly storyId: string,
    private readonly store: Store,
    private readonly log: Logger,
  ) {
    this.awareness.setLocalState(null);
    this.doc.on('update', this.#onUpdate);
    this.awareness.on('update', this.#onAwareness);
  }

  /** Applies stored updates without writing them back. */
  loadFrom(updates: Uint8Array[]): void {
    if (updates.length === 0) return;
    this.doc.off('update', this.#onUpdate);
    try {
      this.doc.transact(() => updates.forEach((u) => Y.applyUpdate(this.doc, u)), 'storage');
    } finally {
      this.doc.on('update', this.#onUpdate);
    }
  }

  on<K extends keyof DocumentEvents>(event: K, listener: DocumentEvents[K]): void {
    this.#listeners[event].add(listener);
  }

  #emit<K extends keyof DocumentEvents>(event: K, ...args: Parameters<DocumentEvents[K]>): void {
    for (const listener of this.#listeners[event]) (listener as (...a: typeof args) => void)(...args);
  }

  /** Applies a client's update; resolves once it (and everything before it) is committed. */
  async applyClientUpdate(update: Uint8Array, origin: Connection): Promise<void> {
    try {
      // Decoding first rejects malformed bytes before they can touch the document.
      Y.decodeUpdate(update);
      Y.applyUpdate(this.doc, update, origin);
    } catch (error) {
      throw new GalleyError('invalid', `Update could not be applied: ${(error as Error).message}`);
    }
    await this.flushed();
  }

  /** Resolves when every update applied so far is committed. */
  async flushed(): Promise<void> {
    await this.#writeChain;
    if (this.#unsaved.length > 0) throw new GalleyError('storage_failed', 'Saving failed; the change is kept and will be retried');
  }

  #onUpdate = (update: Uint8Array, origin: unknown): void => {
    const connection = isConnection(origin) ? origin : null;
    this.#writeChain = this.#writeChain.then(() => this.#persist(update));
    this.#emit('update', update, connection);
    this.#emit('edited');
  };

  async #persist(update: Uint8Array): Promise<void> {
    try {
      if (this.#unsaved.length > 0) await this.#writeUnsaved();
      await this.store.appendUpdate(this.storyId, update);
    } catch (error) {
      this.#unsaved.push(update);
      this.log.error({ err: error, storyId: this.storyId }, 'update write failed; keeping it in memory');
      this.#scheduleRetry();
    }
  }

  async #writeUnsaved(): Promise<void> {
    while (this.#unsaved.length > 0) {
      await this.store.appendUpdate(this.storyId, this.#unsaved[0]);
      this.#unsaved.shift();
    }
  }

  #scheduleRetry(): void {
    if (this.#retryTimer) return;
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      this.#writeChain = this.#writeChain.then(() =>
        this.#writeUnsaved().catch(() => this.#scheduleRetry()),
      );
    }, RETRY_WRITE_MS);
  }

  #onAwareness = ({ added, updated, removed }: AwarenessChange, origin: unknown): void => {
    const changed = [...added, ...updated, ...removed];
    if (changed.length > 0) this.#emit('awareness', changed, isConnection(origin) ? origin : null);
  };

  addConnection(connection: Connection): void {
    this.connections.set(connection.id, connection);
    this.#emit('presence', this.presence());
  }

  removeConnection(connection: Connection): void {
    if (!this.connections.delete(connection.id)) return;
    removeAwarenessStates(this.awareness, [...connection.awarenessClients], null);
    this.#emit('presence', this.presence());
  }

  /** Distinct people in the story, from authenticated connections (not from client-claimed awareness). */
  presence(): PresenceUser[] {
    const people = new Map<string, PresenceUser>();
    for (const { user } of this.connections.values()) {
      people.set(user.id, { userId: user.id, name: user.name, color: user.color });
    }
    return [...people.values()];
  }

  get hasUnsaved(): boolean {
    return this.#unsaved.length > 0;
  }

  destroy(): void {
    clearTimeout(this.#retryTimer);
    this.awareness.destroy();
    this.doc.destroy();
  }
}

type AwarenessChange = { added: number[]; updated: number[]; removed: number[] };

function isConnection(origin: unknown): origin is Connection {
  return typeof origin === 'object' && origin !== null && 'awarenessClients' in origin && 'user' in origin;
}
