import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { StoryStatus } from '../../shared/workflow';
import type {
  DeletionRecord,
  DueSchedule,
  LogEntry,
  PublicationRecord,
  PublicationRevision,
  RevisionRecord,
  SessionRecord,
  StatusChange,
  Store,
  StoredLog,
  StoryRecord,
  TokenRecord,
  UserPatch,
  UserRecord,
  CommentSummary,
  AccessChanged,
  StopWatching,
  DamagedRow,
} from './Store';
import { changesAccess } from './Store';
import { type Row, toDeletion, toPublication, toRevision, toSession, toStory, toStoryListing, toToken, toUser } from './storeRows';
import { toDamagedStories, toQuarantineEntry, toStoryDamage } from './storeRows';
import { INSERT_DELETION, SQLITE_MIGRATIONS } from './sqliteSchema';
import { UpdateAppender } from './UpdateAppender';

/**
 * The embedded default store. better-sqlite3 is synchronous, so every method
 * has committed by the time its promise resolves.
 */
/** How long a connection waits for another's write lock (another process's, or a migration's). */
const BUSY_TIMEOUT_MS = 5_000;

export type SqliteOptions = { busyTimeoutMs?: number };

/** How often a server looks for access changes committed by any process (see watchAccessChanges). */
const ACCESS_POLL_MS = 250;
/** Rows read per look: more wait for the next one. */
const ACCESS_POLL_ROWS = 500;
/**
 * access_changes keeps the newest this many rows. A watcher looks 4 times a second; one that fell
 * further behind (a process stopped for a while) sees a gap in the ids and re-checks everyone.
 */
const ACCESS_CHANGES_KEPT = 1_000;

/** The methods that write (everything but `appendUpdates`, which the appender thread does). */
const WRITES = [
  'createUser',
  'createFirstUser',
  'updateUser',
  'deleteUserSessions',
  'createToken',
  'revokeToken',
  'touchToken',
  'createSession',
  'deleteSession',
  'createStory',
  'touchStory',
  'compact',
  'quarantine',
  'markDamageReviewed',
  'claimClients',
  'changeStatus',
  'setSlug',
  'savePublication',
  'saveVersion',
  'recordRestored',
  'unpublish',
  'claimDueSchedules',
] as const satisfies readonly (keyof Store)[];

export class SqliteStore implements Store {
  readonly #db: Database.Database;
  /** Appends updates from a worker thread, when the store serves a running server. */
  #appender: UpdateAppender | null = null;
  /** Stops each running watchAccessChanges poll. */
  #watches = new Set<() => void>();

  private constructor(db: Database.Database) {
    this.#db = db;
  }

  /**
   * Opens the store for a server: as `open`, with update appends (every keystroke's commit)
   * moved to a worker thread so their fsyncs never stall the event loop. A throwaway
   * ':memory:' store keeps them inline (a second connection could not see it).
   */
  static async openForServer(dataDir: string | ':memory:', options: SqliteOptions = {}): Promise<SqliteStore> {
    const store = SqliteStore.open(dataDir, options);
    if (dataDir === ':memory:') return store;
    const appender = await UpdateAppender.start(store.#db.name, options.busyTimeoutMs ?? BUSY_TIMEOUT_MS);
    store.#appender = appender;
    // Every method's database work is synchronous, so running the call inside `exclusive` runs all of it there.
    for (const name of WRITES) {
      const write = store[name].bind(store) as (...args: unknown[]) => Promise<unknown>;
      Object.defineProperty(store, name, {
        value: (...args: unknown[]) => appender.exclusive(() => write(...args)),
        writable: true,
        configurable: true,
      });
    }
    return store;
  }

  /** Opens (creating if needed) `<dataDir>/galley.db`; ':memory:' for throwaway stores. */
  static open(dataDir: string | ':memory:', { busyTimeoutMs = BUSY_TIMEOUT_MS }: SqliteOptions = {}): SqliteStore {
    const file = dataDir === ':memory:' ? ':memory:' : path.join(dataDir, 'galley.db');
    if (dataDir !== ':memory:') fs.mkdirSync(dataDir, { recursive: true });
    const db = new Database(file);
    // First, so everything after waits for another process's lock instead of failing.
    db.pragma(`busy_timeout = ${busyTimeoutMs}`);
    useWal(db);
    // FULL: an acknowledged edit survives power loss, not only a process crash.
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    migrate(db);
    return new SqliteStore(db);
  }

  #countUsers(): number {
    return (this.#db.prepare('SELECT COUNT(*) AS n FROM users').get() as { n: number }).n;
  }

  async countUsers() {
    return this.#countUsers();
  }

  #insertUser(u: UserRecord): void {
    this.#db
      .prepare(
        `INSERT INTO users (id, email, name, role, color, password_hash, created_at, deactivated_at)
         VALUES (@id, @email, @name, @role, @color, @passwordHash, @createdAt, @deactivatedAt)`,
      )
      .run(u);
  }

