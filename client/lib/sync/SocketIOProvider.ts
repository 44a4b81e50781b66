/**
 * SocketIOProvider: syncs one story's Y.Doc and Awareness with a Galley server
 * over Socket.IO, speaking y-protocols sync and awareness messages. Framework
 * free: the browser editor, the Node tests and the benchmarks all use it.
 * Protocol: shared/PROTOCOL.md.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { ObservableV2 } from 'lib0/observable';
import { applyAwarenessUpdate, Awareness, encodeAwarenessUpdate, removeAwarenessStates } from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import type { Ack, ErrorBody, ErrorCode } from '../../../shared/errors';
import { LIMITS } from '../../../shared/limits';
import { type Binary, type JoinAnswer, type JoinResult, PROTOCOL_VERSION, type StoryDamageNotice } from '../../../shared/protocol';
import type { Role } from '../../../shared/roles';
import type { StoryWorkflow } from '../../../shared/workflow';
import type { GalleyClientSocket } from './socket';

export type ProviderStatus = 'connecting' | 'connected' | 'disconnected';

type ProviderEvents = {
  /** Any of status, synced, unsavedChanges, canEdit, workflow changed. */
  change: () => void;
  /** The story's workflow state, from each join answer and every `story:workflow` after. */
  workflow: (workflow: StoryWorkflow) => void;
  error: (error: ErrorBody) => void;
};

export type ProviderOptions = {
  socket: GalleyClientSocket;
  storyId: string;
  doc?: Y.Doc;
  /**
   * Origins of updates that come from local storage (e.g. the IndexedDB
   * persistence): loading them while offline is not an unsaved edit; the
   * join's step 1/step 2 exchange sends whatever of them the server lacks.
   */
  persistedOrigins?: readonly unknown[];
};

/** Wait before retrying after the server could not save or asked us to slow down. */
const RESYNC_AFTER_MS = 2_000;
/** Resyncs after refusals for missing changes back off to this (they wait for another client to resend). */
const MAX_INVALID_RESYNC_MS = 8_000;
/** After this many such refusals in a row, the person is told (see `held`). */
const HELD_AFTER_REFUSALS = 3;

const toBytes = (payload: Binary) => (payload instanceof Uint8Array ? payload : new Uint8Array(payload));

export class SocketIOProvider {
  readonly doc: Y.Doc;
  readonly awareness: Awareness;
  readonly storyId: string;
  readonly socket: GalleyClientSocket;
  status: ProviderStatus = 'connecting';
  /** True once the server's state has been received since the last (re)join. */
  synced = false;
  /** True once the server has said who is in the story since the last (re)join (its first awareness message). */
  rosterKnown = false;
  role: Role | null = null;
  canEdit = false;
  /** The story's status, address and publication times as the server last told us; null before the first join. */
  workflow: StoryWorkflow | null = null;
  /** Sent but not yet acknowledged as durable by the server. */
  unacknowledged = 0;
  /** Local edits not yet acknowledged by the server (made offline, or refused and awaiting a resync). */
  pendingOffline = false;
  /** Set when syncing has stopped for good (an edit too large to ever be accepted). */
  failure: ErrorBody | null = null;
  /** Why the server refused the last join (no such story, no access…), until a join succeeds. */
  joinError: ErrorBody | null = null;
  /** From the last join: part of the story's stored history could not be read (see StoryDamageNotice). */
  damage: StoryDamageNotice | null = null;
  /**
   * Set when the server has refused some of our changes several times in a row because they build on
   * changes it does not have (after a server crash, a co-editor's text that only they can send again):
   * the person is told rather than left with a silent "Saving…". Cleared once everything is saved.
   */
  held: { since: number; code: ErrorCode } | null = null;
  readonly #persistedOrigins: ReadonlySet<unknown>;
  #resyncTimer: ReturnType<typeof setTimeout> | undefined;
  /** Refusals for missing changes since the last accepted edit: each resync waits longer. */
  #refusals = 0;
  #joined = false;
  #destroyed = false;
  #deleted = false;
  readonly #events = new ObservableV2<ProviderEvents>();

