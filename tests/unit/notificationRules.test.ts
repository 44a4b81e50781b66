import { describe, expect, it } from 'vitest';
import { nextDigestAt } from '../../server/notifications/emailSchedule';
import { intendedNotifications } from '../../server/notifications/notificationRules';

const actor = { id: 'ana', name: 'Ana' };
const comment = { type: 'comment' as const, storyId: 's', actor, threadId: 't', field: 'body' as const, body: 'x' };

describe('who is told what', () => {
  it('never tells the actor, tells each person once, and a mention wins over a reply', () => {
    const told = intendedNotifications({ ...comment, mentions: ['ben', 'ana', 'ben'], participants: ['ana', 'ben', 'cy'] });
    expect(told.map((t) => [t.userId, t.kind])).toEqual([
      ['ben', 'mention'],
      ['cy', 'reply'],
    ]);
    expect(told[0].data).toEqual({ threadId: 't', field: 'body', note: 'x' });
  });

  it('keeps a long comment or note to an excerpt', () => {
    const [told] = intendedNotifications({ type: 'returned', storyId: 's', actor, note: 'n'.repeat(1_000), submitters: ['ben'] });
    expect(told.data.note).toHaveLength(280);
  });

  it('gives due-soon notifications a key per story and due time, so sweeping again tells nobody twice', () => {
    const due = {
      type: 'due' as const,
      storyId: 's',
      actor: { id: 'galley', name: 'Galley' },
      dueAt: '2026-05-01T10:00:00.000Z',
      assigneeIds: ['ben'],
    };
    expect(intendedNotifications(due)).toEqual([
      { userId: 'ben', kind: 'due', data: { dueAt: due.dueAt }, dedupeKey: 'due:s:2026-05-01T10:00:00.000Z' },
    ]);
  });
});

describe('the daily digest', () => {
  it('goes out at the next 07:00 UTC', () => {
    expect(nextDigestAt('2026-05-01T06:59:59.000Z')).toBe('2026-05-01T07:00:00.000Z');
    expect(nextDigestAt('2026-05-01T07:00:00.000Z')).toBe('2026-05-02T07:00:00.000Z');
    expect(nextDigestAt('2026-12-31T23:00:00.000Z')).toBe('2027-01-01T07:00:00.000Z');
  });
});
