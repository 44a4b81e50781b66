import { Client, type ClientConfig, Pool, type PoolClient } from 'pg';
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
  DamagedRow,
  AccessChanged,
  StopWatching,
} from './Store';
import {
  bytes,
  orNull,
  type Row,
  toDeletion,
  toPublication,
  toRevision,
  toSession,
  toStory,
  toStoryListing,
  toToken,
  toUser,
} from './storeRows';
import { migrate, quoteIdentifier, withClient } from './pgSchema';
import { toDamagedStories, toQuarantineEntry, toStoryDamage } from './storeRows';
import { changesAccess } from './Store';
import { PgAccessWatch } from './PgAccessWatch';

type Querier = Pick<PoolClient, 'query'>;

/** Transaction-scoped advisory locks, by name: released at COMMIT or ROLLBACK. */
const lock = (c: Querier, name: string) => c.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [name]);
const FIRST_USER_LOCK = 'galley:first-user';
/** Addresses live in three tables (stories, publications, redirects): changes to them take turns. */
const SLUG_LOCK = 'galley:slugs';
const compactLock = (storyId: string) => `galley:compact:${storyId}`;

/** Snapshot first, then the log in order; one statement, so one consistent view even while another process compacts. */
const LOG_SQL = `SELECT 0 AS part, NULL::bigint AS seq, data FROM story_snapshots WHERE story_id = $1
  UNION ALL SELECT 1, seq, data FROM story_updates WHERE story_id = $1
  ORDER BY part, seq`;

type LogRow = { part: number; seq: string | null; data: Buffer };

/** access_changes keeps the newest this many rows: a record for the operator; delivery is by NOTIFY. */
const ACCESS_CHANGES_KEPT = 1_000;

/**
 * The store for several server processes sharing one Postgres database.
 * Semantics mirror SqliteStore; where SQLite relies on its single writer,
 * this uses row locks, advisory locks and compare-and-set updates instead.
 */
export class PgStore implements Store {
  readonly #pool: Pool;
  /** How to open a connection of its own (the LISTEN one), as the pool's are opened. */
  readonly #connection: ClientConfig;
  /** NOTIFY channel of this store's access changes: per schema, since channels are per database. */
  readonly #accessChannel: string;
  #watches = new Set<PgAccessWatch>();
  #closed = false;

  private constructor(pool: Pool, connection: ClientConfig, schema: string | undefined) {
    this.#pool = pool;
    this.#connection = connection;
    // Cut to Postgres' 63-byte limit on names; schemas sharing so long a prefix would only hear each other's changes.
    this.#accessChannel = (schema ? `galley_access_${schema}` : 'galley_access').slice(0, 63);
  }

  /** Connects and migrates. `schema` (created if missing) isolates one store's tables, e.g. per test. */
  static async open(url: string, options: { schema?: string; max?: number } = {}): Promise<PgStore> {
    const { schema, max = 10 } = options;
    const connection = connectionConfig(url, schema);
    const pool = new Pool({ ...connection, max });
    // An idle connection lost (server restart, network) is dropped by the pool and replaced on demand;
    // without a listener the 'error' event would crash Node. Queries in flight reject on their own.
    pool.on('error', () => {});
    try {
      await migrate(pool, schema);
    } catch (error) {
      await pool.end();
      throw error;
    }
    return new PgStore(pool, connection, schema);
  }

  /** Whether the database (or `schema`) at `url` holds a Galley store already: checked without creating anything. */
  static async exists(url: string, schema?: string): Promise<boolean> {
    const client = new Client(connectionConfig(url, schema));
    // A refused or dropped connection rejects connect/query; the 'error' event must not crash the process.
    client.on('error', () => {});
    try {
      await client.connect();
      const { rows } = await client.query<{ found: boolean }>("SELECT to_regclass('schema_migrations') IS NOT NULL AS found");
      return rows[0].found;
    } finally {
      await client.end().catch(() => {});
    }
  }

  async #rows(sql: string, params: unknown[] = []): Promise<Row[]> {
    return (await this.#pool.query(sql, params)).rows;
  }

  async #row(sql: string, params: unknown[] = []): Promise<Row | undefined> {
    return (await this.#rows(sql, params))[0];
  }

  async #changes(sql: string, params: unknown[] = []): Promise<number> {
    return (await this.#pool.query(sql, params)).rowCount ?? 0;
  }

