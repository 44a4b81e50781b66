/**
 * Looks through every table of a store's database, straight in SQL, for rows that hold some text (a story id) in
 * any column: what "a purge leaves no row of the story anywhere" is checked with, in the contract suite
 * (StoreFactory.rowsMentioning) and the browser test. Tables are listed from the database itself, so a table added
 * later is looked through too.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { Client } from 'pg';
import { quoteIdentifier } from '../../server/persistence/pg/pgSchema';
import { POSTGRES_URL } from './postgres';

const quoted = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** In `<dataDir>/galley.db`: the tables with a row mentioning `text`, and each FTS5 index still holding words of a row gone. */
export function sqliteRowsMentioning(dataDir: string, text: string): string[] {
  const db = new Database(path.join(dataDir, 'galley.db'), { readonly: true, fileMustExist: true });
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[];
    const found = tables
      .map((t) => t.name)
      .filter((table) => {
        const columns = (db.prepare(`PRAGMA table_info(${quoted(table)})`).all() as { name: string }[]).map((c) => c.name);
        const where = columns.map((c) => `CAST(${quoted(c)} AS TEXT) LIKE '%' || ? || '%'`).join(' OR ');
        return columns.length > 0 && db.prepare(`SELECT 1 FROM ${quoted(table)} WHERE ${where} LIMIT 1`).get(...columns.map(() => text));
      });
    // Each FTS5 index's own record of the rows it holds words of: none may outlive its row of the text table.
    const stale = (index: string, table: string) =>
      (db.prepare(`SELECT COUNT(*) AS n FROM ${index}_docsize WHERE id NOT IN (SELECT id FROM ${table})`).get() as { n: number }).n > 0;
    return [
      ...found,
      ...(stale('story_search', 'story_text') ? ['story_search (stale index entries)'] : []),
      ...(stale('publication_search', 'publication_text') ? ['publication_search (stale index entries)'] : []),
    ];
  } finally {
    db.close();
  }
}

/** In a Postgres schema: the tables with a row mentioning `text` in any column. */
export async function pgRowsMentioning(schema: string, text: string): Promise<string[]> {
  const client = new Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    const { rows } = await client.query<{ table_name: string; column_name: string }>(
      `SELECT c.table_name, c.column_name FROM information_schema.columns c
       JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
       WHERE c.table_schema = $1 AND t.table_type = 'BASE TABLE' ORDER BY c.table_name, c.ordinal_position`,
      [schema],
    );
    const columns = new Map<string, typeof rows>();
    for (const r of rows) columns.set(r.table_name, [...(columns.get(r.table_name) ?? []), r]);
    const found: string[] = [];
    for (const [table, cols] of columns) {
      const where = cols.map((c) => `${quoted(c.column_name)}::text LIKE '%' || $1 || '%'`).join(' OR ');
      const hit = await client.query(`SELECT 1 FROM ${quoteIdentifier(schema)}.${quoted(table)} WHERE ${where} LIMIT 1`, [text]);
      if ((hit.rowCount ?? 0) > 0) found.push(table);
    }
    return found;
  } finally {
    await client.end();
  }
}
