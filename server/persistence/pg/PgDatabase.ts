import type { ClientConfig, Pool, PoolClient } from 'pg';
import type { StopWatching } from '../AccountStore';
import type { Row } from '../storeRows';
import { withClient } from './pgSchema';

/** The pool, or one connection inside a transaction: what a statement runs on. */
export type Querier = Pick<PoolClient, 'query'>;

/** Something kept open until it is stopped or the store closes (a LISTEN connection). */
type Running = { stop(): Promise<void> };

/**
 * The Postgres store's way into its database, as its aggregates (pg*.ts) use it: the pool, and how
 * each process opens connections of its own.
 */
export class PgDatabase {
  readonly #pool: Pool;
  /** The pool, for statements that need no transaction of their own. */
  readonly pool: Querier;
  /** How to open a connection of its own (the LISTEN one), as the pool's are opened. */
  readonly connection: ClientConfig;
  /** The schema the store's tables are in (undefined: the search_path's default). */
  readonly schema: string | undefined;
  #running = new Set<Running>();
  #closed = false;

  constructor(pool: Pool, connection: ClientConfig, schema: string | undefined) {
    this.#pool = pool;
    this.pool = pool;
    this.connection = connection;
    this.schema = schema;
  }

  async rows(sql: string, params: unknown[] = []): Promise<Row[]> {
    return (await this.#pool.query(sql, params)).rows;
  }

  async row(sql: string, params: unknown[] = []): Promise<Row | undefined> {
    return (await this.rows(sql, params))[0];
  }

  async changes(sql: string, params: unknown[] = []): Promise<number> {
    return (await this.#pool.query(sql, params)).rowCount ?? 0;
  }

  /** BEGIN … COMMIT on one connection; ROLLBACK and rethrow if `fn` fails. */
  async tx<T>(fn: (c: PoolClient) => Promise<T>): Promise<T> {
    const outcome = await withClient(this.#pool, async (c) => {
      await c.query('BEGIN');
      try {
        const value = await fn(c);
        await c.query('COMMIT');
        return { ok: true as const, value };
      } catch (error) {
        // Rolled back cleanly, the connection goes back to the pool; if ROLLBACK throws, withClient drops it.
        await c.query('ROLLBACK');
        return { ok: false as const, error };
      }
    });
    if (!outcome.ok) throw outcome.error;
    return outcome.value;
  }

  /** Keeps `running` until its stop (returned) or close(), whichever comes first. */
  keep(running: Running): StopWatching {
    this.#running.add(running);
    return async () => {
      this.#running.delete(running);
      await running.stop();
    };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all([...this.#running].map((running) => running.stop()));
    await this.#pool.end();
  }
}
