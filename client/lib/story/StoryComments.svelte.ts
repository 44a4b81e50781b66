/**
 * One story's comment threads, live. Threads are read from the story's Y.Doc
 * (the root map `comments`, which only the server writes) and change for
 * everyone through the ordinary Yjs sync. This person's operations go to the
 * server as `story:comment` requests through an outbox: kept in order (and in
 * localStorage) while offline or refused for a reason that may pass, shown at
 * once as "Not sent yet", and sent once the connection is back and the server
 * has every text edit of ours (a new thread's anchor may point at text typed
 * offline, which must arrive first). Threads are re-read on every document
 * update, not only changes under `comments`: whether a thread is detached
 * depends on its text.
 */
import { ObservableV2 } from 'lib0/observable';
import { CommentOp, type CommentOpInput, readThreads, resolveAnchor, type SelectionAnchor } from '../../../shared/comments';
import type { Ack, ErrorBody } from '../../../shared/errors';
import { can } from '../../../shared/roles';
import type { StoryField } from '../../../shared/story';
import { batched } from '../batched';
import type { CommentHighlightState, HighlightedThread } from '../editor/commentHighlights';
import type { Member } from './commentMentions';
import { CommentOutbox, outboxKey, type PendingOp } from './CommentOutbox';
import { type ThreadView, withPending } from './commentThreads';
import type { StorySession } from './StorySession.svelte';

/** An answer that has not come in this long counts as lost; the operation is sent again later. */
const ACK_TIMEOUT_MS = 10_000;
/** Wait before trying again after a refusal that may pass. */
const RETRY_AFTER_MS = 2_000;

type Reveal = (start: Uint8Array, end: Uint8Array) => boolean;
export type NewAnchor = SelectionAnchor & { field: StoryField };

export class StoryComments implements CommentHighlightState {
  /** Every thread, oldest first, with this person's unsent operations applied. */
  threads = $state.raw<ThreadView[]>([]);
  /** The thread being looked at: highlighted more strongly, expanded in the sidebar. */
  activeId = $state<string | null>(null);
  panelOpen = $state(false);
  /** The field whose text is selected (what "Comment" would comment on), or null. */
  selectedField = $state<StoryField | null>(null);
  /** The selection a new thread is being written about ("Comment" was pressed), or null. */
  draft = $state.raw<NewAnchor | null>(null);
  /** The latest refusal of one of our operations, for an alert. */
  error = $state<string | null>(null);

  readonly #session: StorySession;
  readonly #outbox: CommentOutbox;
  #pending: readonly PendingOp[] = [];
  #anchorOf: (() => SelectionAnchor | null) | null = null;
  readonly #events = new ObservableV2<{ change: () => void }>();
  /** The threads the editors last drew. */
  #drawn = '';
  #reveals = new Map<StoryField, Reveal>();
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #offProvider: () => void;
  #refresh = batched(() => this.#read());

