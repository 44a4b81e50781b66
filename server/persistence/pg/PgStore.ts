import { Client, type ClientConfig, Pool } from 'pg';
import type { Store } from '../Store';
import { pgAccounts } from './pgAccounts';
import { PgDatabase } from './PgDatabase';
import { pgMedia } from './pgMedia';
import { pgNotifications } from './pgNotifications';
import { pgSiteSettings } from './pgSiteSettings';
import { pgTaxonomy } from './pgTaxonomy';
import { indexUnsearchedPublications, pgPublications } from './pgPublications';
import { migrate, quoteIdentifier } from './pgSchema';
import { pgStories } from './pgStories';
import { pgStoryActivity } from './pgStoryActivity';
import { pgStorySearch } from './pgStorySearch';
import { pgStoryLog } from './pgStoryLog';
import { pgStoryRetention } from './pgStoryRetention';
import { pgWebhooks } from './pgWebhooks';

/**
 * The store for several server processes sharing one Postgres database, one file per aggregate beside
 * this one. Semantics mirror SqliteStore; where SQLite relies on its single writer, this uses row locks,
 * advisory locks (advisoryLocks.ts) and compare-and-set updates instead.
 */
export type PgStore = Store;

export const PgStore = {
  /** Connects and migrates. `schema` (created if missing) isolates one store's tables, e.g. per test. */
  async open(url: string, options: { schema?: string; max?: number } = {}): Promise<PgStore> {
    const { schema, max = 10 } = options;
    const connection = connectionConfig(url, schema);
    const pool = new Pool({ ...connection, max });
    // An idle connection lost (server restart, network) is dropped by the pool and replaced on demand;
    // without a listener the 'error' event would crash Node. Queries in flight reject on their own.
    pool.on('error', () => {});
    try {
      await migrate(pool, schema);
    } catch (error) {
      await pool.end();
      throw error;
    }
    const db = new PgDatabase(pool, connection, schema);
    try {
      await indexUnsearchedPublications(db);
    } catch (error) {
      await db.close();
      throw error;
    }
    return {
      ...pgAccounts(db),
      ...pgStoryLog(db),
      ...pgStories(db),
      ...pgPublications(db),
      ...pgMedia(db),
      ...pgNotifications(db),
      ...pgStorySearch(db),
      ...pgStoryActivity(db),
      ...pgTaxonomy(db),
      ...pgStoryRetention(db),
      ...pgWebhooks(db),
      ...pgSiteSettings(db),
      // Postgres has no whole-database check like SQLite's (data checksums and amcheck are the operator's).
      integrityCheck: async () => null,
      close: () => db.close(),
    };
  },

  /** Whether the database (or `schema`) at `url` holds a Galley store already: checked without creating anything. */
  async exists(url: string, schema?: string): Promise<boolean> {
    const client = new Client(connectionConfig(url, schema));
    // A refused or dropped connection rejects connect/query; the 'error' event must not crash the process.
    client.on('error', () => {});
    try {
      await client.connect();
      const { rows } = await client.query<{ found: boolean }>("SELECT to_regclass('schema_migrations') IS NOT NULL AS found");
      return rows[0].found;
    } finally {
      await client.end().catch(() => {});
    }
  },
};

/** The connection settings of every connection a store opens (its pool's, its LISTEN one, `exists`'). */
function connectionConfig(url: string, schema: string | undefined): ClientConfig {
  return {
    connectionString: url,
    application_name: schema ? `galley:${schema}` : 'galley',
    // The search_path is a connection parameter, so every connection gets it before its first query.
    ...(schema !== undefined && { options: `-c search_path=${quoteIdentifier(schema)}` }),
  };
}
