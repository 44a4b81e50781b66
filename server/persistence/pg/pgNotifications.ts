import { toEmailJob, toNotification, toPreferences } from '../notificationRows';
import type { NotificationStore } from '../NotificationStore';
import type { PgDatabase } from './PgDatabase';

/** Notifications, preferences, submitters and the email queue on Postgres. */
export function pgNotifications(db: PgDatabase): NotificationStore {
  return {
    async addNotifications(records, emails) {
      return db.tx(async (c) => {
        const kept = [];
        for (const r of records) {
          const inserted = await c.query(
            `INSERT INTO notifications (id, user_id, kind, story_id, actor_id, actor_name, created_at, read_at, data, in_app, dedupe_key)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT DO NOTHING`,
            [
              r.id,
              r.userId,
              r.kind,
              r.storyId,
              r.actorId,
              r.actorName,
              r.createdAt,
              r.readAt,
              JSON.stringify(r.data),
              r.inApp,
              r.dedupeKey,
            ],
          );
          if (inserted.rowCount) kept.push(r);
        }
        const ids = new Set(kept.map((r) => r.id));
        for (const e of emails.filter((e) => ids.has(e.notificationId))) {
          await c.query('INSERT INTO notification_emails (notification_id, user_id, due_at) VALUES ($1, $2, $3)', [
            e.notificationId,
            e.userId,
            e.dueAt,
          ]);
        }
        return kept;
      });
    },

    async listNotifications(userId, { before, limit }) {
      const rows = before
        ? await db.rows(
            `SELECT * FROM notifications WHERE user_id = $1 AND in_app AND (created_at, id) < ($2, $3)
             ORDER BY created_at DESC, id DESC LIMIT $4`,
            [userId, before.createdAt, before.id, limit],
          )
        : await db.rows('SELECT * FROM notifications WHERE user_id = $1 AND in_app ORDER BY created_at DESC, id DESC LIMIT $2', [
            userId,
            limit,
          ]);
      return rows.map(toNotification);
    },

    async countUnread(userId) {
      const row = await db.row('SELECT COUNT(*) AS n FROM notifications WHERE user_id = $1 AND in_app AND read_at IS NULL', [userId]);
      return Number(row?.n ?? 0);
    },

    async markNotificationRead(userId, id, at) {
      const row = await db.row(
        `WITH mine AS (SELECT id FROM notifications WHERE id = $1 AND user_id = $2),
         marked AS (UPDATE notifications SET read_at = $3 WHERE id IN (SELECT id FROM mine) AND read_at IS NULL RETURNING id)
         SELECT COUNT(*) AS n FROM mine`,
        [id, userId, at],
      );
      return Number(row?.n ?? 0) > 0;
    },

    async markAllNotificationsRead(userId, at) {
      return db.changes('UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL', [at, userId]);
    },

    async getNotificationPreferences(userId) {
      const row = await db.row('SELECT preferences FROM notification_preferences WHERE user_id = $1', [userId]);
      return row && toPreferences(row.preferences);
    },

    async setNotificationPreferences(userId, preferences) {
      await db.changes(
        `INSERT INTO notification_preferences (user_id, preferences) VALUES ($1, $2)
         ON CONFLICT (user_id) DO UPDATE SET preferences = excluded.preferences`,
        [userId, JSON.stringify(preferences)],
      );
    },

    async addStorySubmitter(storyId, userId) {
      await db.changes('INSERT INTO story_submitters (story_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [storyId, userId]);
    },

    async storySubmitters(storyId) {
      const rows = await db.rows('SELECT user_id FROM story_submitters WHERE story_id = $1 ORDER BY user_id', [storyId]);
      return rows.map((r) => String(r.user_id));
    },

    async claimDueEmails(now, leaseUntil, limit) {
      // SKIP LOCKED: two nodes claiming at once take different rows instead of waiting for each other.
      const rows = await db.rows(
        `WITH due AS (
           SELECT id FROM notification_emails
           WHERE sent_at IS NULL AND failed_at IS NULL AND due_at <= $1 AND (lease_until IS NULL OR lease_until < $1)
           ORDER BY due_at, id LIMIT $3 FOR UPDATE SKIP LOCKED),
         claimed AS (UPDATE notification_emails e SET lease_until = $2 FROM due WHERE e.id = due.id RETURNING e.*)
         SELECT e.id AS email_id, e.attempts, n.* FROM claimed e JOIN notifications n ON n.id = e.notification_id
         ORDER BY e.due_at, e.id`,
        [now, leaseUntil, limit],
      );
      return rows.map(toEmailJob);
    },

    async finishEmails(ids, outcome) {
      const [sql, values] = outcome.sent
        ? ['UPDATE notification_emails SET sent_at = $2, lease_until = NULL WHERE id = ANY($1::bigint[])', [outcome.at]]
        : outcome.retryAt
          ? [
              'UPDATE notification_emails SET attempts = attempts + 1, due_at = $2, last_error = $3, lease_until = NULL WHERE id = ANY($1::bigint[])',
              [outcome.retryAt, outcome.error],
            ]
          : [
              'UPDATE notification_emails SET attempts = attempts + 1, failed_at = $2, last_error = $3, lease_until = NULL WHERE id = ANY($1::bigint[])',
              [new Date().toISOString(), outcome.error],
            ];
      await db.changes(sql, [ids, ...values]);
    },
  };
}
