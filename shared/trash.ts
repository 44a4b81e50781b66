/**
 * The Trash (GET /api/trash, docs/newsroom.md#archive-trash-and-retention): the stories in it, and the record of
 * every delete, restore and purge, which outlives the stories it names.
 */

/** What happened to a story: moved to the Trash, brought back, or deleted for good. */
export type TrashAction = 'deleted' | 'restored' | 'purged';
export const TRASH_ACTION_LABELS: Record<TrashAction, string> = { deleted: 'Deleted', restored: 'Restored', purged: 'Deleted forever' };

/** Who did it: a person, or null for the retention sweep (after TRASH_RETENTION_DAYS). */
export type TrashActor = { id: string; name: string } | null;

/** One line of the deletion record, with the story's headline at the time. */
type TrashRecordView = { storyId: string; action: TrashAction; headline: string; by: TrashActor; at: string };

/** A story in the Trash: who put it there and when, and when the sweep will purge it. */
export type TrashEntry = { id: string; headline: string; deletedAt: string; deletedBy: TrashActor; purgeAt: string };

/** GET /api/trash: the Trash, newest first, and the latest lines of the record. */
export type TrashList = { stories: TrashEntry[]; records: TrashRecordView[]; retentionDays: number };
