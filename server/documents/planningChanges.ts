import * as Y from 'yjs';
import { ASSIGNEES_ROOT, PLANNING_ROOT, type Priority, type StoryPlanning } from '../../shared/planning';
import type { Store } from '../persistence/Store';
import type { StoryDocument } from './StoryDocument';
import { SERVER_OWNER } from './updateGuard';

/** One change to a story's planning and who made it (a user id; null when the server cannot tell). */
export type PlanningChange = { by: string | null } & (
  | { kind: 'assigned' | 'unassigned'; userIds: string[] }
  | { kind: 'section' | 'due'; from: string | null; to: string | null }
  | { kind: 'priority'; from: Priority; to: Priority }
);

/** How far back an unassignment's deletion record is looked for: it was committed a moment before the summary. */
const DELETIONS_WINDOW_MS = 5 * 60_000;

/**
 * What changed from `before` to `after`, and by whom: the owner of the Yjs client id that wrote the
 * value (an assignee entry, the section, due time or priority), and for an unassignment, whoever's
 * recorded deletion removed the entry. People are grouped by who assigned or unassigned them.
 */
export async function planningChanges(
  store: Store,
  document: StoryDocument,
  before: StoryPlanning,
  after: StoryPlanning,
): Promise<PlanningChange[]> {
  const changes: PlanningChange[] = [];
  // Read on first use: most changes remove nothing.
  let deleters: Promise<(item: Y.Item) => string | null> | undefined;
  // A value's item names who wrote it; a removed (deleted) one, who removed it.
  const actorOf = async (item: Y.Item | undefined) =>
    item?.deleted ? (await (deleters ??= readDeleters(store, document.storyId)))(item) : writerOf(document, item);
  const assignees = document.doc.getMap<unknown>(ASSIGNEES_ROOT)._map;
  const who = async (ids: string[]) => Promise.all(ids.map((id) => actorOf(assignees.get(id))));
  const added = after.assigneeIds.filter((id) => !before.assigneeIds.includes(id));
  const removed = before.assigneeIds.filter((id) => !after.assigneeIds.includes(id));
  changes.push(...grouped('assigned', added, await who(added)), ...grouped('unassigned', removed, await who(removed)));
  const planning = document.doc.getMap<unknown>(PLANNING_ROOT)._map;
  const by = (key: string) => actorOf(planning.get(key));
  if (before.section !== after.section) changes.push({ kind: 'section', from: before.section, to: after.section, by: await by('section') });
  if (before.dueAt !== after.dueAt) changes.push({ kind: 'due', from: before.dueAt, to: after.dueAt, by: await by('dueAt') });
  if (before.priority !== after.priority)
    changes.push({ kind: 'priority', from: before.priority, to: after.priority, by: await by('priority') });
  return changes;
}

/** `userIds[i]` changed by `by[i]`: one change per person who made it. */
function grouped(kind: 'assigned' | 'unassigned', userIds: string[], by: (string | null)[]): PlanningChange[] {
  const groups = new Map<string | null, string[]>();
  userIds.forEach((id, i) => groups.set(by[i], [...(groups.get(by[i]) ?? []), id]));
  return [...groups].map(([actor, ids]) => ({ kind, userIds: ids, by: actor }));
}

/** The person bound to the client id that wrote `item` (the server's own writes name nobody). */
function writerOf(document: StoryDocument, item: Y.Item | undefined): string | null {
  const owner = item ? document.ownerOf(item.id.client) : undefined;
  return owner && owner !== SERVER_OWNER ? owner : null;
}

/** Who deleted an item: the person whose recorded deletion (StoryLogStore.listDeletions) covers it. */
async function readDeleters(store: Store, storyId: string): Promise<(item: Y.Item) => string | null> {
  const since = new Date(Date.now() - DELETIONS_WINDOW_MS).toISOString();
  const deletions = (await store.listDeletions(storyId, since)).filter((d) => !d.restored);
  const sets = deletions.map((d) => ({ userId: d.userId, ds: Y.decodeSnapshot(d.ds).ds }));
  return (item) => sets.findLast((s) => Y.isDeleted(s.ds, item.id))?.userId ?? null;
}