  constructor({ socket, storyId, doc = new Y.Doc(), persistedOrigins = [] }: ProviderOptions) {
    this.#persistedOrigins = new Set(persistedOrigins);
    this.socket = socket;
    this.storyId = storyId;
    this.doc = doc;
    this.awareness = new Awareness(doc);
    doc.on('update', this.#onDocUpdate);
    this.awareness.on('update', this.#onAwarenessUpdate);
    socket.on('connect', this.#join);
    socket.on('disconnect', this.#onDisconnect);
    socket.on('story:sync', this.#onSync);
    socket.on('story:awareness', this.#onAwareness);
    socket.on('story:workflow', this.#onWorkflow);
    socket.on('story:access', this.#onAccess);
    socket.on('protocol:error', this.#onProtocolError);
    socket.on('story:deleted', this.#onDeleted);
    if (socket.connected) this.#join();
    else if (!socket.active) socket.connect();
  }

  on<K extends keyof ProviderEvents>(event: K, listener: ProviderEvents[K]): () => void {
    this.#events.on(event, listener);
    return () => this.#events.off(event, listener);
  }

  /** Resolves once synced with the server (rejects on a join error). */
  whenSynced(): Promise<void> {
    if (this.synced) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const offChange = this.on('change', () => {
        if (!this.synced) return;
        offChange();
        offError();
        resolve();
      });
      const offError = this.on('error', (error) => {
        offChange();
        offError();
        reject(new Error(`${error.code}: ${error.message}`));
      });
    });
  }

  /** Resolves once every local change has been acknowledged as saved. */
  whenSaved(): Promise<void> {
    const saved = () => this.unacknowledged === 0 && !this.pendingOffline && this.#joined;
    if (saved()) return Promise.resolve();
    return new Promise((resolve) => {
      const off = this.on('change', () => {
        if (!saved()) return;
        off();
        resolve();
      });
    });
  }

  #join = (): void => {
    // A story moved to the Trash stays gone for this provider: its page says so rather than retrying.
    if (this.#deleted) return;
    this.#setStatus('connecting');
    const request = { storyId: this.storyId, protocolVersion: PROTOCOL_VERSION, stateVector: Y.encodeStateVector(this.doc) };
    this.socket.emit('story:join', request, (answer: Ack<JoinAnswer>) => {
      if (this.#destroyed) return;
      if (!answer.ok) {
        this.joinError = answer.error;
        this.#setStatus('disconnected');
        this.#events.emit('error', [answer.error]);
        return;
      }
      this.joinError = null;
      this.#joined = true;
      this.role = answer.data.role;
      this.canEdit = answer.data.canEdit;
      this.damage = answer.data.damage ?? null;
      this.#setWorkflow(answer.data.workflow);
      // The answer carries what we lack (our state vector went with the join): synced in one round trip.
      if (answer.data.update) Y.applyUpdate(this.doc, toBytes(answer.data.update), this);
      this.synced = true;
      this.#setStatus('connected');
      this.#announceAwareness();
    });
  };

  /** The story went to the Trash: the server has taken us out of it. */
  #onDeleted = (storyId: string): void => {
    if (storyId !== this.storyId || this.#destroyed) return;
    this.#deleted = true;
    this.#joined = false;
    this.role = null;
    this.canEdit = false;
    this.joinError = { code: 'not_found', message: 'This story was deleted: an editor moved it to the Trash, where it can be restored.' };
    this.#setStatus('disconnected');
    this.#events.emit('error', [this.joinError]);
  };

  #onDisconnect = (): void => {
    this.#joined = false;
    this.synced = false;
    this.rosterKnown = false;
    // Without a server we cannot know who is still here: drop everyone else's carets.
    const others = [...this.awareness.getStates().keys()].filter((id) => id !== this.doc.clientID);
    removeAwarenessStates(this.awareness, others, this);
    // Unacknowledged edits may not have been saved; the next sync sends them again.
    if (this.unacknowledged > 0) this.pendingOffline = true;
    this.unacknowledged = 0;
    this.#setStatus('disconnected');
  };

  #onSync = (storyId: string, payload: Binary): void => {
    if (storyId !== this.storyId || !this.#joined) return;
    const decoder = decoding.createDecoder(toBytes(payload));
    const type = decoding.readVarUint(decoder);
    const data = decoding.readVarUint8Array(decoder);
    switch (type) {
      case syncProtocol.messageYjsSyncStep1:
        this.#answerStep1(data);
        break;
      case syncProtocol.messageYjsSyncStep2:
        Y.applyUpdate(this.doc, data, this);
        this.synced = true;
        this.#events.emit('change', []);
        break;
      case syncProtocol.messageYjsUpdate:
        Y.applyUpdate(this.doc, data, this);
        break;
    }
  };

  /** The server asks for what we have that it lacks: our offline edits. */
  #answerStep1(stateVector: Uint8Array): void {
    if (!this.canEdit) return;
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, syncProtocol.messageYjsSyncStep2);
    encoding.writeVarUint8Array(encoder, Y.encodeStateAsUpdate(this.doc, stateVector));
    this.pendingOffline = false;
    this.#send(encoding.toUint8Array(encoder), true);
  }

  #onDocUpdate = (update: Uint8Array, origin: unknown): void => {
    if (origin === this) return;
    if (!this.#joined) {
      if (this.#persistedOrigins.has(origin)) return;
      this.pendingOffline = true;
      this.#events.emit('change', []);
      return;
    }
    const encoder = encoding.createEncoder();
    syncProtocol.writeUpdate(encoder, update);
    this.#send(encoding.toUint8Array(encoder), true);
  };

  /** Sends a sync message; `tracked` ones count as unsaved until the server acks. */
  #send(message: Uint8Array, tracked: boolean): void {
    if (this.failure) return;
    if (message.byteLength > LIMITS.maxMessageBytes) {
      this.#fail({ code: 'too_large', message: `This change is ${message.byteLength} bytes; the limit is ${LIMITS.maxMessageBytes}` });
      return;
    }
    if (tracked) {
      this.unacknowledged++;
      this.#events.emit('change', []);
    }
    this.socket.emit('story:sync', this.storyId, message, (answer: Ack) => {
      if (tracked && this.unacknowledged > 0) this.unacknowledged--;
      if (!answer.ok) this.#onRefused(answer.error, tracked);
      else if (tracked && this.unacknowledged === 0 && !this.pendingOffline) this.#allAccepted();
      this.#events.emit('change', []);
    });
  }

  /**
   * A refused send. Nothing is dropped: the edit stays in the doc and counts
   * as unsaved until a resync (rejoin → the server's step 1 → our step 2)
   * gets it acknowledged. Only an edit too large to ever be accepted stops
   * the provider, rather than resending it forever.
   */
  #onRefused(error: ErrorBody, tracked: boolean): void {
    // A send that was in flight when the story went to the Trash is refused as not joined: the deletion
    // is what the page says, not that.
    if (this.#deleted) return;
    this.#events.emit('error', [error]);
    if (!tracked) return;
    switch (error.code) {
      case 'too_large':
        return this.#fail(error);
      case 'invalid':
      case 'incomplete':
        // Usually a change we sent too early (first resync at once); after a server crash, another
        // author's change it lost, which only that author can resend (later resyncs wait longer; the
        // server also asks us to resync as soon as what we wait for arrives).
        this.pendingOffline = true;
        if (++this.#refusals >= HELD_AFTER_REFUSALS) this.held ??= { since: Date.now(), code: error.code };
        return this.#resync(Math.min(MAX_INVALID_RESYNC_MS, this.#refusals === 1 ? 0 : 250 * 2 ** this.#refusals));
      case 'forbidden':
        // Kept (and counted unsaved) until our access comes back; see #onAccess.
        this.pendingOffline = true;
        return;
      case 'storage_failed':
      case 'rate_limited':
        this.pendingOffline = true;
        return this.#resync(RESYNC_AFTER_MS);
    }
  }

  /** Everything we sent has been saved: any earlier refusals are behind us. */
  #allAccepted(): void {
    this.#refusals = 0;
    this.held = null;
  }

  #resync(delayMs: number): void {
    if (this.#resyncTimer) return;
    this.#resyncTimer = setTimeout(() => {
      this.#resyncTimer = undefined;
      if (!this.#joined || this.#destroyed) return;
      this.#joined = false;
      this.socket.emit('story:leave', this.storyId);
      this.#join();
    }, delayMs);
  }

  /** Stops sending for good: the user must be told; their text stays in the local doc. */
  #fail(error: ErrorBody): void {
    this.failure = error;
    this.#events.emit('error', [error]);
    this.#events.emit('change', []);
  }

  #onAwarenessUpdate = ({ added, updated, removed }: AwarenessChange, origin: unknown): void => {
    if (origin === this) return;
    const changed = [...added, ...updated, ...removed];
    if (changed.includes(this.doc.clientID)) this.#announceAwareness();
  };

  #announceAwareness(): void {
    if (!this.#joined) return;
    this.socket.emit('story:awareness', this.storyId, encodeAwarenessUpdate(this.awareness, [this.doc.clientID]));
  }

  #onAwareness = (storyId: string, payload: Binary): void => {
    if (storyId !== this.storyId || !this.#joined) return;
    const first = !this.rosterKnown;
    this.rosterKnown = true;
    applyAwarenessUpdate(this.awareness, toBytes(payload), this);
    if (first) this.#events.emit('change', []);
  };

  #onWorkflow = (storyId: string, workflow: StoryWorkflow): void => {
    if (storyId !== this.storyId || !this.#joined) return;
    this.#setWorkflow(workflow);
    this.#events.emit('change', []);
  };

  #setWorkflow(workflow: StoryWorkflow): void {
    this.workflow = workflow;
    this.#events.emit('workflow', [workflow]);
  }

  /** The server changed what we may do (e.g. an admin made us a viewer): follow it at once. */
  #onAccess = (storyId: string, access: JoinResult): void => {
    if (storyId !== this.storyId) return;
    const regained = access.canEdit && !this.canEdit;
    this.role = access.role;
    this.canEdit = access.canEdit;
    this.#events.emit('change', []);
    // Edits refused while we could not edit are still in the doc: a resync sends them now.
    if (regained && this.pendingOffline) this.#resync(0);
  };

  #onProtocolError = (error: ErrorBody & { storyId?: string }): void => {
    if (!error.storyId || error.storyId === this.storyId) this.#events.emit('error', [error]);
  };

  #setStatus(status: ProviderStatus): void {
    this.status = status;
    this.#events.emit('change', []);
  }

  /** Leaves the story; the socket stays open for its other users. */
  destroy(): void {
    if (this.#destroyed) return;
    clearTimeout(this.#resyncTimer);
    this.awareness.setLocalState(null);
    this.#destroyed = true;
    this.socket.emit('story:leave', this.storyId);
    this.doc.off('update', this.#onDocUpdate);
    this.awareness.off('update', this.#onAwarenessUpdate);
    this.socket.off('connect', this.#join);
    this.socket.off('disconnect', this.#onDisconnect);
    this.socket.off('story:sync', this.#onSync);
    this.socket.off('story:awareness', this.#onAwareness);
    this.socket.off('story:workflow', this.#onWorkflow);
    this.socket.off('story:access', this.#onAccess);
    this.socket.off('protocol:error', this.#onProtocolError);
    this.socket.off('story:deleted', this.#onDeleted);
    this.awareness.destroy();
  }
}

type AwarenessChange = { added: number[]; updated: number[]; removed: number[] };
