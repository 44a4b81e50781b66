/**
 * Who is told what: the one place that turns something that happened into the notifications it makes.
 * Pure (the Notifier looks up the people and stores the result), so the rules read as a table:
 * never the actor; one notification per person per event, a mention winning over a reply.
 */
import { NOTIFICATION_LIMITS, type NotificationActor, type NotificationData, type NotificationKind } from '../../shared/notifications';
import type { StoryField } from '../../shared/story';

/** A comment was written: a new thread, a reply, or an edit that mentions someone new. */
export type CommentNews = {
  type: 'comment';
  storyId: string;
  actor: NotificationActor;
  threadId: string;
  field: StoryField;
  body: string;
  /** People newly mentioned by this message. */
  mentions: string[];
  /** Everyone who wrote in the thread before this message (its starter included); none for a new thread. */
  participants: string[];
};

export type NotificationEvent =
  | CommentNews
  | { type: 'submitted'; storyId: string; actor: NotificationActor; reviewers: string[] }
  | { type: 'returned'; storyId: string; actor: NotificationActor; note: string; submitters: string[] }
  | { type: 'published' | 'unpublished'; storyId: string; actor: NotificationActor; people: string[] }
  | { type: 'assigned'; storyId: string; actor: NotificationActor; assigneeIds: string[] }
  | { type: 'due'; storyId: string; actor: NotificationActor; dueAt: string; assigneeIds: string[] };

/** One person's notification from an event, before preferences decide where it shows. */
export type Intended = { userId: string; kind: NotificationKind; data: NotificationData; dedupeKey: string | null };

const MAX = NOTIFICATION_LIMITS.excerptMaxChars;
const excerpt = (text: string) => (text.length > MAX ? `${text.slice(0, MAX - 1)}…` : text);

export function intendedNotifications(event: NotificationEvent): Intended[] {
  const out = new Map<string, Intended>();
  const add = (userIds: readonly string[], kind: NotificationKind, data: NotificationData = {}, dedupeKey: string | null = null) => {
    for (const userId of userIds) {
      if (userId === event.actor.id || out.has(userId)) continue;
      out.set(userId, { userId, kind, data, dedupeKey });
    }
  };
  switch (event.type) {
    case 'comment': {
      const data = { threadId: event.threadId, field: event.field, note: excerpt(event.body) };
      add(event.mentions, 'mention', data);
      add(event.participants, 'reply', data);
      break;
    }
    case 'submitted':
      add(event.reviewers, 'submitted');
      break;
    case 'returned':
      add(event.submitters, 'returned', { note: excerpt(event.note) });
      break;
    case 'published':
    case 'unpublished':
      add(event.people, event.type);
      break;
    case 'assigned':
      add(event.assigneeIds, 'assigned');
      break;
    case 'due':
      // Once per person per due time, however many nodes sweep and however often.
      add(event.assigneeIds, 'due', { dueAt: event.dueAt }, `due:${event.storyId}:${event.dueAt}`);
      break;
  }
  return [...out.values()];
}
