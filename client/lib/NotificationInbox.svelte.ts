/**
 * The bell's inbox, kept live: new notifications arrive as `notification:new` on the app's one socket
 * (the server puts every tab of a person in their room), reads made in any tab as `notification:read`.
 * Both carry the unread count, so the bell is right without a refetch; after a reconnect it refetches
 * what it may have missed.
 */
import type { NotificationPage, NotificationView } from '../../shared/notifications';
import { errorMessage } from './api';
import { notificationsApi } from './notificationsApi';
import type { GalleyClientSocket } from './sync/socket';

/** Times a refresh asks again because live events came while it was asking. */
const REFRESH_RETRIES = 3;

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
  /** Live events heard so far: a list answer asked for before one of them may not hold it. */
  #heard = 0;
  /** The latest refresh asked for: an older one's answer never replaces a newer one's. */
  #asked = 0;

  constructor(socket: GalleyClientSocket) {
    this.#socket = socket;
  }

  /** Loads and follows; returns the teardown. */
  start(): () => void {
    const socket = this.#socket;
    const onNew = (notification: NotificationView, unread: number) => {
      this.#heard++;
      this.items = [notification, ...this.items.filter((n) => n.id !== notification.id)];
      this.unread = unread;
      this.arrival = notification;
    };
    const onRead = (ids: string[] | 'all', unread: number) => {
      this.#heard++;
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

  /**
   * Loads the first page and the count. A live event heard while the answer was on its way may be missing
   * from it (the count would go back), so it asks again, a few times at most.
   */
  async refresh(): Promise<void> {
    const asked = ++this.#asked;
    try {
      const page = await this.#firstPage();
      if (asked !== this.#asked) return;
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

  async #firstPage(): Promise<NotificationPage> {
    for (let attempt = 1; ; attempt++) {
      const heard = this.#heard;
      const page = await notificationsApi.list();
      if (this.#heard === heard || attempt > REFRESH_RETRIES) return page;
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
