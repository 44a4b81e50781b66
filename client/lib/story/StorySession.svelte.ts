/**
 * One open story: the provider (Y.Doc + Awareness over the shared socket)
 * seen through reactive getters. The Yjs objects stay plain; each getter calls
 * `#subscribe()` so Svelte re-reads it when the provider, the awareness, the
 * reconnection or the browser's network state report a change, and listens
 * only while something is on screen. The Y.Doc is also kept in IndexedDB, so
 * the story opens and stays editable without a server. The story's workflow
 * (status, address, publication) is not in the document: it comes with the
 * join answer and every `story:workflow` after.
 */
import { createSubscriber } from 'svelte/reactivity';
import { IndexeddbPersistence } from 'y-indexeddb';
import * as Y from 'yjs';
import type { PublicUser } from '../../../shared/api';
import type { ErrorBody } from '../../../shared/errors';
import type { AwarenessUser, GalleyAwarenessState, StoryDamageNotice } from '../../../shared/protocol';
import { STORY_COLORS_ROOT, storyColor } from '../../../shared/personColors';
import { can, type Role } from '../../../shared/roles';
import { FIELD_LABELS, isStoryField, type StoryField } from '../../../shared/story';
import type { StoryWorkflow } from '../../../shared/workflow';
import { batched } from '../batched';
import type { CopiedText } from '../../../shared/provenanceClaim';
import type { FieldSession } from '../editor/LiveEditor.svelte';
import { draftDatabaseName } from '../localDrafts';
import { initials, safeColor } from '../people';
import { ProvenanceOutbox } from '../sync/ProvenanceOutbox';
import { SocketIOProvider } from '../sync/SocketIOProvider';
import type { ReconnectPolicy } from '../sync/ReconnectPolicy';
import { describeSaveState, type SaveState } from '../sync/saveState';
import { reconnectionOf, type GalleyClientSocket } from '../sync/socket';

export type Person = {
  id: string;
  name: string;
  color: string;
  initials: string;
  field: StoryField | null;
  /** The field they have typed in over the last few seconds. */
  typing: StoryField | null;
  /** Every tab of theirs has been without input for a few minutes. */
  away: boolean;
  isYou: boolean;
};

export type StorySessionOptions = {
  socket: GalleyClientSocket;
  storyId: string;
  user: PublicUser;
};

/** Refusals the provider retries by itself: their message no longer holds once everything is saved. */
const RETRIED: ReadonlySet<string> = new Set(['storage_failed', 'rate_limited']);

/** Lets a focus move between fields without a null flicker in everyone's presence bar. */
const BLUR_GRACE_MS = 150;

export class StorySession implements FieldSession {
  readonly provider: SocketIOProvider;
  readonly storyId: string;
  /** How this client appears to others (carets, presence). */
  readonly me: AwarenessUser;
  /**
   * The story's status, address and publication, as last heard from the
   * server (a join answer, a `story:workflow`, or the answer to our own
   * request); null until the server has answered once.
   */
  workflow = $state.raw<StoryWorkflow | null>(null);
  /** The latest error from the server about this story (join refused, edit rejected…). */
  error = $state.raw<ErrorBody | null>(null);

  /** This device's copy of the story. */
  readonly #local: IndexeddbPersistence;
  /** Which of our new text items copy which earlier ones, on their way to the server. */
  readonly #copies: ProvenanceOutbox;
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
    this.#copies = new ProvenanceOutbox(provider);
    provider.awareness.setLocalStateField('user', this.me);
    provider.awareness.setLocalStateField('field', null);

