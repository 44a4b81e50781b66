/** Ordered migrations; the index + 1 is the schema version stored in `user_version`. */
export const SQLITE_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE users (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'editor', 'writer', 'viewer')),
    color TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    deactivated_at TEXT
  );
  CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
  );
  CREATE INDEX sessions_user ON sessions(user_id);
  CREATE TABLE stories (
    id TEXT PRIMARY KEY,
    headline TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'draft',
    slug TEXT UNIQUE,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL REFERENCES users(id),
    updated_at TEXT NOT NULL,
    published_at TEXT,
    published_by TEXT
  );
  -- Append-only Yjs update log; merged on load (see docs/architecture.md).
  CREATE TABLE story_updates (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    story_id TEXT NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
    data BLOB NOT NULL
  );
  CREATE INDEX story_updates_story ON story_updates(story_id, seq);
  CREATE TABLE publications (
    story_id TEXT PRIMARY KEY REFERENCES stories(id) ON DELETE CASCADE,
    slug TEXT NOT NULL UNIQUE,
    headline TEXT NOT NULL,
    standfirst TEXT NOT NULL,
    byline TEXT NOT NULL,
    body_html TEXT NOT NULL,
    published_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    published_by TEXT NOT NULL
  );
  CREATE INDEX publications_published ON publications(published_at DESC);
  CREATE TABLE revisions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    story_id TEXT NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
    slug TEXT NOT NULL,
    headline TEXT NOT NULL,
    standfirst TEXT NOT NULL,
    byline TEXT NOT NULL,
    body_html TEXT NOT NULL,
    doc_state BLOB NOT NULL,
    published_at TEXT NOT NULL,
    published_by TEXT NOT NULL,
    published_by_id TEXT NOT NULL
  );
  CREATE INDEX revisions_story ON revisions(story_id, id);
  `,
  `
  -- Compacted state of a story: its log entries up to some sequence number, merged.
  CREATE TABLE story_snapshots (
    story_id TEXT PRIMARY KEY REFERENCES stories(id) ON DELETE CASCADE,
    data BLOB NOT NULL
  );
  `,
  `
  -- The user who first wrote with each Yjs client id: later writes with that id by anyone else are refused.
  CREATE TABLE story_clients (
    story_id TEXT NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
    client_id INTEGER NOT NULL,
    user_id TEXT NOT NULL,
    PRIMARY KEY (story_id, client_id)
  ) WITHOUT ROWID;
  `,
  `
  -- Personal API tokens: only the token's hash is kept.
  CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at TEXT
  );
  CREATE INDEX api_tokens_user ON api_tokens(user_id);
  `,
  `
  -- Editorial workflow: who moved the story to its status and when; schedules; live pages.
  ALTER TABLE stories ADD COLUMN status_changed_at TEXT;
  ALTER TABLE stories ADD COLUMN status_changed_by TEXT;
  ALTER TABLE stories ADD COLUMN status_note TEXT;
  ALTER TABLE stories ADD COLUMN scheduled_for TEXT;
  ALTER TABLE stories ADD COLUMN scheduled_by_id TEXT;
  ALTER TABLE stories ADD COLUMN schedule_lease_until TEXT;
  ALTER TABLE stories ADD COLUMN live INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE stories ADD COLUMN last_published_at TEXT;
  UPDATE stories SET live = (status = 'published'), last_published_at = published_at, status_changed_by = published_by,
    status_changed_at = COALESCE(published_at, created_at);
  UPDATE stories SET published_at = (SELECT p.published_at FROM publications p WHERE p.story_id = stories.id)
    WHERE status = 'published';
  CREATE INDEX stories_due ON stories(scheduled_for) WHERE status = 'scheduled';
  ALTER TABLE publications ADD COLUMN unpublished_at TEXT;
  -- Revisions are numbered per story and keep their structured content.
  ALTER TABLE revisions ADD COLUMN number INTEGER NOT NULL DEFAULT 0;
  UPDATE revisions SET number = (SELECT COUNT(*) FROM revisions r WHERE r.story_id = revisions.story_id AND r.id <= revisions.id);
  CREATE UNIQUE INDEX revisions_number ON revisions(story_id, number);
  ALTER TABLE revisions ADD COLUMN content TEXT NOT NULL DEFAULT '';
  -- Old addresses of published stories: they redirect to the current one.
  CREATE TABLE slug_redirects (
    slug TEXT PRIMARY KEY,
    story_id TEXT NOT NULL REFERENCES stories(id) ON DELETE CASCADE
  );
  `,
  `
  -- Versions: a revision is a publication, a named version or an automatic one, with the authors since the one before.
  ALTER TABLE revisions ADD COLUMN kind TEXT NOT NULL DEFAULT 'publication' CHECK (kind IN ('publication', 'named', 'auto'));
  ALTER TABLE revisions ADD COLUMN name TEXT;
  ALTER TABLE revisions ADD COLUMN author_ids TEXT NOT NULL DEFAULT '[]';
  -- Who deleted what: the delete set of each committed client update that deleted something (selective revert);
  -- and, marked restored, what a selective revert brought back of someone's deletions (never restored twice).
  CREATE TABLE story_deletions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    story_id TEXT NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL,
    at TEXT NOT NULL,
    ds BLOB NOT NULL,
    restored INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX story_deletions_story ON story_deletions(story_id, at);
  `,
  `
  -- Comment threads still open (unresolved) in the story's document: the newsroom list shows the count.
  ALTER TABLE stories ADD COLUMN open_comments INTEGER NOT NULL DEFAULT 0;
  `,
  `
  -- People @mentioned in those threads (a JSON array of user ids): the list tells them.
  ALTER TABLE stories ADD COLUMN mentioned_ids TEXT NOT NULL DEFAULT '[]';
  `,
  `
  -- Stored rows of a story's log (or its snapshot) that could not be read or placed when the story was loaded:
  -- moved here, never deleted, so the story opens from everything else and an operator can look at them.
  CREATE TABLE story_quarantine (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    story_id TEXT NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('update', 'snapshot')),
    -- The row's sequence number in story_updates (null for a snapshot).
    seq INTEGER,
    data BLOB NOT NULL,
    reason TEXT NOT NULL,
    found_at TEXT NOT NULL,
    resolved_at TEXT,
    resolved_by TEXT
  );
  CREATE INDEX story_quarantine_story ON story_quarantine(story_id);
  -- Changes of someone's access (role, deactivation, sessions, tokens), from any process: every server
  -- re-checks that person's open connections when a new row appears.
  CREATE TABLE access_changes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id TEXT NOT NULL,
    at TEXT NOT NULL
  );
  `,
];

/** Used by the appender thread and the inline path alike: a deletion is recorded in the same transaction as its update. */
export const INSERT_DELETION = 'INSERT INTO story_deletions (story_id, user_id, at, ds) VALUES (?, ?, ?, ?)';
