import type Database from 'better-sqlite3';
import type { LogEntry } from '../StoryLogStore';
import type { UpdateAppender } from './UpdateAppender';

/** Compiled statements kept per connection: more than the stores' distinct SQL, so none is compiled twice. */
const STATEMENTS_KEPT = 500;

/** Something the connection keeps running until it is stopped or the connection closes (a watch's poll). */
type Running = { stop(): void };

/**
 * The SQLite store's main connection, as its aggregates (sqlite*.ts) use it. better-sqlite3 is
 * synchronous, so every method has committed by the time its promise resolves.
 *
 * Every write goes through `write`: one IMMEDIATE transaction which, when the store serves a server, runs
 * only while no append is in flight on the appender thread's connection (UpdateAppender.exclusive), so the
 * two connections never wait for each other's write lock. `prepare` refuses a statement that writes
 * anywhere else, so a write that forgot `write` fails the first time it runs instead of slipping past.
 */
export class SqliteConnection {
  readonly #db: Database.Database;
  readonly #appender: UpdateAppender | null;
  #writing = false;
  #running = new Set<Running>();
  /** Compiled statements by SQL, least recently used first: compiling cost more than running on hot reads. */
  readonly #statements = new Map<string, Database.Statement>();

  constructor(db: Database.Database, appender: UpdateAppender | null) {
    this.#db = db;
    this.#appender = appender;
  }

  /**
   * A statement on this connection, compiled once and kept. One that writes is refused outside `write`.
   * A kept statement comes back in its default mode, whatever a caller toggled (pluck, raw, expand).
   */
  prepare(sql: string): Database.Statement {
    const statement = this.#kept(sql);
    if (!statement.readonly && !this.#writing) throw new Error(`A write outside SqliteConnection.write: ${sql}`);
    if (statement.reader) statement.raw(false).expand(false).pluck(false);
    return statement;
  }

  #kept(sql: string): Database.Statement {
    let statement = this.#statements.get(sql);
    if (statement) this.#statements.delete(sql);
    else statement = this.#db.prepare(sql);
    this.#statements.set(sql, statement);
    if (this.#statements.size > STATEMENTS_KEPT) this.#statements.delete(this.#statements.keys().next().value!);
    return statement;
  }

  /** Runs `read` in one DEFERRED transaction: several reads that see one state of the database. */
  snapshot<T>(read: () => T): T {
    return this.#db.transaction(read).deferred();
  }

  /** Runs `work` in one IMMEDIATE transaction; once no append is in flight, when there is an appender thread. */
  write<T>(work: () => T): Promise<T> {
    const transaction = () => {
      const outer = this.#writing;
      this.#writing = true;
      try {
        return this.#db.transaction(work).immediate();
      } finally {
        this.#writing = outer;
      }
    };
    if (this.#appender) return this.#appender.exclusive(transaction);
    return new Promise((resolve) => resolve(transaction()));
  }

  /**
   * Appends to the story log: on the appender thread when the store serves a server (every keystroke's
   * commit, its fsync off the event loop), else as `inline`, a write on this connection.
   */
  append(entries: readonly LogEntry[], inline: () => number[]): Promise<number[]> {
    return this.#appender ? this.#appender.append(entries) : this.write(inline);
  }

  /** Keeps `running` until its stop (returned) or close(), whichever comes first. */
  keep(running: Running): () => Promise<void> {
    this.#running.add(running);
    return async () => {
      this.#running.delete(running);
      running.stop();
    };
  }

  async close(): Promise<void> {
    this.#running.forEach((running) => running.stop());
    this.#running.clear();
    await this.#appender?.close();
    if (this.#db.open) this.#db.close();
  }
}
