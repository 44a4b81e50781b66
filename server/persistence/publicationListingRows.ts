/**
 * What the SQL backends share of the public listings (PublicationStore): a filter as SQL conditions, the terms
 * and credits of live publications out of their rows, in one order on both backends.
 */
import type { PublicationCredit, PublicationFilter } from './PublicationStore';
import type { Row } from './storeRows';

/** Binds a value and answers its placeholder, in the backend's style. */
export type Param = (value: unknown) => string;

/** Each filter key's condition on `p` (publications), in one backend's SQL. */
export type PublicationFilterConditions = {
  [K in keyof PublicationFilter]-?: (value: NonNullable<PublicationFilter[K]>, param: Param) => string;
};

/** The live publications matching `filter`, as one SQL condition on `p`. */
export function filterSql(filter: PublicationFilter | undefined, conditions: PublicationFilterConditions, param: Param): string {
  const matching = (Object.entries(filter ?? {}) as [keyof PublicationFilter, unknown][])
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => (conditions[key] as (v: unknown, p: Param) => string)(value, param));
  return ['p.unpublished_at IS NULL', ...matching].join(' AND ');
}

/** `name` column values, distinct, in code-point order (the order SQLite's BINARY and Postgres's "C" compare in). */
export function termNames(rows: Row[]): string[] {
  const names = new Set(rows.map((r) => r.name).filter((name): name is string => typeof name === 'string' && name !== ''));
  return [...names].sort(codePointOrder);
}

/** JavaScript compares UTF-16 units, which puts U+10000 and above before U+E000–U+FFFF. */
function codePointOrder(a: string, b: string): number {
  for (let i = 0; i < a.length && i < b.length;) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x - y;
    i += x > 0xffff ? 2 : 1;
  }
  return a.length - b.length;
}

/** Credit rows (id, name), the latest publication's first: each account once, by the name it was last credited with. */
export function distinctCredits(rows: Row[]): PublicationCredit[] {
  const credits = new Map<string, PublicationCredit>();
  for (const { id, name } of rows) {
    if (typeof id === 'string' && typeof name === 'string' && !credits.has(id)) credits.set(id, { id, name });
  }
  return [...credits.values()];
}
