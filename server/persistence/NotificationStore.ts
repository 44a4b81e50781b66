/**
 * Notifications: each person's inbox, their preferences, the people a story's news goes to besides its
 * creator and writers (who submitted it), and the durable queue of emails. Part of the storage contract
 * (Store.ts); rules S-NOT-* of the contract suite.
 */
import type { NotificationData, NotificationKind, NotificationPreferences } from '../../shared/notifications';

export type NotificationRecord = {
  id: string;
  userId: string;
  kind: NotificationKind;
  storyId: string;
  actorId: string;
  actorName: string;
  createdAt: string;
  readAt: string | null;
  data: NotificationData;
  /** Shown in the inbox (false: kept only for the email the person asked for instead). */
  inApp: boolean;
  /**
   * At most one notification per person with the same key (a due-soon sweep run by every node, or run
   * again, tells each person once); null for none.
   */
  dedupeKey: string | null;
};

/** An email to send for a notification, no earlier than `dueAt` (later for a daily digest). */
export type EmailRequest = { notificationId: string; userId: string; dueAt: string };

/** A queued email claimed by one worker until `leaseUntil`, with what it is about. */
export type EmailJob = { id: number; attempts: number; notification: NotificationRecord };

type EmailOutcome = { sent: true; at: string } | { sent: false; error: string; retryAt: string | null };

export interface NotificationStore {
  /**
   * Keeps new notifications and their emails in one transaction. A record whose (userId, dedupeKey) is
   * already kept is skipped with its emails; resolves to the records kept.
   */
  addNotifications(records: NotificationRecord[], emails: EmailRequest[]): Promise<NotificationRecord[]>;
  /** A person's inbox (in-app notifications only), newest first; `before` is the last of the page before. */
  listNotifications(userId: string, query: { before?: { createdAt: string; id: string }; limit: number }): Promise<NotificationRecord[]>;
  countUnread(userId: string): Promise<number>;
  /** Marks one of the person's own notifications read; false when it is not theirs or does not exist. */
  markNotificationRead(userId: string, id: string, at: string): Promise<boolean>;
  /** Marks every unread one of theirs read; resolves to how many. */
  markAllNotificationsRead(userId: string, at: string): Promise<number>;
  /** Their preferences, or undefined when they never chose (the defaults apply). */
  getNotificationPreferences(userId: string): Promise<NotificationPreferences | undefined>;
  setNotificationPreferences(userId: string, preferences: NotificationPreferences): Promise<void>;
  /** Remembers that the person submitted the story (idempotent): "sent back" goes to them. */
  addStorySubmitter(storyId: string, userId: string): Promise<void>;
  storySubmitters(storyId: string): Promise<string[]>;
  /**
   * Claims queued emails that are due and not sent, failed for good or claimed by another worker,
   * oldest first, until `leaseUntil` (several processes never send one twice while the lease holds).
   */
  claimDueEmails(now: string, leaseUntil: string, limit: number): Promise<EmailJob[]>;
  /** Records what became of claimed emails: sent, to try again at `retryAt`, or given up (retryAt null). */
  finishEmails(ids: number[], outcome: EmailOutcome): Promise<void>;
}
