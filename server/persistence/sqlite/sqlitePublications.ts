import type Database from 'better-sqlite3';
import { distinctCredits, filterSql, type Param, type PublicationFilterConditions, termNames } from '../publicationListingRows';
import { noResults, publicationWords, siteSearchQuery } from '../publicationSearchRows';
import type { NewPublication, PublicationFilter, PublicationStore, RevisionRecord } from '../PublicationStore';
import { correctionsAfter, leadColumn, pageContextColumns, type Row, toEntry, toPublication, toRevision } from '../storeRows';
import { fts5Match } from './fts5Match';
import type { SqliteConnection } from './SqliteConnection';

/** Each listing filter's condition on SQLite: lists are bound as one JSON parameter and read with json_each. */
const FILTERS: PublicationFilterConditions = {
  sections: (names, param) => `p.section IN (SELECT value FROM json_each(${param(JSON.stringify(names))}))`,
  tags: (tags, param) =>
    `EXISTS (SELECT 1 FROM json_each(p.tags) t WHERE t.value IN (SELECT value FROM json_each(${param(JSON.stringify(tags))})))`,
  authorId: (id, param) => `EXISTS (SELECT 1 FROM json_each(p.authors) a WHERE json_extract(a.value, '$.id') = ${param(id)})`,
};

/** A statement built with `param`, and the values it bound, in order. */
function bound(build: (param: Param) => string): [string, unknown[]] {
  const values: unknown[] = [];
  const sql = build((value) => {
    values.push(value);
    return '?';
  });
  return [sql, values];
}

const live = (filter: PublicationFilter | undefined, param: Param) => filterSql(filter, FILTERS, param);

/** The live publications whose words hold the search's (`?`: an FTS5 expression, fts5Match). */
const SEARCH_FROM = `FROM publications p JOIN publication_text t ON t.story_id = p.story_id
  WHERE p.unpublished_at IS NULL AND t.id IN (SELECT rowid FROM publication_search WHERE publication_search MATCH ?)`;

/** A publication's words for search, replaced (publication_text's triggers keep the FTS5 index). */
const INDEX_SQL = `INSERT INTO publication_text (story_id, headline, standfirst, byline, body)
  VALUES (@storyId, @headline, @standfirst, @byline, @body)
  ON CONFLICT (story_id) DO UPDATE SET headline = excluded.headline, standfirst = excluded.standfirst, byline = excluded.byline,
    body = excluded.body
  WHERE (headline, standfirst, byline, body) IS NOT (excluded.headline, excluded.standfirst, excluded.byline, excluded.body)`;

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
 * and once done it finds nothing to do. Processes opening together index some publications twice, harmlessly.
 */
export function indexUnsearchedPublications(db: Database.Database): number {
  const unsearched = db.prepare(
    `SELECT story_id, headline, standfirst, byline, body_html FROM publications p
     WHERE story_id > ? AND NOT EXISTS (SELECT 1 FROM publication_text t WHERE t.story_id = p.story_id) ORDER BY story_id LIMIT ?`,
  );
  const index = db.prepare(INDEX_SQL);
  const batch = db.transaction((after: string) => {
    const rows = unsearched.all(after, BACKFILL_BATCH) as Row[];
    for (const r of rows) index.run({ storyId: r.story_id, ...publicationWords(searchable(r)) });
    return rows;
  });
  let indexed = 0;
  for (let after = '', rows = batch.immediate(after); rows.length > 0; rows = batch.immediate(after)) {
    indexed += rows.length;
    after = rows[rows.length - 1].story_id as string;
  }
  return indexed;
}

/** Public pages, revisions and versions, and the public listings, on SQLite. */
export function sqlitePublications(db: SqliteConnection): PublicationStore {
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
    db.prepare(INDEX_SQL).run({ storyId: p.storyId, ...publicationWords(p) });
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

    async pagePublications({ limit, after, since, until, filter }) {
      const [sql, values] = bound((param) => {
        const where = [live(filter, param)];
        if (since !== undefined) where.push(`p.published_at >= ${param(since)}`);
        if (until !== undefined) where.push(`p.published_at < ${param(until)}`);
        if (after) {
          const at = () => param(after.publishedAt);
          where.push(`(p.published_at < ${at()} OR (p.published_at = ${at()} AND p.story_id > ${param(after.storyId)}))`);
        }
        return `SELECT p.* FROM publications p WHERE ${where.join(' AND ')} ORDER BY p.published_at DESC, p.story_id LIMIT ${param(limit)}`;
      });
      return (db.prepare(sql).all(...values) as Row[]).map(toPublication);
    },

    async publishedCredits() {
      const rows = db
        .prepare(
          `SELECT json_extract(a.value, '$.id') AS id, json_extract(a.value, '$.name') AS name
           FROM publications p, json_each(p.authors) a WHERE p.unpublished_at IS NULL ORDER BY p.updated_at DESC, p.story_id`,
        )
        .all() as Row[];
      return distinctCredits(rows);
    },

    async listPublications(limit, offset = 0, filter) {
      const [sql, values] = bound(
        (param) =>
          `SELECT p.* FROM publications p WHERE ${live(filter, param)} ORDER BY p.published_at DESC, p.story_id LIMIT ${param(limit)} OFFSET ${param(offset)}`,
      );
      return (db.prepare(sql).all(...values) as Row[]).map(toPublication);
    },

    async publicationStats(filter) {
      const [sql, values] = bound(
        (param) => `SELECT COUNT(*) AS count, MAX(p.updated_at) AS last FROM publications p WHERE ${live(filter, param)}`,
      );
      const row = db.prepare(sql).get(...values) as { count: number; last: string | null };
      return { count: row.count, lastUpdatedAt: row.last };
    },

    async publishedTerms(kind) {
      const sql =
        kind === 'sections'
          ? 'SELECT DISTINCT section AS name FROM publications WHERE unpublished_at IS NULL AND section IS NOT NULL'
          : 'SELECT DISTINCT t.value AS name FROM publications p, json_each(p.tags) t WHERE p.unpublished_at IS NULL';
      return termNames(db.prepare(sql).all() as Row[]);
    },

    async searchPublications({ text, limit, offset = 0 }) {
      const query = siteSearchQuery(text);
      if (!query) return noResults();
      const match = fts5Match(query);
      // One snapshot: the count and the page agree.
      return db.snapshot(() => {
        const { total } = db.prepare(`SELECT COUNT(*) AS total ${SEARCH_FROM}`).get(match) as { total: number };
        const rows = db
          .prepare(`SELECT p.* ${SEARCH_FROM} ORDER BY p.published_at DESC, p.story_id LIMIT ? OFFSET ?`)
          .all(match, limit, offset) as Row[];
        return { total, stories: rows.map(toPublication) };
      });
    },

    async publicationsVersion() {
      return String(db.prepare('SELECT version FROM publication_changes').pluck().get() as number);
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
