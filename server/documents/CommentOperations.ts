import * as Y from 'yjs';
import { COMMENT_LIMITS, COMMENTS_ROOT, type CommentMessage, CommentOp, type Resolution, THREAD_KEYS } from '../../shared/comments';
import { GalleyError } from '../../shared/errors';
import { can } from '../../shared/roles';
import type { StoryField } from '../../shared/story';
import { toBytes } from '../../shared/binary';
import type { CommentNews } from '../notifications/notificationRules';
import type { Store, UserRecord } from '../persistence/Store';
import type { StoryDocument } from './StoryDocument';
import { rootOf } from './updateGuard';

/** A change to make under `comments`, checked beforehand; null when there is nothing to do (a resent operation). */
type Change = ((doc: Y.Doc) => void) | null;
type Thread = { map: Y.Map<unknown>; messages: Y.Map<CommentMessage> };

/**
 * Applies one connection's comment operations (`story:comment`), in the order it sent them:
 * each is checked against the sender's role and the story as it is now, then made by the
 * server (the only writer under `comments`) and resolves once committed. Everything the
 * thread records about who and when is stamped here, never taken from the client. The
 * notifications a message makes (mentions, replies) are stored before it is acknowledged.
 */
export class CommentOperations {
  #turn: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: Store,
    private readonly notify: (news: CommentNews) => Promise<void> = async () => {},
  ) {}

  apply(document: StoryDocument, user: UserRecord, raw: unknown): Promise<void> {
    const run = this.#turn.then(() => this.#apply(document, user, raw));
    this.#turn = run.catch(() => undefined);
    return run;
  }

  async #apply(document: StoryDocument, user: UserRecord, raw: unknown): Promise<void> {
    const parsed = CommentOp.safeParse(raw);
    if (!parsed.success)
      throw new GalleyError('bad_request', `Malformed comment operation: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    const op = parsed.data;
    if (!can(user.role, 'story:comment')) throw new GalleyError('forbidden', 'Your role may not comment');
    if ('mentions' in op) await this.#checkMentions(op.mentions);
    // Text this connection typed just before commenting on it may still be waiting to be applied.
    await document.applied();
    // No await from here to the change: it is made on the state it was checked against.
    const change = plan(document.doc, op, user, new Date().toISOString());
    // Read before the change: who was in the thread before this message, who is newly mentioned.
    const news = change && newsOf(document.doc, op, user, document.storyId);
    await (change ? document.applyServerChange(change) : document.flushed());
    if (news) await this.notify(news);
  }

  async #checkMentions(ids: string[]): Promise<void> {
    const users = await Promise.all([...new Set(ids)].map((id) => this.store.getUserById(id)));
    if (users.some((u) => !u || u.deactivatedAt !== null)) throw new GalleyError('invalid', 'Only newsroom members can be mentioned');
  }
}

function plan(doc: Y.Doc, op: CommentOp, user: UserRecord, now: string): Change {
  const threads = doc.getMap<unknown>(COMMENTS_ROOT);
  switch (op.type) {
    case 'start': {
      const existing = threads.get(op.threadId);
      if (existing !== undefined) return resent(existing instanceof Y.Map ? messagesOf(existing)?.get(op.messageId) : undefined, user);
      if (threads.size >= COMMENT_LIMITS.threadsPerStory)
        throw new GalleyError('conflict', `A story can have at most ${COMMENT_LIMITS.threadsPerStory} comment threads`);
      const start = checkedAnchor(doc, op.start, op.field);
      const end = checkedAnchor(doc, op.end, op.field);
      const message = newMessage(op, user, now);
      return () => {
        const thread = new Y.Map<unknown>();
        threads.set(op.threadId, thread);
        thread.set(THREAD_KEYS.field, op.field);
        thread.set(THREAD_KEYS.start, start);
        thread.set(THREAD_KEYS.end, end);
        thread.set(THREAD_KEYS.quote, op.quote);
        thread.set(THREAD_KEYS.createdBy, user.id);
        thread.set(THREAD_KEYS.createdAt, now);
        thread.set(THREAD_KEYS.resolved, null);
        const messages = new Y.Map<CommentMessage>();
        thread.set(THREAD_KEYS.messages, messages);
        messages.set(message.id, message);
      };
    }
    case 'reply': {
      const { messages } = liveThread(threads, op.threadId);
      const existing = messages.get(op.messageId);
      if (existing) return resent(existing, user);
      if (messages.size >= COMMENT_LIMITS.messagesPerThread)
        throw new GalleyError('conflict', `A thread can have at most ${COMMENT_LIMITS.messagesPerThread} messages`);
      const message = newMessage(op, user, now);
      return () => messages.set(message.id, message);
    }
    case 'edit': {
      const { messages } = liveThread(threads, op.threadId);
      const message = ownMessage(messages, op.messageId, user);
      if (message.body === op.body && sameMembers(message.mentions, op.mentions)) return null;
      return () => messages.set(message.id, { ...message, body: op.body, mentions: op.mentions, editedAt: now });
    }
    case 'delete': {
      const { messages } = existingThread(threads, op.threadId);
      if (messages.get(op.messageId)?.deleted) return null;
      // The text goes; the tombstone keeps the replies' place in the conversation.
      const { id, authorId, authorName, createdAt } = ownMessage(messages, op.messageId, user);
      return () => messages.set(id, { id, authorId, authorName, createdAt, body: '', mentions: [], deleted: true });
    }
    case 'resolve':
    case 'reopen': {
      if (!can(user.role, 'story:edit')) throw new GalleyError('forbidden', 'Only writers and editors may resolve or reopen threads');
      const { map } = liveThread(threads, op.threadId);
      const resolved = (map.get(THREAD_KEYS.resolved) as Resolution | null | undefined) ?? null;
      if ((op.type === 'resolve') === (resolved !== null)) return null;
      const resolution: Resolution | null = op.type === 'resolve' ? { by: user.id, byName: user.name, at: now } : null;
      return () => map.set(THREAD_KEYS.resolved, resolution);
    }
  }
}

/** What a new message tells others: null for operations that say nothing to anyone. */
function newsOf(doc: Y.Doc, op: CommentOp, user: UserRecord, storyId: string): CommentNews | null {
  const news = { type: 'comment' as const, storyId, actor: { id: user.id, name: user.name }, threadId: op.threadId };
  const threads = doc.getMap<unknown>(COMMENTS_ROOT);
  switch (op.type) {
    case 'start':
      return { ...news, field: op.field, body: op.body, mentions: op.mentions, participants: [] };
    case 'reply': {
      const { map, messages } = existingThread(threads, op.threadId);
      const participants = [
        String(map.get(THREAD_KEYS.createdBy)),
        ...[...messages.values()].filter((m) => !m.deleted).map((m) => m.authorId),
      ];
      return {
        ...news,
        field: map.get(THREAD_KEYS.field) as StoryField,
        body: op.body,
        mentions: op.mentions,
        participants: [...new Set(participants)],
      };
    }
    case 'edit': {
      const { map, messages } = existingThread(threads, op.threadId);
      const before = messages.get(op.messageId)?.mentions ?? [];
      const mentions = op.mentions.filter((id) => !before.includes(id));
      return mentions.length
        ? { ...news, field: map.get(THREAD_KEYS.field) as StoryField, body: op.body, mentions, participants: [] }
        : null;
    }
    default:
      return null;
  }
}

/** A `start` or `reply` whose message is already there: the same author's resend is acknowledged as done. */
function resent(existing: CommentMessage | undefined, user: UserRecord): null {
  if (existing?.authorId === user.id) return null;
  throw new GalleyError('conflict', 'That id is already taken');
}

function newMessage(op: { messageId: string; body: string; mentions: string[] }, user: UserRecord, now: string): CommentMessage {
  return { id: op.messageId, authorId: user.id, authorName: user.name, body: op.body, mentions: [...new Set(op.mentions)], createdAt: now };
}

function messagesOf(map: Y.Map<unknown>): Y.Map<CommentMessage> | undefined {
  const messages = map.get(THREAD_KEYS.messages);
  return messages instanceof Y.Map ? (messages as Y.Map<CommentMessage>) : undefined;
}

function existingThread(threads: Y.Map<unknown>, threadId: string): Thread {
  const map = threads.get(threadId);
  const messages = map instanceof Y.Map ? messagesOf(map) : undefined;
  if (!messages) throw new GalleyError('not_found', 'No such comment thread');
  return { map: map as Y.Map<unknown>, messages };
}

/** A thread someone can still talk in: one whose every message was deleted is gone for good. */
function liveThread(threads: Y.Map<unknown>, threadId: string): Thread {
  const thread = existingThread(threads, threadId);
  if (![...thread.messages.values()].some((m) => !m.deleted)) throw new GalleyError('not_found', 'No such comment thread');
  return thread;
}

function ownMessage(messages: Y.Map<CommentMessage>, messageId: string, user: UserRecord): CommentMessage {
  const message = messages.get(messageId);
  if (!message || message.deleted) throw new GalleyError('not_found', 'No such comment');
  if (message.authorId !== user.id) throw new GalleyError('forbidden', 'You may only change your own comments');
  return message;
}

function sameMembers(a: string[], b: string[]): boolean {
  return a.length === new Set(b).size && b.every((id) => a.includes(id));
}

/**
 * An anchor the client made with Y.encodeRelativePosition, checked to point into the field it
 * names: at an item of that field the server has, at the field's own end, or at the end of a
 * type inside it. Anything else could follow text in another field, or in nothing at all.
 */
function checkedAnchor(doc: Y.Doc, payload: Uint8Array | ArrayBuffer, field: StoryField): Uint8Array {
  const bytes = toBytes(payload, COMMENT_LIMITS.anchorMaxBytes);
  let position: Y.RelativePosition;
  try {
    position = Y.decodeRelativePosition(bytes);
  } catch {
    throw badAnchor();
  }
  const id = position.item ?? position.type;
  const points = position.tname !== null ? position.tname === field : id !== null && inField(doc, id, field);
  if (!points) throw badAnchor();
  return bytes;
}

/** Whether the server has the item with this ID, and it lies in the field. */
function inField(doc: Y.Doc, id: Y.ID, field: StoryField): boolean {
  if (id.clock >= Y.getState(doc.store, id.client)) return false;
  const struct = Y.getItem(doc.store, id) as Y.Item | Y.GC;
  return struct instanceof Y.Item && rootOf(struct) === doc.share.get(field);
}

function badAnchor(): GalleyError {
  return new GalleyError('invalid', 'The comment’s anchor does not point into the text of its field');
}
