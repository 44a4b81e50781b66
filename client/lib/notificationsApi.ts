/** The notifications API (docs/api.md#notifications): your inbox, its count, reading, your preferences. */
import type { NotificationPage, NotificationPreferences, PreferencesAnswer, UnreadCount } from '../../shared/notifications';
import { request } from './api';

export const notificationsApi = {
  /** A page of the inbox, newest first; `before` is the `next` of the page before. */
  list: (before?: string) =>
    request<NotificationPage>('GET', before ? `/api/notifications?before=${encodeURIComponent(before)}` : '/api/notifications'),
  unreadCount: () => request<UnreadCount>('GET', '/api/notifications/unread-count'),
  markRead: (id: string) => request<void>('POST', `/api/notifications/${encodeURIComponent(id)}/read`),
  markAllRead: () => request<void>('POST', '/api/notifications/read-all'),
  preferences: () => request<PreferencesAnswer>('GET', '/api/notifications/preferences'),
  savePreferences: (preferences: NotificationPreferences) =>
    request<PreferencesAnswer>('PUT', '/api/notifications/preferences', preferences),
};
