/**
 * A story's planning: who has it, which desk, when it is due, how urgent.
 * Kept in the story's Y.Doc (docs/document-layout.md) so it is co-edited live
 * like the copy, in three roots: `planning` (Y.Map: `section`, `dueAt`,
 * `priority`), `assignees` and `tags` (Y.Maps keyed by user id and tag,
 * value true), so two people adding an assignee at once both count. The
 * server reads it (checked: any client can write anything) into the stories
 * table, where the newsroom lists and filters it.
 */
import type * as Y from 'yjs';

export const PLANNING_ROOT = 'planning';
export const ASSIGNEES_ROOT = 'assignees';
export const TAGS_ROOT = 'tags';

export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type Priority = (typeof PRIORITIES)[number];
export const PRIORITY_LABELS: Record<Priority, string> = { low: 'Low', normal: 'Normal', high: 'High', urgent: 'Urgent' };

export const PLANNING_LIMITS = { assignees: 10, tags: 20, tagMaxChars: 40, sectionMaxChars: 60 } as const;

/** A story is "due soon" this long before its due time: the newsroom flags it, assignees are told. */
export const DUE_SOON_MS = 60 * 60 * 1000;

export type StoryPlanning = {
  assigneeIds: string[];
  section: string | null;
  tags: string[];
  /** ISO 8601, UTC. */
  dueAt: string | null;
  priority: Priority;
};

export const NO_PLANNING: StoryPlanning = { assigneeIds: [], section: null, tags: [], dueAt: null, priority: 'normal' };

const USER_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** The planning as a client may have written it, checked and bounded; sorted so equal planning compares equal. */
export function readPlanning(doc: Y.Doc): StoryPlanning {
  const planning = doc.getMap<unknown>(PLANNING_ROOT);
  const keys = (root: string) => [...doc.getMap<unknown>(root).entries()].filter(([, value]) => value === true).map(([key]) => key);
  return {
    assigneeIds: keys(ASSIGNEES_ROOT)
      .filter((id) => USER_ID.test(id))
      .sort()
      .slice(0, PLANNING_LIMITS.assignees),
    section: label(planning.get('section'), PLANNING_LIMITS.sectionMaxChars),
    tags: [...new Set(keys(TAGS_ROOT).flatMap((tag) => label(tag, PLANNING_LIMITS.tagMaxChars) ?? []))]
      .sort()
      .slice(0, PLANNING_LIMITS.tags),
    dueAt: isoTime(planning.get('dueAt')),
    priority: isPriority(planning.get('priority')) ? (planning.get('priority') as Priority) : 'normal',
  };
}

export function isPriority(value: unknown): value is Priority {
  return typeof value === 'string' && (PRIORITIES as readonly string[]).includes(value);
}

/** A section or tag: one line of plain text, bounded; null for nothing. */
function label(value: unknown, max: number): string | null {
  if (typeof value !== 'string') return null;
  const text = value.replace(/\s+/g, ' ').trim();
  return text && text.length <= max ? text : null;
}

function isoTime(value: unknown): string | null {
  if (typeof value !== 'string' || value.length > 40) return null;
  const time = Date.parse(value);
  return Number.isFinite(time) ? new Date(time).toISOString() : null;
}

/** Where a due time stands now: for the newsroom's flags and the due-soon reminder. */
export function dueState(dueAt: string | null, now: number): 'overdue' | 'soon' | 'later' | null {
  if (!dueAt) return null;
  const due = Date.parse(dueAt);
  if (due <= now) return 'overdue';
  return due - now <= DUE_SOON_MS ? 'soon' : 'later';
}
