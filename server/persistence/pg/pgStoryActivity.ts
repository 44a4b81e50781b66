import { activityColumns, toActivity } from '../activityRows';
import type { StoryActivityStore } from '../StoryActivityStore';
import type { PgDatabase } from './PgDatabase';

/** Stories' activity timelines on Postgres. */
export function pgStoryActivity(db: PgDatabase): StoryActivityStore {
  return {
    async addStoryActivity(entries) {
      // Checked before the transaction: a bad entry stores none of the batch.
      const rows = entries.map(activityColumns);
      return db.tx(async (c) => {
        const kept = [];
        for (const row of rows) {
          const { rows: inserted } = await c.query(
            'INSERT INTO story_activity (story_id, at, actor_id, actor_name, kind, detail) VALUES ($1, $2, $3, $4, $5, $6) RETURNING *',
            row,
          );
          kept.push(toActivity(inserted[0]));
        }
        return kept;
      });
    },

    async listStoryActivity(storyId, { before, limit }) {
      const rows = before
        ? await db.rows('SELECT * FROM story_activity WHERE story_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3', [storyId, before, limit])
        : await db.rows('SELECT * FROM story_activity WHERE story_id = $1 ORDER BY id DESC LIMIT $2', [storyId, limit]);
      return rows.map(toActivity);
    },

    async deleteStoryActivity(storyId) {
      return db.changes('DELETE FROM story_activity WHERE story_id = $1', [storyId]);
    },
  };
}
