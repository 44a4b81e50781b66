import { describe, expect, it } from 'vitest';
import type { CommentOp, CommentThread } from '../../shared/comments';
import type { PendingOp } from '../../client/lib/story/CommentOutbox';
import { withPending } from '../../client/lib/story/commentThreads';

const me = { id: 'me', name: 'Ana Writer' };
const T1 = '00000000-0000-4000-8000-000000000001';
const T2 = '00000000-0000-4000-8000-000000000002';
const M1 = '00000000-0000-4000-8000-000000000011';
const M2 = '00000000-0000-4000-8000-000000000012';
const M3 = '00000000-0000-4000-8000-000000000013';

const thread = (more: Partial<CommentThread> = {}): CommentThread => ({
  id: T1,
  field: 'body',
  start: new Uint8Array([1]),
  end: new Uint8Array([2]),
  quote: 'ferry',
  createdBy: 'ben',
  createdAt: '2025-01-01T10:00:00.000Z',
  resolved: null,
  messages: [
    { id: M1, authorId: 'ben', authorName: 'Ben Editor', body: 'Check this', mentions: [], createdAt: '2025-01-01T10:00:00.000Z' },
  ],
  ...more,
});
const pending = (...ops: CommentOp[]): PendingOp[] => ops.map((op, i) => ({ key: `k${i}`, op, at: `2025-01-01T11:00:0${i}.000Z` }));

describe('withPending', () => {
  it('shows the document’s threads as they are when nothing is pending', () => {
    const [view] = withPending([thread()], [], me);
    expect(view).toMatchObject({ id: T1, pending: false, detached: false, messages: [{ id: M1, pending: false }] });
  });

  it('adds an unsent thread, and a reply to it, as pending messages by me', () => {
    const views = withPending(
      [thread()],
      pending(
        {
          type: 'start',
          threadId: T2,
          messageId: M2,
          field: 'headline',
          start: new Uint8Array([3]),
          end: new Uint8Array([4]),
          quote: 'Harbour',
          body: 'Shorter?',
          mentions: [],
        },
        { type: 'reply', threadId: T2, messageId: M3, body: 'Or not', mentions: [] },
      ),
      me,
    );
    expect(views.map((t) => t.id)).toEqual([T1, T2]);
    expect(views[1]).toMatchObject({ field: 'headline', quote: 'Harbour', pending: true, createdBy: 'me' });
    expect(views[1].messages).toMatchObject([
      { id: M2, body: 'Shorter?', authorName: 'Ana Writer', pending: true },
      { id: M3, body: 'Or not', pending: true },
    ]);
  });

  it('lets the document win once an operation has been applied but not yet acknowledged', () => {
    const applied = thread({
      messages: [
        ...thread().messages,
        { id: M2, authorId: 'me', authorName: 'Ana Writer', body: 'Done', mentions: [], createdAt: '2025-01-01T10:05:00.000Z' },
      ],
    });
    const views = withPending(
      [applied],
      pending(
        {
          type: 'start',
          threadId: T1,
          messageId: M1,
          field: 'body',
          start: new Uint8Array([9]),
          end: new Uint8Array([9]),
          quote: 'x',
          body: 'Check this',
          mentions: [],
        },
        { type: 'reply', threadId: T1, messageId: M2, body: 'Done', mentions: [] },
      ),
      me,
    );
    expect(views).toHaveLength(1);
    expect(views[0].quote).toBe('ferry');
    expect(views[0].messages.map((m) => [m.id, m.pending])).toEqual([
      [M1, false],
      [M2, false],
    ]);
  });

  it('shows edits, deletions, resolve and reopen at once', () => {
    const mine = thread({
      messages: [
        { ...thread().messages[0], authorId: 'me' },
        { id: M2, authorId: 'ben', authorName: 'Ben Editor', body: 'Agreed', mentions: [], createdAt: '2025-01-01T10:01:00.000Z' },
      ],
    });
    const [edited] = withPending(
      [mine],
      pending({ type: 'edit', threadId: T1, messageId: M1, body: 'Check this, @Ben', mentions: ['ben'] }),
      me,
    );
    expect(edited.messages[0]).toMatchObject({
      body: 'Check this, @Ben',
      mentions: ['ben'],
      pending: true,
      editedAt: '2025-01-01T11:00:00.000Z',
    });

    const [deleted] = withPending([mine], pending({ type: 'delete', threadId: T1, messageId: M1 }), me);
    expect(deleted.messages[0].deleted).toBe(true);

    const [resolved] = withPending([mine], pending({ type: 'resolve', threadId: T1 }), me);
    expect(resolved.resolved).toEqual({ by: 'me', byName: 'Ana Writer', at: '2025-01-01T11:00:00.000Z' });
    expect(resolved.pending).toBe(true);

    const [reopened] = withPending(
      [thread({ resolved: { by: 'ben', byName: 'Ben Editor', at: 'x' } })],
      pending({ type: 'reopen', threadId: T1 }),
      me,
    );
    expect(reopened.resolved).toBeNull();
  });

  it('leaves out a thread whose every message is deleted', () => {
    const mine = thread({ messages: [{ ...thread().messages[0], authorId: 'me' }] });
    expect(withPending([mine], pending({ type: 'delete', threadId: T1, messageId: M1 }), me)).toEqual([]);
  });

  it('ignores operations on threads it does not know (their start was refused)', () => {
    expect(
      withPending(
        [],
        pending({ type: 'reply', threadId: T2, messageId: M3, body: 'hi', mentions: [] }, { type: 'resolve', threadId: T2 }),
        me,
      ),
    ).toEqual([]);
  });
});
