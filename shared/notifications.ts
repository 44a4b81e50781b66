/**
 * Notifications (docs/newsroom.md#notifications): what happened that concerns someone, kept in their
 * inbox and, if they chose to, sent by email. The kinds, the API's schemas and answers, where each one
 * leads in the app, and the words that describe it (the inbox and the emails say the same thing).
 */
import { z } from 'zod/mini';
import type { StoryField } from './story';

export const NOTIFICATION_KINDS = ['mention', 'reply', 'submitted', 'returned', 'published', 'unpublished', 'assigned', 'due'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export const NOTIFICATION_LIMITS = {
  /** Inbox items per page. */
  pageSize: 30,
  /** Characters of a send-back note or a comment kept in a notification (the story holds the rest). */
  excerptMaxChars: 280,
} as const;

/** What a notification carries besides its kind and story: where it points, and a few words. */
export type NotificationData = {
  threadId?: string;
  field?: StoryField;
  /** A send-back note, or the start of the comment. */
  note?: string;
  /** When a due-soon story is due. */
  dueAt?: string;
};

export type NotificationActor = { id: string; name: string };

/** One item of someone's inbox, as the API answers it. */
export type NotificationView = {
  id: string;
  kind: NotificationKind;
  storyId: string;
  /** The story's headline now ('' when it has none yet). */
  headline: string;
  actor: NotificationActor;
  createdAt: string;
  readAt: string | null;
  data: NotificationData;
};

export type NotificationPage = { notifications: NotificationView[]; unread: number; next: string | null };
export type UnreadCount = { unread: number };

export type NotificationPreferences = {
  /** Kinds shown in the inbox. */
  inApp: Record<NotificationKind, boolean>;
  /** Kinds also sent by email (when the server has SMTP_URL). */
  email: Record<NotificationKind, boolean>;
  /** Each email at once, or one a day with everything since the last. */
  emailMode: 'immediate' | 'digest';
};
export type PreferencesAnswer = { preferences: NotificationPreferences; emailAvailable: boolean };

const allKinds = (on: boolean) => Object.fromEntries(NOTIFICATION_KINDS.map((k) => [k, on])) as Record<NotificationKind, boolean>;

/** Everything in the inbox, nothing by email until the person asks for it. */
export const DEFAULT_PREFERENCES: NotificationPreferences = { inApp: allKinds(true), email: allKinds(false), emailMode: 'immediate' };

const kindSwitches = z.strictObject(
  Object.fromEntries(NOTIFICATION_KINDS.map((k) => [k, z.boolean()])) as Record<NotificationKind, z.ZodMiniBoolean>,
);
export const NotificationPreferencesBody = z.strictObject({
  inApp: kindSwitches,
  email: kindSwitches,
  emailMode: z.enum(['immediate', 'digest']),
});

export const NotificationIdParam = z.uuid('Notification ids are UUIDs');
/** `before`: the `next` of the page before (createdAt~id of its last item). */
export const NotificationListQuery = z.strictObject({
  before: z.optional(z.string().check(z.regex(/^\d{4}-\d\d-\d\dT[\d:.]+Z~[0-9a-f-]{36}$/, 'Use the `next` of the page before'))),
});

export const userRoom = (userId: string) => `user:${userId}`;

/** Where in the app a notification leads: the story, at the comment thread or the field it is about. */
export function notificationPath(n: Pick<NotificationView, 'storyId' | 'data'>): string {
  const base = `/story/${n.storyId}`;
  if (n.data.threadId) return `${base}#thread-${n.data.threadId}`;
  if (n.data.field) return `${base}#field-${n.data.field}`;
  return base;
}

const VERBS: Record<NotificationKind, string> = {
  mention: 'mentioned you in',
  reply: 'replied in a thread you are in on',
  submitted: 'submitted for review',
  returned: 'sent back',
  published: 'published',
  unpublished: 'unpublished',
  assigned: 'assigned you to',
  due: 'is due within an hour:',
};

/** "Ana Lopez mentioned you in “Council votes”": the inbox's line and the email's subject. */
export function notificationSummary(n: Pick<NotificationView, 'kind' | 'actor' | 'headline'>): string {
  const story = `“${n.headline.trim() || 'Untitled story'}”`;
  if (n.kind === 'due') return `${story} is due within an hour`;
  return `${n.actor.name} ${VERBS[n.kind]} ${story}`;
}

export const KIND_LABELS: Record<NotificationKind, string> = {
  mention: '@mentions of you',
  reply: 'Replies in threads you are in',
  submitted: 'Stories submitted for review',
  returned: 'Your stories sent back',
  published: 'Your stories published',
  unpublished: 'Your stories unpublished',
  assigned: 'Stories assigned to you',
  due: 'Your stories due within an hour',
};
