import type { PoolClient } from 'pg';
import type { TrashAction, TrashActor } from '../../../shared/trash';
import type { StoryRetentionStore } from '../StoryRetentionStore';
import { toTrashedStory, toTrashRecord, TRASHED_STORIES_SQL } from '../trashRows';
import type { PgDatabase } from './PgDatabase';

/** Records what happened to a story, with its headline now; inside the caller's transaction. */
async function record(c: PoolClient, storyId: string, action: TrashAction, by: TrashActor, at: string): Promise<void> {
  await c.query(
    `INSERT INTO story_trash_records (story_id, action, headline, user_id, user_name, at)
     SELECT id, $1, headline, $2, $3, $4 FROM stories WHERE id = $5`,
    [action, by?.id ?? null, by?.name ?? null, at, storyId],
  );
}

/**
 * Archive and Trash on Postgres: each move is one conditional UPDATE (under READ COMMITTED a concurrent one re-checks
 * the row, so only one wins); a purge is one DELETE of the story, whose rows everywhere go with it (ON DELETE CASCADE).
 */
export function pgStoryRetention(db: PgDatabase): StoryRetentionStore {
  return {
    async archiveStory(storyId, at) {
      return (await db.changes('UPDATE stories SET archived_at = $1 WHERE id = $2 AND trashed_at IS NULL', [at, storyId])) === 1;
    },

    async trashStory(storyId, by, at) {
      return db.tx(async (c) => {
        const moved = await c.query(
          `UPDATE stories SET trashed_at = $1, trashed_by = $2, purge_lease_until = NULL
           WHERE id = $3 AND trashed_at IS NULL AND live = FALSE AND status <> 'scheduled'`,
          [at, by.id, storyId],
        );
        if (moved.rowCount !== 1) return false;
        await record(c, storyId, 'deleted', by, at);
        return true;
      });
    },

    async restoreStory(storyId, by, at) {
      return db.tx(async (c) => {
        const back = await c.query(
          'UPDATE stories SET trashed_at = NULL, trashed_by = NULL, purge_lease_until = NULL WHERE id = $1 AND trashed_at IS NOT NULL',
          [storyId],
        );
        if (back.rowCount !== 1) return false;
        await record(c, storyId, 'restored', by, at);
        return true;
      });
    },

    async purgeStory(storyId, by, at, trashedUpTo) {
      return db.tx(async (c) => {
        // Locked first: a restore or another purge waits, then finds the story gone (or back).
        const { rows } = await c.query<{ trashed_at: string }>(
          'SELECT trashed_at FROM stories WHERE id = $1 AND trashed_at IS NOT NULL FOR UPDATE',
          [storyId],
        );
        if (rows.length === 0 || (trashedUpTo !== undefined && rows[0].trashed_at > trashedUpTo)) return false;
        await record(c, storyId, 'purged', by, at);
        await c.query('DELETE FROM stories WHERE id = $1', [storyId]);
        return true;
      });
    },

    async trashedStories() {
      return (await db.rows(TRASHED_STORIES_SQL)).map(toTrashedStory);
    },

    async trashRecords(limit) {
      return (await db.rows('SELECT * FROM story_trash_records ORDER BY id DESC LIMIT $1', [limit])).map(toTrashRecord);
    },

    async claimExpiredTrash(trashedUpTo, now, leaseUntil) {
      // FOR UPDATE in id order, as claimDueSchedules: one that waited re-checks the lease the winner wrote.
      const rows = await db.rows(
        `WITH expired AS (
           SELECT id FROM stories
           WHERE trashed_at IS NOT NULL AND trashed_at <= $2 AND (purge_lease_until IS NULL OR purge_lease_until <= $3)
           ORDER BY id FOR UPDATE
         )
         UPDATE stories s SET purge_lease_until = $1 FROM expired WHERE s.id = expired.id RETURNING s.id`,
        [leaseUntil, trashedUpTo, now],
      );
      return rows.map((r) => r.id as string);
    },
  };
}
