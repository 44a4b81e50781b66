import { type AccessChanged, type AccountStore, type StopWatching, type UserPatch, type UserRecord, changesAccess } from '../AccountStore';
import { type Row, toSession, toToken, toUser } from '../storeRows';
import type { SqliteConnection } from './SqliteConnection';

/** How often a server looks for access changes committed by any process (see watchAccessChanges). */
const ACCESS_POLL_MS = 250;
/** Rows read per look: more wait for the next one. */
const ACCESS_POLL_ROWS = 500;
/**
 * access_changes keeps the newest this many rows. A watcher looks 4 times a second; one that fell
 * further behind (a process stopped for a while) sees a gap in the ids and re-checks everyone.
 */
const ACCESS_CHANGES_KEPT = 1_000;

const USER_COLUMNS: Record<keyof UserPatch, string> = {
  name: 'name',
  role: 'role',
  passwordHash: 'password_hash',
  deactivatedAt: 'deactivated_at',
};

/** Users, sessions, API tokens and the access changes they make, on SQLite. */
export function sqliteAccounts(db: SqliteConnection): AccountStore {
  const countUsers = () => (db.prepare('SELECT COUNT(*) AS n FROM users').get() as { n: number }).n;

  const insertUser = (u: UserRecord) =>
    db
      .prepare(
        `INSERT INTO users (id, email, name, role, color, password_hash, created_at, deactivated_at)
         VALUES (@id, @email, @name, @role, @color, @passwordHash, @createdAt, @deactivatedAt)`,
      )
      .run(u);

  /** In the transaction of the change itself: a watcher never hears of a change that was not committed, nor misses one that was. */
  const recordAccessChange = (userId: string) => {
    const { lastInsertRowid } = db.prepare('INSERT INTO access_changes (user_id, at) VALUES (?, ?)').run(userId, new Date().toISOString());
    db.prepare('DELETE FROM access_changes WHERE id <= ?').run(Number(lastInsertRowid) - ACCESS_CHANGES_KEPT);
  };

  return {
    async countUsers() {
      return countUsers();
    },

    async createUser(u) {
      await db.write(() => insertUser(u));
    },

    async createFirstUser(u) {
      return db.write(() => {
        if (countUsers() > 0) return false;
        insertUser(u);
        return true;
      });
    },

    async getUserByEmail(email) {
      const row = db.prepare('SELECT * FROM users WHERE email = ?').get(email) as Row | undefined;
      return row && toUser(row);
    },

    async getUserById(id) {
      const row = db.prepare('SELECT * FROM users WHERE id = ?').get(id) as Row | undefined;
      return row && toUser(row);
    },

    async listUsers() {
      return (db.prepare('SELECT * FROM users ORDER BY name COLLATE NOCASE').all() as Row[]).map(toUser);
    },

    async updateUser(id, patch) {
      const keys = (Object.keys(patch) as (keyof UserPatch)[]).filter((k) => patch[k] !== undefined);
      if (keys.length === 0) return;
      const sets = keys.map((k) => `${USER_COLUMNS[k]} = @${k}`).join(', ');
      await db.write(() => {
        const { changes } = db.prepare(`UPDATE users SET ${sets} WHERE id = @id`).run({ ...patch, id });
        if (changes > 0 && changesAccess(patch)) recordAccessChange(id);
      });
    },

    async createSession(s) {
      await db.write(() =>
        db
          .prepare('INSERT INTO sessions (id_hash, user_id, created_at, expires_at) VALUES (@idHash, @userId, @createdAt, @expiresAt)')
          .run(s),
      );
    },

    async getSession(idHash) {
      const row = db.prepare('SELECT * FROM sessions WHERE id_hash = ?').get(idHash) as Row | undefined;
      return row && toSession(row);
    },

    async deleteSession(idHash) {
      await db.write(() => {
        const ended = db.prepare('DELETE FROM sessions WHERE id_hash = ? RETURNING user_id').all(idHash) as { user_id: string }[];
        for (const { user_id } of ended) recordAccessChange(user_id);
      });
    },

    async deleteUserSessions(userId, keepIdHash = '') {
      await db.write(() => {
        const { changes } = db.prepare('DELETE FROM sessions WHERE user_id = ? AND id_hash <> ?').run(userId, keepIdHash);
        if (changes > 0) recordAccessChange(userId);
      });
    },

    async createToken(t) {
      await db.write(() =>
        db
          .prepare(
            `INSERT INTO api_tokens (id, user_id, name, token_hash, created_at, last_used_at, revoked_at, scope)
             VALUES (@id, @userId, @name, @tokenHash, @createdAt, @lastUsedAt, @revokedAt, @scope)`,
          )
          .run(t),
      );
    },

    async getTokenByHash(tokenHash) {
      const row = db.prepare('SELECT * FROM api_tokens WHERE token_hash = ?').get(tokenHash) as Row | undefined;
      return row && toToken(row);
    },

    async listTokens(userId) {
      return (db.prepare('SELECT * FROM api_tokens WHERE user_id = ? ORDER BY created_at DESC').all(userId) as Row[]).map(toToken);
    },

    async revokeToken(id, userId, at) {
      return db.write(() => {
        const revoke = db.prepare('UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL');
        const revoked = revoke.run(at, id, userId).changes > 0;
        if (revoked) recordAccessChange(userId);
        return revoked;
      });
    },

    async touchToken(id, at) {
      await db.write(() => db.prepare('UPDATE api_tokens SET last_used_at = ? WHERE id = ?').run(at, id));
    },

    watchAccessChanges(listener, onError) {
      return watchAccessChanges(db, listener, onError);
    },
  };
}

/**
 * Polls access_changes by id. SQLite commits one writer at a time and AUTOINCREMENT ids are never
 * reused, so rows appear in id order without gaps: a gap means pruned rows this watcher never saw.
 */
function watchAccessChanges(
  db: SqliteConnection,
  listener: (changed: AccessChanged) => void,
  onError: (error: unknown) => void,
): StopWatching {
  const newer = db.prepare('SELECT id, user_id FROM access_changes WHERE id > ? ORDER BY id LIMIT ?');
  // Plucked at each use: the connection hands a kept statement back in its default mode to every caller.
  const head = () => db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'access_changes'").pluck().get() as number | undefined;
  let seen = head() ?? 0;
  const poll = () => {
    try {
      const rows = newer.all(seen, ACCESS_POLL_ROWS) as { id: number; user_id: string }[];
      if (rows.length === 0) return;
      if (rows[0].id > seen + 1) {
        // Everyone is re-checked now, against what is stored now: the rows up to here add nothing.
        seen = head() ?? seen;
        return listener('everyone');
      }
      seen = rows[rows.length - 1].id;
      listener([...new Set(rows.map((r) => r.user_id))]);
    } catch (error) {
      onError(error);
    }
  };
  const timer = setInterval(poll, ACCESS_POLL_MS);
  timer.unref();
  return db.keep({ stop: () => clearInterval(timer) });
}