  async createUser(u: UserRecord) {
    this.#insertUser(u);
  }

  async createFirstUser(u: UserRecord) {
    return this.#db
      .transaction(() => {
        if (this.#countUsers() > 0) return false;
        this.#insertUser(u);
        return true;
      })
      .immediate();
  }

  async getUserByEmail(email: string) {
    const row = this.#db.prepare('SELECT * FROM users WHERE email = ?').get(email) as Row | undefined;
    return row && toUser(row);
  }

  async getUserById(id: string) {
    const row = this.#db.prepare('SELECT * FROM users WHERE id = ?').get(id) as Row | undefined;
    return row && toUser(row);
  }

  async listUsers() {
    return (this.#db.prepare('SELECT * FROM users ORDER BY name COLLATE NOCASE').all() as Row[]).map(toUser);
  }

  async updateUser(id: string, patch: UserPatch) {
    const columns: Record<keyof UserPatch, string> = {
      name: 'name',
      role: 'role',
      passwordHash: 'password_hash',
      deactivatedAt: 'deactivated_at',
    };
    const keys = (Object.keys(patch) as (keyof UserPatch)[]).filter((k) => patch[k] !== undefined);
    if (keys.length === 0) return;
    const sets = keys.map((k) => `${columns[k]} = @${k}`).join(', ');
    this.#db
      .transaction(() => {
        const { changes } = this.#db.prepare(`UPDATE users SET ${sets} WHERE id = @id`).run({ ...patch, id });
        if (changes > 0 && changesAccess(patch)) this.#recordAccessChange(id);
      })
      .immediate();
  }

  async deleteUserSessions(userId: string, keepIdHash = '') {
    this.#db
      .transaction(() => {
        const { changes } = this.#db.prepare('DELETE FROM sessions WHERE user_id = ? AND id_hash <> ?').run(userId, keepIdHash);
        if (changes > 0) this.#recordAccessChange(userId);
      })
      .immediate();
  }

  /** In the transaction of the change itself: a watcher never hears of a change that was not committed, nor misses one that was. */
  #recordAccessChange(userId: string): void {
    const { lastInsertRowid } = this.#db
      .prepare('INSERT INTO access_changes (user_id, at) VALUES (?, ?)')
      .run(userId, new Date().toISOString());
    this.#db.prepare('DELETE FROM access_changes WHERE id <= ?').run(Number(lastInsertRowid) - ACCESS_CHANGES_KEPT);
  }

  /**
   * Polls access_changes by id. SQLite commits one writer at a time and AUTOINCREMENT ids are never
   * reused, so rows appear in id order without gaps: a gap means pruned rows this watcher never saw.
   */
  watchAccessChanges(listener: (changed: AccessChanged) => void, onError: (error: unknown) => void): StopWatching {
    const newer = this.#db.prepare('SELECT id, user_id FROM access_changes WHERE id > ? ORDER BY id LIMIT ?');
    const head = this.#db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'access_changes'").pluck();
    let seen = (head.get() as number | undefined) ?? 0;
    const poll = () => {
      try {
        const rows = newer.all(seen, ACCESS_POLL_ROWS) as { id: number; user_id: string }[];
        if (rows.length === 0) return;
        if (rows[0].id > seen + 1) {
          // Everyone is re-checked now, against what is stored now: the rows up to here add nothing.
          seen = head.get() as number;
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
    const stop = () => {
      clearInterval(timer);
      this.#watches.delete(stop);
    };
    this.#watches.add(stop);
    return async () => stop();
  }

  async createToken(t: TokenRecord) {
    this.#db
      .prepare(
        `INSERT INTO api_tokens (id, user_id, name, token_hash, created_at, last_used_at, revoked_at)
         VALUES (@id, @userId, @name, @tokenHash, @createdAt, @lastUsedAt, @revokedAt)`,
      )
      .run(t);
  }

  async getTokenByHash(tokenHash: string) {
    const row = this.#db.prepare('SELECT * FROM api_tokens WHERE token_hash = ?').get(tokenHash) as Row | undefined;
    return row && toToken(row);
  }

  async listTokens(userId: string) {
    return (this.#db.prepare('SELECT * FROM api_tokens WHERE user_id = ? ORDER BY created_at DESC').all(userId) as Row[]).map(toToken);
  }

  async revokeToken(id: string, userId: string, at: string) {
    return this.#db
      .transaction(() => {
        const revoke = this.#db.prepare('UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL');
        const revoked = revoke.run(at, id, userId).changes > 0;
        if (revoked) this.#recordAccessChange(userId);
        return revoked;
      })
      .immediate();
  }

  async touchToken(id: string, at: string) {
    this.#db.prepare('UPDATE api_tokens SET last_used_at = ? WHERE id = ?').run(at, id);
  }

  async createSession(s: SessionRecord) {
    this.#db
      .prepare('INSERT INTO sessions (id_hash, user_id, created_at, expires_at) VALUES (@idHash, @userId, @createdAt, @expiresAt)')
      .run(s);
  }

  async getSession(idHash: string) {
    const row = this.#db.prepare('SELECT * FROM sessions WHERE id_hash = ?').get(idHash) as Row | undefined;
    return row && toSession(row);
  }

  async deleteSession(idHash: string) {
    this.#db
      .transaction(() => {
        const ended = this.#db.prepare('DELETE FROM sessions WHERE id_hash = ? RETURNING user_id').all(idHash) as { user_id: string }[];
        for (const { user_id } of ended) this.#recordAccessChange(user_id);
      })
      .immediate();
  }

  async createStory(s: StoryRecord) {
    this.#db
      .prepare(
        `INSERT INTO stories (id, headline, status, slug, created_at, created_by, updated_at, status_changed_at, status_changed_by,
           status_note, scheduled_for, scheduled_by_id, live, published_at, last_published_at, published_by)
         VALUES (@id, @headline, @status, @slug, @createdAt, @createdBy, @updatedAt, @statusChangedAt, @statusChangedBy,
           @statusNote, @scheduledFor, @scheduledById, @live, @publishedAt, @lastPublishedAt, @publishedBy)`,
      )
      .run({ ...s, live: s.live ? 1 : 0 });
  }

  async getStory(id: string) {
    const row = this.#db.prepare('SELECT * FROM stories WHERE id = ?').get(id) as Row | undefined;
    return row && toStory(row);
  }

  async listStories() {
    return (this.#db.prepare('SELECT * FROM stories ORDER BY updated_at DESC').all() as Row[]).map(toStoryListing);
  }

  async touchStory(id: string, headline: string, updatedAt: string | null, comments?: CommentSummary) {
    this.#db
      .prepare(
        'UPDATE stories SET headline = ?, updated_at = COALESCE(?, updated_at), open_comments = COALESCE(?, open_comments), mentioned_ids = COALESCE(?, mentioned_ids) WHERE id = ?',
      )
      .run(headline, updatedAt, comments?.openComments ?? null, comments ? JSON.stringify(comments.mentionedIds) : null, id);
  }

  async appendUpdates(entries: readonly LogEntry[]) {
    if (this.#appender) return this.#appender.append(entries);
    const insert = this.#db.prepare('INSERT INTO story_updates (story_id, data) VALUES (?, ?)');
    const deleted = this.#db.prepare(INSERT_DELETION);
    return this.#db
      .transaction(() =>
        entries.map(({ storyId, update, deletion }) => {
          if (deletion) deleted.run(storyId, deletion.userId, deletion.at, Buffer.from(deletion.ds));
          return Number(insert.run(storyId, Buffer.from(update)).lastInsertRowid);
        }),
      )
      .immediate();
  }

  async loadLog(storyId: string): Promise<StoredLog> {
    return this.#db
      .transaction(() => {
        const snapshot = this.#db.prepare('SELECT data FROM story_snapshots WHERE story_id = ?').get(storyId) as
          { data: Buffer } | undefined;
        const rows = this.#db.prepare('SELECT seq, data FROM story_updates WHERE story_id = ? ORDER BY seq').all(storyId) as {
          seq: number;
          data: Buffer;
        }[];
        return {
          snapshot: snapshot ? new Uint8Array(snapshot.data) : null,
          updates: rows.map((r) => new Uint8Array(r.data)),
          seqs: rows.map((r) => r.seq),
          updateBytes: rows.reduce((sum, r) => sum + r.data.byteLength, 0),
        };
      })
      .deferred();
  }

  async compact(storyId: string, fold: (updates: Uint8Array[]) => Uint8Array) {
    this.#db
      .transaction(() => {
        const snapshot = this.#db.prepare('SELECT data FROM story_snapshots WHERE story_id = ?').get(storyId) as
          { data: Buffer } | undefined;
        const rows = this.#db.prepare('SELECT seq, data FROM story_updates WHERE story_id = ? ORDER BY seq').all(storyId) as {
          seq: number;
          data: Buffer;
        }[];
        if (rows.length === 0) return;
        const updates = [...(snapshot ? [snapshot.data] : []), ...rows.map((r) => r.data)].map((b) => new Uint8Array(b));
        this.#db
          .prepare('INSERT INTO story_snapshots (story_id, data) VALUES (?, ?) ON CONFLICT (story_id) DO UPDATE SET data = excluded.data')
          .run(storyId, Buffer.from(fold(updates)));
        // The write lock of this IMMEDIATE transaction keeps other writers out, so "up to the last read" is exactly what was read.
        this.#db.prepare('DELETE FROM story_updates WHERE story_id = ? AND seq <= ?').run(storyId, rows[rows.length - 1].seq);
      })
      .immediate();
  }

  // --- Damaged rows: quarantine ---

  async quarantine(storyId: string, rows: readonly DamagedRow[], foundAt: string) {
    const insert = this.#db.prepare('INSERT INTO story_quarantine (story_id, kind, seq, data, reason, found_at) VALUES (?, ?, ?, ?, ?, ?)');
    const takeUpdate = this.#db.prepare('DELETE FROM story_updates WHERE story_id = ? AND seq = ? RETURNING data');
    const snapshotIs = this.#db.prepare('SELECT 1 FROM story_snapshots WHERE story_id = ? AND data = ?');
    // The write lock of this IMMEDIATE transaction keeps appends and compactions out until every row has moved.
    return this.#db
      .transaction(() => {
        let moved = 0;
        for (const row of rows) {
          if (row.kind === 'update') {
            const taken = takeUpdate.get(storyId, row.seq) as { data: Buffer } | undefined;
            if (!taken) continue;
            insert.run(storyId, 'update', row.seq, taken.data, row.reason, foundAt);
          } else {
            const data = Buffer.from(row.data);
            if (!snapshotIs.get(storyId, data)) continue;
            if (row.replacement)
              this.#db.prepare('UPDATE story_snapshots SET data = ? WHERE story_id = ?').run(Buffer.from(row.replacement), storyId);
            else this.#db.prepare('DELETE FROM story_snapshots WHERE story_id = ?').run(storyId);
            insert.run(storyId, 'snapshot', null, data, row.reason, foundAt);
          }
          moved++;
        }
        return moved;
      })
      .immediate();
  }

  async storyDamage(storyId: string) {
    const row = this.#db
      .prepare(
        `SELECT COUNT(*) AS entries, MIN(found_at) AS first_found_at, MAX(found_at) AS last_found_at
         FROM story_quarantine WHERE story_id = ? AND resolved_at IS NULL`,
      )
      .get(storyId) as Row | undefined;
    return toStoryDamage(row);
  }

  async listDamagedStories() {
    const rows = this.#db
      .prepare(
        `SELECT q.story_id, s.headline, q.reason, q.found_at FROM story_quarantine q JOIN stories s ON s.id = q.story_id
         WHERE q.resolved_at IS NULL ORDER BY q.found_at DESC, q.id DESC`,
      )
      .all() as Row[];
    return toDamagedStories(rows);
  }

  async markDamageReviewed(storyId: string, at: string, by: string) {
    return this.#db
      .prepare('UPDATE story_quarantine SET resolved_at = ?, resolved_by = ? WHERE story_id = ? AND resolved_at IS NULL')
      .run(at, by, storyId).changes;
  }

  async listQuarantine() {
    const rows = this.#db
      .prepare(
        `SELECT id, story_id, kind, seq, length(data) AS bytes, reason, found_at, resolved_at, resolved_by
         FROM story_quarantine ORDER BY story_id, id`,
      )
      .all() as Row[];
    return rows.map(toQuarantineEntry);
  }

  async integrityCheck() {
    try {
      const rows = this.#db.pragma('integrity_check') as { integrity_check: string }[];
      return rows.map((r) => r.integrity_check).filter((line) => line !== 'ok');
    } catch (error) {
      // Damage bad enough to stop the check is its answer too.
      if (['SQLITE_CORRUPT', 'SQLITE_NOTADB'].includes((error as { code?: string }).code ?? '')) return [(error as Error).message];
      throw error;
    }
  }

  async loadClientOwners(storyId: string) {
    const rows = this.#db.prepare('SELECT client_id, user_id FROM story_clients WHERE story_id = ?').all(storyId) as {
      client_id: number;
      user_id: string;
    }[];
    return new Map(rows.map((r) => [r.client_id, r.user_id]));
  }

  async claimClients(storyId: string, claims: ReadonlyMap<number, string>) {
    const insert = this.#db.prepare('INSERT OR IGNORE INTO story_clients (story_id, client_id, user_id) VALUES (?, ?, ?)');
    const owner = this.#db.prepare('SELECT user_id FROM story_clients WHERE story_id = ? AND client_id = ?');
    return this.#db
      .transaction(() => {
        claims.forEach((userId, id) => insert.run(storyId, id, userId));
        return new Map([...claims.keys()].map((id) => [id, (owner.get(storyId, id) as { user_id: string }).user_id]));
      })
      .immediate();
  }

  async changeStatus(storyId: string, change: StatusChange, from: readonly StoryStatus[]) {
    const placeholders = from.map(() => '?').join(', ');
    const result = this.#db
      .prepare(
        `UPDATE stories SET status = ?, status_changed_at = ?, status_changed_by = ?, status_note = ?, scheduled_for = ?,
           scheduled_by_id = ?, schedule_lease_until = NULL
         WHERE id = ? AND status IN (${placeholders})`,
      )
      .run(
        change.status,
        change.at,
        change.by,
        change.note ?? null,
        change.scheduledFor ?? null,
        change.scheduledById ?? null,
        storyId,
        ...from,
      );
    return result.changes === 1;
  }

  #slugTaken(slug: string, exceptStoryId: string): boolean {
    const row = this.#db
      .prepare('SELECT 1 FROM stories WHERE slug = ? AND id <> ? UNION ALL SELECT 1 FROM slug_redirects WHERE slug = ? AND story_id <> ?')
      .get(slug, exceptStoryId, slug, exceptStoryId);
    return row !== undefined;
  }

  async isSlugTaken(slug: string, exceptStoryId: string) {
    return this.#slugTaken(slug, exceptStoryId);
  }

  async setSlug(storyId: string, slug: string | null) {
    return this.#db
      .transaction(() => {
        if (slug !== null && this.#slugTaken(slug, storyId)) return false;
        const story = this.#db.prepare('SELECT slug, published_at FROM stories WHERE id = ?').get(storyId) as Row | undefined;
        if (!story || story.slug === slug) return story !== undefined;
        if (story.published_at !== null && story.slug !== null) this.#moveAddress(storyId, story.slug as string, slug);
        this.#db.prepare('UPDATE stories SET slug = ? WHERE id = ?').run(slug, storyId);
        return true;
      })
      .immediate();
  }

  /** A published story's old address becomes a redirect; taking an old address back removes its redirect. */
  #moveAddress(storyId: string, from: string, to: string | null): void {
    if (to === null) throw new Error('A published story keeps an address');
    this.#db.prepare('INSERT OR IGNORE INTO slug_redirects (slug, story_id) VALUES (?, ?)').run(from, storyId);
    this.#db.prepare('DELETE FROM slug_redirects WHERE slug = ?').run(to);
    this.#db.prepare('UPDATE publications SET slug = ? WHERE story_id = ?').run(to, storyId);
  }

  async findRedirect(slug: string) {
    const row = this.#db.prepare('SELECT s.slug FROM slug_redirects r JOIN stories s ON s.id = r.story_id WHERE r.slug = ?').get(slug) as
      { slug: string | null } | undefined;
    return row?.slug ?? undefined;
  }

  async savePublication(p: Omit<PublicationRecord, 'unpublishedAt'>, r: PublicationRevision, scheduledFor?: string) {
    return this.#db
      .transaction(() => {
        if (scheduledFor !== undefined && !this.#stillScheduled(p.storyId, scheduledFor)) return null;
        const number = this.#insertRevision({ ...r, kind: 'publication', name: null, authorIds: r.authorIds ?? [] });
        this.#upsertPublication(p);
        this.#db
          .prepare(
            `UPDATE stories SET status = 'published', status_changed_at = @updatedAt, status_changed_by = @publishedBy,
             status_note = NULL, scheduled_for = NULL, scheduled_by_id = NULL, schedule_lease_until = NULL, live = 1,
             slug = @slug, published_at = COALESCE(published_at, @updatedAt), last_published_at = @updatedAt,
             published_by = @publishedBy, headline = @headline
           WHERE id = @storyId`,
          )
          .run(p);
        return number;
      })
      .immediate();
  }

  #stillScheduled(storyId: string, scheduledFor: string): boolean {
    return (
      this.#db.prepare("SELECT 1 FROM stories WHERE id = ? AND status = 'scheduled' AND scheduled_for = ?").get(storyId, scheduledFor) !==
      undefined
    );
  }

  #insertRevision(r: Omit<RevisionRecord, 'number'>): number {
    const next = this.#latestRevision(r.storyId) + 1;
    this.#db
      .prepare(
        `INSERT INTO revisions (story_id, number, kind, name, author_ids, slug, headline, standfirst, byline, body_html, content, doc_state,
           published_at, published_by, published_by_id)
         VALUES (@storyId, @number, @kind, @name, @authorIds, @slug, @headline, @standfirst, @byline, @bodyHtml, @content, @docState,
           @publishedAt, @publishedBy, @publishedById)`,
      )
      .run({ ...r, number: next, authorIds: JSON.stringify(r.authorIds), docState: Buffer.from(r.docState) });
    return next;
  }

  #latestRevision(storyId: string): number {
    return (
      this.#db.prepare('SELECT COALESCE(MAX(number), 0) AS latest FROM revisions WHERE story_id = ?').get(storyId) as { latest: number }
    ).latest;
  }

  async saveVersion(r: Omit<RevisionRecord, 'number'>, after?: number) {
    return this.#db
      .transaction(() => {
        if (after !== undefined && this.#latestRevision(r.storyId) !== after) return null;
        return this.#insertRevision(r);
      })
      .immediate();
  }

  async listDeletions(storyId: string, since: string) {
    const rows = this.#db.prepare('SELECT * FROM story_deletions WHERE story_id = ? AND at >= ? ORDER BY id').all(storyId, since) as Row[];
    return rows.map(toDeletion);
  }

  async recordRestored(r: Omit<DeletionRecord, 'restored'>) {
    this.#db
      .prepare('INSERT INTO story_deletions (story_id, user_id, at, ds, restored) VALUES (?, ?, ?, ?, 1)')
      .run(r.storyId, r.userId, r.at, Buffer.from(r.ds));
  }

  #upsertPublication(p: Omit<PublicationRecord, 'unpublishedAt'>): void {
    this.#db
      .prepare(
        `INSERT INTO publications (story_id, slug, headline, standfirst, byline, body_html, published_at, updated_at, published_by)
         VALUES (@storyId, @slug, @headline, @standfirst, @byline, @bodyHtml, @publishedAt, @updatedAt, @publishedBy)
         ON CONFLICT (story_id) DO UPDATE SET slug = excluded.slug, headline = excluded.headline,
           standfirst = excluded.standfirst, byline = excluded.byline, body_html = excluded.body_html,
           updated_at = excluded.updated_at, published_by = excluded.published_by, unpublished_at = NULL`,
      )
      .run(p);
  }

  async unpublish(storyId: string, at: string, by: string) {
    return this.#db
      .transaction(() => {
        const changed = this.#db
          .prepare(
            `UPDATE stories SET live = 0, status = 'unpublished', status_changed_at = ?, status_changed_by = ?, status_note = NULL,
             scheduled_for = NULL, scheduled_by_id = NULL, schedule_lease_until = NULL
           WHERE id = ? AND live = 1`,
          )
          .run(at, by, storyId).changes;
        if (changed === 1) this.#db.prepare('UPDATE publications SET unpublished_at = ? WHERE story_id = ?').run(at, storyId);
        return changed === 1;
      })
      .immediate();
  }

  async getPublicationBySlug(slug: string) {
    const row = this.#db.prepare('SELECT * FROM publications WHERE slug = ?').get(slug) as Row | undefined;
    return row && toPublication(row);
  }

  async listPublications(limit: number, offset = 0) {
    return (
      this.#db
        .prepare('SELECT * FROM publications WHERE unpublished_at IS NULL ORDER BY published_at DESC, story_id LIMIT ? OFFSET ?')
        .all(limit, offset) as Row[]
    ).map(toPublication);
  }

  async publicationStats() {
    const row = this.#db
      .prepare('SELECT COUNT(*) AS count, MAX(updated_at) AS last FROM publications WHERE unpublished_at IS NULL')
      .get() as { count: number; last: string | null };
    return { count: row.count, lastUpdatedAt: row.last };
  }

  async listRevisions(storyId: string) {
    return (this.#db.prepare('SELECT * FROM revisions WHERE story_id = ? ORDER BY number').all(storyId) as Row[]).map(toRevision);
  }

  async latestRevision(storyId: string) {
    const row = this.#db.prepare('SELECT * FROM revisions WHERE story_id = ? ORDER BY number DESC LIMIT 1').get(storyId) as Row | undefined;
    return row && toRevision(row);
  }

  async getRevision(storyId: string, number: number) {
    const row = this.#db.prepare('SELECT * FROM revisions WHERE story_id = ? AND number = ?').get(storyId, number) as Row | undefined;
    return row && toRevision(row);
  }

  async claimDueSchedules(now: string, leaseUntil: string): Promise<DueSchedule[]> {
    const rows = this.#db
      .prepare(
        `UPDATE stories SET schedule_lease_until = ?
         WHERE status = 'scheduled' AND scheduled_for <= ? AND (schedule_lease_until IS NULL OR schedule_lease_until <= ?)
         RETURNING id, scheduled_for, scheduled_by_id`,
      )
      .all(leaseUntil, now, now) as Row[];
    return rows.map((r) => ({
      storyId: r.id as string,
      scheduledFor: r.scheduled_for as string,
      scheduledById: r.scheduled_by_id as string,
    }));
  }

  async close() {
    this.#watches.forEach((stop) => stop());
    await this.#appender?.close();
    if (this.#db.open) this.#db.close();
  }
}

/** Versions are read inside the write transaction: processes starting together migrate once, one after another. */
function migrate(db: Database.Database): void {
  db.transaction(() => {
    const current = db.pragma('user_version', { simple: true }) as number;
    for (let version = current; version < SQLITE_MIGRATIONS.length; version++) {
      db.exec(SQLITE_MIGRATIONS[version]);
    }
    if (current < SQLITE_MIGRATIONS.length) db.pragma(`user_version = ${SQLITE_MIGRATIONS.length}`);
  }).immediate();
}

const WAL_ATTEMPTS = 50;

/**
 * Switching a new database to WAL needs an exclusive lock that SQLite does not wait for
 * (busy_timeout does not apply), so processes opening one new file together retry.
 */
function useWal(db: Database.Database): void {
  for (let attempt = 1; ; attempt++) {
    try {
      db.pragma('journal_mode = WAL');
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== 'SQLITE_BUSY' || attempt >= WAL_ATTEMPTS) throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20 + Math.random() * 30);
    }
  }
}
