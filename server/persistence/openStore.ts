import path from 'node:path';
import type { Config } from '../config';
import { PgStore } from './PgStore';
import { SqliteStore } from './SqliteStore';
import type { Store } from './Store';

type StoreConfig = Pick<Config, 'dataDir' | 'databaseUrl'>;

/** Which backend a process with this configuration uses: Postgres when DATABASE_URL is set, else SQLite under DATA_DIR. */
export function storeKind(config: StoreConfig): 'sqlite' | 'postgres' {
  return config.databaseUrl ? 'postgres' : 'sqlite';
}

/** Names the store for people (no credentials): "SQLite at /srv/galley/data/galley.db", "Postgres at db.internal:5432/galley". */
export function describeStore(config: StoreConfig): string {
  if (!config.databaseUrl) return `SQLite at ${path.join(config.dataDir, 'galley.db')}`;
  const url = new URL(config.databaseUrl);
  return `Postgres at ${url.hostname}${url.port ? `:${url.port}` : ''}${url.pathname}`;
}

/**
 * Opens the store the configuration names. The one place that decides it, so the server, `npm run user`
 * and `npm run doctor` always work on the same data. `forServer`: SQLite appends move to a worker thread
 * (see SqliteStore.openForServer); command-line tools do not need it.
 */
export async function openStore(config: StoreConfig, { forServer = false } = {}): Promise<Store> {
  if (config.databaseUrl) return PgStore.open(config.databaseUrl);
  return forServer ? SqliteStore.openForServer(config.dataDir) : SqliteStore.open(config.dataDir);
}
