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
  `
  -- Uploaded images (their files live under <DATA_DIR>/media/<id>/), and which public pages show them.
  CREATE TABLE media (
    id TEXT PRIMARY KEY,
    sha256 TEXT NOT NULL UNIQUE,
    format TEXT NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    bytes INTEGER NOT NULL,
    uploaded_by TEXT NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL,
    alt TEXT NOT NULL DEFAULT '',
    caption TEXT NOT NULL DEFAULT '',
    credit TEXT NOT NULL DEFAULT ''
  );
  CREATE INDEX media_newest ON media(created_at, id);
  CREATE TABLE published_media (
    story_id TEXT NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
    media_id TEXT NOT NULL REFERENCES media(id),
    PRIMARY KEY (story_id, media_id)
  );
  CREATE INDEX published_media_media ON published_media(media_id);
  `,
  `
  -- The public page's lead image (JSON: media id, width, height, alt, caption, credit), NULL for none.
  ALTER TABLE publications ADD COLUMN lead TEXT;
  `,
  `
  -- A story's planning, as its document last said (shared/planning.ts): the newsroom lists and filters it.
  ALTER TABLE stories ADD COLUMN assignee_ids TEXT NOT NULL DEFAULT '[]';
  ALTER TABLE stories ADD COLUMN section TEXT;
  ALTER TABLE stories ADD COLUMN tags TEXT NOT NULL DEFAULT '[]';
  ALTER TABLE stories ADD COLUMN due_at TEXT;
  ALTER TABLE stories ADD COLUMN priority TEXT NOT NULL DEFAULT 'normal';
  CREATE INDEX stories_due_at ON stories(due_at) WHERE due_at IS NOT NULL;
  `,
  `
  -- Notifications (NotificationStore.ts): each person's inbox, newest first; a dedupe key makes a repeated event tell them once.
  CREATE TABLE notifications (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    story_id TEXT NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
    actor_id TEXT NOT NULL,
    actor_name TEXT NOT NULL,
    created_at TEXT NOT NULL,
    read_at TEXT,
    data TEXT NOT NULL DEFAULT '{}',
    in_app INTEGER NOT NULL DEFAULT 1,
    dedupe_key TEXT
  );
  CREATE INDEX notifications_inbox ON notifications(user_id, created_at, id);
  CREATE UNIQUE INDEX notifications_dedupe ON notifications(user_id, dedupe_key) WHERE dedupe_key IS NOT NULL;
  CREATE TABLE notification_preferences (
    user_id TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    preferences TEXT NOT NULL
  );
  -- Who submitted each story for review: "sent back" and "published" go to them.
  CREATE TABLE story_submitters (
    story_id TEXT NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL,
    PRIMARY KEY (story_id, user_id)
  ) WITHOUT ROWID;
  -- Emails to send (a durable queue: a restart loses none), claimed with a lease by one worker at a time.
  CREATE TABLE notification_emails (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    notification_id TEXT NOT NULL REFERENCES notifications(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL,
    due_at TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    lease_until TEXT,
    sent_at TEXT,
    failed_at TEXT,
    last_error TEXT
  );
  CREATE INDEX notification_emails_due ON notification_emails(due_at) WHERE sent_at IS NULL AND failed_at IS NULL;
  `,
  `
  -- Search (StorySearchStore.ts): each story's text as its document last said, and its FTS5 index, kept by triggers
  -- (an external-content table: the text is stored once). Words as FTS5's unicode61 cuts them, accents removed.
  CREATE TABLE story_text (
    id INTEGER PRIMARY KEY,
    story_id TEXT NOT NULL UNIQUE REFERENCES stories(id) ON DELETE CASCADE,
    headline TEXT NOT NULL,
    standfirst TEXT NOT NULL,
    byline TEXT NOT NULL,
    body TEXT NOT NULL,
    indexed_at TEXT NOT NULL
  );
  -- Index rowid → story without reading the (wide) text rows: a search maps thousands of matches to stories.
  CREATE INDEX story_text_story ON story_text(id, story_id);
  -- Prefixes of two and three letters are indexed, so "sto*" is one lookup, not a walk through every word.
  CREATE VIRTUAL TABLE story_search USING fts5(headline, standfirst, byline, body, content='story_text', content_rowid='id',
    tokenize='unicode61 remove_diacritics 2', prefix='2 3');
  CREATE TRIGGER story_text_inserted AFTER INSERT ON story_text BEGIN
    INSERT INTO story_search (rowid, headline, standfirst, byline, body) VALUES (new.id, new.headline, new.standfirst, new.byline, new.body);
  END;
  CREATE TRIGGER story_text_deleted AFTER DELETE ON story_text BEGIN
    INSERT INTO story_search (story_search, rowid, headline, standfirst, byline, body)
      VALUES ('delete', old.id, old.headline, old.standfirst, old.byline, old.body);
  END;
  CREATE TRIGGER story_text_updated AFTER UPDATE ON story_text BEGIN
    INSERT INTO story_search (story_search, rowid, headline, standfirst, byline, body)
      VALUES ('delete', old.id, old.headline, old.standfirst, old.byline, old.body);
    INSERT INTO story_search (rowid, headline, standfirst, byline, body) VALUES (new.id, new.headline, new.standfirst, new.byline, new.body);
  END;
  -- The newsroom list's two sorts, a page at a time.
  CREATE INDEX stories_edited ON stories(updated_at, id);
  CREATE INDEX stories_created ON stories(created_at, id);
  `,
  `
  -- Each story's activity timeline (StoryActivityStore.ts): ids in the order entries were recorded, which is the timeline's order.
  CREATE TABLE story_activity (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    story_id TEXT NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
    at TEXT NOT NULL,
    actor_id TEXT,
    actor_name TEXT,
    kind TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '{}'
  );
  CREATE INDEX story_activity_timeline ON story_activity(story_id, id);
  `,
  `
  -- The newsroom list sorted by due time, soonest first, stories without one last (storySearchRows.ts: same expression).
  CREATE INDEX stories_due_order ON stories(COALESCE(due_at, 'none'), id);
  `,
  `
  -- The newsroom's managed lists of sections and tags (TaxonomyStore.ts): a name once per list, case ignored (key).
  CREATE TABLE taxonomy_terms (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('sections', 'tags')),
    name TEXT NOT NULL,
    key TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE UNIQUE INDEX taxonomy_terms_key ON taxonomy_terms(kind, key);
  `,
  `
  -- Archive and Trash (StoryRetentionStore.ts): an archived story leaves the newsroom's default list; a story in the Trash
  -- is gone from everything but the Trash until restored, or purged (with every row of it) by the retention sweep, which
  -- claims it with a lease so one node purges it.
  ALTER TABLE stories ADD COLUMN archived_at TEXT;
  ALTER TABLE stories ADD COLUMN trashed_at TEXT;
  ALTER TABLE stories ADD COLUMN trashed_by TEXT;
  ALTER TABLE stories ADD COLUMN purge_lease_until TEXT;
  CREATE INDEX stories_trashed ON stories(trashed_at) WHERE trashed_at IS NOT NULL;
  -- Every delete, restore and purge, with the headline at the time: no reference to stories, so it outlives the purge.
  CREATE TABLE story_trash_records (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    story_id TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('deleted', 'restored', 'purged')),
    headline TEXT NOT NULL,
    user_id TEXT,
    user_name TEXT,
    at TEXT NOT NULL
  );
  CREATE INDEX story_trash_records_story ON story_trash_records(story_id, id);
  `,
  `
  -- Webhooks (WebhookStore.ts): the endpoints admins register, and one delivery per event and endpoint (once: the
  -- unique index), claimed with a lease (lease_owner, lease_until) so one process sends it while the lease holds.
  CREATE TABLE webhook_endpoints (
    id TEXT PRIMARY KEY,
    url TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    events TEXT NOT NULL,
    secret TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
  );
  CREATE TABLE webhook_deliveries (
    id TEXT PRIMARY KEY,
    endpoint_id TEXT NOT NULL REFERENCES webhook_endpoints(id) ON DELETE CASCADE,
    event_id TEXT NOT NULL,
    type TEXT NOT NULL,
    payload TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    give_up_at TEXT NOT NULL,
    next_attempt_at TEXT NOT NULL,
    last_attempt_at TEXT,
    response_status INTEGER,
    response_excerpt TEXT NOT NULL DEFAULT '',
    lease_owner TEXT,
    lease_until TEXT
  );
  CREATE UNIQUE INDEX webhook_deliveries_event ON webhook_deliveries(endpoint_id, event_id);
  CREATE INDEX webhook_deliveries_due ON webhook_deliveries(next_attempt_at) WHERE status = 'pending';
  CREATE INDEX webhook_deliveries_log ON webhook_deliveries(endpoint_id, created_at);
  `,
  `
  -- What an API token may do (shared/api.ts TOKEN_SCOPES): 'full' acts as its owner everywhere (every token made
  -- before scopes); 'content' only reads the content API (docs/distribution.md).
  ALTER TABLE api_tokens ADD COLUMN scope TEXT NOT NULL DEFAULT 'full' CHECK (scope IN ('full', 'content'));
  `,
  `
  -- The live stories in the public order (newest first, ties by id), covering the count and latest update: every
  -- public page, feed and sitemap walks it and stops at its limit, instead of reading every row (bodies included)
  -- to sort or count them (bench/publicSite.ts).
  CREATE INDEX publications_live ON publications(published_at DESC, story_id, updated_at, unpublished_at) WHERE unpublished_at IS NULL;
  `,
  `
  -- The public site's settings (SiteSettingsStore.ts): one row. The logo and default social image it names are public
  -- while it names them (isMediaPublic), so their ids have columns of their own.
  CREATE TABLE site_settings (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    settings TEXT NOT NULL,
    logo_media_id TEXT REFERENCES media(id),
    social_media_id TEXT REFERENCES media(id),
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
  );
  -- What the story page shows beside the copy, taken from the story at publication (docs/site.md): its section, tags
  -- (JSON list), the people credited (JSON list of id and name) and every correction noted so far (JSON list of text
  -- and time). A revision keeps the correction noted with it, if any.
  ALTER TABLE publications ADD COLUMN section TEXT;
  ALTER TABLE publications ADD COLUMN tags TEXT NOT NULL DEFAULT '[]';
  ALTER TABLE publications ADD COLUMN authors TEXT NOT NULL DEFAULT '[]';
  ALTER TABLE publications ADD COLUMN corrections TEXT NOT NULL DEFAULT '[]';
  ALTER TABLE revisions ADD COLUMN correction TEXT;
  `,
  `
  -- The public site's search (PublicationStore.searchPublications): each publication's words, as
  -- publicationSearchRows.ts writes them (folded, markup left out), and their FTS5 index, kept by triggers. Rows go
  -- with their publication (a purge); an unpublished one stays, and searches join the live ones.
  CREATE TABLE publication_text (
    id INTEGER PRIMARY KEY,
    story_id TEXT NOT NULL UNIQUE REFERENCES publications(story_id) ON DELETE CASCADE,
    headline TEXT NOT NULL,
    standfirst TEXT NOT NULL,
    byline TEXT NOT NULL,
    body TEXT NOT NULL
  );
  CREATE VIRTUAL TABLE publication_search USING fts5(headline, standfirst, byline, body, content='publication_text',
    content_rowid='id', tokenize='unicode61 remove_diacritics 2', prefix='2 3');
  CREATE TRIGGER publication_text_inserted AFTER INSERT ON publication_text BEGIN
    INSERT INTO publication_search (rowid, headline, standfirst, byline, body) VALUES (new.id, new.headline, new.standfirst, new.byline, new.body);
  END;
  CREATE TRIGGER publication_text_deleted AFTER DELETE ON publication_text BEGIN
    INSERT INTO publication_search (publication_search, rowid, headline, standfirst, byline, body)
      VALUES ('delete', old.id, old.headline, old.standfirst, old.byline, old.body);
  END;
  CREATE TRIGGER publication_text_updated AFTER UPDATE ON publication_text BEGIN
    INSERT INTO publication_search (publication_search, rowid, headline, standfirst, byline, body)
      VALUES ('delete', old.id, old.headline, old.standfirst, old.byline, old.body);
    INSERT INTO publication_search (rowid, headline, standfirst, byline, body) VALUES (new.id, new.headline, new.standfirst, new.byline, new.body);
  END;
  -- A section's index page: its live stories in the public order, without reading every other section's.
  CREATE INDEX publications_section ON publications(section, published_at DESC, story_id) WHERE unpublished_at IS NULL;
  `,
  `
  -- A count of the writes to the public pages and their old addresses (PublicationStore.publicationsVersion): the public
  -- site's rendered answers stay valid while it stands still. A slug change moves no date and may leave every count
  -- as it was, so nothing derived from the rows would do; triggers see every write, a purge's cascade included.
  CREATE TABLE publication_changes (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL);
  INSERT INTO publication_changes (id, version) VALUES (1, 0);
  CREATE TRIGGER publications_inserted AFTER INSERT ON publications BEGIN
    UPDATE publication_changes SET version = version + 1;
  END;
  CREATE TRIGGER publications_updated AFTER UPDATE ON publications BEGIN
    UPDATE publication_changes SET version = version + 1;
  END;
  CREATE TRIGGER publications_deleted AFTER DELETE ON publications BEGIN
    UPDATE publication_changes SET version = version + 1;
  END;
  CREATE TRIGGER slug_redirects_inserted AFTER INSERT ON slug_redirects BEGIN
    UPDATE publication_changes SET version = version + 1;
  END;
  CREATE TRIGGER slug_redirects_updated AFTER UPDATE ON slug_redirects BEGIN
    UPDATE publication_changes SET version = version + 1;
  END;
  CREATE TRIGGER slug_redirects_deleted AFTER DELETE ON slug_redirects BEGIN
    UPDATE publication_changes SET version = version + 1;
  END;
  `,
  `
  -- A webhook delivery's story (WebhookEvent.storyId): its payload and log go when the story is purged, as every
  -- other row of it does. Deliveries queued before this learn it from their payload; those of stories already
  -- purged go now.
  ALTER TABLE webhook_deliveries ADD COLUMN story_id TEXT REFERENCES stories(id) ON DELETE CASCADE;
  UPDATE webhook_deliveries SET story_id = json_extract(payload, '$.data.story.id')
    WHERE json_valid(payload) AND json_extract(payload, '$.data.story.id') IN (SELECT id FROM stories);
  DELETE FROM webhook_deliveries WHERE story_id IS NULL AND json_valid(payload)
    AND json_extract(payload, '$.data.story.id') IS NOT NULL;
  CREATE INDEX webhook_deliveries_story ON webhook_deliveries(story_id) WHERE story_id IS NOT NULL;
  `,
];

/** Used by the appender thread and the inline path alike: a deletion is recorded in the same transaction as its update. */
export const INSERT_DELETION = 'INSERT INTO story_deletions (story_id, user_id, at, ds) VALUES (?, ?, ?, ?)';
