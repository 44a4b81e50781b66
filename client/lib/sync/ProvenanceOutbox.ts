/**
 * Provenance claims on their way to the server (`story:provenance`, shared/provenanceClaim.ts): which
 * of this client's new text items copy which earlier ones, after a restore or an undo brought text
 * back. A claim can only be checked once the server has the copies, so each is sent once every local
 * change is saved; in batches within the limits; and again after a refusal that may pass (the server
 * could not save, the connection dropped, no answer). Kept in memory only: claims not sent before the
 * story is closed are lost, and that text stays attributed to whoever wrote it again.
 */
import type { Ack, ErrorCode } from '../../../shared/errors';
import { LIMITS } from '../../../shared/limits';
import type { CopiedText, ProvenanceResult } from '../../../shared/provenanceClaim';
import type { SocketIOProvider } from './SocketIOProvider';

/** An answer that has not come in this long counts as lost; the claim is sent again. */
const ACK_TIMEOUT_MS = 10_000;
/** Wait before trying again after a refusal that may pass. */
const RETRY_AFTER_MS = 2_000;
/** Refusals that a later attempt may not get. */
const RETRYABLE: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['storage_failed', 'rate_limited', 'not_joined', 'internal']);

export class ProvenanceOutbox {
  #queue: CopiedText[] = [];
  #flushing = false;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #destroyed = false;

  constructor(private readonly provider: SocketIOProvider) {}

  /** Claims that these new items copy those: sent as soon as the server has them. */
  claim(copies: readonly CopiedText[]): void {
    if (this.#destroyed || copies.length === 0) return;
    this.#queue.push(...copies.flatMap(withinLimit));
    void this.#flush();
  }

  /** Copies not yet acknowledged. */
  get pending(): number {
    return this.#queue.length;
  }

  async #flush(): Promise<void> {
    if (this.#flushing) return;
    this.#flushing = true;
    try {
      while (this.#queue.length > 0 && !this.#destroyed) {
        await this.provider.whenSaved();
        if (this.#destroyed) return;
        const batch = nextBatch(this.#queue);
        const answer = await this.#send(batch);
        if (!answer.ok && RETRYABLE.has(answer.error.code)) {
          this.#retryTimer = setTimeout(() => void this.#flush(), RETRY_AFTER_MS);
          return;
        }
        // Accepted, or refused for good (the person may no longer edit, the text is gone): either way, done with.
        this.#queue.splice(0, batch.length);
      }
    } finally {
      this.#flushing = false;
    }
  }

  #send(copies: CopiedText[]): Promise<Ack<ProvenanceResult>> {
    const { socket, storyId } = this.provider;
    return new Promise((resolve) => {
      socket
        .timeout(ACK_TIMEOUT_MS)
        .emit('story:provenance', storyId, { copies }, (timedOut: Error | null, answer: Ack<ProvenanceResult>) =>
          resolve(timedOut ? { ok: false, error: { code: 'internal', message: 'No answer' } } : answer),
        );
    });
  }

  destroy(): void {
    this.#destroyed = true;
    clearTimeout(this.#retryTimer);
    this.#queue = [];
  }
}

/** A copy longer than one claim may carry, cut into pieces that fit. */
function withinLimit(copy: CopiedText): CopiedText[] {
  const pieces: CopiedText[] = [];
  for (let offset = 0; offset < copy.length; offset += LIMITS.copiedCharsPerClaim) {
    pieces.push({
      to: { client: copy.to.client, clock: copy.to.clock + offset },
      from: { client: copy.from.client, clock: copy.from.clock + offset },
      length: Math.min(LIMITS.copiedCharsPerClaim, copy.length - offset),
    });
  }
  return pieces;
}

/** The first copies of the queue that fit in one claim. */
function nextBatch(queue: readonly CopiedText[]): CopiedText[] {
  let chars = 0;
  let count = 0;
  while (count < queue.length && count < LIMITS.copiesPerClaim && chars + queue[count].length <= LIMITS.copiedCharsPerClaim) {
    chars += queue[count].length;
    count++;
  }
  return queue.slice(0, count);
}
