import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Store } from '../Store';
import { sqliteAccounts } from './sqliteAccounts';
import { SqliteConnection } from './SqliteConnection';
import { mediaFilesIn, type MediaFiles } from './MediaFiles';
import { sqliteMedia } from './sqliteMedia';
import { sqliteNotifications } from './sqliteNotifications';
import { sqliteSiteSettings } from './sqliteSiteSettings';
import { sqliteTaxonomy } from './sqliteTaxonomy';
import { indexUnsearchedPublications, sqlitePublications } from './sqlitePublications';
import { SQLITE_MIGRATIONS } from './sqliteSchema';
import { sqliteStories } from './sqliteStories';
import { sqliteStoryActivity } from './sqliteStoryActivity';
import { sqliteStorySearch } from './sqliteStorySearch';
import { sqliteStoryLog } from './sqliteStoryLog';
import { sqliteStoryRetention } from './sqliteStoryRetention';
import { UpdateAppender } from './UpdateAppender';
import { sqliteWebhooks } from './sqliteWebhooks';

/** How long a connection waits for another's write lock (another process's, or a migration's). */
const BUSY_TIMEOUT_MS = 5_000;

type SqliteOptions = { busyTimeoutMs?: number };

/** The embedded default store: `<dataDir>/galley.db`, one file per aggregate beside this one. */
export type SqliteStore = Store;

export const SqliteStore = {
  /** Opens (creating if needed) `<dataDir>/galley.db`; ':memory:' for throwaway stores. */
  open(dataDir: string | ':memory:', options: SqliteOptions = {}): SqliteStore {
    return compose(openDatabase(dataDir, options), null, mediaFilesIn(dataDir));
  },

  /**
   * Opens the store for a server: as `open`, with update appends (every keystroke's commit)
   * moved to a worker thread so their fsyncs never stall the event loop. A throwaway
   * ':memory:' store keeps them inline (a second connection could not see it).
   */
  async openForServer(dataDir: string | ':memory:', options: SqliteOptions = {}): Promise<SqliteStore> {
    const db = openDatabase(dataDir, options);
    if (dataDir === ':memory:') return compose(db, null, mediaFilesIn(dataDir));
    return compose(db, await UpdateAppender.start(db.name, options.busyTimeoutMs ?? BUSY_TIMEOUT_MS), mediaFilesIn(dataDir));
  },
};

function compose(db: Database.Database, appender: UpdateAppender | null, files: MediaFiles): SqliteStore {
  const connection = new SqliteConnection(db, appender);
  return {
    ...sqliteAccounts(connection),
    ...sqliteStoryLog(connection),
    ...sqliteStories(connection),
    ...sqlitePublications(connection),
    ...sqliteMedia(connection, files),
    ...sqliteNotifications(connection),
    ...sqliteStorySearch(connection),
    ...sqliteStoryActivity(connection),
    ...sqliteTaxonomy(connection),
    ...sqliteStoryRetention(connection),
    ...sqliteWebhooks(connection),
    ...sqliteSiteSettings(connection),
    integrityCheck: async () => integrityCheck(db),
    close: () => connection.close(),
  };
}

function openDatabase(dataDir: string | ':memory:', { busyTimeoutMs = BUSY_TIMEOUT_MS }: SqliteOptions): Database.Database {
  const file = dataDir === ':memory:' ? ':memory:' : path.join(dataDir, 'galley.db');
  if (dataDir !== ':memory:') fs.mkdirSync(dataDir, { recursive: true });
  const db = new Database(file);
  // First, so everything after waits for another process's lock instead of failing.
  db.pragma(`busy_timeout = ${busyTimeoutMs}`);
  useWal(db);
  // FULL: an acknowledged edit survives power loss, not only a process crash.
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  migrate(db);
  indexUnsearchedPublications(db);
  return db;
}

function integrityCheck(db: Database.Database): string[] {
  try {
    const rows = db.pragma('integrity_check') as { integrity_check: string }[];
    return rows.map((r) => r.integrity_check).filter((line) => line !== 'ok');
  } catch (error) {
    // Damage bad enough to stop the check is its answer too.
    if (['SQLITE_CORRUPT', 'SQLITE_NOTADB'].includes((error as { code?: string }).code ?? '')) return [(error as Error).message];
    throw error;
  }
}

/** Versions are read inside the write transaction: processes starting together migrate once, one after another. */
function migrate(db: Database.Database): void {
  db.transaction(() => {
    const current = db.pragma('user_version', { simple: true }) as number;
    for (let version = current; version < SQLITE_MIGRATIONS.length; version++) {
      db.exec(SQLITE_MIGRATIONS[version]);
    }
    if (current < SQLITE_MIGRATIONS.length) db.pragma(`user_version = ${SQLITE_MIGRATIONS.length}`);
  }).immediate();
}

const WAL_ATTEMPTS = 50;

/**
 * Switching a new database to WAL needs an exclusive lock that SQLite does not wait for
 * (busy_timeout does not apply), so processes opening one new file together retry.
 */
function useWal(db: Database.Database): void {
  for (let attempt = 1; ; attempt++) {
    try {
      db.pragma('journal_mode = WAL');
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== 'SQLITE_BUSY' || attempt >= WAL_ATTEMPTS) throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20 + Math.random() * 30);
    }
  }
}
