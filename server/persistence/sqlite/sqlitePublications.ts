import type { Statement } from 'better-sqlite3';
import type { NewPublication, PublicationStore, RevisionRecord } from '../PublicationStore';
import { authorLists, correctionsAfter, leadColumn, pageContextColumns, type Row, toEntry, toPublication, toRevision } from '../storeRows';
import type { SqliteConnection } from './SqliteConnection';

/** Public pages, revisions and versions, and the public listings, on SQLite. */
export function sqlitePublications(db: SqliteConnection): PublicationStore {
  let version: Statement | undefined;
  const latestRevision = (storyId: string) =>
    (db.prepare('SELECT COALESCE(MAX(number), 0) AS latest FROM revisions WHERE story_id = ?').get(storyId) as { latest: number }).latest;

  const stillScheduled = (storyId: string, scheduledFor: string) =>
    db.prepare("SELECT 1 FROM stories WHERE id = ? AND status = 'scheduled' AND scheduled_for = ?").get(storyId, scheduledFor) !==
    undefined;

  const insertRevision = (r: Omit<RevisionRecord, 'number'>) => {
    const next = latestRevision(r.storyId) + 1;
    db.prepare(
      `INSERT INTO revisions (story_id, number, kind, name, author_ids, slug, headline, standfirst, byline, body_html, content, doc_state,
         published_at, published_by, published_by_id, correction)
       VALUES (@storyId, @number, @kind, @name, @authorIds, @slug, @headline, @standfirst, @byline, @bodyHtml, @content, @docState,
         @publishedAt, @publishedBy, @publishedById, @correction)`,
    ).run({
      ...r,
      number: next,
      authorIds: JSON.stringify(r.authorIds),
      docState: Buffer.from(r.docState),
      correction: r.correction ?? null,
    });
    return next;
  };

  /** Inside the write transaction, so the corrections read here are the ones replaced. */
  const upsertPublication = (p: NewPublication, r: { correction?: string; publishedAt: string }) => {
    const before = (db.prepare('SELECT corrections FROM publications WHERE story_id = ?').get(p.storyId) as Row | undefined)?.corrections;
    db.prepare(
      `INSERT INTO publications (story_id, slug, headline, standfirst, byline, body_html, lead, published_at, updated_at, published_by,
         section, tags, authors, corrections)
       VALUES (@storyId, @slug, @headline, @standfirst, @byline, @bodyHtml, @lead, @publishedAt, @updatedAt, @publishedBy,
         @section, @tags, @authors, @corrections)
       ON CONFLICT (story_id) DO UPDATE SET slug = excluded.slug, headline = excluded.headline,
         standfirst = excluded.standfirst, byline = excluded.byline, body_html = excluded.body_html, lead = excluded.lead,
         updated_at = excluded.updated_at, published_by = excluded.published_by, unpublished_at = NULL,
         section = excluded.section, tags = excluded.tags, authors = excluded.authors, corrections = excluded.corrections`,
    ).run({ ...p, lead: leadColumn(p.lead), ...pageContextColumns(p), corrections: correctionsAfter(before, r) });
  };

  return {
    async savePublication(p, r, scheduledFor) {
      return db.write(() => {
        if (scheduledFor !== undefined && !stillScheduled(p.storyId, scheduledFor)) return null;
        const number = insertRevision({ ...r, kind: 'publication', name: null, authorIds: r.authorIds ?? [] });
        upsertPublication(p, r);
        db.prepare(
          `UPDATE stories SET status = 'published', status_changed_at = @updatedAt, status_changed_by = @publishedBy,
             status_note = NULL, scheduled_for = NULL, scheduled_by_id = NULL, schedule_lease_until = NULL, live = 1,
             slug = @slug, published_at = COALESCE(published_at, @updatedAt), last_published_at = @updatedAt,
             published_by = @publishedBy, headline = @headline
           WHERE id = @storyId`,
        ).run(p);
        return number;
      });
    },

    async unpublish(storyId, at, by) {
      return db.write(() => {
        const changed = db
          .prepare(
            `UPDATE stories SET live = 0, status = 'unpublished', status_changed_at = ?, status_changed_by = ?, status_note = NULL,
               scheduled_for = NULL, scheduled_by_id = NULL, schedule_lease_until = NULL
             WHERE id = ? AND live = 1`,
          )
          .run(at, by, storyId).changes;
        if (changed === 1) db.prepare('UPDATE publications SET unpublished_at = ? WHERE story_id = ?').run(at, storyId);
        return changed === 1;
      });
    },

    async saveVersion(r, after) {
      return db.write(() => {
        if (after !== undefined && latestRevision(r.storyId) !== after) return null;
        return insertRevision(r);
      });
    },

    async getPublicationBySlug(slug) {
      const row = db.prepare('SELECT * FROM publications WHERE slug = ?').get(slug) as Row | undefined;
      return row && toPublication(row);
    },

    async getPublication(storyId) {
      const row = db.prepare('SELECT * FROM publications WHERE story_id = ?').get(storyId) as Row | undefined;
      return row && toPublication(row);
    },

    async listPublicationEntries({ limit, offset = 0, since, order }) {
      // Exactly the reverse of the public order for 'oldest', so both walk the publications_live index.
      const direction = order === 'oldest' ? 'ASC, story_id DESC' : 'DESC, story_id';
      return (
        db
          .prepare(
            `SELECT story_id, slug, headline, published_at, updated_at FROM publications
             WHERE unpublished_at IS NULL AND (@since IS NULL OR published_at >= @since)
             ORDER BY published_at ${direction} LIMIT @limit OFFSET @offset`,
          )
          .all({ since: since ?? null, limit, offset }) as Row[]
      ).map(toEntry);
    },

    async pagePublications({ limit, after, since, until }) {
      return (
        db
          .prepare(
            `SELECT * FROM publications
             WHERE unpublished_at IS NULL AND (@since IS NULL OR published_at >= @since) AND (@until IS NULL OR published_at < @until)
               AND (@at IS NULL OR published_at < @at OR (published_at = @at AND story_id > @id))
             ORDER BY published_at DESC, story_id LIMIT @limit`,
          )
          .all({ since: since ?? null, until: until ?? null, at: after?.publishedAt ?? null, id: after?.storyId ?? null, limit }) as Row[]
      ).map(toPublication);
    },

    async publishedAuthors(storyId) {
      const rows = db
        .prepare(
          `SELECT r.story_id, r.author_ids FROM revisions r JOIN publications p ON p.story_id = r.story_id
           WHERE p.unpublished_at IS NULL AND r.published_at <= p.updated_at AND (@storyId IS NULL OR r.story_id = @storyId)`,
        )
        .all({ storyId: storyId ?? null }) as Row[];
      return authorLists(rows);
    },

    async listPublications(limit, offset = 0) {
      return (
        db
          .prepare('SELECT * FROM publications WHERE unpublished_at IS NULL ORDER BY published_at DESC, story_id LIMIT ? OFFSET ?')
          .all(limit, offset) as Row[]
      ).map(toPublication);
    },

    async publicationStats() {
      const row = db.prepare('SELECT COUNT(*) AS count, MAX(updated_at) AS last FROM publications WHERE unpublished_at IS NULL').get() as {
        count: number;
        last: string | null;
      };
      return { count: row.count, lastUpdatedAt: row.last };
    },

    async publicationsVersion() {
      // Read before every public answer: prepared once, not per call.
      version ??= db.prepare('SELECT version FROM publication_changes').pluck();
      return String(version.get() as number);
    },

    async listRevisions(storyId) {
      return (db.prepare('SELECT * FROM revisions WHERE story_id = ? ORDER BY number').all(storyId) as Row[]).map(toRevision);
    },

    async latestRevision(storyId) {
      const row = db.prepare('SELECT * FROM revisions WHERE story_id = ? ORDER BY number DESC LIMIT 1').get(storyId) as Row | undefined;
      return row && toRevision(row);
    },

    async getRevision(storyId, number) {
      const row = db.prepare('SELECT * FROM revisions WHERE story_id = ? AND number = ?').get(storyId, number) as Row | undefined;
      return row && toRevision(row);
    },
  };
}
