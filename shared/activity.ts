/**
 * A story's activity timeline (docs/newsroom.md#activity): who did what to it and when, as the server
 * recorded it. The kinds, what each keeps (its detail, checked before it is stored), the API's query and
 * answer, and the words the timeline says. A new kind is one key of ActivityDetails, its schema in
 * DETAIL_SCHEMAS and its sentence in ACTIVITY_SENTENCES: the compiler asks for all three.
 */
import { z } from 'zod/mini';
import { LIMITS } from './limits';
import { PRIORITIES, PRIORITY_LABELS, type Priority } from './planning';

/** Someone, by id and by the name they had when it happened. */
export type ActivityPerson = { id: string; name: string };

/** What each kind of entry keeps besides who and when. */
export type ActivityDetails = {
  created: Record<string, never>;
  assigned: { people: ActivityPerson[] };
  unassigned: { people: ActivityPerson[] };
  section: { from: string | null; to: string | null };
  due: { from: string | null; to: string | null };
  priority: { from: Priority; to: Priority };
  submitted: Record<string, never>;
  returned: { note: string };
  scheduled: { at: string };
  /** `note`: why the schedule was dropped when nobody dropped it (the publication was refused). */
  unscheduled: { note?: string };
  /** `scheduled`: it went out by its schedule (the actor is whoever scheduled it). */
  published: { revision: number; slug: string; scheduled: boolean };
  republished: { revision: number; slug: string; scheduled: boolean };
  unpublished: Record<string, never>;
  /** A named version (automatic ones are the History panel's, not the timeline's). */
  version: { number: number; name: string };
  restored: { number: number; name: string | null };
  /** One person's changes since a version, taken back. */
  reverted: { number: number; author: ActivityPerson };
  /** Archive and Trash (docs/newsroom.md#archive-trash-and-retention): seen once the story is back. */
  archived: Record<string, never>;
  unarchived: Record<string, never>;
  trashed: Record<string, never>;
  untrashed: Record<string, never>;
};

export type ActivityKind = keyof ActivityDetails;

/** An entry's kind with its detail, as recorded. */
export type ActivityEvent = { [K in ActivityKind]: { kind: K; detail: ActivityDetails[K] } }[ActivityKind];

/** One entry of the timeline, as the API answers it and the socket pushes it. `actor` null: the server itself. */
export type ActivityView = ActivityEvent & { id: string; storyId: string; at: string; actor: ActivityPerson | null };

export type ActivityPage = { activity: ActivityView[]; next: string | null };

const text = (max: number) => z.string().check(z.maxLength(max));
const person = z.strictObject({ id: text(64), name: text(LIMITS.nameMaxChars) });
const people = z.array(person).check(z.minLength(1), z.maxLength(10));
const nothing = z.strictObject({});
const time = z.iso.datetime();
const count = z.int().check(z.positive());
const publication = z.strictObject({ revision: count, slug: text(LIMITS.slugMaxChars), scheduled: z.boolean() });
const change = <T extends z.core.$ZodType>(value: T) => z.strictObject({ from: z.nullable(value), to: z.nullable(value) });
const priority = z.enum(PRIORITIES);

/** What each kind's detail may be: checked before it is stored (the store also caps its size). */
export const DETAIL_SCHEMAS: { [K in ActivityKind]: z.ZodMiniType<ActivityDetails[K]> } = {
  created: nothing as z.ZodMiniType<Record<string, never>>,
  assigned: z.strictObject({ people }),
  unassigned: z.strictObject({ people }),
  section: change(text(200)),
  due: change(time),
  priority: z.strictObject({ from: priority, to: priority }),
  submitted: nothing as z.ZodMiniType<Record<string, never>>,
  returned: z.strictObject({ note: text(LIMITS.noteMaxChars) }),
  scheduled: z.strictObject({ at: time }),
  unscheduled: z.strictObject({ note: z.optional(text(LIMITS.noteMaxChars)) }),
  published: publication,
  republished: publication,
  unpublished: nothing as z.ZodMiniType<Record<string, never>>,
  version: z.strictObject({ number: count, name: text(LIMITS.noteMaxChars) }),
  restored: z.strictObject({ number: count, name: z.nullable(text(LIMITS.noteMaxChars)) }),
  reverted: z.strictObject({ number: count, author: person }),
  archived: nothing as z.ZodMiniType<Record<string, never>>,
  unarchived: nothing as z.ZodMiniType<Record<string, never>>,
  trashed: nothing as z.ZodMiniType<Record<string, never>>,
  untrashed: nothing as z.ZodMiniType<Record<string, never>>,
};

export function isActivityKind(kind: string): kind is ActivityKind {
  return Object.hasOwn(DETAIL_SCHEMAS, kind);
}

/** `before`: the `next` of the page before (the id of its last entry). */
export const ActivityListQuery = z.strictObject({
  before: z.optional(z.string().check(z.regex(/^[1-9]\d{0,15}$/, 'Use the `next` of the page before'))),
});

const names = (list: ActivityPerson[]) => list.map((p) => p.name).join(', ');
const quoted = (words: string) => `“${words}”`;

/**
 * What the entry says after the actor's name ("sent it back: “Needs a second source”"); `when` formats
 * times in the reader's zone. Plain text: the page renders it as text.
 */
const ACTIVITY_SENTENCES: { [K in ActivityKind]: (detail: ActivityDetails[K], when: (iso: string) => string) => string } = {
  created: () => 'created the story',
  assigned: (d) => `assigned ${names(d.people)}`,
  unassigned: (d) => `unassigned ${names(d.people)}`,
  section: (d) => (d.to ? `moved it to the section ${quoted(d.to)}` : 'cleared its section'),
  due: (d, when) => (d.to ? `set it due ${when(d.to)}` : 'cleared its due time'),
  priority: (d) => `set its priority to ${PRIORITY_LABELS[d.to]}`,
  submitted: () => 'submitted it for review',
  returned: (d) => `sent it back: ${quoted(d.note)}`,
  scheduled: (d, when) => `scheduled it for ${when(d.at)}`,
  unscheduled: (d) => (d.note ? `dropped its schedule: ${d.note}` : 'unscheduled it'),
  published: (d) => (d.scheduled ? 'published it (as scheduled)' : 'published it'),
  republished: (d) => (d.scheduled ? 'republished it (as scheduled)' : 'republished it'),
  unpublished: () => 'unpublished it',
  version: (d) => `saved version ${d.number}: ${quoted(d.name)}`,
  restored: (d) => (d.name ? `restored version ${d.number}: ${quoted(d.name)}` : `restored version ${d.number}`),
  reverted: (d) => `reverted ${d.author.name}’s changes since version ${d.number}`,
  archived: () => 'archived it',
  unarchived: () => 'unarchived it',
  trashed: () => 'moved it to the Trash',
  untrashed: () => 'restored it from the Trash',
};

/** The whole entry as one line, without its time: "Ana Editor sent it back: “Needs a second source”". */
export function activitySentence(entry: ActivityView, when: (iso: string) => string): string {
  const who = entry.actor?.name ?? 'Galley';
  // A kind added by a newer server than this page: who and what, in its own word.
  if (!isActivityKind(entry.kind)) return `${who}: ${String(entry.kind)}`;
  const sentence = ACTIVITY_SENTENCES[entry.kind] as (detail: unknown, when: (iso: string) => string) => string;
  return `${who} ${sentence(entry.detail, when)}`;
}
