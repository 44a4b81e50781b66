import { toEmailJob, toNotification, toPreferences } from '../notificationRows';
import type { NotificationRecord, NotificationStore } from '../NotificationStore';
import type { Row } from '../storeRows';
import type { SqliteConnection } from './SqliteConnection';

/** Notifications, preferences, submitters and the email queue on SQLite. */
export function sqliteNotifications(db: SqliteConnection): NotificationStore {
  const insert = (r: NotificationRecord) =>
    db
      .prepare(
        `INSERT OR IGNORE INTO notifications (id, user_id, kind, story_id, actor_id, actor_name, created_at, read_at, data, in_app, dedupe_key)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        r.id,
        r.userId,
        r.kind,
        r.storyId,
        r.actorId,
        r.actorName,
        r.createdAt,
        r.readAt,
        JSON.stringify(r.data),
        r.inApp ? 1 : 0,
        r.dedupeKey,
      ).changes > 0;

  return {
    async addNotifications(records, emails) {
      return db.write(() => {
        const kept = records.filter(insert);
        const ids = new Set(kept.map((r) => r.id));
        const queue = db.prepare('INSERT INTO notification_emails (notification_id, user_id, due_at) VALUES (?, ?, ?)');
        for (const e of emails) if (ids.has(e.notificationId)) queue.run(e.notificationId, e.userId, e.dueAt);
        return kept;
      });
    },

    async listNotifications(userId, { before, limit }) {
      const rows = before
        ? db
            .prepare(
              `SELECT * FROM notifications WHERE user_id = ? AND in_app = 1 AND (created_at < ? OR (created_at = ? AND id < ?))
               ORDER BY created_at DESC, id DESC LIMIT ?`,
            )
            .all(userId, before.createdAt, before.createdAt, before.id, limit)
        : db
            .prepare('SELECT * FROM notifications WHERE user_id = ? AND in_app = 1 ORDER BY created_at DESC, id DESC LIMIT ?')
            .all(userId, limit);
      return (rows as Row[]).map(toNotification);
    },

    async countUnread(userId) {
      const row = db
        .prepare('SELECT COUNT(*) AS n FROM notifications WHERE user_id = ? AND in_app = 1 AND read_at IS NULL')
        .get(userId) as Row;
      return Number(row.n);
    },

    async markNotificationRead(userId, id, at) {
      return db.write(() => {
        const mine = db.prepare('SELECT 1 FROM notifications WHERE id = ? AND user_id = ?').get(id, userId) !== undefined;
        if (mine) db.prepare('UPDATE notifications SET read_at = ? WHERE id = ? AND read_at IS NULL').run(at, id);
        return mine;
      });
    },

    async markAllNotificationsRead(userId, at) {
      return db.write(
        () => db.prepare('UPDATE notifications SET read_at = ? WHERE user_id = ? AND read_at IS NULL').run(at, userId).changes,
      );
    },

    async getNotificationPreferences(userId) {
      const row = db.prepare('SELECT preferences FROM notification_preferences WHERE user_id = ?').get(userId) as Row | undefined;
      return row && toPreferences(row.preferences);
    },

    async setNotificationPreferences(userId, preferences) {
      await db.write(() =>
        db
          .prepare(
            `INSERT INTO notification_preferences (user_id, preferences) VALUES (?, ?)
             ON CONFLICT (user_id) DO UPDATE SET preferences = excluded.preferences`,
          )
          .run(userId, JSON.stringify(preferences)),
      );
    },

    async addStorySubmitter(storyId, userId) {
      await db.write(() => db.prepare('INSERT OR IGNORE INTO story_submitters (story_id, user_id) VALUES (?, ?)').run(storyId, userId));
    },

    async storySubmitters(storyId) {
      const rows = db.prepare('SELECT user_id FROM story_submitters WHERE story_id = ? ORDER BY user_id').all(storyId) as Row[];
      return rows.map((r) => String(r.user_id));
    },

    async claimDueEmails(now, leaseUntil, limit) {
      return db.write(() => {
        const rows = db
          .prepare(
            `SELECT e.id AS email_id, e.attempts, n.* FROM notification_emails e JOIN notifications n ON n.id = e.notification_id
             WHERE e.sent_at IS NULL AND e.failed_at IS NULL AND e.due_at <= ? AND (e.lease_until IS NULL OR e.lease_until < ?)
             ORDER BY e.due_at, e.id LIMIT ?`,
          )
          .all(now, now, limit) as Row[];
        const lease = db.prepare('UPDATE notification_emails SET lease_until = ? WHERE id = ?');
        for (const r of rows) lease.run(leaseUntil, r.email_id);
        return rows.map(toEmailJob);
      });
    },

    async finishEmails(ids, outcome) {
      await db.write(() => {
        const [sql, values] = outcome.sent
          ? ['UPDATE notification_emails SET sent_at = ?, lease_until = NULL WHERE id = ?', [outcome.at]]
          : outcome.retryAt
            ? [
                'UPDATE notification_emails SET attempts = attempts + 1, due_at = ?, last_error = ?, lease_until = NULL WHERE id = ?',
                [outcome.retryAt, outcome.error],
              ]
            : [
                'UPDATE notification_emails SET attempts = attempts + 1, failed_at = ?, last_error = ?, lease_until = NULL WHERE id = ?',
                [new Date().toISOString(), outcome.error],
              ];
        const statement = db.prepare(sql);
        for (const id of ids) statement.run(...values, id);
      });
    },
  };
}