  constructor(session: StorySession) {
    this.#session = session;
    const storage = typeof localStorage === 'undefined' ? null : localStorage;
    this.#outbox = new CommentOutbox(storage, outboxKey(session.me.id, session.storyId), (pending) => {
      this.#pending = pending;
      this.#refresh();
    });
    this.#pending = this.#outbox.pending;
    const { provider } = session;
    provider.doc.on('update', this.#refresh);
    const flushSoon = batched(() => void this.#flush());
    this.#offProvider = provider.on('change', flushSoon);
    this.#read();
    flushSoon();
  }

  get openThreads(): ThreadView[] {
    return this.threads.filter((t) => t.resolved === null);
  }

  get resolvedThreads(): ThreadView[] {
    return this.threads.filter((t) => t.resolved !== null);
  }

  /** Writers, editors and admins resolve and reopen (the server's word once joined, else the account's role). */
  get mayResolve(): boolean {
    const role = this.#session.role;
    return role !== null ? can(role, 'story:edit') : this.#session.canEdit;
  }

  /** Everyone who wrote a comment here, for @mentions. */
  get commenters(): Member[] {
    const byId = new Map(this.threads.flatMap((t) => t.messages).map((m) => [m.authorId, { id: m.authorId, name: m.authorName }]));
    return [...byId.values()];
  }

  #read(): void {
    const doc = this.#session.provider.doc;
    this.threads = withPending(readThreads(doc), this.#pending, this.#session.me).map((thread) => ({
      ...thread,
      detached: resolveAnchor(doc, thread) === null,
    }));
    if (this.activeId && !this.threads.some((t) => t.id === this.activeId)) this.activeId = null;
    // Redraw the highlights only when which threads are drawn changes: typing moves them by itself.
    const drawn = this.threads
      .filter((t) => t.resolved === null && !t.detached)
      .map((t) => t.id)
      .join();
    if (drawn !== this.#drawn) {
      this.#drawn = drawn;
      this.#changed();
    }
  }

  // ---- Editors (commentHighlights) ----

  /** The open, attached threads of a field: what its editor highlights. */
  highlighted(field: StoryField): HighlightedThread[] {
    return this.threads
      .filter((t) => t.field === field && t.resolved === null && !t.detached)
      .map((t) => ({ id: t.id, start: t.start, end: t.end, active: t.id === this.activeId }));
  }

  /** An editor's selection changed while it held the page's selection. */
  selected(field: StoryField, anchorOf: (() => SelectionAnchor | null) | null): void {
    this.#anchorOf = anchorOf;
    this.selectedField = anchorOf ? field : null;
  }

  /** "Comment": takes the selected text as the new thread's anchor now (before more edits move it) and opens the composer. */
  compose(): void {
    const field = this.selectedField;
    const anchor = this.#anchorOf?.();
    if (!field || !anchor) return;
    this.draft = { field, ...anchor };
    this.panelOpen = true;
  }

  cancelDraft(): void {
    this.draft = null;
  }

  attachField(field: StoryField, reveal: Reveal): () => void {
    this.#reveals.set(field, reveal);
    return () => {
      if (this.#reveals.get(field) === reveal) this.#reveals.delete(field);
    };
  }

  /** Editors redraw their highlights when threads or the active thread change. */
  onChange(listener: () => void): () => void {
    this.#events.on('change', listener);
    return () => this.#events.off('change', listener);
  }

  #changed(): void {
    this.#events.emit('change', []);
  }

  /** A highlight was clicked: show its thread. */
  open(threadId: string): void {
    this.activeId = threadId;
    this.panelOpen = true;
    this.#changed();
  }

  /** A thread was chosen in the sidebar: make it active and select its text in the field. */
  show(thread: ThreadView): void {
    this.activeId = thread.id;
    this.#changed();
    if (!thread.detached) this.#reveals.get(thread.field)?.(thread.start, thread.end);
  }

  // ---- Operations ----

  /** Starts a thread on the draft's text. */
  start(body: string, mentions: string[]): boolean {
    if (!this.draft) return false;
    const threadId = crypto.randomUUID();
    if (!this.#enqueue({ type: 'start', threadId, messageId: crypto.randomUUID(), ...this.draft, body, mentions })) return false;
    this.draft = null;
    this.activeId = threadId;
    this.#changed();
    return true;
  }

  reply(threadId: string, body: string, mentions: string[]): boolean {
    return this.#enqueue({ type: 'reply', threadId, messageId: crypto.randomUUID(), body, mentions });
  }

  edit(threadId: string, messageId: string, body: string, mentions: string[]): boolean {
    return this.#enqueue({ type: 'edit', threadId, messageId, body, mentions });
  }

  remove(threadId: string, messageId: string): boolean {
    return this.#enqueue({ type: 'delete', threadId, messageId });
  }

  resolve(threadId: string): boolean {
    return this.#enqueue({ type: 'resolve', threadId });
  }

  reopen(threadId: string): boolean {
    return this.#enqueue({ type: 'reopen', threadId });
  }

  dismissError(): void {
    this.error = null;
  }

  /** Checked here as the server will check it, so a mistake is shown at once rather than after a round trip. */
  #enqueue(input: CommentOpInput): boolean {
    const parsed = CommentOp.safeParse(input);
    if (!parsed.success) {
      this.error = parsed.error.issues[0]?.message ?? 'This comment cannot be sent.';
      return false;
    }
    this.error = null;
    this.#outbox.add(parsed.data);
    void this.#flush();
    return true;
  }

  /** Joined, synced, and the server has every text edit of ours (anchors may point at them). */
  #ready(): boolean {
    const { provider } = this.#session;
    const unsavedText = provider.unacknowledged > 0 || (provider.pendingOffline && provider.canEdit);
    return provider.status === 'connected' && provider.synced && !unsavedText;
  }

  async #flush(): Promise<void> {
    if (!this.#ready() || this.#retryTimer) return;
    const result = await this.#outbox.flush(
      (op) => this.#send(op),
      (error) => this.#refused(error),
    );
    if (result === 'retry') {
      this.#retryTimer = setTimeout(() => {
        this.#retryTimer = undefined;
        void this.#flush();
      }, RETRY_AFTER_MS);
    }
  }

  #send(op: CommentOp): Promise<Ack> {
    const { socket, storyId } = this.#session.provider;
    if (!this.#ready()) return Promise.resolve({ ok: false, error: { code: 'not_joined', message: 'Not connected' } });
    return new Promise((resolve) => {
      socket.timeout(ACK_TIMEOUT_MS).emit('story:comment', storyId, op, (timedOut: Error | null, answer: Ack) => {
        resolve(timedOut ? { ok: false, error: { code: 'not_joined', message: 'No answer' } } : answer);
      });
    });
  }

  #refused(error: ErrorBody): void {
    this.error = `A comment could not be saved: ${error.message}`;
  }

  destroy(): void {
    clearTimeout(this.#retryTimer);
    this.#session.provider.doc.off('update', this.#refresh);
    this.#offProvider();
    this.#events.destroy();
    this.#reveals.clear();
  }
}
