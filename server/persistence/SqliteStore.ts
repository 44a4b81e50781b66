import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type {
  LogEntry,
  PublicationRecord,
  RevisionRecord,
  SessionRecord,
  Store,
  StoredLog,
  StoryRecord,
  TokenRecord,
  UserPatch,
  UserRecord,
} from './Store';
import { SQLITE_MIGRATIONS } from './sqliteSchema';

type Row = Record<string, unknown>;

const toUser = (r: Row): UserRecord => ({
  id: r.id as string,
  email: r.email as string,
  name: r.name as string,
  role: r.role as UserRecord['role'],
  color: r.color as string,
  passwordHash: r.password_hash as string,
  createdAt: r.created_at as string,
  deactivatedAt: (r.deactivated_at as string | null) ?? null,
});

const toToken = (r: Row): TokenRecord => ({
  id: r.id as string,
  userId: r.user_id as string,
  name: r.name as string,
  tokenHash: r.token_hash as string,
  createdAt: r.created_at as string,
  lastUsedAt: (r.last_used_at as string | null) ?? null,
  revokedAt: (r.revoked_at as string | null) ?? null,
});

const toStory = (r: Row): StoryRecord => ({
  id: r.id as string,
  headline: r.headline as string,
  status: r.status as StoryRecord['status'],
  slug: (r.slug as string | null) ?? null,
  createdAt: r.created_at as string,
  createdBy: r.created_by as string,
  updatedAt: r.updated_at as string,
  publishedAt: (r.published_at as string | null) ?? null,
  publishedBy: (r.published_by as string | null) ?? null,
});

const toPublication = (r: Row): PublicationRecord => ({
  storyId: r.story_id as string,
  slug: r.slug as string,
  headline: r.headline as string,
  standfirst: r.standfirst as string,
  byline: r.byline as string,
  bodyHtml: r.body_html as string,
  publishedAt: r.published_at as string,
  updatedAt: r.updated_at as string,
  publishedBy: r.published_by as string,
});

const toRevision = (r: Row): RevisionRecord => ({
  storyId: r.story_id as string,
  slug: r.slug as string,
  headline: r.headline as string,
  standfirst: r.standfirst as string,
  byline: r.byline as string,
  bodyHtml: r.body_html as string,
  docState: new Uint8Array(r.doc_state as Buffer),
  publishedAt: r.published_at as string,
  publishedBy: r.published_by as string,
  publishedById: r.published_by_id as string,
});

/**
 * The embedded default store. better-sqlite3 is synchronous, so every method
 * has committed by the time its promise resolves.
 */
export class SqliteStore implements Store {
  readonly #db: Database.Database;

  private constructor(db: Database.Database) {
    this.#db = db;
  }

