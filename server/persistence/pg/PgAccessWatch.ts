import { Client, type ClientConfig } from 'pg';
import type { AccessChanged } from '../AccountStore';

/** The first wait before re-opening a lost LISTEN connection; doubled on each failure up to the most. */
const FIRST_RETRY_MS = 250;
const MOST_RETRY_MS = 5_000;
/** TCP keep-alive on the idle LISTEN connection, so a silently dropped one is noticed. */
const KEEP_ALIVE_MS = 10_000;

/**
 * PgStore's feed of access changes: one LISTEN connection, kept apart from the pool (a pooled connection
 * is handed to other queries and may be closed). Postgres delivers a NOTIFY to every listening session
 * when the notifying transaction commits, so every node hears every change, whichever process made it.
 * Notifications sent while the connection is down are lost: after every (re)connection the listener is
 * told 'everyone', so nothing that changed meanwhile goes unchecked.
 */
export class PgAccessWatch {
  /** The connection being opened or open; undefined while waiting to retry, and once stopped. */
  #client: Client | undefined;
  #retry: NodeJS.Timeout | undefined;
  #retryMs = FIRST_RETRY_MS;
  #stopped = false;

  constructor(
    private readonly connection: ClientConfig,
    private readonly channel: string,
    private readonly listener: (changed: AccessChanged) => void,
    private readonly onError: (error: unknown) => void,
  ) {
    void this.#connect();
  }

  async #connect(): Promise<void> {
    const client = new Client({ ...this.connection, keepAlive: true, keepAliveInitialDelayMillis: KEEP_ALIVE_MS });
    this.#client = client;
    client.on('error', (error) => this.#lost(client, error));
    client.on('end', () => this.#lost(client, new Error('the LISTEN connection closed')));
    client.on('notification', ({ channel, payload }) => {
      if (channel === this.channel && payload) this.listener([payload]);
    });
    try {
      await client.connect();
      // The channel is ours (galley_access, or with the schema's plain-identifier name): safe to quote as is.
      await client.query(`LISTEN "${this.channel}"`);
    } catch (error) {
      return this.#lost(client, error);
    }
    if (this.#client !== client) return;
    this.#retryMs = FIRST_RETRY_MS;
    this.listener('everyone');
  }

  #lost(client: Client, error: unknown): void {
    if (this.#client !== client) return;
    this.#client = undefined;
    client.end().catch(() => {});
    if (this.#stopped) return;
    this.onError(error);
    this.#retry = setTimeout(() => void this.#connect(), this.#retryMs);
    this.#retry.unref();
    this.#retryMs = Math.min(this.#retryMs * 2, MOST_RETRY_MS);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#retry);
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(() => {});
  }
}
