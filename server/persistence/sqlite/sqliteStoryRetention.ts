import type { TrashAction, TrashActor } from '../../../shared/trash';
import type { StoryRetentionStore } from '../StoryRetentionStore';
import { toTrashedStory, toTrashRecord, TRASHED_STORIES_SQL } from '../trashRows';
import type { Row } from '../storeRows';
import type { SqliteConnection } from './SqliteConnection';

/** Archive and Trash on SQLite: a purge is one DELETE of the story, whose rows everywhere go with it (ON DELETE CASCADE). */
export function sqliteStoryRetention(db: SqliteConnection): StoryRetentionStore {
  /** Records what happened to a story, with its headline now; inside the caller's write. */
  const record = (storyId: string, action: TrashAction, by: TrashActor, at: string) =>
    db
      .prepare(
        `INSERT INTO story_trash_records (story_id, action, headline, user_id, user_name, at)
         SELECT id, ?, headline, ?, ?, ? FROM stories WHERE id = ?`,
      )
      .run(action, by?.id ?? null, by?.name ?? null, at, storyId);

  return {
    async archiveStory(storyId, at) {
      return db.write(
        () => db.prepare('UPDATE stories SET archived_at = ? WHERE id = ? AND trashed_at IS NULL').run(at, storyId).changes === 1,
      );
    },

    async trashStory(storyId, by, at) {
      return db.write(() => {
        const moved = db
          .prepare(
            `UPDATE stories SET trashed_at = ?, trashed_by = ?, purge_lease_until = NULL
             WHERE id = ? AND trashed_at IS NULL AND live = 0 AND status <> 'scheduled'`,
          )
          .run(at, by.id, storyId);
        if (moved.changes !== 1) return false;
        record(storyId, 'deleted', by, at);
        return true;
      });
    },

    async restoreStory(storyId, by, at) {
      return db.write(() => {
        const back = db
          .prepare(
            'UPDATE stories SET trashed_at = NULL, trashed_by = NULL, purge_lease_until = NULL WHERE id = ? AND trashed_at IS NOT NULL',
          )
          .run(storyId);
        if (back.changes !== 1) return false;
        record(storyId, 'restored', by, at);
        return true;
      });
    },

    async purgeStory(storyId, by, at, trashedUpTo) {
      return db.write(() => {
        const story = db.prepare('SELECT trashed_at FROM stories WHERE id = ? AND trashed_at IS NOT NULL').get(storyId) as Row | undefined;
        if (!story || (trashedUpTo !== undefined && (story.trashed_at as string) > trashedUpTo)) return false;
        record(storyId, 'purged', by, at);
        // story_text goes first, by its own statement, so its trigger takes the words out of the FTS5 index.
        db.prepare('DELETE FROM story_text WHERE story_id = ?').run(storyId);
        db.prepare('DELETE FROM stories WHERE id = ?').run(storyId);
        return true;
      });
    },

    async trashedStories() {
      return (db.prepare(TRASHED_STORIES_SQL).all() as Row[]).map(toTrashedStory);
    },

    async trashRecords(limit) {
      return (db.prepare('SELECT * FROM story_trash_records ORDER BY id DESC LIMIT ?').all(limit) as Row[]).map(toTrashRecord);
    },

    async claimExpiredTrash(trashedUpTo, now, leaseUntil) {
      return db.write(() => {
        const rows = db
          .prepare(
            `UPDATE stories SET purge_lease_until = ?
             WHERE trashed_at IS NOT NULL AND trashed_at <= ? AND (purge_lease_until IS NULL OR purge_lease_until <= ?)
             RETURNING id`,
          )
          .all(leaseUntil, trashedUpTo, now) as { id: string }[];
        return rows.map((r) => r.id);
      });
    },
  };
}
