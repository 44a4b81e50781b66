import type { NewPublication, PublicationStore, RevisionRecord } from '../PublicationStore';
import { authorLists, correctionsAfter, leadColumn, orNull, pageContextColumns, toEntry, toPublication, toRevision } from '../storeRows';
import { lock, revisionsLock, SLUG_LOCK } from './advisoryLocks';
import type { PgDatabase, Querier } from './PgDatabase';

/** Numbers are drawn under a per-story lock: a publication and a version saved at once get different ones. */
async function insertRevision(c: Querier, r: Omit<RevisionRecord, 'number'>): Promise<number> {
  await lock(c, revisionsLock(r.storyId));
  const { rows } = await c.query<{ number: number }>(
    `INSERT INTO revisions (story_id, number, kind, name, author_ids, slug, headline, standfirst, byline, body_html, content, doc_state,
       published_at, published_by, published_by_id, correction)
     SELECT $1, COALESCE(MAX(number), 0) + 1, $12, $13, $14, $2, $3, $4, $5, $6, $7, $8::bytea, $9, $10, $11, $15 FROM revisions
     WHERE story_id = $1
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
      r.correction ?? null,
    ],
  );
  return rows[0].number;
}

/** Called with the story's row locked, so the corrections read here are the ones replaced. */
async function upsertPublication(c: Querier, p: NewPublication, r: { correction?: string; publishedAt: string }): Promise<void> {
  const before = (await c.query('SELECT corrections FROM publications WHERE story_id = $1', [p.storyId])).rows[0]?.corrections;
  const context = pageContextColumns(p);
  await c.query(
    `INSERT INTO publications (story_id, slug, headline, standfirst, byline, body_html, lead, published_at, updated_at, published_by,
       section, tags, authors, corrections)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
     ON CONFLICT (story_id) DO UPDATE SET slug = excluded.slug, headline = excluded.headline,
       standfirst = excluded.standfirst, byline = excluded.byline, body_html = excluded.body_html, lead = excluded.lead,
       updated_at = excluded.updated_at, published_by = excluded.published_by, unpublished_at = NULL,
       section = excluded.section, tags = excluded.tags, authors = excluded.authors, corrections = excluded.corrections`,
    [
      p.storyId,
      p.slug,
      p.headline,
      p.standfirst,
      p.byline,
      p.bodyHtml,
      leadColumn(p.lead),
      p.publishedAt,
      p.updatedAt,
      p.publishedBy,
      context.section,
      context.tags,
      context.authors,
      correctionsAfter(before, r),
    ],
  );
}

/** Public pages, revisions and versions, and the public listings, on Postgres. */
export function pgPublications(db: PgDatabase): PublicationStore {
  return {
    async savePublication(p, r, scheduledFor) {
      return db.tx(async (c) => {
        // The slug lock before the row lock, in the same order as setSlug, so the two cannot deadlock.
        await lock(c, SLUG_LOCK);
        // The row lock holds off a concurrent changeStatus (say, an unschedule) between this check and the
        // update below, as SQLite's write lock does; the slug lock already serialises publications themselves.
        const story = (await c.query('SELECT status, scheduled_for FROM stories WHERE id = $1 FOR UPDATE', [p.storyId])).rows[0];
        if (scheduledFor !== undefined && !(story?.status === 'scheduled' && story.scheduled_for === scheduledFor)) return null;
        const number = await insertRevision(c, { ...r, kind: 'publication', name: null, authorIds: r.authorIds ?? [] });
        await upsertPublication(c, p, r);
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
    },

    async unpublish(storyId, at, by) {
      return db.tx(async (c) => {
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
    },

    async saveVersion(r, after) {
      return db.tx(async (c) => {
        await lock(c, revisionsLock(r.storyId));
        if (after !== undefined) {
          const { rows } = await c.query<{ latest: number }>(
            'SELECT COALESCE(MAX(number), 0) AS latest FROM revisions WHERE story_id = $1',
            [r.storyId],
          );
          if (rows[0].latest !== after) return null;
        }
        return insertRevision(c, r);
      });
    },

    async getPublicationBySlug(slug) {
      const row = await db.row('SELECT * FROM publications WHERE slug = $1', [slug]);
      return row && toPublication(row);
    },

    async getPublication(storyId) {
      const row = await db.row('SELECT * FROM publications WHERE story_id = $1', [storyId]);
      return row && toPublication(row);
    },

    async listPublicationEntries({ limit, offset = 0, since, order }) {
      // Exactly the reverse of the public order for 'oldest', so both walk the publications_live index.
      const direction = order === 'oldest' ? 'ASC, story_id DESC' : 'DESC, story_id';
      const sql = `SELECT story_id, slug, headline, published_at, updated_at FROM publications
        WHERE unpublished_at IS NULL AND ($1::text IS NULL OR published_at >= $1)
        ORDER BY published_at ${direction} LIMIT $2 OFFSET $3`;
      return (await db.rows(sql, [since ?? null, limit, offset])).map(toEntry);
    },

    async pagePublications({ limit, after, since, until }) {
      const sql = `SELECT * FROM publications
        WHERE unpublished_at IS NULL AND ($1::text IS NULL OR published_at >= $1) AND ($2::text IS NULL OR published_at < $2)
          AND ($3::text IS NULL OR published_at < $3 OR (published_at = $3 AND story_id > $4))
        ORDER BY published_at DESC, story_id LIMIT $5`;
      const params = [since ?? null, until ?? null, after?.publishedAt ?? null, after?.storyId ?? null, limit];
      return (await db.rows(sql, params)).map(toPublication);
    },

    async publishedAuthors(storyId) {
      const sql = `SELECT r.story_id, r.author_ids FROM revisions r JOIN publications p ON p.story_id = r.story_id
        WHERE p.unpublished_at IS NULL AND r.published_at <= p.updated_at AND ($1::text IS NULL OR r.story_id = $1)`;
      return authorLists(await db.rows(sql, [storyId ?? null]));
    },

    async listPublications(limit, offset = 0) {
      const sql = 'SELECT * FROM publications WHERE unpublished_at IS NULL ORDER BY published_at DESC, story_id LIMIT $1 OFFSET $2';
      return (await db.rows(sql, [limit, offset])).map(toPublication);
    },

    async publicationStats() {
      const row = (await db.row('SELECT COUNT(*) AS count, MAX(updated_at) AS last FROM publications WHERE unpublished_at IS NULL'))!;
      return { count: Number(row.count), lastUpdatedAt: orNull(row.last) };
    },

    async publicationsVersion() {
      return String((await db.row('SELECT version FROM publication_changes'))!.version);
    },

    async listRevisions(storyId) {
      return (await db.rows('SELECT * FROM revisions WHERE story_id = $1 ORDER BY number', [storyId])).map(toRevision);
    },

    async latestRevision(storyId) {
      const row = await db.row('SELECT * FROM revisions WHERE story_id = $1 ORDER BY number DESC LIMIT 1', [storyId]);
      return row && toRevision(row);
    },

    async getRevision(storyId, number) {
      const row = await db.row('SELECT * FROM revisions WHERE story_id = $1 AND number = $2', [storyId, number]);
      return row && toRevision(row);
    },
  };
}
