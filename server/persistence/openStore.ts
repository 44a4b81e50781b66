import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config';
import { PgStore } from './pg/PgStore';
import { SqliteStore } from './sqlite/SqliteStore';
import type { Store } from './Store';

type StoreConfig = Pick<Config, 'dataDir' | 'databaseUrl'>;

/** Names the store for people (no credentials): "SQLite at /srv/galley/data/galley.db", "Postgres at db.internal:5432/galley". */
export function describeStore(config: StoreConfig): string {
  if (!config.databaseUrl) return `SQLite at ${sqliteFile(config.dataDir)}`;
  const url = new URL(config.databaseUrl);
  return `Postgres at ${url.hostname}${url.port ? `:${url.port}` : ''}${url.pathname}`;
}

const sqliteFile = (dataDir: string) => path.join(dataDir, 'galley.db');

/** The configuration names a store that has no Galley data: most likely not the server's. */
export class StoreNotFoundError extends Error {}

export type OpenOptions = {
  /** SQLite appends move to a worker thread (see SqliteStore.openForServer); command-line tools do not need it. */
  forServer?: boolean;
  /**
   * Create the store when there is none yet. The server does (its first start makes it); tools by
   * default do not, so a wrong DATA_DIR or DATABASE_URL is an error instead of a new, empty store
   * that no server reads.
   */
  create?: boolean;
};

/**
 * Opens the store the configuration names. The one place that decides it, so the server, `npm run user`
 * and `npm run doctor` always work on the same data. Throws StoreNotFoundError when there is none and
 * `create` is off.
 */
export async function openStore(config: StoreConfig, { forServer = false, create = forServer }: OpenOptions = {}): Promise<Store> {
  if (!create && !(await storeExists(config))) throw notFound(config);
  if (config.databaseUrl) return PgStore.open(config.databaseUrl);
  return forServer ? SqliteStore.openForServer(config.dataDir) : SqliteStore.open(config.dataDir);
}

async function storeExists(config: StoreConfig): Promise<boolean> {
  return config.databaseUrl ? PgStore.exists(config.databaseUrl) : fs.existsSync(sqliteFile(config.dataDir));
}

function notFound(config: StoreConfig): StoreNotFoundError {
  const where = config.databaseUrl
    ? `${describeStore(config)} has no Galley tables. Set DATABASE_URL to the database the server uses`
    : `${describeStore(config)} does not exist. Set DATA_DIR to the server's data directory (or DATABASE_URL, if the server uses Postgres)`;
  return new StoreNotFoundError(`No Galley store here: ${where}.`);
}
