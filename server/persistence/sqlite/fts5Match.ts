import type { SearchClause, SearchQuery, SearchTerm } from '../../../shared/searchQuery';

/**
 * A parsed search (shared/searchQuery.ts) as an FTS5 MATCH expression. Every word is a quoted string
 * made of letters and digits only, so nothing a person typed can be read as FTS5 syntax (NEAR, column
 * filters, ^, bare operators).
 */
export function fts5Match(query: SearchQuery): string {
  const wanted = query.clauses.filter((c) => !c.excluded).map(clause);
  return query.clauses.filter((c) => c.excluded).reduce((match, c) => `(${match}) NOT ${clause(c)}`, wanted.join(' AND '));
}

const term = (t: SearchTerm) => `"${t.words.join(' ')}"${t.prefix ? '*' : ''}`;
const clause = (c: SearchClause) => `(${c.anyOf.map(term).join(' OR ')})`;
