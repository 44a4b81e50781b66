import { type AccountStore, type UserPatch, type UserRecord, changesAccess } from '../AccountStore';
import { toSession, toToken, toUser } from '../storeRows';
import { FIRST_USER_LOCK, lock } from './advisoryLocks';
import { PgAccessWatch } from './PgAccessWatch';
import type { PgDatabase, Querier } from './PgDatabase';

/** access_changes keeps the newest this many rows: a record for the operator; delivery is by NOTIFY. */
const ACCESS_CHANGES_KEPT = 1_000;

const USER_COLUMNS: Record<keyof UserPatch, string> = {
  name: 'name',
  role: 'role',
  passwordHash: 'password_hash',
  deactivatedAt: 'deactivated_at',
};

const insertUser = (c: Querier, u: UserRecord) =>
  c.query(
    `INSERT INTO users (id, email, name, role, color, password_hash, created_at, deactivated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [u.id, u.email, u.name, u.role, u.color, u.passwordHash, u.createdAt, u.deactivatedAt],
  );

/** Users, sessions, API tokens and the access changes they make, on Postgres. */
export function pgAccounts(db: PgDatabase): AccountStore {
  // Channels are per database, so per schema here; cut to Postgres' 63-byte limit on names (schemas
  // sharing so long a prefix would only hear each other's changes).
  const channel = (db.schema ? `galley_access_${db.schema}` : 'galley_access').slice(0, 63);

  /**
   * Runs `write`, a statement RETURNING user_id (whose access it changes), and in the same statement —
   * so the same transaction — records each person in access_changes and notifies every listening node,
   * which Postgres does only once it commits. Resolves to how many people it changed.
   */
  const changingAccess = async (write: string, params: unknown[]): Promise<number> => {
    const at = params.length + 1;
    const channelParam = params.length + 2;
    const { rowCount } = await db.pool.query(
      `WITH changed AS (${write}),
       recorded AS (INSERT INTO access_changes (user_id, at) SELECT DISTINCT user_id, $${at}::text FROM changed RETURNING id),
       pruned AS (DELETE FROM access_changes WHERE id <= (SELECT MAX(id) FROM recorded) - ${ACCESS_CHANGES_KEPT})
       SELECT pg_notify($${channelParam}::text, user_id) FROM (SELECT DISTINCT user_id FROM changed) people`,
      [...params, new Date().toISOString(), channel],
    );
    return rowCount ?? 0;
  };

  return {
    async countUsers() {
      return Number((await db.row('SELECT COUNT(*) AS n FROM users'))!.n);
    },

    async createUser(u) {
      await insertUser(db.pool, u);
    },

    async createFirstUser(u) {
      // Two processes counting zero at once would both insert: the lock makes them take turns.
      return db.tx(async (c) => {
        await lock(c, FIRST_USER_LOCK);
        const { rows } = await c.query('SELECT EXISTS (SELECT 1 FROM users) AS taken');
        if (rows[0].taken) return false;
        await insertUser(c, u);
        return true;
      });
    },

    async getUserByEmail(email) {
      const row = await db.row('SELECT * FROM users WHERE email = $1', [email]);
      return row && toUser(row);
    },

    async getUserById(id) {
      const row = await db.row('SELECT * FROM users WHERE id = $1', [id]);
      return row && toUser(row);
    },

    async listUsers() {
      // lower() under the C collation folds ASCII only, like SQLite's NOCASE.
      return (await db.rows('SELECT * FROM users ORDER BY lower(name)')).map(toUser);
    },

    async updateUser(id, patch) {
      const keys = (Object.keys(patch) as (keyof UserPatch)[]).filter((k) => patch[k] !== undefined);
      if (keys.length === 0) return;
      const sets = keys.map((k, i) => `${USER_COLUMNS[k]} = $${i + 2}`).join(', ');
      const update = `UPDATE users SET ${sets} WHERE id = $1`;
      const params = [id, ...keys.map((k) => patch[k])];
      if (changesAccess(patch)) await changingAccess(`${update} RETURNING id AS user_id`, params);
      else await db.pool.query(update, params);
    },

    async createSession(s) {
      await db.pool.query('INSERT INTO sessions (id_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)', [
        s.idHash,
        s.userId,
        s.createdAt,
        s.expiresAt,
      ]);
    },

    async getSession(idHash) {
      const row = await db.row('SELECT * FROM sessions WHERE id_hash = $1', [idHash]);
      return row && toSession(row);
    },

    async deleteSession(idHash) {
      await changingAccess('DELETE FROM sessions WHERE id_hash = $1 RETURNING user_id', [idHash]);
    },

    async deleteUserSessions(userId, keepIdHash = '') {
      await changingAccess('DELETE FROM sessions WHERE user_id = $1 AND id_hash <> $2 RETURNING user_id', [userId, keepIdHash]);
    },

    async createToken(t) {
      await db.pool.query(
        `INSERT INTO api_tokens (id, user_id, name, token_hash, created_at, last_used_at, revoked_at, scope)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [t.id, t.userId, t.name, t.tokenHash, t.createdAt, t.lastUsedAt, t.revokedAt, t.scope],
      );
    },

    async getTokenByHash(tokenHash) {
      const row = await db.row('SELECT * FROM api_tokens WHERE token_hash = $1', [tokenHash]);
      return row && toToken(row);
    },

    async listTokens(userId) {
      return (await db.rows('SELECT * FROM api_tokens WHERE user_id = $1 ORDER BY created_at DESC', [userId])).map(toToken);
    },

    async revokeToken(id, userId, at) {
      const sql = 'UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL RETURNING user_id';
      return (await changingAccess(sql, [at, id, userId])) > 0;
    },

    async touchToken(id, at) {
      await db.pool.query('UPDATE api_tokens SET last_used_at = $1 WHERE id = $2', [at, id]);
    },

    /** One LISTEN connection per watch (a server has one: its LiveAccess). */
    watchAccessChanges(listener, onError) {
      return db.keep(new PgAccessWatch(db.connection, channel, listener, onError));
    },
  };
}
