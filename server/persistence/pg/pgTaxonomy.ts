import type { TaxonomyTerm } from '../../../shared/taxonomy';
import type { Row } from '../storeRows';
import type { TaxonomyStore } from '../TaxonomyStore';
import type { PgDatabase } from './PgDatabase';

const toTerm = (r: Row): TaxonomyTerm => ({ id: r.id as string, name: r.name as string });
const UNIQUE_VIOLATION = '23505';

/** The sections and tags lists on Postgres: one row per name, unique by (kind, key). */
export function pgTaxonomy(db: PgDatabase): TaxonomyStore {
  return {
    async listTerms(kind) {
      return (await db.rows('SELECT id, name FROM taxonomy_terms WHERE kind = $1 ORDER BY key, id', [kind])).map(toTerm);
    },

    async addTerm(term, max) {
      return db.tx(async (c) => {
        // One adder per list at a time, so the count holds until the insert.
        await c.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`galley:taxonomy:${term.kind}`]);
        const { rows } = await c.query<{ n: string }>('SELECT COUNT(*) AS n FROM taxonomy_terms WHERE kind = $1', [term.kind]);
        if (Number(rows[0]?.n) >= max) return 'full';
        const added = await c.query(
          'INSERT INTO taxonomy_terms (id, kind, name, key, created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING',
          [term.id, term.kind, term.name, term.key, term.createdAt],
        );
        return (added.rowCount ?? 0) > 0 ? 'added' : 'taken';
      });
    },

    async renameTerm(kind, id, name, key) {
      try {
        const row = await db.row(
          `UPDATE taxonomy_terms t SET name = $3, key = $4 FROM taxonomy_terms old
           WHERE t.kind = $1 AND t.id = $2 AND old.id = t.id RETURNING old.name AS before`,
          [kind, id, name, key],
        );
        return row ? { before: row.before as string } : 'missing';
      } catch (error) {
        if ((error as { code?: string }).code === UNIQUE_VIOLATION) return 'taken';
        throw error;
      }
    },

    async removeTerm(kind, id) {
      return (await db.changes('DELETE FROM taxonomy_terms WHERE kind = $1 AND id = $2', [kind, id])) > 0;
    },
  };
}
