import { encodeAwarenessUpdate, applyAwarenessUpdate } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { GalleyError } from '../../shared/errors';
import { LIMITS } from '../../shared/limits';
import { CLIENT_EVENTS, type JoinAnswer, JoinRequest, PROTOCOL_VERSION, storyRoom } from '../../shared/protocol';
import { can } from '../../shared/roles';
import { guardAwarenessUpdate } from './awarenessGuard';
import { CommentOps } from './commentOps';
import { toBytes } from './binary';
import type { MessageKind } from './MessageGate';
import { errorAnswer, type GalleySocket, reply, type TransportDeps } from './socketServer';
import { encodeMissing, encodeStep1, handleSyncMessage } from './syncMessage';
import { workflowOf } from '../workflow/workflowState';

type Deps = Pick<TransportDeps, 'store' | 'registry' | 'log'>;
/**
 * What a handler answers: ack data (or a function that makes it at the moment of the ack, so it
 * sees every change applied until the ack goes out), and work that must follow the ack on the wire.
 */
type Outcome = { data?: unknown; dataAtAck?: () => unknown; afterAck?: () => void };

export function registerStoryHandlers(socket: GalleySocket, deps: Deps): void {
  const { store, registry, log } = deps;

  const { gate } = socket.data;

  /** Answers a failure; a connection that keeps sending bad input is closed. */
  const fail = async (error: unknown, ack: unknown, storyId: unknown) => {
    reply(socket, ack, errorAnswer(error, log), typeof storyId === 'string' ? storyId : undefined);
    if (await gate.isAbusive(error)) {
      log.warn({ userId: socket.data.user.id }, 'closing a connection that keeps sending bad input');
      socket.emit('protocol:error', { code: 'rate_limited', message: 'Too many bad messages; disconnecting' });
      socket.disconnect(true);
    }
  };

  /**
   * Socket.IO does not catch rejected handlers: every handler answers through
   * here. Sync, awareness and comment messages first pass the connection's rate gate.
   */
  const guarded =
    <A extends unknown[]>(kind: MessageKind | null, handler: (...args: A) => Promise<Outcome | void>) =>
    async (...args: A) => {
      const ack = args.at(-1);
      try {
        if (kind) await gate.admit(kind);
        const outcome = (await handler(...args)) ?? {};
        reply(socket, ack, { ok: true, data: outcome.dataAtAck?.() ?? outcome.data ?? null });
        outcome.afterAck?.();
      } catch (error) {
        await fail(error, ack, args[0]);
      }
    };

  socket.onAny((event: string, ...args: unknown[]) => {
    if (!CLIENT_EVENTS.has(event)) void fail(new GalleyError('bad_request', `Unknown event ${JSON.stringify(event).slice(0, 60)}`), args.at(-1), undefined);
  });

  const joined = (storyId: unknown) => {
    const entry = typeof storyId === 'string' ? socket.data.joined.get(storyId) : undefined;
    if (!entry) throw new GalleyError('not_joined', 'Join the story before sending to it');
    return entry;
  };

  socket.on(
    'story:join',
    guarded(null, async (raw: unknown) => {
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
    }),
  );

  socket.on(
    'story:sync',
    guarded('sync', async (storyId: unknown, payload: unknown) => {
      const { document, connection, canEdit } = joined(storyId);
      const reply = await handleSyncMessage(document, connection, toBytes(payload, LIMITS.maxMessageBytes), canEdit);
      if (reply) socket.emit('story:sync', document.storyId, reply);
    }),
  );

  const comments = new CommentOps(store);
  socket.on(
    'story:comment',
    guarded('comment', async (storyId: unknown, op: unknown) => {
      const { document } = joined(storyId);
      await comments.apply(document, socket.data.user, op);
    }),
  );

  socket.on(
    'story:awareness',
    guarded('awareness', async (storyId: unknown, payload: unknown) => {
      const { document, connection } = joined(storyId);
      const update = guardAwarenessUpdate(document, connection, toBytes(payload, LIMITS.maxAwarenessBytes));
      applyAwarenessUpdate(document.awareness, update, connection);
    }),
  );

  const leave = (storyId: string) => {
    const entry = socket.data.joined.get(storyId);
    if (!entry) return;
    socket.data.joined.delete(storyId);
    void socket.leave(storyRoom(storyId));
    entry.document.removeConnection(entry.connection);
    registry.release(entry.document);
  };

  socket.on('story:leave', (storyId) => {
    if (typeof storyId === 'string') leave(storyId);
  });
  socket.on('disconnect', () => {
    for (const storyId of [...socket.data.joined.keys()]) leave(storyId);
  });
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
