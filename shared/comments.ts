/**
 * Comment threads: where they live in the story's Y.Doc, the operations a
 * client sends to change them, and how they are read back. Shared by the
 * server (which alone writes them) and the client (which reads them live).
 *
 * Layout (docs/document-layout.md): the root `Y.Map` named `comments` maps a
 * thread id to a `Y.Map` with the keys below. Only the server writes under
 * `comments`; client updates that touch it are refused, so a viewer may
 * comment through validated operations without being able to change the text.
 */
import * as Y from 'yjs';
import { z } from 'zod/mini';
import { STORY_FIELDS, type StoryField } from './story';
import type { AnyYType } from './yType';

export const COMMENTS_ROOT = 'comments';

export const COMMENT_LIMITS = {
  /** Characters in one comment or reply. */
  bodyMaxChars: 4_000,
  /** Characters of commented text kept with the thread, shown when its text is gone. */
  quoteMaxChars: 400,
  /** Encoded Yjs relative position, in bytes. */
  anchorMaxBytes: 128,
  mentionsMax: 20,
  messagesPerThread: 200,
  threadsPerStory: 2_000,
  /** Comment operations one connection may send per second (more wait their turn). */
  opsPerSecond: 20,
} as const;

/** Keys of a thread's Y.Map. */
export const THREAD_KEYS = {
  field: 'field', // StoryField
  start: 'start', // Uint8Array: Y.encodeRelativePosition of the range start (assoc 0)
  end: 'end', // Uint8Array: Y.encodeRelativePosition of the range end (assoc -1)
  quote: 'quote', // string: the commented text when the thread was started
  createdBy: 'createdBy', // userId
  createdAt: 'createdAt', // ISO time
  resolved: 'resolved', // { by: userId, byName: string, at: ISO } | null
  messages: 'messages', // Y.Map<messageId, CommentMessage> (plain JSON values)
} as const;

export type CommentMessage = {
  id: string;
  authorId: string;
  authorName: string;
  body: string;
  /** User ids mentioned in the body (as "@Name"), checked by the server to be newsroom members. */
  mentions: string[];
  createdAt: string;
  editedAt?: string;
  /** Deleted by its author: kept as a tombstone so replies keep their place. */
  deleted?: boolean;
};

export type Resolution = { by: string; byName: string; at: string };

export type CommentThread = {
  id: string;
  field: StoryField;
  start: Uint8Array;
  end: Uint8Array;
  quote: string;
  createdBy: string;
  createdAt: string;
  resolved: Resolution | null;
  /** Oldest first. */
  messages: CommentMessage[];
};

const body = z
  .string()
  .check(
    z.trim(),
    z.minLength(1, 'Write something first'),
    z.maxLength(COMMENT_LIMITS.bodyMaxChars, `At most ${COMMENT_LIMITS.bodyMaxChars} characters`),
  );
const binary = z.custom<Uint8Array | ArrayBuffer>((v) => v instanceof Uint8Array || v instanceof ArrayBuffer, 'binary');
const mentions = z._default(z.array(z.uuid()).check(z.maxLength(COMMENT_LIMITS.mentionsMax)), []);

/** What a client may ask the server to do to the story's comments (event `story:comment`). */
export const CommentOp = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('start'),
    threadId: z.uuid(),
    messageId: z.uuid(),
    field: z.enum(STORY_FIELDS),
    start: binary,
    end: binary,
    quote: z.string().check(z.maxLength(COMMENT_LIMITS.quoteMaxChars)),
    body,
    mentions,
  }),
  z.strictObject({ type: z.literal('reply'), threadId: z.uuid(), messageId: z.uuid(), body, mentions }),
  z.strictObject({ type: z.literal('edit'), threadId: z.uuid(), messageId: z.uuid(), body, mentions }),
  z.strictObject({ type: z.literal('delete'), threadId: z.uuid(), messageId: z.uuid() }),
  z.strictObject({ type: z.literal('resolve'), threadId: z.uuid() }),
  z.strictObject({ type: z.literal('reopen'), threadId: z.uuid() }),
]);
export type CommentOp = z.infer<typeof CommentOp>;
export type CommentOpInput = z.input<typeof CommentOp>;

/** Every thread in the document, oldest first. Threads whose every message is deleted are left out. */
export function readThreads(doc: Y.Doc): CommentThread[] {
  const threads: CommentThread[] = [];
  doc.getMap<Y.Map<unknown>>(COMMENTS_ROOT).forEach((thread, id) => {
    const read = readThread(id, thread);
    if (read && read.messages.some((m) => !m.deleted)) threads.push(read);
  });
  return threads.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
}

