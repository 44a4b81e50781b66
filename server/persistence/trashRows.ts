/** Row → record mapping of the Trash (StoryRetentionStore.ts), shared by the SQL backends. */
import type { TrashAction } from '../../shared/trash';
import type { Row } from './storeRows';
import type { TrashedStory, TrashRecord } from './StoryRetentionStore';

/** Who: a person's id and name as recorded, or null for the retention sweep. */
const actor = (id: unknown, name: unknown) =>
  id === null || id === undefined ? null : { id: id as string, name: (name as string | null) ?? '' };

export const toTrashRecord = (r: Row): TrashRecord => ({
  storyId: r.story_id as string,
  action: r.action as TrashAction,
  headline: r.headline as string,
  by: actor(r.user_id, r.user_name),
  at: r.at as string,
});

export const toTrashedStory = (r: Row): TrashedStory => ({
  id: r.id as string,
  headline: r.headline as string,
  trashedAt: r.trashed_at as string,
  trashedBy: actor(r.trashed_by, r.user_name),
});

/** The Trash with the name recorded at each story's latest deletion (the same statement in both backends). */
export const TRASHED_STORIES_SQL = `SELECT s.id, s.headline, s.trashed_at, s.trashed_by,
    (SELECT r.user_name FROM story_trash_records r WHERE r.story_id = s.id AND r.action = 'deleted' ORDER BY r.id DESC LIMIT 1) AS user_name
  FROM stories s WHERE s.trashed_at IS NOT NULL ORDER BY s.trashed_at DESC, s.id`;
