/**
 * Stores the notifications an event makes (notificationRules.ts decides who gets what) and pushes each
 * to its person's open tabs on every node (their `user:<id>` room, through the Redis adapter when there
 * is one). Callers await it before answering the action that caused it, so an acknowledged action's
 * notifications are committed: they survive kill -9.
 */
import { randomUUID } from 'node:crypto';
import { DEFAULT_PREFERENCES, type NotificationActor, type NotificationView } from '../../shared/notifications';
import { can } from '../../shared/roles';
import type { Logger } from '../logger';
import type { EmailRequest, NotificationRecord } from '../persistence/NotificationStore';
import type { Store } from '../persistence/Store';
import { nextDigestAt } from './emailSchedule';
import { intendedNotifications, type Intended, type NotificationEvent } from './notificationRules';

/** How new and read notifications reach a person's open tabs. */
type NotificationPush = {
  added(userId: string, notification: NotificationView, unread: number): void;
  read(userId: string, ids: string[] | 'all', unread: number): void;
};

export type NotifierDeps = {
  store: Store;
  log: Logger;
  push: NotificationPush;
  /** Whether email can be sent (SMTP_URL), and how to wake the sender once some is queued. */
  email: { enabled: boolean; queued(): void };
};

/** A story due soon, as the planning's sweep finds it. */
export type DueStory = { storyId: string; dueAt: string; assigneeIds: string[] };

/** Who "due soon" notifications come from: nobody did anything, the clock did. */
const CLOCK: NotificationActor = { id: 'galley', name: 'Galley' };

export class Notifier {
  constructor(private readonly deps: NotifierDeps) {}

  /** Whether people may choose email (the server has SMTP_URL). */
  get emailAvailable(): boolean {
    return this.deps.email.enabled;
  }

  /** Never throws: the action it follows has happened whatever becomes of its notifications. */
  async notify(event: NotificationEvent): Promise<void> {
    try {
      // Only who, by id and name: callers may pass a whole account.
      await this.#notify({ ...event, actor: { id: event.actor.id, name: event.actor.name } });
    } catch (error) {
      this.deps.log.error({ err: error, event: event.type, storyId: event.storyId }, 'could not store notifications');
    }
  }

  /** A story was submitted for review: every editor and admin is told. */
  async submitted(storyId: string, actor: NotificationActor): Promise<void> {
    await this.deps.store.addStorySubmitter(storyId, actor.id);
    const reviewers = (await this.deps.store.listUsers()).filter((u) => can(u.role, 'story:publish')).map((u) => u.id);
    await this.notify({ type: 'submitted', storyId, actor, reviewers });
  }

  /** Sent back: whoever submitted the story is told, with the note. */
  async returned(storyId: string, actor: NotificationActor, note: string): Promise<void> {
    await this.notify({ type: 'returned', storyId, actor, note, submitters: await this.deps.store.storySubmitters(storyId) });
  }

  /** Published or unpublished: the story's people (its creator, everyone who wrote in it, who submitted it). */
  async publication(type: 'published' | 'unpublished', storyId: string, actor: NotificationActor): Promise<void> {
    const { store } = this.deps;
    const story = await store.getStory(storyId);
    const writers = [...(await store.loadClientOwners(storyId)).values()];
    const people = [...new Set([...(story ? [story.createdBy] : []), ...writers, ...(await store.storySubmitters(storyId))])];
    await this.notify({ type, storyId, actor, people });
  }

  /** For the planning: `assigneeIds` were assigned the story by `actor`. */
  async notifyAssigned(storyId: string, assigneeIds: string[], actor: NotificationActor): Promise<void> {
    await this.notify({ type: 'assigned', storyId, actor, assigneeIds });
  }

  /**
   * For the planning's schedule: the stories due within the hour. Safe to call as often as wanted, from
   * every node: each person is told once per story and due time.
   */
  async notifyDueSoon(stories: DueStory[]): Promise<void> {
    for (const { storyId, dueAt, assigneeIds } of stories) await this.notify({ type: 'due', storyId, actor: CLOCK, dueAt, assigneeIds });
  }

  async markRead(userId: string, id: string): Promise<boolean> {
    const found = await this.deps.store.markNotificationRead(userId, id, new Date().toISOString());
    if (found) this.deps.push.read(userId, [id], await this.deps.store.countUnread(userId));
    return found;
  }

  async markAllRead(userId: string): Promise<void> {
    await this.deps.store.markAllNotificationsRead(userId, new Date().toISOString());
    this.deps.push.read(userId, 'all', await this.deps.store.countUnread(userId));
  }

  async #notify(event: NotificationEvent): Promise<void> {
    const { store } = this.deps;
    const intended = await this.#toActivePeople(intendedNotifications(event));
    if (intended.length === 0) return;
    const now = new Date().toISOString();
    const records: NotificationRecord[] = [];
    const emails: EmailRequest[] = [];
    for (const one of intended) {
      const preferences = (await store.getNotificationPreferences(one.userId)) ?? DEFAULT_PREFERENCES;
      const inApp = preferences.inApp[one.kind];
      const byEmail = this.deps.email.enabled && preferences.email[one.kind];
      if (!inApp && !byEmail) continue;
      const record = { ...one, id: randomUUID(), storyId: event.storyId, actorId: event.actor.id, actorName: event.actor.name };
      records.push({ ...record, createdAt: now, readAt: null, inApp });
      if (byEmail)
        emails.push({ notificationId: record.id, userId: one.userId, dueAt: preferences.emailMode === 'digest' ? nextDigestAt(now) : now });
    }
    const kept = await store.addNotifications(records, emails);
    if (emails.length > 0) this.deps.email.queued();
    const headline = (await store.getStory(event.storyId))?.headline ?? '';
    for (const record of kept.filter((r) => r.inApp)) {
      this.deps.push.added(record.userId, notificationView(record, headline), await store.countUnread(record.userId));
    }
  }

  /** Deactivated or deleted accounts are told nothing. */
  async #toActivePeople(intended: Intended[]): Promise<Intended[]> {
    const users = await Promise.all(intended.map((one) => this.deps.store.getUserById(one.userId)));
    return intended.filter((_, i) => users[i] && users[i].deactivatedAt === null);
  }
}

export function notificationView(record: NotificationRecord, headline: string): NotificationView {
  const { id, kind, storyId, createdAt, readAt, data } = record;
  return { id, kind, storyId, headline, actor: { id: record.actorId, name: record.actorName }, createdAt, readAt, data };
}
