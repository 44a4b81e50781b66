import { DETAIL_SCHEMAS, isActivityKind } from '../../shared/activity';
import { LIMITS } from '../../shared/limits';
import type { ActivityRecord, NewActivity } from './StoryActivityStore';
import type { Row } from './storeRows';

/** An entry's columns, its detail checked against its kind and capped: the same on every backend. */
export function activityColumns(entry: NewActivity): [string, string, string | null, string | null, string, string] {
  if (!isActivityKind(entry.kind)) throw new Error(`Unknown activity kind: ${String(entry.kind)}`);
  const checked = DETAIL_SCHEMAS[entry.kind].safeParse(entry.detail);
  if (!checked.success) throw new Error(`Activity detail is not a ${entry.kind}'s: ${checked.error.message}`);
  const detail = JSON.stringify(checked.data);
  if (Buffer.byteLength(detail) > LIMITS.activityDetailMaxBytes)
    throw new Error(`Activity detail over ${LIMITS.activityDetailMaxBytes} bytes`);
  return [entry.storyId, entry.at, entry.actor?.id ?? null, entry.actor?.name ?? null, entry.kind, detail];
}

/** Row → record (sqlite/sqliteStoryActivity.ts, pg/pgStoryActivity.ts). */
export const toActivity = (r: Row): ActivityRecord =>
  ({
    id: String(r.id),
    storyId: String(r.story_id),
    at: String(r.at),
    actor: r.actor_id === null ? null : { id: String(r.actor_id), name: String(r.actor_name ?? '') },
    kind: r.kind,
    detail: JSON.parse(String(r.detail)),
  }) as ActivityRecord;
