import { toStoryListing } from '../storeRows';
import { indexedText, stateCondition, storyPageSql, toStoryText } from '../storySearchRows';
import type { FilterConditions, StorySearchStore } from '../StorySearchStore';
import type { PgDatabase } from './PgDatabase';
import { tsqueryLiteral, tsvectorLiteral } from './tsSearch';

/** Each filter's condition on Postgres: `story_text.terms` is the GIN-indexed tsvector (pgSchema.ts). */
const CONDITIONS: FilterConditions = {
  text: (query, p) => `s.id IN (SELECT t.story_id FROM story_text t WHERE t.terms @@ ${p(tsqueryLiteral(query))}::tsquery)`,
  status: (status, p) => `s.status = ${p(status)}`,
  ownedBy: (userId, p) => `(s.created_by = ${p(userId)} OR s.assignee_ids LIKE ${p(`%${JSON.stringify(userId)}%`)})`,
  mentions: (userId, p) => `s.mentioned_ids::jsonb ? ${p(userId)}`,
  due: ({ after, until }, p) => (after ? `(s.due_at > ${p(after)} AND s.due_at <= ${p(until)})` : `s.due_at <= ${p(until)}`),
  section: (section, p) => `s.section = ${p(section)}`,
  tag: (tag, p) => `s.tags LIKE ${p(`%${JSON.stringify(tag)}%`)}`,
  assignee: (userId, p) => `s.assignee_ids LIKE ${p(`%${JSON.stringify(userId)}%`)}`,
  state: stateCondition,
};

/** The story search on Postgres: text and its tsvector in `story_text`. */
export function pgStorySearch(db: PgDatabase): StorySearchStore {
  return {
    async indexStory(storyId, text) {
      const kept = indexedText(text);
      await db.pool.query(
        `INSERT INTO story_text (story_id, headline, standfirst, byline, body, terms, indexed_at)
         SELECT $1, $2, $3, $4, $5, $6::tsvector, $7 WHERE EXISTS (SELECT 1 FROM stories WHERE id = $1)
         ON CONFLICT (story_id) DO UPDATE SET headline = EXCLUDED.headline, standfirst = EXCLUDED.standfirst,
           byline = EXCLUDED.byline, body = EXCLUDED.body, terms = EXCLUDED.terms, indexed_at = EXCLUDED.indexed_at
         WHERE (story_text.headline, story_text.standfirst, story_text.byline, story_text.body)
           IS DISTINCT FROM (EXCLUDED.headline, EXCLUDED.standfirst, EXCLUDED.byline, EXCLUDED.body)`,
        [storyId, kept.headline, kept.standfirst, kept.byline, kept.body, tsvectorLiteral(kept), new Date().toISOString()],
      );
    },

    async searchStories(query) {
      const values: unknown[] = [];
      const sql = storyPageSql(query, CONDITIONS, (value) => {
        values.push(value);
        return `$${values.length}`;
      });
      if (!query.filter.text) return (await db.rows(sql, values)).map(toStoryListing);
      // The planner prices a scan of story_text by its pages, not by the TOASTed tsvectors it would decompress (a
      // word found nowhere took 300 ms at 20,000 stories): searches use the GIN index or walk the sort's index.
      return db.tx(async (c) => {
        await c.query('SET LOCAL enable_seqscan = off');
        return (await c.query(sql, values)).rows.map(toStoryListing);
      });
    },

    async storyTexts(storyIds) {
      if (storyIds.length === 0) return new Map();
      const rows = await db.rows('SELECT * FROM story_text WHERE story_id = ANY($1::text[])', [storyIds]);
      return new Map(rows.map((r) => [r.story_id as string, toStoryText(r)]));
    },

    async unindexedStories(afterId, limit) {
      const rows = await db.rows(
        'SELECT id FROM stories s WHERE id > $1 AND NOT EXISTS (SELECT 1 FROM story_text t WHERE t.story_id = s.id) ORDER BY id LIMIT $2',
        [afterId, limit],
      );
      return rows.map((r) => r.id as string);
    },
  };
}