    this.#offProvider = [
      provider.on('change', () => {
        if (provider.synced) this.#wasLive = true;
        if (provider.role !== null && provider.canEdit) this.#couldEdit = true;
        // "Saving failed… will be retried" is out of date once the retry has saved everything.
        const saved = provider.synced && provider.unacknowledged === 0 && !provider.pendingOffline;
        if (saved && this.error && RETRIED.has(this.error.code)) this.error = null;
      }),
      provider.on('workflow', (workflow) => {
        this.workflow = workflow;
      }),
      provider.on('error', (error) => {
        // Held-back changes are explained by `heldBack`, not as an error each time the server answers.
        if (error.code !== 'incomplete') this.error = error;
      }),
    ];

    this.#subscribe = createSubscriber((notify) => {
      const update = batched(notify);
      const offChange = provider.on('change', update);
      const offReconnection = this.#reconnection?.on('change', update);
      provider.awareness.on('change', update);
      const colors = provider.doc.getMap(STORY_COLORS_ROOT);
      colors.observe(update);
      window.addEventListener('online', update);
      window.addEventListener('offline', update);
      return () => {
        offChange();
        offReconnection?.();
        provider.awareness.off('change', update);
        colors.unobserve(update);
        window.removeEventListener('online', update);
        window.removeEventListener('offline', update);
      };
    });
  }

  get role(): Role | null {
    this.#subscribe();
    return this.provider.role;
  }

  /** The server said at the last join that part of the story's stored history could not be read. */
  get damage(): StoryDamageNotice | null {
    this.#subscribe();
    return this.provider.damage;
  }

  /**
   * Decided by the server at join. Until it has answered (offline, say), the
   * account's role decides, so offline edits can be made and merged later.
   */
  get canEdit(): boolean {
    this.#subscribe();
    return this.provider.role === null ? this.#mayEdit : this.provider.canEdit;
  }

  /** Publishing, scheduling and unpublishing: the server's word on the role, while we may edit. */
  get mayPublish(): boolean {
    const role = this.role;
    return this.canEdit && role !== null && can(role, 'story:publish');
  }

  /** Before first publication writers and editors choose the address; after it, editors only. */
  get mayChooseSlug(): boolean {
    const { role, workflow } = this;
    return this.canEdit && role !== null && workflow !== null && can(role, workflow.publishedAt === null ? 'story:edit' : 'story:publish');
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

  /**
   * Some of our changes build on a co-editor's text that the server lost (a crash): they are kept here
   * and saved as soon as that person is back online.
   */
  get heldBack(): boolean {
    this.#subscribe();
    return this.provider.held !== null && this.hasUnsavedChanges;
  }

  /** The server refused to let us in at all (no such story, no access): there is nothing to edit. */
  get joinRefused(): ErrorBody | null {
    this.#subscribe();
    if (this.provider.role !== null) return null;
    // Why we are out (a refused join, the Trash) outlasts any later refusal of a send that was in flight.
    return this.provider.joinError ?? this.error;
  }

  /** Joined now, and the server has said who is in the story (so presence changes from here on are news). */
  get rosterKnown(): boolean {
    this.#subscribe();
    return this.provider.status === 'connected' && this.provider.rosterKnown;
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
      held: this.provider.held !== null,
    });
  }

  /**
   * A person's colour in this story, as the server assigned it when they joined (distinct from everyone
   * else's present: shared/personColors.ts); `fallback` (their account's) until it has.
   */
  colorOf(userId: string, fallback?: unknown): string {
    return storyColor(this.provider.doc, userId) ?? safeColor(typeof fallback === 'string' ? fallback : undefined);
  }

  /** An awareness `user` with its colour in this story. */
  inStoryColors<T extends { id?: unknown; color?: unknown }>(user: T): T {
    return typeof user.id === 'string' ? { ...user, color: this.colorOf(user.id, user.color) } : user;
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
      const typing = isStoryField(state.typing) ? state.typing : null;
      const away = state.away === true;
      const isThisTab = clientId === doc.clientID;
      const existing = byId.get(user.id);
      if (existing) {
        // This tab knows best where you are; otherwise any field beats none. Away only if every tab is.
        if (isThisTab || (!existing.field && field)) existing.field = field ?? existing.field;
        existing.typing ??= typing;
        existing.away &&= away;
        continue;
      }
      byId.set(user.id, {
        id: user.id,
        name: user.name,
        color: this.colorOf(user.id, user.color),
        initials: initials(user.name),
        field,
        typing,
        away,
        isYou: user.id === this.me.id,
      });
    }
    return [...byId.values()].sort((a, b) => Number(b.isYou) - Number(a.isYou) || a.name.localeCompare(b.name));
  }

  /** "Ana is rewriting the headline": someone else typed in the field in the last few seconds (a soft, non-blocking claim). */
  claimOn(field: StoryField): string | undefined {
    const names = this.people.filter((p) => !p.isYou && p.typing === field).map((p) => p.name);
    if (names.length === 0) return undefined;
    return `${names.join(' and ')} ${names.length === 1 ? 'is' : 'are'} rewriting the ${FIELD_LABELS[field].toLowerCase()}`;
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

  /**
   * Text we wrote again (a restore, an undo that brought text back) copies earlier text: the server is
   * told, once it has our copies, so the text stays its first author's (shared/provenance.ts).
   */
  claimCopies(copies: readonly CopiedText[]): void {
    this.#copies.claim(copies);
  }

  dismissError(): void {
    this.error = null;
  }

  /** The answer to our own workflow request shows at once, before the broadcast arrives. */
  showWorkflow(workflow: StoryWorkflow): void {
    this.workflow = workflow;
  }

  destroy(): void {
    clearTimeout(this.#blurTimer);
    for (const off of this.#offProvider) off();
    this.#copies.destroy();
    this.provider.destroy();
    void this.#local.destroy();
  }
}
