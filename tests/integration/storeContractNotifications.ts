/**
 * The Store contract's rules for notifications, S-NOT-n (NotificationStore: inboxes, preferences, who
 * submitted a story, the email queue). See storeContract.ts.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PREFERENCES } from '../../shared/notifications';
import type { NotificationRecord } from '../../server/persistence/NotificationStore';
import { type StoreFactory, storeWithStories, user } from './storeContractFixtures';

let clock = 0;
const at = (seconds = ++clock) => new Date(Date.UTC(2026, 2, 1, 0, 0, seconds)).toISOString();
const note = (userId: string, storyId: string, over: Partial<NotificationRecord> = {}): NotificationRecord => ({
  id: randomUUID(),
  userId,
  kind: 'mention',
  storyId,
  actorId: 'actor-id',
  actorName: 'Ana Actor',
  createdAt: at(),
  readAt: null,
  data: { threadId: randomUUID(), field: 'body', note: 'Look “here” <b>' },
  inApp: true,
  dedupeKey: null,
  ...over,
});

async function twoPeople(factory: StoreFactory) {
  const { store, u, stories } = await storeWithStories(factory, 1);
  const other = user();
  await store.createUser(other);
  return { store, u, other, storyId: stories[0].id };
}

export function notificationRules(factory: StoreFactory): void {
  describe('notifications', () => {
    it('S-NOT-1 keeps notifications and lists a person’s own, newest first, a page at a time', async () => {
      const { store, u, other, storyId } = await twoPeople(factory);
      const [a, b, c] = [note(u.id, storyId), note(u.id, storyId), note(u.id, storyId)];
      const theirs = note(other.id, storyId);
      expect(await store.addNotifications([a, b, c, theirs], [])).toEqual([a, b, c, theirs]);
      const ids = (list: NotificationRecord[]) => list.map((n) => n.id);
      expect(await store.listNotifications(u.id, { limit: 10 })).toEqual([c, b, a]);
      expect(ids(await store.listNotifications(u.id, { limit: 2 }))).toEqual([c.id, b.id]);
      expect(ids(await store.listNotifications(u.id, { limit: 2, before: { createdAt: b.createdAt, id: b.id } }))).toEqual([a.id]);
      expect(ids(await store.listNotifications(other.id, { limit: 10 }))).toEqual([theirs.id]);
      await store.close();
    });

    it('S-NOT-2 orders notifications made at the same moment by id, and pages through them without loss', async () => {
      const { store, u, storyId } = await twoPeople(factory);
      const moment = at();
      const same = [
        note(u.id, storyId, { createdAt: moment }),
        note(u.id, storyId, { createdAt: moment }),
        note(u.id, storyId, { createdAt: moment }),
      ];
      await store.addNotifications(same, []);
      const first = await store.listNotifications(u.id, { limit: 2 });
      const last = first[1];
      const second = await store.listNotifications(u.id, { limit: 2, before: { createdAt: last.createdAt, id: last.id } });
      expect([...first, ...second].map((n) => n.id)).toEqual(
        same
          .map((n) => n.id)
          .sort()
          .reverse(),
      );
      await store.close();
    });

    it('S-NOT-3 counts unread, marks one read only for its owner, and marks all read', async () => {
      const { store, u, other, storyId } = await twoPeople(factory);
      const [a, b] = [note(u.id, storyId), note(u.id, storyId)];
      await store.addNotifications([a, b, note(other.id, storyId)], []);
      expect(await store.countUnread(u.id)).toBe(2);
      expect(await store.markNotificationRead(other.id, a.id, at())).toBe(false);
      expect(await store.countUnread(u.id)).toBe(2);
      const readAt = at();
      expect(await store.markNotificationRead(u.id, a.id, readAt)).toBe(true);
      // Again: still theirs, and the first reading time stays.
      expect(await store.markNotificationRead(u.id, a.id, at())).toBe(true);
      expect((await store.listNotifications(u.id, { limit: 10 })).find((n) => n.id === a.id)?.readAt).toBe(readAt);
      expect(await store.markNotificationRead(u.id, randomUUID(), at())).toBe(false);
      expect(await store.countUnread(u.id)).toBe(1);
      expect(await store.markAllNotificationsRead(u.id, at())).toBe(1);
      expect(await store.countUnread(u.id)).toBe(0);
      expect(await store.countUnread(other.id)).toBe(1);
      await store.close();
    });

    it('S-NOT-4 keeps a notification once per person and dedupe key, and leaves email-only ones out of the inbox', async () => {
      const { store, u, other, storyId } = await twoPeople(factory);
      const first = note(u.id, storyId, { kind: 'due', dedupeKey: `due:${storyId}:x` });
      const again = note(u.id, storyId, { kind: 'due', dedupeKey: `due:${storyId}:x` });
      const forOther = note(other.id, storyId, { kind: 'due', dedupeKey: `due:${storyId}:x` });
      expect(await store.addNotifications([first], [])).toEqual([first]);
      expect(await store.addNotifications([again, forOther], [{ notificationId: again.id, userId: u.id, dueAt: at() }])).toEqual([
        forOther,
      ]);
      const emailOnly = note(u.id, storyId, { inApp: false });
      await store.addNotifications([emailOnly], []);
      expect((await store.listNotifications(u.id, { limit: 10 })).map((n) => n.id)).toEqual([first.id]);
      expect(await store.countUnread(u.id)).toBe(1);
      // The skipped one's email was not queued.
      expect(await store.claimDueEmails(at(1_000), at(2_000), 10)).toEqual([]);
      await store.close();
    });

    it('S-NOT-5 keeps each person’s preferences, undefined until they choose', async () => {
      const { store, u, other } = await twoPeople(factory);
      expect(await store.getNotificationPreferences(u.id)).toBeUndefined();
      const chosen = { ...DEFAULT_PREFERENCES, email: { ...DEFAULT_PREFERENCES.email, mention: true }, emailMode: 'digest' as const };
      await store.setNotificationPreferences(u.id, chosen);
      expect(await store.getNotificationPreferences(u.id)).toEqual(chosen);
      await store.setNotificationPreferences(u.id, DEFAULT_PREFERENCES);
      expect(await store.getNotificationPreferences(u.id)).toEqual(DEFAULT_PREFERENCES);
      expect(await store.getNotificationPreferences(other.id)).toBeUndefined();
      await store.close();
    });

    it('S-NOT-6 remembers who submitted a story, each person once', async () => {
      const { store, u, other, storyId } = await twoPeople(factory);
      expect(await store.storySubmitters(storyId)).toEqual([]);
      await store.addStorySubmitter(storyId, u.id);
      await store.addStorySubmitter(storyId, u.id);
      await store.addStorySubmitter(storyId, other.id);
      expect(await store.storySubmitters(storyId)).toEqual([u.id, other.id].sort());
      await store.close();
    });

    it('S-NOT-7 queues emails: claimed once due, not again while leased, then sent, retried later or given up', async () => {
      const { store, u, storyId } = await twoPeople(factory);
      const [now, later] = [note(u.id, storyId), note(u.id, storyId)];
      await store.addNotifications(
        [now, later],
        [
          { notificationId: now.id, userId: u.id, dueAt: '2026-03-01T01:00:00.000Z' },
          { notificationId: later.id, userId: u.id, dueAt: '2026-03-02T07:00:00.000Z' },
        ],
      );
      const claimed = await store.claimDueEmails('2026-03-01T02:00:00.000Z', '2026-03-01T02:02:00.000Z', 10);
      expect(claimed).toEqual([{ id: expect.any(Number), attempts: 0, notification: now }]);
      expect(await store.claimDueEmails('2026-03-01T02:01:00.000Z', '2026-03-01T02:03:00.000Z', 10)).toEqual([]);
      await store.finishEmails([claimed[0].id], { sent: false, error: 'refused', retryAt: '2026-03-01T03:00:00.000Z' });
      expect(await store.claimDueEmails('2026-03-01T02:30:00.000Z', '2026-03-01T02:32:00.000Z', 10)).toEqual([]);
      const retried = await store.claimDueEmails('2026-03-01T03:00:00.000Z', '2026-03-01T03:02:00.000Z', 10);
      expect(retried).toEqual([{ id: claimed[0].id, attempts: 1, notification: now }]);
      await store.finishEmails([claimed[0].id], { sent: true, at: '2026-03-01T03:00:01.000Z' });
      // A lapsed lease makes an email claimable again; a sent or abandoned one never is.
      const digest = await store.claimDueEmails('2026-03-02T07:00:00.000Z', '2026-03-02T07:02:00.000Z', 10);
      expect(digest.map((j) => j.notification.id)).toEqual([later.id]);
      expect((await store.claimDueEmails('2026-03-02T07:03:00.000Z', '2026-03-02T07:05:00.000Z', 10)).map((j) => j.id)).toEqual([
        digest[0].id,
      ]);
      await store.finishEmails([digest[0].id], { sent: false, error: 'mailbox gone', retryAt: null });
      expect(await store.claimDueEmails('2027-01-01T00:00:00.000Z', '2027-01-01T00:02:00.000Z', 10)).toEqual([]);
      await store.close();
    });
  });
}
