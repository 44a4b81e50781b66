import { encodeAwarenessUpdate, applyAwarenessUpdate } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { GalleyError } from '../../shared/errors';
import { LIMITS } from '../../shared/limits';
import { type JoinAnswer, JoinRequest, PROTOCOL_VERSION, storyRoom } from '../../shared/protocol';
import { can } from '../../shared/roles';
import { CommentOperations } from '../documents/CommentOperations';
import type { ProvenanceClaims } from '../documents/ProvenanceClaims';
import type { Notifier } from '../notifications/Notifier';
import { guardAwarenessUpdate } from './awarenessGuard';
import { toBytes } from '../../shared/binary';
import type { EventGuard } from './EventGuard';
import { INVALID_EVENT } from './PacketDecoder';
import type { GalleySocket, TransportDeps } from './transportTypes';
import { encodeMissing, encodeStep1, handleSyncMessage } from './syncMessage';
import { workflowOf } from '../workflow/workflowState';

type Deps = Pick<TransportDeps, 'store' | 'registry' | 'log'> & {
  /** Checks and records provenance claims; one for the server, so the history it reads serves every connection. */
  provenance: ProvenanceClaims;
  /** Tells the people a comment mentions or replies to. */
  notifier: Notifier;
};

/** Every story event of a socket, registered through its guard (see EventGuard). */
export function registerStoryHandlers(socket: GalleySocket, guard: EventGuard, deps: Deps): void {
  const { store, registry } = deps;

  // The decoder turns any event name outside the protocol into this one: refused, and counted.
  guard.on(INVALID_EVENT, { kind: null, arity: 1 }, (description) => {
    throw new GalleyError('bad_request', String(description));
  });

  const joined = (storyId: unknown) => {
    const entry = typeof storyId === 'string' ? socket.data.joined.get(storyId) : undefined;
    if (!entry) throw new GalleyError('not_joined', 'Join the story before sending to it');
    return entry;
  };

  guard.on('story:join', { kind: null, arity: 1, bytes: [[0, 'stateVector']] }, async (raw: unknown) => {
    const request = JoinRequest.safeParse(raw);
    if (!request.success) throw new GalleyError('bad_request', 'Join needs { storyId: uuid, protocolVersion }');
    const { storyId, protocolVersion, stateVector } = request.data;
    const clientState = stateVector === undefined ? undefined : checkedStateVector(toBytes(stateVector, LIMITS.maxMessageBytes));
    if (protocolVersion !== PROTOCOL_VERSION) {
      throw new GalleyError('protocol_mismatch', `Server speaks protocol ${PROTOCOL_VERSION}; reload the page`);
    }
    const { user } = socket.data;
    if (!can(user.role, 'story:read')) throw new GalleyError('forbidden', 'You may not read stories');
    const story = await store.getStory(storyId);
    if (!story) throw new GalleyError('not_found', 'No such story');
    const canEdit = can(user.role, 'story:edit');
    const data: JoinAnswer = { role: user.role, canEdit, workflow: workflowOf(story) };
    if (socket.data.joined.has(storyId)) return { data };
    const document = await registry.open(storyId);
    // Re-check after the await: the socket may have gone, or joined twice concurrently.
    if (!socket.connected || socket.data.joined.has(storyId)) {
      registry.release(document);
      return { data };
    }
    const connection = { id: socket.id, user, awarenessClients: new Set<number>() };
    if (document.damage) data.damage = document.damage;
    socket.data.joined.set(storyId, { document, connection, canEdit });
    document.addConnection(connection);
    await socket.join(storyRoom(storyId));
    // Read again now that we are in the room: a change announced meanwhile is not missed.
    const current = await store.getStory(storyId);
    if (current) data.workflow = workflowOf(current);
    // Made as the ack goes out: updates forwarded to the room before it (which the client ignores) are in it.
    const dataAtAck = () => (clientState ? { ...data, update: encodeMissing(document.doc, clientState) } : data);
    // After the ack, so the client knows it has joined when these arrive:
    // ask for what the client has that we lack (offline edits), then say who is here.
    const afterAck = () => {
      if (canEdit) socket.emit('story:sync', storyId, encodeStep1(document.doc));
      const states = [...document.awareness.getStates().keys()];
      // Always, even with nobody here: it tells the client it now knows who is in the story.
      socket.emit('story:awareness', storyId, encodeAwarenessUpdate(document.awareness, states));
    };
    return { data, dataAtAck, afterAck };
  });

  guard.on('story:sync', { kind: 'sync', arity: 2, bytes: [1] }, async (storyId: unknown, payload: unknown) => {
    const { document, connection, canEdit } = joined(storyId);
    const reply = await handleSyncMessage(document, connection, toBytes(payload, LIMITS.maxMessageBytes), canEdit);
    if (reply) socket.emit('story:sync', document.storyId, reply);
  });

  const comments = new CommentOperations(store, (news) => deps.notifier.notify(news));
  guard.on(
    'story:comment',
    {
      kind: 'comment',
      arity: 2,
      bytes: [
        [1, 'start'],
        [1, 'end'],
      ],
    },
    async (storyId: unknown, op: unknown) => {
      const { document } = joined(storyId);
      await comments.apply(document, socket.data.user, op);
    },
  );

  guard.on('story:provenance', { kind: 'provenance', arity: 2 }, async (storyId: unknown, claim: unknown) => {
    const { document, canEdit } = joined(storyId);
    return { data: await deps.provenance.apply(document, socket.data.user, canEdit, claim) };
  });

  guard.on('story:awareness', { kind: 'awareness', arity: 2, bytes: [1] }, (storyId: unknown, payload: unknown) => {
    const { document, connection } = joined(storyId);
    const update = guardAwarenessUpdate(document, connection, toBytes(payload, LIMITS.maxAwarenessBytes));
    applyAwarenessUpdate(document.awareness, update, connection);
  });

  const leave = (storyId: string) => leaveStory(socket, registry, storyId);

  guard.on('story:leave', { kind: null, arity: 1 }, (storyId: unknown) => {
    if (typeof storyId !== 'string') throw new GalleyError('bad_request', 'Leave needs a story id');
    leave(storyId);
  });
  socket.on('disconnect', () => {
    for (const storyId of [...socket.data.joined.keys()]) {
      try {
        leave(storyId);
      } catch (error) {
        deps.log.error({ err: error, storyId }, 'leaving a story on disconnect failed');
      }
    }
  });
}

/** Takes the socket out of a story it joined: out of its room, its document released. */
export function leaveStory(socket: GalleySocket, registry: TransportDeps['registry'], storyId: string): void {
  const entry = socket.data.joined.get(storyId);
  if (!entry) return;
  socket.data.joined.delete(storyId);
  void socket.leave(storyRoom(storyId));
  entry.document.removeConnection(entry.connection);
  registry.release(entry.document);
}

/** A client's state vector, refused before the join does anything if it does not decode. */
function checkedStateVector(bytes: Uint8Array): Uint8Array {
  try {
    Y.decodeStateVector(bytes);
    return bytes;
  } catch {
    throw new GalleyError('bad_request', 'Malformed state vector');
  }
}
