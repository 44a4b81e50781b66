/**
 * The threads as this person sees them: the document's threads with their
 * own operations that the server has not accepted yet laid over them, so a
 * comment shows the moment it is written ("Not sent yet"), online or not.
 */
import type { CommentMessage, CommentThread } from '../../../shared/comments';
import type { PendingOp } from './CommentOutbox';

export type MessageView = CommentMessage & { pending: boolean };

export type ThreadView = Omit<CommentThread, 'messages'> & {
  messages: MessageView[];
  /** Something about it (its start, a reply, an edit, a resolve) is not on the server yet. */
  pending: boolean;
  /** Its text was deleted: not highlighted, still listed with its quote. */
  detached: boolean;
};

export type Me = { id: string; name: string };

const bytes = (value: Uint8Array | ArrayBuffer) => (value instanceof Uint8Array ? value : new Uint8Array(value));

/** Threads in the document plus pending operations, oldest first; threads whose every message is deleted are left out. */
export function withPending(threads: readonly CommentThread[], pending: readonly PendingOp[], me: Me): ThreadView[] {
  const views = new Map<string, ThreadView>();
  for (const thread of threads) {
    views.set(thread.id, { ...thread, messages: thread.messages.map((m) => ({ ...m, pending: false })), pending: false, detached: false });
  }
  for (const { op, at } of pending) {
    const thread = views.get(op.threadId);
    const message = (id: string, body: string, mentions: string[]): MessageView => ({
      id,
      authorId: me.id,
      authorName: me.name,
      body,
      mentions,
      createdAt: at,
      pending: true,
    });
    switch (op.type) {
      case 'start':
        // Already applied (its acknowledgement was lost): the document's copy wins.
        if (thread) break;
        views.set(op.threadId, {
          id: op.threadId,
          field: op.field,
          start: bytes(op.start),
          end: bytes(op.end),
          quote: op.quote,
          createdBy: me.id,
          createdAt: at,
          resolved: null,
          messages: [message(op.messageId, op.body, op.mentions)],
          pending: true,
          detached: false,
        });
        break;
      case 'reply':
        if (thread && !thread.messages.some((m) => m.id === op.messageId)) {
          thread.messages.push(message(op.messageId, op.body, op.mentions));
          thread.pending = true;
        }
        break;
      case 'edit':
        updateMessage(thread, op.messageId, { body: op.body, mentions: op.mentions, editedAt: at });
        break;
      case 'delete':
        updateMessage(thread, op.messageId, { deleted: true });
        break;
      case 'resolve':
        if (thread) Object.assign(thread, { resolved: { by: me.id, byName: me.name, at }, pending: true });
        break;
      case 'reopen':
        if (thread) Object.assign(thread, { resolved: null, pending: true });
        break;
    }
  }
  return [...views.values()].filter((t) => t.messages.some((m) => !m.deleted));
}

function updateMessage(thread: ThreadView | undefined, id: string, change: Partial<MessageView>): void {
  const index = thread?.messages.findIndex((m) => m.id === id) ?? -1;
  if (!thread || index < 0) return;
  thread.messages[index] = { ...thread.messages[index], ...change, pending: true };
  thread.pending = true;
}
