/**
 * Postgres for tests: where it is, whether it is up, and throwaway schemas so each
 * store starts empty without needing a database of its own.
 */
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { PgStore } from '../../server/persistence/pg/PgStore';
import { quoteIdentifier } from '../../server/persistence/pg/pgSchema';

export const POSTGRES_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** The URL without its password, for messages. */
function shownUrl(): string {
  const url = new URL(POSTGRES_URL);
  if (url.password) url.password = '***';
  return url.toString();
}

/** Runs one statement on a connection of its own (outside any store). */
export async function queryPostgres<R extends Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<R[]> {
  const client = new Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 3000 });
  // A refused or dropped connection rejects connect/query; the 'error' event must not crash the test run.
  client.on('error', () => {});
  try {
    await client.connect();
    return (await client.query<R>(sql, params)).rows;
  } finally {
    await client.end().catch(() => {});
  }
}

export async function postgresAvailable(): Promise<boolean> {
  return queryPostgres('SELECT 1').then(
    () => true,
    () => false,
  );
}

/**
 * Whether the Postgres tests can run. Without Postgres they are skipped, with a message
 * saying so, on a developer's machine; in CI (CI set) that is an error, so they cannot
 * silently stop running. Use with `describe.skipIf(!(await requirePostgres()))`.
 */
export async function requirePostgres(): Promise<boolean> {
  if (await postgresAvailable()) return true;
  const reason = `Postgres is not reachable at ${shownUrl()} (set TEST_DATABASE_URL to point at one)`;
  if (process.env.CI && process.env.CI !== 'false') throw new Error(`${reason}; CI must run the Postgres tests.`);
  console.warn(`\n  ⚠ Skipping the Postgres tests: ${reason}.\n`);
  return false;
}

export const freshSchemaName = (): string => `galley_test_${randomBytes(6).toString('hex')}`;

export async function dropSchema(schema: string): Promise<void> {
  await queryPostgres(`DROP SCHEMA IF EXISTS ${quoteIdentifier(schema)} CASCADE`);
}

export type SchemaStore = { store: PgStore; schema: string; cleanup: () => Promise<void> };

/** A PgStore on a new, empty schema; `cleanup` closes it and drops the schema. */
export async function freshSchemaStore(options: { max?: number } = {}): Promise<SchemaStore> {
  const schema = freshSchemaName();
  const store = await PgStore.open(POSTGRES_URL, { ...options, schema }).catch(async (error: unknown) => {
    await dropSchema(schema);
    throw error;
  });
  return {
    store,
    schema,
    async cleanup() {
      await store.close();
      await dropSchema(schema);
    },
  };
}

/** A new, empty database (for server processes, which use a whole database); `drop` removes it. */
export async function createTestDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = freshSchemaName();
  await queryPostgres(`CREATE DATABASE ${quoteIdentifier(name)}`);
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    // FORCE: a killed server process may have left connections open.
    drop: async () => void (await queryPostgres(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`)),
  };
}
