import { activityColumns, toActivity } from '../activityRows';
import type { StoryActivityStore } from '../StoryActivityStore';
import type { Row } from '../storeRows';
import type { SqliteConnection } from './SqliteConnection';

/** Stories' activity timelines on SQLite. */
export function sqliteStoryActivity(db: SqliteConnection): StoryActivityStore {
  return {
    async addStoryActivity(entries) {
      // Checked before the transaction: a bad entry stores none of the batch.
      const rows = entries.map(activityColumns);
      return db.write(() => {
        const insert = db.prepare(
          'INSERT INTO story_activity (story_id, at, actor_id, actor_name, kind, detail) VALUES (?, ?, ?, ?, ?, ?) RETURNING *',
        );
        return rows.map((row) => toActivity(insert.get(...row) as Row));
      });
    },

    async listStoryActivity(storyId, { before, limit }) {
      const rows = before
        ? db
            .prepare('SELECT * FROM story_activity WHERE story_id = ? AND id < ? ORDER BY id DESC LIMIT ?')
            .all(storyId, Number(before), limit)
        : db.prepare('SELECT * FROM story_activity WHERE story_id = ? ORDER BY id DESC LIMIT ?').all(storyId, limit);
      return (rows as Row[]).map(toActivity);
    },

    async deleteStoryActivity(storyId) {
      return db.write(() => db.prepare('DELETE FROM story_activity WHERE story_id = ?').run(storyId).changes);
    },
  };
}
