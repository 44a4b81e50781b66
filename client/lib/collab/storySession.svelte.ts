/**
 * One open story: the provider (Y.Doc + Awareness over the shared socket)
 * seen through reactive getters. The Yjs objects stay plain; each getter calls
 * `#subscribe()` so Svelte re-reads it when the provider, the awareness, the
 * `meta` map, the reconnection or the browser's network state report a
 * change, and listens only while something is on screen. The Y.Doc is also
 * kept in IndexedDB, so the story opens and stays editable without a server.
 */
import { createSubscriber } from 'svelte/reactivity';
import { IndexeddbPersistence } from 'y-indexeddb';
import * as Y from 'yjs';
import type { Publication, PublicUser } from '../../../shared/api';
import type { ErrorBody } from '../../../shared/errors';
import type { AwarenessUser, GalleyAwarenessState } from '../../../shared/protocol';
import { can, type Role } from '../../../shared/roles';
import { isStoryField, META_MAP, STORY_STATUSES, type StoryField, type StoryMeta, type StoryStatus } from '../../../shared/story';
import { batched } from '../batched';
import { draftDatabaseName } from '../localDrafts';
import { initials, safeColor } from '../people';
import { SocketIOProvider } from './provider';
import type { ReconnectPolicy } from './ReconnectPolicy';
import { describeSaveState, type SaveState } from './saveState';
import { reconnectionOf, type GalleyClientSocket } from './socket';

export type Person = {
  id: string;
  name: string;
  color: string;
  initials: string;
  field: StoryField | null;
  isYou: boolean;
};

export type StorySessionOptions = {
  socket: GalleyClientSocket;
  storyId: string;
  user: PublicUser;
};

/** Lets a focus move between fields without a null flicker in everyone's presence bar. */
const BLUR_GRACE_MS = 150;

export class StorySession {
  readonly provider: SocketIOProvider;
  readonly storyId: string;
  /** How this client appears to others (carets, presence). */
  readonly me: AwarenessUser;
  /** The latest publication announced while this story is open (ours or someone else's). */
  publication = $state.raw<Publication | null>(null);
  /** The latest error from the server about this story (join refused, edit rejected…). */
  error = $state.raw<ErrorBody | null>(null);

  /** This device's copy of the story. */
  readonly #local: IndexeddbPersistence;
  readonly #reconnection: ReconnectPolicy | undefined;
  readonly #mayEdit: boolean;
  /** Joined and synced at least once since the story opened. */
  #wasLive = false;
  /** The server let us edit at some point since the story opened. */
  #couldEdit = false;
  #subscribe: () => void;
  #offProvider: Array<() => void>;
  #blurTimer: ReturnType<typeof setTimeout> | undefined;

  constructor({ socket, storyId, user }: StorySessionOptions) {
    this.storyId = storyId;
    this.me = { id: user.id, name: user.name, color: user.color };
    this.#mayEdit = can(user.role, 'story:edit');
    this.#reconnection = reconnectionOf(socket);
    const doc = new Y.Doc();
    this.#local = new IndexeddbPersistence(draftDatabaseName(storyId), doc);
    this.provider = new SocketIOProvider({ socket, storyId, doc, persistedOrigins: [this.#local] });
    const { provider } = this;
    provider.awareness.setLocalStateField('user', this.me);
    provider.awareness.setLocalStateField('field', null);

    this.#offProvider = [
      provider.on('change', () => {
        if (provider.synced) this.#wasLive = true;
        if (provider.role !== null && provider.canEdit) this.#couldEdit = true;
      }),
      provider.on('published', (publication) => {
        this.publication = publication;
      }),
      provider.on('error', (error) => {
        this.error = error;
      }),
    ];

    this.#subscribe = createSubscriber((notify) => {
      const update = batched(notify);
      const meta = provider.doc.getMap(META_MAP);
      const offChange = provider.on('change', update);
      const offReconnection = this.#reconnection?.on('change', update);
      provider.awareness.on('change', update);
      meta.observe(update);
      window.addEventListener('online', update);
      window.addEventListener('offline', update);
      return () => {
        offChange();
        offReconnection?.();
        provider.awareness.off('change', update);
        meta.unobserve(update);
        window.removeEventListener('online', update);
        window.removeEventListener('offline', update);
      };
    });
  }

