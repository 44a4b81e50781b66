/**
 * The bell's inbox, kept live: new notifications arrive as `notification:new` on the app's one socket
 * (the server puts every tab of a person in their room), reads made in any tab as `notification:read`.
 * Both carry the unread count, so the bell is right without a refetch; after a reconnect it refetches
 * what it may have missed.
 */
import type { NotificationView } from '../../shared/notifications';
import { errorMessage } from './api';
import { notificationsApi } from './notificationsApi';
import type { GalleyClientSocket } from './sync/socket';

export class NotificationInbox {
  items = $state.raw<NotificationView[]>([]);
  unread = $state(0);
  loaded = $state(false);
  error = $state<string | null>(null);
  /** The `next` cursor of the last page loaded, or null when there is no more. */
  next = $state<string | null>(null);
  /** The newest arrival, for a polite announcement. */
  arrival = $state.raw<NotificationView | null>(null);
  #socket: GalleyClientSocket;

  constructor(socket: GalleyClientSocket) {
    this.#socket = socket;
  }

  /** Loads and follows; returns the teardown. */
  start(): () => void {
    const socket = this.#socket;
    const onNew = (notification: NotificationView, unread: number) => {
      this.items = [notification, ...this.items.filter((n) => n.id !== notification.id)];
      this.unread = unread;
      this.arrival = notification;
    };
    const onRead = (ids: string[] | 'all', unread: number) => {
      const now = new Date().toISOString();
      this.items = this.items.map((n) => (n.readAt === null && (ids === 'all' || ids.includes(n.id)) ? { ...n, readAt: now } : n));
      this.unread = unread;
    };
    const refresh = () => void this.refresh();
    socket.on('notification:new', onNew);
    socket.on('notification:read', onRead);
    socket.on('connect', refresh);
    if (!socket.active) socket.connect();
    void this.refresh();
    return () => {
      socket.off('notification:new', onNew);
      socket.off('notification:read', onRead);
      socket.off('connect', refresh);
    };
  }

  async refresh(): Promise<void> {
    try {
      const page = await notificationsApi.list();
      this.items = page.notifications;
      this.unread = page.unread;
      this.next = page.next;
      this.error = null;
    } catch (error) {
      this.error = errorMessage(error);
    } finally {
      this.loaded = true;
    }
  }

  async more(): Promise<void> {
    if (!this.next) return;
    try {
      const page = await notificationsApi.list(this.next);
      this.items = [...this.items, ...page.notifications.filter((n) => !this.items.some((m) => m.id === n.id))];
      this.next = page.next;
    } catch (error) {
      this.error = errorMessage(error);
    }
  }

  /** Opened: marked read here at once; the server's answer reaches every tab. */
  markRead(notification: NotificationView): void {
    if (notification.readAt !== null) return;
    this.items = this.items.map((n) => (n.id === notification.id ? { ...n, readAt: new Date().toISOString() } : n));
    this.unread = Math.max(0, this.unread - 1);
    notificationsApi.markRead(notification.id).catch((error: unknown) => (this.error = errorMessage(error)));
  }

  async markAllRead(): Promise<void> {
    try {
      await notificationsApi.markAllRead();
      const now = new Date().toISOString();
      this.items = this.items.map((n) => (n.readAt === null ? { ...n, readAt: now } : n));
      this.unread = 0;
    } catch (error) {
      this.error = errorMessage(error);
    }
  }
}
