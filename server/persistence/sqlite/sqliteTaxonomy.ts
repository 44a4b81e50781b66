import type { TaxonomyTerm } from '../../../shared/taxonomy';
import type { Row } from '../storeRows';
import type { TaxonomyStore } from '../TaxonomyStore';
import type { SqliteConnection } from './SqliteConnection';

const toTerm = (r: Row): TaxonomyTerm => ({ id: r.id as string, name: r.name as string });

/** The sections and tags lists on SQLite: one row per name, unique by (kind, key). */
export function sqliteTaxonomy(db: SqliteConnection): TaxonomyStore {
  return {
    async listTerms(kind) {
      const rows = db.prepare('SELECT id, name FROM taxonomy_terms WHERE kind = ? ORDER BY key, id').all(kind) as Row[];
      return rows.map(toTerm);
    },

    async addTerm(term, max) {
      return db.write(() => {
        const count = db.prepare('SELECT COUNT(*) AS n FROM taxonomy_terms WHERE kind = ?').get(term.kind) as Row;
        if (Number(count.n) >= max) return 'full';
        const added = db
          .prepare('INSERT INTO taxonomy_terms (id, kind, name, key, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING')
          .run(term.id, term.kind, term.name, term.key, term.createdAt).changes;
        return added > 0 ? 'added' : 'taken';
      });
    },

    async renameTerm(kind, id, name, key) {
      return db.write(() => {
        const row = db.prepare('SELECT name FROM taxonomy_terms WHERE kind = ? AND id = ?').get(kind, id) as Row | undefined;
        if (!row) return 'missing';
        const other = db.prepare('SELECT 1 FROM taxonomy_terms WHERE kind = ? AND key = ? AND id <> ?').get(kind, key, id);
        if (other) return 'taken';
        db.prepare('UPDATE taxonomy_terms SET name = ?, key = ? WHERE id = ?').run(name, key, id);
        return { before: row.name as string };
      });
    },

    async removeTerm(kind, id) {
      return db.write(() => db.prepare('DELETE FROM taxonomy_terms WHERE kind = ? AND id = ?').run(kind, id).changes > 0);
    },
  };
}