function readThread(id: string, thread: unknown): CommentThread | null {
  if (!(thread instanceof Y.Map)) return null;
  const get = (key: string) => thread.get(key);
  const field = get(THREAD_KEYS.field);
  const start = get(THREAD_KEYS.start);
  const end = get(THREAD_KEYS.end);
  const messages = get(THREAD_KEYS.messages);
  if (!STORY_FIELDS.includes(field as StoryField) || !(start instanceof Uint8Array) || !(end instanceof Uint8Array)) return null;
  if (!(messages instanceof Y.Map)) return null;
  return {
    id,
    field: field as StoryField,
    start,
    end,
    quote: String(get(THREAD_KEYS.quote) ?? ''),
    createdBy: String(get(THREAD_KEYS.createdBy) ?? ''),
    createdAt: String(get(THREAD_KEYS.createdAt) ?? ''),
    resolved: (get(THREAD_KEYS.resolved) as Resolution | null | undefined) ?? null,
    messages: ([...messages.values()] as CommentMessage[]).sort(
      (a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id),
    ),
  };
}

/** Everyone @mentioned in a live message of an open thread: the newsroom list tells them. */
export function openMentions(doc: Y.Doc): string[] {
  const open = readThreads(doc).filter((t) => t.resolved === null);
  return [...new Set(open.flatMap((t) => t.messages.filter((m) => !m.deleted).flatMap((m) => m.mentions)))].sort();
}

/** Open (unresolved) threads: the newsroom list's count and the publish warning. */
export function openThreadCount(doc: Y.Doc): number {
  return readThreads(doc).filter((t) => t.resolved === null).length;
}

/** A new thread's anchor, from a selection: encoded Yjs relative positions, and the text they enclose. */
export type SelectionAnchor = { start: Uint8Array; end: Uint8Array; quote: string };

/** Where a thread's commented text is now: Yjs absolute positions (a Y type and an index in it). */
export type ResolvedAnchor = { start: Y.AbsolutePosition; end: Y.AbsolutePosition };

/**
 * Where the thread's range is in the document now, or null when it is **detached**: its text was
 * deleted (the range is empty, or lies in deleted paragraphs) or its anchors no longer resolve.
 * Relative positions follow the text through everyone's edits: text inserted before the range
 * moves it, text inserted inside widens it, deleted text narrows it. A detached thread keeps its
 * `quote`, so the sidebar can still say what it was about.
 */
export function resolveAnchor(doc: Y.Doc, thread: Pick<CommentThread, 'field' | 'start' | 'end'>): ResolvedAnchor | null {
  const fragment = doc.getXmlFragment(thread.field);
  const start = absolute(doc, thread.start, thread.field);
  const end = absolute(doc, thread.end, thread.field);
  if (!start || !end || !liveIn(start.type, fragment) || !liveIn(end.type, fragment)) return null;
  const empty = start.type === end.type ? start.index >= end.index : textBefore(fragment, start) >= textBefore(fragment, end);
  return empty ? null : { start, end };
}

function absolute(doc: Y.Doc, encoded: Uint8Array, field: StoryField): Y.AbsolutePosition | null {
  try {
    const relative = Y.decodeRelativePosition(encoded);
    // A root name other than the field would create that root type just by being resolved.
    if (relative.tname !== null && relative.tname !== field) return null;
    return Y.createAbsolutePositionFromRelativePosition(relative, doc);
  } catch {
    return null;
  }
}

/** The type is inside the fragment and neither it nor any block around it was deleted. */
function liveIn(type: AnyYType, fragment: Y.XmlFragment): boolean {
  for (let t: AnyYType = type; t !== fragment; t = t._item.parent as AnyYType) {
    if (!t._item || t._item.deleted) return false;
  }
  return true;
}

/** Characters of text in the fragment before the position, in document order. */
function textBefore(fragment: Y.XmlFragment, position: Y.AbsolutePosition): number {
  let count = 0;
  const walk = (node: AnyYType): boolean => {
    if (node === position.type) {
      if (node instanceof Y.XmlText) count += position.index;
      else
        (node as Y.XmlElement)
          .toArray()
          .slice(0, position.index)
          .forEach((child) => walk(child as AnyYType));
      return true;
    }
    if (node instanceof Y.XmlText) count += node.length;
    else if (node instanceof Y.XmlElement || node instanceof Y.XmlFragment) return node.toArray().some((child) => walk(child as AnyYType));
    return false;
  };
  walk(fragment);
  return count;
}
