/**
 * Comment operations not yet accepted by the server, in the order they were
 * made. Kept in localStorage per user and story, so a comment written
 * offline survives a reload; sent one at a time, oldest first (a reply must
 * follow the thread it answers). Ids are made by the client, so sending an
 * operation again after a lost acknowledgement changes nothing on the server.
 *
 * Each change re-reads storage first: two tabs of the same story share one
 * outbox instead of overwriting each other's.
 */
import type { CommentOp } from '../../../shared/comments';
import type { Ack, ErrorBody, ErrorCode } from '../../../shared/errors';
import { COMMENT_OUTBOX_PREFIX } from '../localDrafts';

export type PendingOp = {
  /** This entry's own id (an edit may be queued twice for one message). */
  key: string;
  op: CommentOp;
  /** When it was made: the time a pending message shows. */
  at: string;
  /** Refusals of its anchor so far (see isRetryable). */
  anchorRefusals?: number;
};

/** Refusals that a later attempt may not get: the server could not save, or was not ready for us. */
const RETRYABLE: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['storage_failed', 'rate_limited', 'not_joined']);
/**
 * A new thread's anchor is refused as `invalid` while the server lacks the
 * text it points at (typed offline, saved by another tab…): tried again this
 * many times before it counts as refused for good.
 */
export const ANCHOR_RETRIES = 5;

function isRetryable(error: ErrorBody, entry: PendingOp): boolean {
  if (RETRYABLE.has(error.code)) return true;
  return error.code === 'invalid' && entry.op.type === 'start' && (entry.anchorRefusals ?? 0) < ANCHOR_RETRIES;
}

export type FlushResult = 'done' | 'retry' | 'busy';

type Send = (op: CommentOp) => Promise<Ack>;

export class CommentOutbox {
  readonly #storage: Storage | null;
  readonly #key: string;
  #memory: PendingOp[] = [];
  #flushing = false;

  constructor(
    storage: Storage | null,
    key: string,
    /** Told about every change of the queue. */
    private readonly onChange: (pending: readonly PendingOp[]) => void = () => {},
  ) {
    this.#storage = storage;
    this.#key = key;
  }

  get pending(): readonly PendingOp[] {
    return this.#read();
  }

  add(op: CommentOp, at = new Date().toISOString()): void {
    this.#write([...this.#read(), { key: crypto.randomUUID(), op, at }]);
  }

  /**
   * Sends the queue in order. An accepted operation leaves the queue; one
   * refused for good leaves it too and is reported; a retryable refusal or a
   * lost connection stops here with everything from it kept.
   */
  async flush(send: Send, onRefused: (error: ErrorBody, op: CommentOp) => void): Promise<FlushResult> {
    if (this.#flushing) return 'busy';
    this.#flushing = true;
    try {
      for (let head = this.#read()[0]; head; head = this.#read()[0]) {
        const answer = await send(head.op).catch((): Ack => ({ ok: false, error: { code: 'storage_failed', message: 'Not sent' } }));
        if (!answer.ok && isRetryable(answer.error, head)) {
          if (answer.error.code === 'invalid') this.#update(head.key, { anchorRefusals: (head.anchorRefusals ?? 0) + 1 });
          return 'retry';
        }
        this.#remove(head.key);
        if (!answer.ok) onRefused(answer.error, head.op);
      }
      return 'done';
    } finally {
      this.#flushing = false;
    }
  }

  #update(key: string, change: Partial<PendingOp>): void {
    this.#write(this.#read().map((entry) => (entry.key === key ? { ...entry, ...change } : entry)));
  }

  #remove(key: string): void {
    this.#write(this.#read().filter((entry) => entry.key !== key));
  }

  #read(): PendingOp[] {
    if (!this.#storage) return this.#memory;
    try {
      const raw = this.#storage.getItem(this.#key);
      return raw ? (JSON.parse(raw, reviveBytes) as PendingOp[]) : [];
    } catch {
      return this.#memory;
    }
  }

  #write(pending: PendingOp[]): void {
    this.#memory = pending;
    try {
      if (pending.length === 0) this.#storage?.removeItem(this.#key);
      else this.#storage?.setItem(this.#key, JSON.stringify(pending, storeBytes));
    } catch {
      // Storage full or disabled: the queue still lives in memory for this page.
    }
    this.onChange(pending);
  }
}

/** The localStorage key of one person's outbox for one story. */
export const outboxKey = (userId: string, storyId: string) => `${COMMENT_OUTBOX_PREFIX}${userId}:${storyId}`;

// Anchors are bytes; JSON keeps them as arrays of numbers.
function storeBytes(_key: string, value: unknown): unknown {
  return value instanceof Uint8Array ? { bytes: [...value] } : value;
}

function reviveBytes(_key: string, value: unknown): unknown {
  const bytes = (value as { bytes?: unknown } | null)?.bytes;
  return Array.isArray(bytes) && Object.keys(value as object).length === 1 ? new Uint8Array(bytes as number[]) : value;
}
