import { distinctCredits, filterSql, type Param, type PublicationFilterConditions, termNames } from '../publicationListingRows';
import { noResults, publicationWords, siteSearchQuery } from '../publicationSearchRows';
import type { NewPublication, PublicationFilter, PublicationStore, RevisionRecord } from '../PublicationStore';
import { correctionsAfter, leadColumn, orNull, pageContextColumns, type Row, toEntry, toPublication, toRevision } from '../storeRows';
import { lock, revisionsLock, SLUG_LOCK } from './advisoryLocks';
import type { PgDatabase, Querier } from './PgDatabase';
import { tsqueryLiteral, tsvectorLiteral } from './tsSearch';

/** Each listing filter's condition on Postgres: the list columns are JSON text, read as jsonb. */
const FILTERS: PublicationFilterConditions = {
  sections: (names, param) => `p.section = ANY(${param([...names])}::text[])`,
  tags: (tags, param) => `p.tags::jsonb ?| ${param([...tags])}::text[]`,
  authorId: (id, param) => `p.authors::jsonb @> jsonb_build_array(jsonb_build_object('id', ${param(id)}::text))`,
};

/** A statement built with `param`, and the values it bound, in order. */
function bound(build: (param: Param) => string): [string, unknown[]] {
  const values: unknown[] = [];
  const sql = build((value) => {
    values.push(value);
    return `$${values.length}`;
  });
  return [sql, values];
}

const live = (filter: PublicationFilter | undefined, param: Param) => filterSql(filter, FILTERS, param);

/** The live publications whose words hold the search's ($1: a tsquery, tsSearch.ts). */
const SEARCH_FROM = `FROM publications p JOIN publication_text t ON t.story_id = p.story_id
  WHERE p.unpublished_at IS NULL AND t.terms @@ $1::tsquery`;

/** A publication's words for search: replaced by savePublication, kept if there by the backfill. */
const indexSql = (onConflict: string) =>
  `INSERT INTO publication_text (story_id, terms) VALUES ($1, $2::tsvector) ON CONFLICT (story_id) ${onConflict}`;

const searchable = (r: Row) => ({
  headline: r.headline as string,
  standfirst: r.standfirst as string,
  byline: r.byline as string,
  bodyHtml: r.body_html as string,
});

/** Publications indexed per transaction by the backfill. */
const BACKFILL_BATCH = 200;

/**
 * Makes every publication stored before the site search existed searchable (their words are made in JS, which a
 * migration cannot run). Called when the store opens, after migrating: a batch per transaction, in story id order,
 * and once done it finds nothing to do. Processes opening together may index a publication twice: the first
 * row stays, and a savePublication meanwhile replaces it either way.
 */
export async function indexUnsearchedPublications(db: PgDatabase): Promise<number> {
  let indexed = 0;
  for (let after = ''; ;) {
    const rows = await db.tx(async (c) => {
      const { rows: batch } = await c.query(
        `SELECT story_id, headline, standfirst, byline, body_html FROM publications p
         WHERE story_id > $1 AND NOT EXISTS (SELECT 1 FROM publication_text t WHERE t.story_id = p.story_id) ORDER BY story_id LIMIT $2`,
        [after, BACKFILL_BATCH],
      );
      for (const r of batch) await c.query(indexSql('DO NOTHING'), [r.story_id, tsvectorLiteral(publicationWords(searchable(r)))]);
      return batch;
    });
    if (rows.length === 0) return indexed;
    indexed += rows.length;
    after = rows[rows.length - 1].story_id as string;
  }
}

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
  await c.query(indexSql('DO UPDATE SET terms = EXCLUDED.terms'), [p.storyId, tsvectorLiteral(publicationWords(p))]);
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

    async pagePublications({ limit, after, since, until, filter }) {
      const [sql, values] = bound((param) => {
        const where = [live(filter, param)];
        if (since !== undefined) where.push(`p.published_at >= ${param(since)}`);
        if (until !== undefined) where.push(`p.published_at < ${param(until)}`);
        if (after) {
          const at = param(after.publishedAt);
          where.push(`(p.published_at < ${at} OR (p.published_at = ${at} AND p.story_id > ${param(after.storyId)}))`);
        }
        return `SELECT p.* FROM publications p WHERE ${where.join(' AND ')} ORDER BY p.published_at DESC, p.story_id LIMIT ${param(limit)}`;
      });
      return (await db.rows(sql, values)).map(toPublication);
    },

    async publishedCredits() {
      const rows = await db.rows(
        `SELECT a->>'id' AS id, a->>'name' AS name FROM publications p, jsonb_array_elements(p.authors::jsonb) a
         WHERE p.unpublished_at IS NULL ORDER BY p.updated_at DESC, p.story_id`,
      );
      return distinctCredits(rows);
    },

    async listPublications(limit, offset = 0, filter) {
      const [sql, values] = bound(
        (param) =>
          `SELECT p.* FROM publications p WHERE ${live(filter, param)} ORDER BY p.published_at DESC, p.story_id LIMIT ${param(limit)} OFFSET ${param(offset)}`,
      );
      return (await db.rows(sql, values)).map(toPublication);
    },

    async publicationStats(filter) {
      const [sql, values] = bound(
        (param) => `SELECT COUNT(*) AS count, MAX(p.updated_at) AS last FROM publications p WHERE ${live(filter, param)}`,
      );
      const row = (await db.row(sql, values))!;
      return { count: Number(row.count), lastUpdatedAt: orNull(row.last) };
    },

    async publishedTerms(kind) {
      const sql =
        kind === 'sections'
          ? 'SELECT DISTINCT section AS name FROM publications WHERE unpublished_at IS NULL AND section IS NOT NULL'
          : 'SELECT DISTINCT jsonb_array_elements_text(tags::jsonb) AS name FROM publications WHERE unpublished_at IS NULL';
      return termNames(await db.rows(sql));
    },

    async searchPublications({ text, limit, offset = 0 }) {
      const query = siteSearchQuery(text);
      if (!query) return noResults();
      const match = tsqueryLiteral(query);
      // One snapshot: the count and the page agree.
      return db.tx(async (c) => {
        await c.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY');
        const { rows: counted } = await c.query(`SELECT COUNT(*) AS total ${SEARCH_FROM}`, [match]);
        const { rows } = await c.query(`SELECT p.* ${SEARCH_FROM} ORDER BY p.published_at DESC, p.story_id LIMIT $2 OFFSET $3`, [
          match,
          limit,
          offset,
        ]);
        return { total: Number(counted[0].total), stories: rows.map(toPublication) };
      });
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
