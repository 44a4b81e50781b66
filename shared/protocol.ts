/**
 * The Socket.IO protocol between the client provider and the server, defined
 * once. Prose spec: shared/PROTOCOL.md.
 */
import { z } from 'zod/mini';
import type { ActivityView } from './activity';
import type { PresenceUser } from './api';
import type { CommentOpInput } from './comments';
import type { NotificationView } from './notifications';
import type { Ack, ErrorBody } from './errors';
import type { ProvenanceClaim, ProvenanceResult } from './provenanceClaim';
import type { Role } from './roles';
import type { StoryWorkflow } from './workflow';

/** Bumped on any incompatible change; checked at `story:join`. */
export const PROTOCOL_VERSION = 1;

/** Raw binary as Socket.IO delivers it: Buffer in Node, ArrayBuffer in browsers. */
export type Binary = Uint8Array | ArrayBuffer;

export const JoinRequest = z.strictObject({
  storyId: z.uuid(),
  protocolVersion: z.int(),
  /** The client's Yjs state vector: the answer then carries what the client lacks (one round trip, not two). */
  stateVector: z.optional(
    z.custom<Binary>((value) => value instanceof Uint8Array || value instanceof ArrayBuffer, 'a binary state vector'),
  ),
});
export type JoinRequest = z.infer<typeof JoinRequest>;

export type JoinResult = { role: Role; canEdit: boolean };
/**
 * The join answer also carries the story's workflow state (later changes arrive as
 * `story:workflow`) and, if the request had a state vector, the Yjs update the client lacks.
 */
export type JoinAnswer = JoinResult & { workflow: StoryWorkflow; update?: Binary; damage?: StoryDamageNotice };

/**
 * Part of the story's stored history could not be read when it was loaded (a damaged row, quarantined
 * for the operator): the story opened from everything else, and the editors are told.
 */
export type StoryDamageNotice = { entries: number; foundAt: string };

/**
 * Sent when a connection is admitted, and again when the server moves it (the latest counts): when it
 * is lost, come back at `phase` (0–1) of every `periodMs`, counted from the moment it was lost. The
 * server spreads the phases of its connections evenly, so after a restart they return at an even rate
 * instead of all at once.
 */
export type ReconnectHint = { phase: number; periodMs: number };

export interface ClientToServerEvents {
  'story:join': (request: JoinRequest, ack: (answer: Ack<JoinAnswer>) => void) => void;
  'story:leave': (storyId: string) => void;
  /** A y-protocols sync message (step 1, step 2 or update), acknowledged once durable. */
  'story:sync': (storyId: string, message: Binary, ack: (answer: Ack) => void) => void;
  /** A y-protocols awareness update. */
  'story:awareness': (storyId: string, update: Binary) => void;
  /** A comment operation (shared/comments.ts), applied by the server; acknowledged once durable. */
  'story:comment': (storyId: string, op: CommentOpInput, ack: (answer: Ack) => void) => void;
  /** Which of the sender's new items copy which earlier ones (shared/provenanceClaim.ts); acknowledged once recorded. */
  'story:provenance': (storyId: string, claim: ProvenanceClaim, ack: (answer: Ack<ProvenanceResult>) => void) => void;
  /** Subscribe to newsroom list changes (presence, headlines, publications). */
  'newsroom:watch': (ack: (answer: Ack) => void) => void;
}

/** Every event a client may send; anything else counts as bad input. */
export const CLIENT_EVENTS: ReadonlySet<string> = new Set<keyof ClientToServerEvents>([
  'story:join',
  'story:leave',
  'story:sync',
  'story:awareness',
  'story:comment',
  'story:provenance',
  'newsroom:watch',
]);

export interface ServerToClientEvents {
  'story:sync': (storyId: string, message: Binary) => void;
  'story:awareness': (storyId: string, update: Binary) => void;
  /** The story's status changed (submitted, sent back, scheduled, published, unpublished, slug changed). */
  'story:workflow': (storyId: string, workflow: StoryWorkflow) => void;
  /** A version of the story was saved (named or automatic): an open History panel shows it. */
  'story:versions': (storyId: string) => void;
  /** A new entry in the story's activity timeline: an open Activity panel shows it. */
  'story:activity': (storyId: string, entry: ActivityView) => void;
  /** Your role changed while you were in the story (e.g. downgraded to read-only). */
  'story:access': (storyId: string, access: JoinResult) => void;
  /** The story was moved to the Trash: the server has taken this socket out of it; rejoining is refused. */
  'story:deleted': (storyId: string) => void;
  'newsroom:presence': (storyId: string, present: PresenceUser[]) => void;
  'newsroom:changed': (storyId: string) => void;
  /** A new notification for you (to every tab of yours, on every node), with your unread count now. */
  'notification:new': (notification: NotificationView, unread: number) => void;
  /** Some of your notifications were marked read (`all`: every one), maybe in another tab: the count now. */
  'notification:read': (ids: string[] | 'all', unread: number) => void;
  'protocol:error': (error: ErrorBody & { storyId?: string }) => void;
  /** When to reconnect should this connection be lost (see ReconnectHint). */
  'connection:hint': (hint: ReconnectHint) => void;
}

/**
 * Between server processes (through the Redis adapter; access changes travel through the store):
 * `story:evict`, a story went to the Trash, so every node takes its connections out of it.
 */
export type InterServerEvents = { 'story:evict': (storyId: string) => void };

/** Rooms: one per story, plus the newsroom list. */
export const storyRoom = (storyId: string) => `story:${storyId}`;
export const NEWSROOM_ROOM = 'newsroom';

/** Awareness state fields Galley clients publish (others may add their own). */
export type AwarenessUser = { id: string; name: string; color: string };
export type GalleyAwarenessState = {
  user?: AwarenessUser;
  /** The field the user is in, one of STORY_FIELDS, or null. */
  field?: string | null;
  /** The field the user has typed in within the last few seconds (a soft claim), or null. */
  typing?: string | null;
  /** No input for a few minutes. */
  away?: boolean;
  cursor?: unknown;
};

/** How long after the last keystroke a field still shows someone as rewriting it. */
export const TYPING_CLAIM_MS = 4_000;
/** How long without any input before someone shows as away. */
export const AWAY_AFTER_MS = 3 * 60_000;
