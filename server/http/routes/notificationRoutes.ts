import express, { type Request } from 'express';
import { GalleyError } from '../../../shared/errors';
import {
  DEFAULT_PREFERENCES,
  NOTIFICATION_LIMITS,
  NotificationIdParam,
  NotificationListQuery,
  NotificationPreferencesBody,
  type NotificationPage,
  type PreferencesAnswer,
  type UnreadCount,
} from '../../../shared/notifications';
import type { Notifier } from '../../notifications/Notifier';
import { notificationView } from '../../notifications/Notifier';
import type { NotificationRecord } from '../../persistence/NotificationStore';
import type { Store } from '../../persistence/Store';
import { currentUser, noBody, noQuery } from '../sessionMiddleware';
import { validate } from '../validate';

/**
 * Your notifications (docs/api.md#notifications): only ever your own. Another person's notification is
 * answered as one that does not exist (404), never as forbidden, so ids reveal nothing. Mounted before
 * the API's no-query rule: the list takes a cursor; the other routes refuse any query themselves.
 */
export function notificationRoutes({ store, notifier }: { store: Store; notifier: Notifier }): express.Router {
  const router = express.Router();

  router.get('/notifications', async (req, res) => {
    const user = currentUser(res);
    const { before } = validate(NotificationListQuery, req.query);
    const records = await store.listNotifications(user.id, {
      before: before ? parseCursor(before) : undefined,
      limit: NOTIFICATION_LIMITS.pageSize + 1,
    });
    const page = records.slice(0, NOTIFICATION_LIMITS.pageSize);
    const last = page.at(-1);
    const next = records.length > page.length && last ? `${last.createdAt}~${last.id}` : null;
    res.json({ notifications: await views(store, page), unread: await store.countUnread(user.id), next } satisfies NotificationPage);
  });

  router.get('/notifications/unread-count', noQuery, async (_req, res) => {
    res.json({ unread: await store.countUnread(currentUser(res).id) } satisfies UnreadCount);
  });

  router.post('/notifications/read-all', noQuery, noBody, async (_req, res) => {
    await notifier.markAllRead(currentUser(res).id);
    res.status(204).end();
  });

  router.post('/notifications/:id/read', noQuery, noBody, async (req: Request, res) => {
    const user = currentUser(res);
    const id = validate(NotificationIdParam, req.params.id);
    if (!(await notifier.markRead(user.id, id))) throw new GalleyError('not_found', 'No such notification');
    res.status(204).end();
  });

  router.get('/notifications/preferences', noQuery, async (_req, res) => {
    const preferences = (await store.getNotificationPreferences(currentUser(res).id)) ?? DEFAULT_PREFERENCES;
    res.json({ preferences, emailAvailable: notifier.emailAvailable } satisfies PreferencesAnswer);
  });

  router.put('/notifications/preferences', noQuery, async (req, res) => {
    const user = currentUser(res);
    const preferences = validate(NotificationPreferencesBody, req.body);
    await store.setNotificationPreferences(user.id, preferences);
    res.json({ preferences, emailAvailable: notifier.emailAvailable } satisfies PreferencesAnswer);
  });

  return router;
}

function parseCursor(cursor: string): { createdAt: string; id: string } {
  const [createdAt, id] = cursor.split('~');
  return { createdAt, id };
}

/** Each with its story's headline as it is now. */
async function views(store: Store, records: NotificationRecord[]) {
  const headlines = new Map<string, string>();
  for (const storyId of new Set(records.map((r) => r.storyId))) headlines.set(storyId, (await store.getStory(storyId))?.headline ?? '');
  return records.map((r) => notificationView(r, headlines.get(r.storyId) ?? ''));
}