  /** Opens (creating if needed) `<dataDir>/galley.db`; ':memory:' for throwaway stores. */
  static open(dataDir: string | ':memory:'): SqliteStore {
    const file = dataDir === ':memory:' ? ':memory:' : path.join(dataDir, 'galley.db');
    if (dataDir !== ':memory:') fs.mkdirSync(dataDir, { recursive: true });
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    // FULL: an acknowledged edit survives power loss, not only a process crash.
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
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
    return this.#db.transaction(() => {
      if (this.#countUsers() > 0) return false;
      this.#insertUser(u);
      return true;
    }).immediate();
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
    this.#db.prepare(`UPDATE users SET ${sets} WHERE id = @id`).run({ ...patch, id });
  }

  async deleteUserSessions(userId: string, keepIdHash = '') {
    this.#db.prepare('DELETE FROM sessions WHERE user_id = ? AND id_hash <> ?').run(userId, keepIdHash);
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
    return this.#db.prepare('UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL').run(at, id, userId).changes > 0;
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
    if (!row) return undefined;
    return {
      idHash: row.id_hash as string,
      userId: row.user_id as string,
      createdAt: row.created_at as string,
      expiresAt: row.expires_at as string,
    };
  }

  async deleteSession(idHash: string) {
    this.#db.prepare('DELETE FROM sessions WHERE id_hash = ?').run(idHash);
  }

  async createStory(s: StoryRecord) {
    this.#db
      .prepare(
        `INSERT INTO stories (id, headline, status, slug, created_at, created_by, updated_at, published_at, published_by)
         VALUES (@id, @headline, @status, @slug, @createdAt, @createdBy, @updatedAt, @publishedAt, @publishedBy)`,
      )
      .run(s);
  }

  async getStory(id: string) {
    const row = this.#db.prepare('SELECT * FROM stories WHERE id = ?').get(id) as Row | undefined;
    return row && toStory(row);
  }

  async listStories() {
    return (this.#db.prepare('SELECT * FROM stories ORDER BY updated_at DESC').all() as Row[]).map(toStory);
  }

  async touchStory(id: string, headline: string, updatedAt: string) {
    this.#db.prepare('UPDATE stories SET headline = ?, updated_at = ? WHERE id = ?').run(headline, updatedAt, id);
  }

  async appendUpdates(entries: readonly LogEntry[]) {
    const insert = this.#db.prepare('INSERT INTO story_updates (story_id, data) VALUES (?, ?)');
    return this.#db.transaction(() =>
      entries.map(({ storyId, update }) => Number(insert.run(storyId, Buffer.from(update)).lastInsertRowid)),
    ).immediate();
  }

  async loadLog(storyId: string): Promise<StoredLog> {
    return this.#db.transaction(() => {
      const snapshot = this.#db.prepare('SELECT data FROM story_snapshots WHERE story_id = ?').get(storyId) as { data: Buffer } | undefined;
      const rows = this.#db.prepare('SELECT seq, data FROM story_updates WHERE story_id = ? ORDER BY seq').all(storyId) as {
        seq: number;
        data: Buffer;
      }[];
      const lastSeq = rows.length > 0 ? rows[rows.length - 1].seq : 0;
      return {
        snapshot: snapshot ? new Uint8Array(snapshot.data) : null,
        updates: rows.map((r) => new Uint8Array(r.data)),
        updateBytes: rows.reduce((sum, r) => sum + r.data.byteLength, 0),
        lastSeq,
      };
    }).deferred();
  }

  async compact(storyId: string, snapshot: Uint8Array, throughSeq: number) {
    this.#db.transaction(() => {
      this.#db
        .prepare('INSERT INTO story_snapshots (story_id, data) VALUES (?, ?) ON CONFLICT (story_id) DO UPDATE SET data = excluded.data')
        .run(storyId, Buffer.from(snapshot));
      this.#db.prepare('DELETE FROM story_updates WHERE story_id = ? AND seq <= ?').run(storyId, throughSeq);
    }).immediate();
  }

  async loadClientOwners(storyId: string) {
    const rows = this.#db.prepare('SELECT client_id, user_id FROM story_clients WHERE story_id = ?').all(storyId) as {
      client_id: number;
      user_id: string;
    }[];
    return new Map(rows.map((r) => [r.client_id, r.user_id]));
  }

  async claimClients(storyId: string, clientIds: readonly number[], userId: string) {
    const insert = this.#db.prepare('INSERT OR IGNORE INTO story_clients (story_id, client_id, user_id) VALUES (?, ?, ?)');
    this.#db.transaction(() => clientIds.forEach((id) => insert.run(storyId, id, userId))).immediate();
  }

  async isSlugTaken(slug: string, exceptStoryId: string) {
    const row = this.#db
      .prepare('SELECT 1 FROM publications WHERE slug = ? AND story_id <> ? UNION SELECT 1 FROM stories WHERE slug = ? AND id <> ?')
      .get(slug, exceptStoryId, slug, exceptStoryId);
    return row !== undefined;
  }

  async savePublication(p: PublicationRecord, r: RevisionRecord) {
    this.#db.transaction(() => {
      this.#db
        .prepare(
          `INSERT INTO revisions (story_id, slug, headline, standfirst, byline, body_html, doc_state, published_at, published_by, published_by_id)
           VALUES (@storyId, @slug, @headline, @standfirst, @byline, @bodyHtml, @docState, @publishedAt, @publishedBy, @publishedById)`,
        )
        .run({ ...r, docState: Buffer.from(r.docState) });
      this.#db
        .prepare(
          `INSERT INTO publications (story_id, slug, headline, standfirst, byline, body_html, published_at, updated_at, published_by)
           VALUES (@storyId, @slug, @headline, @standfirst, @byline, @bodyHtml, @publishedAt, @updatedAt, @publishedBy)
           ON CONFLICT (story_id) DO UPDATE SET slug = excluded.slug, headline = excluded.headline,
             standfirst = excluded.standfirst, byline = excluded.byline, body_html = excluded.body_html,
             updated_at = excluded.updated_at, published_by = excluded.published_by`,
        )
        .run(p);
      this.#db
        .prepare(
          `UPDATE stories SET status = 'published', slug = ?, published_at = ?, published_by = ?, headline = ? WHERE id = ?`,
        )
        .run(p.slug, p.updatedAt, p.publishedBy, p.headline, p.storyId);
    }).immediate();
  }

  async getPublicationBySlug(slug: string) {
    const row = this.#db.prepare('SELECT * FROM publications WHERE slug = ?').get(slug) as Row | undefined;
    return row && toPublication(row);
  }

  async listPublications(limit: number, offset = 0) {
    return (
      this.#db.prepare('SELECT * FROM publications ORDER BY published_at DESC, story_id LIMIT ? OFFSET ?').all(limit, offset) as Row[]
    ).map(toPublication);
  }

  async publicationStats() {
    const row = this.#db.prepare('SELECT COUNT(*) AS count, MAX(updated_at) AS last FROM publications').get() as {
      count: number;
      last: string | null;
    };
    return { count: row.count, lastUpdatedAt: row.last };
  }

  async listRevisions(storyId: string) {
    return (
      this.#db.prepare('SELECT * FROM revisions WHERE story_id = ? ORDER BY id').all(storyId) as Row[]
    ).map(toRevision);
  }

  async close() {
    if (this.#db.open) this.#db.close();
  }
}

function migrate(db: Database.Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  db.transaction(() => {
    for (let version = current; version < SQLITE_MIGRATIONS.length; version++) {
      db.exec(SQLITE_MIGRATIONS[version]);
    }
    db.pragma(`user_version = ${SQLITE_MIGRATIONS.length}`);
  }).immediate();
}
