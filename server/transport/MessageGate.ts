import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { type ErrorCode, GalleyError } from '../../shared/errors';
import { COMMENT_LIMITS } from '../../shared/comments';
import { LIMITS } from '../../shared/limits';

export type MessageKind = 'sync' | 'awareness' | 'comment' | 'provenance';

/** Error codes that mean the client sent something it should not have. */
const BAD_INPUT: ReadonlySet<string> = new Set<ErrorCode>(['bad_request', 'invalid', 'forbidden', 'too_large', 'not_joined']);

export type MessageRates = { syncPerSecond: number; awarenessPerSecond: number; badPerMinute: number };

/** Limiters shared by every connection of a server, keyed by connection id. */
export class MessageLimits {
  readonly sync: RateLimiterMemory;
  readonly awareness: RateLimiterMemory;
  /** People type comments: a fixed rate, far above any person's, that still bounds a script. */
  readonly comment = new RateLimiterMemory({ points: COMMENT_LIMITS.opsPerSecond, duration: 1 });
  /** Provenance claims follow restores and undos: a fixed rate, far above a person's. */
  readonly provenance = new RateLimiterMemory({ points: LIMITS.claimsPerSecond, duration: 1 });
  readonly bad: RateLimiterMemory;

  constructor(rates: MessageRates) {
    this.sync = new RateLimiterMemory({ points: rates.syncPerSecond, duration: 1 });
    this.awareness = new RateLimiterMemory({ points: rates.awarenessPerSecond, duration: 1 });
    this.bad = new RateLimiterMemory({ points: rates.badPerMinute, duration: 60 });
  }

  /**
   * `maxBacklog`: messages that may wait for admission before new ones are refused. A transport that
   * stops reading a connection once its backlog is long (TCP backpressure) passes Infinity: its
   * messages are slowed, never dropped.
   */
  gate(connectionId: string, maxBacklog: number = LIMITS.maxMessageBacklog): MessageGate {
    return new MessageGate(this, connectionId, maxBacklog);
  }

  /** Forgets a closed connection's counters. */
  async forget(connectionId: string): Promise<void> {
    await Promise.all([
      this.sync.delete(connectionId),
      this.awareness.delete(connectionId),
      this.comment.delete(connectionId),
      this.provenance.delete(connectionId),
      this.bad.delete(connectionId),
    ]);
  }
}

/**
 * Admits one connection's inbound messages in arrival order. Over its rate a
 * connection waits (its own acks come later; nobody else is slowed); with
 * too long a queue it is refused outright. Also counts bad messages, so a
 * connection that keeps sending them can be closed.
 */
export class MessageGate {
  #queue: Promise<void> = Promise.resolve();
  #backlog = 0;

  constructor(
    private readonly limits: MessageLimits,
    private readonly key: string,
    private readonly maxBacklog: number,
  ) {}

  /** Messages received and not yet admitted. */
  get backlog(): number {
    return this.#backlog;
  }

  admit(kind: MessageKind): Promise<void> {
    if (this.#backlog >= this.maxBacklog) {
      return Promise.reject(new GalleyError('rate_limited', 'Too many messages; slow down'));
    }
    this.#backlog++;
    const turn = this.#queue.then(() => this.#waitForToken(kind));
    this.#queue = turn;
    return turn.finally(() => this.#backlog--);
  }

  async #waitForToken(kind: MessageKind): Promise<void> {
    for (;;) {
      try {
        await this.limits[kind].consume(this.key);
        return;
      } catch (result) {
        if (!(result instanceof RateLimiterRes)) throw result;
        await new Promise((resolve) => setTimeout(resolve, result.msBeforeNext));
      }
    }
  }

  /** Records a failed message; true when the connection has sent too many bad ones and should be closed. */
  async isAbusive(error: unknown): Promise<boolean> {
    if (!(error instanceof GalleyError) || !BAD_INPUT.has(error.code)) return false;
    try {
      await this.limits.bad.consume(this.key);
      return false;
    } catch (result) {
      if (result instanceof RateLimiterRes) return true;
      throw result;
    }
  }
}
