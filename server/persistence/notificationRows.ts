import { DEFAULT_PREFERENCES, NOTIFICATION_KINDS, type NotificationPreferences } from '../../shared/notifications';
import type { NotificationRecord } from './NotificationStore';
import type { Row } from './storeRows';

/** Row → record, the same on every backend (sqlite/sqliteNotifications.ts, pg/pgNotifications.ts). */
export const toNotification = (r: Row): NotificationRecord => ({
  id: String(r.id),
  userId: String(r.user_id),
  kind: r.kind as NotificationRecord['kind'],
  storyId: String(r.story_id),
  actorId: String(r.actor_id),
  actorName: String(r.actor_name),
  createdAt: String(r.created_at),
  readAt: (r.read_at as string | null) ?? null,
  data: JSON.parse(String(r.data ?? '{}')) as NotificationRecord['data'],
  // SQLite has no booleans: 1/0 there, true/false in Postgres.
  inApp: r.in_app === true || r.in_app === 1,
  dedupeKey: (r.dedupe_key as string | null) ?? null,
});

/** Stored preferences over the defaults: a kind added since they were saved starts as the defaults say. */
export function toPreferences(json: unknown): NotificationPreferences {
  const stored = JSON.parse(String(json)) as Partial<NotificationPreferences>;
  const merge = (defaults: NotificationPreferences['inApp'], saved: Partial<NotificationPreferences['inApp']> = {}) =>
    Object.fromEntries(NOTIFICATION_KINDS.map((k) => [k, saved[k] ?? defaults[k]])) as NotificationPreferences['inApp'];
  return {
    inApp: merge(DEFAULT_PREFERENCES.inApp, stored.inApp),
    email: merge(DEFAULT_PREFERENCES.email, stored.email),
    emailMode: stored.emailMode === 'digest' ? 'digest' : 'immediate',
  };
}

/** A job's columns with its notification's, as `claimDueEmails` selects them (`e.*` aliased). */
export const toEmailJob = (r: Row) => ({ id: Number(r.email_id), attempts: Number(r.attempts), notification: toNotification(r) });