  get role(): Role | null {
    this.#subscribe();
    return this.provider.role;
  }

  /**
   * Decided by the server at join. Until it has answered (offline, say), the
   * account's role decides, so offline edits can be made and merged later.
   */
  get canEdit(): boolean {
    this.#subscribe();
    return this.provider.role === null ? this.#mayEdit : this.provider.canEdit;
  }

  /**
   * The server took editing away while the story was open (an admin made us
   * a viewer, `story:access`); it comes back the same way.
   */
  get editingRevoked(): boolean {
    this.#subscribe();
    return this.#couldEdit && this.provider.role !== null && !this.provider.canEdit;
  }

  /**
   * Edits the server has not acknowledged as saved: sent and awaiting the ack,
   * or made while not joined. Viewers have none, whatever IndexedDB loaded.
   */
  get hasUnsavedChanges(): boolean {
    this.#subscribe();
    return this.provider.unacknowledged > 0 || (this.provider.pendingOffline && this.canEdit);
  }

  /** The server refused to let us in at all (no such story, no access): there is nothing to edit. */
  get joinRefused(): ErrorBody | null {
    this.#subscribe();
    return this.error && this.provider.role === null ? this.error : null;
  }

  get saveState(): SaveState {
    this.#subscribe();
    const { status, synced } = this.provider;
    return describeSaveState({
      online: navigator.onLine,
      live: status === 'connected' && synced,
      wasLive: this.#wasLive,
      refused: this.provider.joinError !== null,
      failedAttempts: this.#reconnection?.failures ?? 0,
      unsaved: this.hasUnsavedChanges,
    });
  }

  /** Everyone in the story, once each (several tabs collapse into one), you first. */
  get people(): Person[] {
    this.#subscribe();
    const { awareness, doc } = this.provider;
    const byId = new Map<string, Person>();
    for (const [clientId, raw] of awareness.getStates()) {
      const state = raw as GalleyAwarenessState;
      const user = state.user;
      if (!user || typeof user.id !== 'string' || typeof user.name !== 'string') continue;
      const field = isStoryField(state.field) ? state.field : null;
      const isThisTab = clientId === doc.clientID;
      const existing = byId.get(user.id);
      if (existing) {
        // This tab knows best where you are; otherwise any field beats none.
        if (isThisTab || (!existing.field && field)) existing.field = field ?? existing.field;
        continue;
      }
      byId.set(user.id, {
        id: user.id,
        name: user.name,
        color: safeColor(user.color),
        initials: initials(user.name),
        field,
        isYou: user.id === this.me.id,
      });
    }
    return [...byId.values()].sort((a, b) => Number(b.isYou) - Number(a.isYou) || a.name.localeCompare(b.name));
  }

  /** The `meta` map the server writes on publish. */
  get meta(): StoryMeta {
    this.#subscribe();
    const meta = this.provider.doc.getMap(META_MAP);
    const text = (key: keyof StoryMeta) => {
      const value = meta.get(key);
      return typeof value === 'string' && value ? value : undefined;
    };
    const status = text('status');
    return {
      status: (STORY_STATUSES as readonly string[]).includes(status ?? '') ? (status as StoryStatus) : undefined,
      slug: text('slug'),
      publishedAt: text('publishedAt'),
      publishedBy: text('publishedBy'),
    };
  }

  /** Tells the others which field you are in. */
  enterField(field: StoryField): void {
    clearTimeout(this.#blurTimer);
    if (this.provider.awareness.getLocalState()?.field !== field) {
      this.provider.awareness.setLocalStateField('field', field);
    }
  }

  leaveField(field: StoryField): void {
    clearTimeout(this.#blurTimer);
    this.#blurTimer = setTimeout(() => {
      if (this.provider.awareness.getLocalState()?.field === field) this.provider.awareness.setLocalStateField('field', null);
    }, BLUR_GRACE_MS);
  }

  dismissError(): void {
    this.error = null;
  }

  /** Publication results from our own request show at once, before the broadcast arrives. */
  showPublication(publication: Publication): void {
    this.publication = publication;
  }

  destroy(): void {
    clearTimeout(this.#blurTimer);
    for (const off of this.#offProvider) off();
    this.provider.destroy();
    void this.#local.destroy();
  }
}
