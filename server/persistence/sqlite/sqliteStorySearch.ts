import { type Row, toStoryListing } from '../storeRows';
import { indexedText, stateCondition, storyPageSql, storyPageWithinSql, toStoryText } from '../storySearchRows';
import type { FilterConditions, StorySearchStore } from '../StorySearchStore';
import { fts5Match } from './fts5Match';
import type { SqliteConnection } from './SqliteConnection';

/** Each filter's condition on SQLite: `story_search` is the FTS5 index of `story_text` (sqliteSchema.ts). */
const CONDITIONS: FilterConditions = {
  text: (query, p) =>
    `s.id IN (SELECT t.story_id FROM story_text t WHERE t.id IN (SELECT rowid FROM story_search WHERE story_search MATCH ${p(fts5Match(query))}))`,
  status: (status, p) => `s.status = ${p(status)}`,
  ownedBy: (userId, p) => `(s.created_by = ${p(userId)} OR s.assignee_ids LIKE ${p(`%${JSON.stringify(userId)}%`)})`,
  mentions: (userId, p) => `EXISTS (SELECT 1 FROM json_each(s.mentioned_ids) WHERE value = ${p(userId)})`,
  due: ({ after, until }, p) => (after ? `(s.due_at > ${p(after)} AND s.due_at <= ${p(until)})` : `s.due_at <= ${p(until)}`),
  section: (section, p) => `s.section = ${p(section)}`,
  tag: (tag, p) => `s.tags LIKE ${p(`%${JSON.stringify(tag)}%`)}`,
  assignee: (userId, p) => `s.assignee_ids LIKE ${p(`%${JSON.stringify(userId)}%`)}`,
  state: stateCondition,
};

/** The text filter for one story at a time: FTS5 checks a rowid against the expression without reading every match. */
const ONE_BY_ONE: FilterConditions = {
  ...CONDITIONS,
  text: (query, p) =>
    `EXISTS (SELECT 1 FROM story_text t JOIN story_search f ON f.rowid = t.id WHERE t.story_id = s.id AND story_search MATCH ${p(fts5Match(query))})`,
};
/** Stories checked one by one before gathering every match (storyPageWithinSql): a few ms when that fails. */
const WALK_FIRST = 200;

/** The story search on SQLite: text kept in `story_text`, indexed by FTS5 through its triggers. */
export function sqliteStorySearch(db: SqliteConnection): StorySearchStore {
  return {
    async indexStory(storyId, text) {
      await db.write(() =>
        db
          .prepare(
            `INSERT INTO story_text (story_id, headline, standfirst, byline, body, indexed_at)
             SELECT @storyId, @headline, @standfirst, @byline, @body, @at WHERE EXISTS (SELECT 1 FROM stories WHERE id = @storyId)
             ON CONFLICT (story_id) DO UPDATE SET headline = excluded.headline, standfirst = excluded.standfirst,
               byline = excluded.byline, body = excluded.body, indexed_at = excluded.indexed_at
             WHERE (headline, standfirst, byline, body) IS NOT (excluded.headline, excluded.standfirst, excluded.byline, excluded.body)`,
          )
          .run({ storyId, ...indexedText(text), at: new Date().toISOString() }),
      );
    },

    async searchStories(query) {
      const run = (build: (param: (value: unknown) => string) => string) => {
        const values: unknown[] = [];
        const sql = build((value) => {
          values.push(value);
          return '?';
        });
        return (db.prepare(sql).all(...values) as Row[]).map(toStoryListing);
      };
      // Gathering a common word's thousands of matches to sort them took 35-100 ms at 20,000 stories.
      if (query.filter.text) {
        const page = run((param) => storyPageWithinSql(query, ONE_BY_ONE, param, WALK_FIRST));
        if (page.length >= query.limit) return page;
      }
      return run((param) => storyPageSql(query, CONDITIONS, param));
    },

    async storyTexts(storyIds) {
      if (storyIds.length === 0) return new Map();
      const rows = db
        .prepare(`SELECT * FROM story_text WHERE story_id IN (${storyIds.map(() => '?').join(', ')})`)
        .all(...storyIds) as Row[];
      return new Map(rows.map((r) => [r.story_id as string, toStoryText(r)]));
    },

    async unindexedStories(afterId, limit) {
      const rows = db
        .prepare(
          'SELECT id FROM stories s WHERE id > ? AND NOT EXISTS (SELECT 1 FROM story_text t WHERE t.story_id = s.id) ORDER BY id LIMIT ?',
        )
        .all(afterId, limit) as { id: string }[];
      return rows.map((r) => r.id);
    },
  };
}
