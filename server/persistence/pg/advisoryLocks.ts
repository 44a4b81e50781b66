import type { Querier } from './PgDatabase';

/**
 * Transaction-scoped advisory locks, by name: released at COMMIT or ROLLBACK. The names of every
 * aggregate's locks are here, in one place, so two of them never share a key by accident.
 */
export const lock = (c: Querier, name: string) => c.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [name]);

export const FIRST_USER_LOCK = 'galley:first-user';
/** Addresses live in three tables (stories, publications, redirects): changes to them take turns. */
export const SLUG_LOCK = 'galley:slugs';
export const compactLock = (storyId: string) => `galley:compact:${storyId}`;
export const revisionsLock = (storyId: string) => `revisions:${storyId}`;