  /** BEGIN … COMMIT on one connection; ROLLBACK and rethrow if `fn` fails. */
  async #tx<T>(fn: (c: PoolClient) => Promise<T>): Promise<T> {
    const outcome = await withClient(this.#pool, async (c) => {
      await c.query('BEGIN');
      try {
        const value = await fn(c);
        await c.query('COMMIT');
        return { ok: true as const, value };
      } catch (error) {
        // Rolled back cleanly, the connection goes back to the pool; if ROLLBACK throws, withClient drops it.
        await c.query('ROLLBACK');
        return { ok: false as const, error };
      }
    });
    if (!outcome.ok) throw outcome.error;
    return outcome.value;
  }

  async countUsers() {
    return Number((await this.#row('SELECT COUNT(*) AS n FROM users'))!.n);
  }

  #insertUser(c: Querier, u: UserRecord) {
    return c.query(
      `INSERT INTO users (id, email, name, role, color, password_hash, created_at, deactivated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [u.id, u.email, u.name, u.role, u.color, u.passwordHash, u.createdAt, u.deactivatedAt],
    );
  }

  async createUser(u: UserRecord) {
    await this.#insertUser(this.#pool, u);
  }

  async createFirstUser(u: UserRecord) {
    // Two processes counting zero at once would both insert: the lock makes them take turns.
    return this.#tx(async (c) => {
      await lock(c, FIRST_USER_LOCK);
      const { rows } = await c.query('SELECT EXISTS (SELECT 1 FROM users) AS taken');
      if (rows[0].taken) return false;
      await this.#insertUser(c, u);
      return true;
    });
  }

  async getUserByEmail(email: string) {
    const row = await this.#row('SELECT * FROM users WHERE email = $1', [email]);
    return row && toUser(row);
  }

  async getUserById(id: string) {
    const row = await this.#row('SELECT * FROM users WHERE id = $1', [id]);
    return row && toUser(row);
  }

  async listUsers() {
    // lower() under the C collation folds ASCII only, like SQLite's NOCASE.
    return (await this.#rows('SELECT * FROM users ORDER BY lower(name)')).map(toUser);
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
    const sets = keys.map((k, i) => `${columns[k]} = $${i + 2}`).join(', ');
    const update = `UPDATE users SET ${sets} WHERE id = $1`;
    const params = [id, ...keys.map((k) => patch[k])];
    if (changesAccess(patch)) await this.#changingAccess(`${update} RETURNING id AS user_id`, params);
    else await this.#pool.query(update, params);
  }

  /**
   * Runs `write`, a statement RETURNING user_id (whose access it changes), and in the same statement —
   * so the same transaction — records each person in access_changes and notifies every listening node,
   * which Postgres does only once it commits. Resolves to how many people it changed.
   */
  async #changingAccess(write: string, params: unknown[]): Promise<number> {
    const at = params.length + 1;
    const channel = params.length + 2;
    const { rowCount } = await this.#pool.query(
      `WITH changed AS (${write}),
       recorded AS (INSERT INTO access_changes (user_id, at) SELECT DISTINCT user_id, $${at}::text FROM changed RETURNING id),
       pruned AS (DELETE FROM access_changes WHERE id <= (SELECT MAX(id) FROM recorded) - ${ACCESS_CHANGES_KEPT})
       SELECT pg_notify($${channel}::text, user_id) FROM (SELECT DISTINCT user_id FROM changed) people`,
      [...params, new Date().toISOString(), this.#accessChannel],
    );
    return rowCount ?? 0;
  }

  /** One LISTEN connection per watch (a server has one: its LiveAccess). */
  watchAccessChanges(listener: (changed: AccessChanged) => void, onError: (error: unknown) => void): StopWatching {
    const watch = new PgAccessWatch(this.#connection, this.#accessChannel, listener, onError);
    this.#watches.add(watch);
    return async () => {
      this.#watches.delete(watch);
      await watch.stop();
    };
  }

  async createSession(s: SessionRecord) {
    await this.#pool.query('INSERT INTO sessions (id_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)', [
      s.idHash,
      s.userId,
      s.createdAt,
      s.expiresAt,
    ]);
  }

  async getSession(idHash: string) {
    const row = await this.#row('SELECT * FROM sessions WHERE id_hash = $1', [idHash]);
    return row && toSession(row);
  }

  async deleteSession(idHash: string) {
    await this.#changingAccess('DELETE FROM sessions WHERE id_hash = $1 RETURNING user_id', [idHash]);
  }

  async deleteUserSessions(userId: string, keepIdHash = '') {
    await this.#changingAccess('DELETE FROM sessions WHERE user_id = $1 AND id_hash <> $2 RETURNING user_id', [userId, keepIdHash]);
  }

  async createToken(t: TokenRecord) {
    await this.#pool.query(
      `INSERT INTO api_tokens (id, user_id, name, token_hash, created_at, last_used_at, revoked_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [t.id, t.userId, t.name, t.tokenHash, t.createdAt, t.lastUsedAt, t.revokedAt],
    );
  }

  async getTokenByHash(tokenHash: string) {
    const row = await this.#row('SELECT * FROM api_tokens WHERE token_hash = $1', [tokenHash]);
    return row && toToken(row);
  }

  async listTokens(userId: string) {
    return (await this.#rows('SELECT * FROM api_tokens WHERE user_id = $1 ORDER BY created_at DESC', [userId])).map(toToken);
  }

  async revokeToken(id: string, userId: string, at: string) {
    const sql = 'UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL RETURNING user_id';
    return (await this.#changingAccess(sql, [at, id, userId])) > 0;
  }

  async touchToken(id: string, at: string) {
    await this.#pool.query('UPDATE api_tokens SET last_used_at = $1 WHERE id = $2', [at, id]);
  }

  async createStory(s: StoryRecord) {
    await this.#pool.query(
      `INSERT INTO stories (id, headline, status, slug, created_at, created_by, updated_at, status_changed_at, status_changed_by,
         status_note, scheduled_for, scheduled_by_id, live, published_at, last_published_at, published_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
      [
        s.id,
        s.headline,
        s.status,
        s.slug,
        s.createdAt,
        s.createdBy,
        s.updatedAt,
        s.statusChangedAt,
        s.statusChangedBy,
        s.statusNote,
        s.scheduledFor,
        s.scheduledById,
        s.live,
        s.publishedAt,
        s.lastPublishedAt,
        s.publishedBy,
      ],
    );
  }

  async getStory(id: string) {
    const row = await this.#row('SELECT * FROM stories WHERE id = $1', [id]);
    return row && toStory(row);
  }

  async listStories() {
    return (await this.#rows('SELECT * FROM stories ORDER BY updated_at DESC')).map(toStoryListing);
  }

  async touchStory(id: string, headline: string, updatedAt: string | null, comments?: CommentSummary) {
    await this.#pool.query(
      'UPDATE stories SET headline = $1, updated_at = COALESCE($2, updated_at), open_comments = COALESCE($3, open_comments), mentioned_ids = COALESCE($4, mentioned_ids) WHERE id = $5',
      [headline, updatedAt, comments?.openComments ?? null, comments ? JSON.stringify(comments.mentionedIds) : null, id],
    );
  }

  async appendUpdates(entries: readonly LogEntry[]) {
    if (entries.length === 0) return [];
    // One statement is one transaction (the deletions recorded with their updates included). Sequence numbers are
    // drawn for the batch first and paired with entries by position, so ascending seqs follow the entries' order by construction.
    const deleting = entries.filter((e) => e.deletion);
    const { rows } = await this.#pool.query<{ seq: string }>(
      `WITH deleted AS (
         INSERT INTO story_deletions (story_id, user_id, at, ds) SELECT * FROM unnest($3::text[], $4::text[], $5::text[], $6::bytea[])
       ), drawn AS (
         SELECT row_number() OVER (ORDER BY seq) AS i, seq
         FROM (SELECT nextval('story_updates_seq') AS seq FROM generate_series(1, cardinality($1::text[]))) numbers
       )
       INSERT INTO story_updates (seq, story_id, data)
       SELECT drawn.seq, e.story_id, e.data
       FROM unnest($1::text[], $2::bytea[]) WITH ORDINALITY AS e(story_id, data, i) JOIN drawn USING (i)
       RETURNING seq`,
      [
        entries.map((e) => e.storyId),
        entries.map((e) => Buffer.from(e.update)),
        deleting.map((e) => e.storyId),
        deleting.map((e) => e.deletion!.userId),
        deleting.map((e) => e.deletion!.at),
        deleting.map((e) => Buffer.from(e.deletion!.ds)),
      ],
    );
    return rows.map((r) => Number(r.seq)).sort((a, b) => a - b);
  }

  async loadLog(storyId: string): Promise<StoredLog> {
    const rows = (await this.#pool.query<LogRow>(LOG_SQL, [storyId])).rows;
    const updates = rows.filter((r) => r.part === 1);
    return {
      snapshot: rows[0]?.part === 0 ? bytes(rows[0].data) : null,
      updates: updates.map((r) => bytes(r.data)),
      seqs: updates.map((r) => Number(r.seq)),
      updateBytes: updates.reduce((sum, r) => sum + r.data.byteLength, 0),
    };
  }

  async compact(storyId: string, fold: (updates: Uint8Array[]) => Uint8Array) {
    await this.#tx(async (c) => {
      // Compactions of one story take turns; appends go on meanwhile.
      await lock(c, compactLock(storyId));
      const rows = (await c.query<LogRow>(LOG_SQL, [storyId])).rows;
      const read = rows.filter((r) => r.part === 1).map((r) => r.seq);
      if (read.length === 0) return;
      await c.query(
        'INSERT INTO story_snapshots (story_id, data) VALUES ($1, $2) ON CONFLICT (story_id) DO UPDATE SET data = excluded.data',
        [storyId, Buffer.from(fold(rows.map((r) => bytes(r.data))))],
      );
      // Exactly the entries folded, not "up to the last seq read": an append from another process
      // can commit after our read with a lower seq than ones we saw, and it must stay.
      await c.query('DELETE FROM story_updates WHERE seq = ANY($1::bigint[])', [read]);
    });
  }

  // --- Damaged rows: quarantine ---

  async quarantine(storyId: string, rows: readonly DamagedRow[], foundAt: string) {
    const updates = rows.filter((r) => r.kind === 'update');
    const snapshot = rows.find((r) => r.kind === 'snapshot');
    return this.#tx(async (c) => {
      // Takes turns with compactions of the story (the same lock), so neither deletes what the other moves.
      await lock(c, compactLock(storyId));
      let moved = 0;
      if (updates.length > 0) {
        // Each row is deleted and inserted by one statement: a row another process moved first is not there to take.
        const { rowCount } = await c.query(
          `WITH taken AS (DELETE FROM story_updates WHERE story_id = $1 AND seq = ANY($2::bigint[]) RETURNING seq, data)
           INSERT INTO story_quarantine (story_id, kind, seq, data, reason, found_at)
           SELECT $1, 'update', taken.seq, taken.data, r.reason, $4 FROM taken JOIN unnest($2::bigint[], $3::text[]) AS r(seq, reason) USING (seq)`,
          [storyId, updates.map((r) => r.seq), updates.map((r) => r.reason), foundAt],
        );
        moved += rowCount ?? 0;
      }
      if (snapshot) moved += await this.#quarantineSnapshot(c, storyId, snapshot, foundAt);
      return moved;
    });
  }

  async #quarantineSnapshot(c: Querier, storyId: string, row: Extract<DamagedRow, { kind: 'snapshot' }>, foundAt: string): Promise<number> {
    const current = (await c.query<{ data: Buffer }>('SELECT data FROM story_snapshots WHERE story_id = $1 FOR UPDATE', [storyId])).rows[0];
    if (!current || !current.data.equals(row.data)) return 0;
    if (row.replacement) await c.query('UPDATE story_snapshots SET data = $2 WHERE story_id = $1', [storyId, Buffer.from(row.replacement)]);
    else await c.query('DELETE FROM story_snapshots WHERE story_id = $1', [storyId]);
    await c.query("INSERT INTO story_quarantine (story_id, kind, seq, data, reason, found_at) VALUES ($1, 'snapshot', NULL, $2, $3, $4)", [
      storyId,
      current.data,
      row.reason,
      foundAt,
    ]);
    return 1;
  }

  async storyDamage(storyId: string) {
    return toStoryDamage(
      await this.#row(
        `SELECT COUNT(*) AS entries, MIN(found_at) AS first_found_at, MAX(found_at) AS last_found_at
         FROM story_quarantine WHERE story_id = $1 AND resolved_at IS NULL`,
        [storyId],
      ),
    );
  }

  async listDamagedStories() {
    const rows = await this.#rows(
      `SELECT q.story_id, s.headline, q.reason, q.found_at FROM story_quarantine q JOIN stories s ON s.id = q.story_id
       WHERE q.resolved_at IS NULL ORDER BY q.found_at DESC, q.id DESC`,
    );
    return toDamagedStories(rows);
  }

  async markDamageReviewed(storyId: string, at: string, by: string) {
    return this.#changes('UPDATE story_quarantine SET resolved_at = $1, resolved_by = $2 WHERE story_id = $3 AND resolved_at IS NULL', [
      at,
      by,
      storyId,
    ]);
  }

  async listQuarantine() {
    const rows = await this.#rows(
      `SELECT id, story_id, kind, seq, octet_length(data) AS bytes, reason, found_at, resolved_at, resolved_by
       FROM story_quarantine ORDER BY story_id, id`,
    );
    return rows.map(toQuarantineEntry);
  }

  /** Postgres has no whole-database check like SQLite's (data checksums and amcheck are the operator's). */
  async integrityCheck() {
    return null;
  }

  async loadClientOwners(storyId: string) {
    const rows = await this.#rows('SELECT client_id, user_id FROM story_clients WHERE story_id = $1', [storyId]);
    return new Map(rows.map((r) => [Number(r.client_id), r.user_id as string]));
  }

  async claimClients(storyId: string, claims: ReadonlyMap<number, string>) {
    const clientIds = [...claims.keys()].sort((a, b) => a - b);
    // Sorted, so two claims of overlapping ids lock them in the same order and cannot deadlock.
    await this.#pool.query(
      `INSERT INTO story_clients (story_id, client_id, user_id)
       SELECT $1, c.id, c.user_id FROM unnest($2::bigint[], $3::text[]) AS c(id, user_id) ORDER BY c.id
       ON CONFLICT DO NOTHING`,
      [storyId, clientIds, clientIds.map((id) => claims.get(id)!)],
    );
    // A separate statement: its snapshot includes rows a concurrent claim committed while the insert waited.
    const owners = await this.#rows('SELECT client_id, user_id FROM story_clients WHERE story_id = $1 AND client_id = ANY($2::bigint[])', [
      storyId,
      clientIds,
    ]);
    const byId = new Map(owners.map((r) => [Number(r.client_id), r.user_id as string]));
    return new Map(clientIds.map((id) => [id, byId.get(id)!]));
  }

  async changeStatus(storyId: string, change: StatusChange, from: readonly StoryStatus[]) {
    // One UPDATE: under READ COMMITTED a concurrent change makes it re-check `status` on the new row, so only one wins.
    const changed = await this.#changes(
      `UPDATE stories SET status = $1, status_changed_at = $2, status_changed_by = $3, status_note = $4, scheduled_for = $5,
         scheduled_by_id = $6, schedule_lease_until = NULL
       WHERE id = $7 AND status = ANY($8::text[])`,
      [change.status, change.at, change.by, change.note ?? null, change.scheduledFor ?? null, change.scheduledById ?? null, storyId, from],
    );
    return changed === 1;
  }

  async #slugTaken(c: Querier, slug: string, exceptStoryId: string): Promise<boolean> {
    const { rowCount } = await c.query(
      'SELECT 1 FROM stories WHERE slug = $1 AND id <> $2 UNION ALL SELECT 1 FROM slug_redirects WHERE slug = $1 AND story_id <> $2',
      [slug, exceptStoryId],
    );
    return (rowCount ?? 0) > 0;
  }

  async isSlugTaken(slug: string, exceptStoryId: string) {
    return this.#slugTaken(this.#pool, slug, exceptStoryId);
  }

  async setSlug(storyId: string, slug: string | null) {
    return this.#tx(async (c) => {
      await lock(c, SLUG_LOCK);
      if (slug !== null && (await this.#slugTaken(c, slug, storyId))) return false;
      const story = (await c.query('SELECT slug, published_at FROM stories WHERE id = $1 FOR UPDATE', [storyId])).rows[0];
      if (!story || story.slug === slug) return story !== undefined;
      if (story.published_at !== null && story.slug !== null) await this.#moveAddress(c, storyId, story.slug, slug);
      await c.query('UPDATE stories SET slug = $1 WHERE id = $2', [slug, storyId]);
      return true;
    });
  }

  /** A published story's old address becomes a redirect; taking an old address back removes its redirect. */
  async #moveAddress(c: Querier, storyId: string, from: string, to: string | null): Promise<void> {
    if (to === null) throw new Error('A published story keeps an address');
    await c.query('INSERT INTO slug_redirects (slug, story_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [from, storyId]);
    await c.query('DELETE FROM slug_redirects WHERE slug = $1', [to]);
    await c.query('UPDATE publications SET slug = $1 WHERE story_id = $2', [to, storyId]);
  }

  async findRedirect(slug: string) {
    const row = await this.#row('SELECT s.slug FROM slug_redirects r JOIN stories s ON s.id = r.story_id WHERE r.slug = $1', [slug]);
    return orNull(row?.slug) ?? undefined;
  }

  async savePublication(p: Omit<PublicationRecord, 'unpublishedAt'>, r: PublicationRevision, scheduledFor?: string) {
    return this.#tx(async (c) => {
      // The slug lock before the row lock, in the same order as setSlug, so the two cannot deadlock.
      await lock(c, SLUG_LOCK);
      // The row lock holds off a concurrent changeStatus (say, an unschedule) between this check and the
      // update below, as SQLite's write lock does; the slug lock already serialises publications themselves.
      const story = (await c.query('SELECT status, scheduled_for FROM stories WHERE id = $1 FOR UPDATE', [p.storyId])).rows[0];
      if (scheduledFor !== undefined && !(story?.status === 'scheduled' && story.scheduled_for === scheduledFor)) return null;
      const number = await this.#insertRevision(c, { ...r, kind: 'publication', name: null, authorIds: r.authorIds ?? [] });
      await this.#upsertPublication(c, p);
      await c.query(
        `UPDATE stories SET status = 'published', status_changed_at = $2, status_changed_by = $3,
           status_note = NULL, scheduled_for = NULL, scheduled_by_id = NULL, schedule_lease_until = NULL, live = TRUE,
           slug = $4, published_at = COALESCE(published_at, $2), last_published_at = $2,
           published_by = $3, headline = $5
         WHERE id = $1`,
        [p.storyId, p.updatedAt, p.publishedBy, p.slug, p.headline],
      );
      return number;
    });
  }

  /** Numbers are drawn under a per-story lock: a publication and a version saved at once get different ones. */
  async #insertRevision(c: Querier, r: Omit<RevisionRecord, 'number'>): Promise<number> {
    await lock(c, `revisions:${r.storyId}`);
    const { rows } = await c.query<{ number: number }>(
      `INSERT INTO revisions (story_id, number, kind, name, author_ids, slug, headline, standfirst, byline, body_html, content, doc_state,
         published_at, published_by, published_by_id)
       SELECT $1, COALESCE(MAX(number), 0) + 1, $12, $13, $14, $2, $3, $4, $5, $6, $7, $8::bytea, $9, $10, $11 FROM revisions WHERE story_id = $1
       RETURNING number`,
      [
        r.storyId,
        r.slug,
        r.headline,
        r.standfirst,
        r.byline,
        r.bodyHtml,
        r.content,
        Buffer.from(r.docState),
        r.publishedAt,
        r.publishedBy,
        r.publishedById,
        r.kind,
        r.name,
        JSON.stringify(r.authorIds),
      ],
    );
    return rows[0].number;
  }

  async saveVersion(r: Omit<RevisionRecord, 'number'>, after?: number) {
    return this.#tx(async (c) => {
      await lock(c, `revisions:${r.storyId}`);
      if (after !== undefined) {
        const { rows } = await c.query<{ latest: number }>('SELECT COALESCE(MAX(number), 0) AS latest FROM revisions WHERE story_id = $1', [
          r.storyId,
        ]);
        if (rows[0].latest !== after) return null;
      }
      return this.#insertRevision(c, r);
    });
  }

  async listDeletions(storyId: string, since: string) {
    return (await this.#rows('SELECT * FROM story_deletions WHERE story_id = $1 AND at >= $2 ORDER BY id', [storyId, since])).map(
      toDeletion,
    );
  }

  async recordRestored(r: Omit<DeletionRecord, 'restored'>) {
    await this.#pool.query('INSERT INTO story_deletions (story_id, user_id, at, ds, restored) VALUES ($1, $2, $3, $4, TRUE)', [
      r.storyId,
      r.userId,
      r.at,
      Buffer.from(r.ds),
    ]);
  }

  async #upsertPublication(c: Querier, p: Omit<PublicationRecord, 'unpublishedAt'>): Promise<void> {
    await c.query(
      `INSERT INTO publications (story_id, slug, headline, standfirst, byline, body_html, published_at, updated_at, published_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (story_id) DO UPDATE SET slug = excluded.slug, headline = excluded.headline,
         standfirst = excluded.standfirst, byline = excluded.byline, body_html = excluded.body_html,
         updated_at = excluded.updated_at, published_by = excluded.published_by, unpublished_at = NULL`,
      [p.storyId, p.slug, p.headline, p.standfirst, p.byline, p.bodyHtml, p.publishedAt, p.updatedAt, p.publishedBy],
    );
  }

  async unpublish(storyId: string, at: string, by: string) {
    return this.#tx(async (c) => {
      const { rowCount } = await c.query(
        `UPDATE stories SET live = FALSE, status = 'unpublished', status_changed_at = $1, status_changed_by = $2, status_note = NULL,
           scheduled_for = NULL, scheduled_by_id = NULL, schedule_lease_until = NULL
         WHERE id = $3 AND live`,
        [at, by, storyId],
      );
      if (rowCount !== 1) return false;
      await c.query('UPDATE publications SET unpublished_at = $1 WHERE story_id = $2', [at, storyId]);
      return true;
    });
  }

  async getPublicationBySlug(slug: string) {
    const row = await this.#row('SELECT * FROM publications WHERE slug = $1', [slug]);
    return row && toPublication(row);
  }

  async listPublications(limit: number, offset = 0) {
    const sql = 'SELECT * FROM publications WHERE unpublished_at IS NULL ORDER BY published_at DESC, story_id LIMIT $1 OFFSET $2';
    return (await this.#rows(sql, [limit, offset])).map(toPublication);
  }

  async publicationStats() {
    const row = (await this.#row('SELECT COUNT(*) AS count, MAX(updated_at) AS last FROM publications WHERE unpublished_at IS NULL'))!;
    return { count: Number(row.count), lastUpdatedAt: orNull(row.last) };
  }

  async listRevisions(storyId: string) {
    return (await this.#rows('SELECT * FROM revisions WHERE story_id = $1 ORDER BY number', [storyId])).map(toRevision);
  }

  async latestRevision(storyId: string) {
    const row = await this.#row('SELECT * FROM revisions WHERE story_id = $1 ORDER BY number DESC LIMIT 1', [storyId]);
    return row && toRevision(row);
  }

  async getRevision(storyId: string, number: number) {
    const row = await this.#row('SELECT * FROM revisions WHERE story_id = $1 AND number = $2', [storyId, number]);
    return row && toRevision(row);
  }

  async claimDueSchedules(now: string, leaseUntil: string): Promise<DueSchedule[]> {
    // FOR UPDATE in id order: concurrent claimers lock rows in one order (no deadlock), and one that
    // waited re-checks the lease on the row the winner wrote, so each schedule goes to one claimer.
    const rows = await this.#rows(
      `WITH due AS (
         SELECT id FROM stories
         WHERE status = 'scheduled' AND scheduled_for <= $2 AND (schedule_lease_until IS NULL OR schedule_lease_until <= $2)
         ORDER BY id FOR UPDATE
       )
       UPDATE stories s SET schedule_lease_until = $1 FROM due WHERE s.id = due.id
       RETURNING s.id, s.scheduled_for, s.scheduled_by_id`,
      [leaseUntil, now],
    );
    return rows.map((r) => ({
      storyId: r.id as string,
      scheduledFor: r.scheduled_for as string,
      scheduledById: r.scheduled_by_id as string,
    }));
  }

  async close() {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all([...this.#watches].map((watch) => watch.stop()));
    await this.#pool.end();
  }
}

/** The connection settings of every connection a store opens (its pool's, its LISTEN one, `exists`'). */
function connectionConfig(url: string, schema: string | undefined): ClientConfig {
  return {
    connectionString: url,
    application_name: schema ? `galley:${schema}` : 'galley',
    // The search_path is a connection parameter, so every connection gets it before its first query.
    ...(schema !== undefined && { options: `-c search_path=${quoteIdentifier(schema)}` }),
  };
}
