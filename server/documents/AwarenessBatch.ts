import type { Connection } from './StoryDocument';

/**
 * A story's awareness changes gathered over one turn of the event loop and sent as one message.
 *
 * Fifty people moving carets send hundreds of awareness updates a second, and forwarding each at once
 * costs one message (and one socket write) per update per recipient. Whatever arrived in the same turn
 * goes out together instead (setImmediate, so no timer delay is added: a busy loop makes bigger batches,
 * an idle one sends at once). The batch is sent to everyone but its sender when there is one sender;
 * otherwise to everyone, where a sender's own state comes back at the clock it already has, which
 * y-protocols ignores.
 */
export class AwarenessBatch {
  readonly #send: (clients: number[], except: Connection | null) => void;
  readonly #onError: (error: unknown) => void;
  #clients = new Set<number>();
  #senders = new Set<Connection | null>();
  #scheduled = false;

  /** `onError`: a failed send is reported there, never thrown out of the event loop's turn. */
  constructor(send: (clients: number[], except: Connection | null) => void, onError: (error: unknown) => void) {
    this.#send = send;
    this.#onError = onError;
  }

  add(clients: readonly number[], sender: Connection | null): void {
    for (const client of clients) this.#clients.add(client);
    this.#senders.add(sender);
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(this.#flush);
  }

  #flush = (): void => {
    this.#scheduled = false;
    const clients = [...this.#clients];
    const [first] = this.#senders;
    const except = this.#senders.size === 1 ? (first ?? null) : null;
    this.#clients = new Set();
    this.#senders = new Set();
    try {
      this.#send(clients, except);
    } catch (error) {
      this.#onError(error);
    }
  };
}
