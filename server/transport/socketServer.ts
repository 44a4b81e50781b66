import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import { encodeAwarenessUpdate } from 'y-protocols/awareness';
import { LIMITS } from '../../shared/limits';
import { userRoom } from '../../shared/notifications';
import { NEWSROOM_ROOM, storyRoom } from '../../shared/protocol';
import { can } from '../../shared/roles';
import { SOCKET_PARSER } from '../../shared/socketParser';
import { originAllowed } from '../http/originPolicy';
import { ProvenanceClaims } from '../documents/ProvenanceClaims';
import type { Notifier } from '../notifications/Notifier';
import type { Connection, StoryDocument } from '../documents/StoryDocument';
import { AwarenessBatch } from '../documents/AwarenessBatch';
import { EventGuard } from './EventGuard';
import { decoderOf, PacketDecoder } from './PacketDecoder';
import { ReconnectSpread } from './ReconnectSpread';
import { leaveStory, registerStoryHandlers } from './storyHandlers';
import { encodeStep1, encodeUpdateMessage } from './syncMessage';
import type { GalleyServer, GalleySocket, TransportDeps } from './transportTypes';

export type SocketServerOptions = {
  /** How long a silent connection lasts (see createSocketServer). */
  deadConnectionMs: number;
  /** How far apart a restart spreads its clients' returns (see ReconnectSpread). */
  reconnectPeriodMs: number;
};

/** Our encoder (bytes as msgpack binary) with the bounded, sign-in-aware decoder (see PacketDecoder). */
const SERVER_PARSER = { Encoder: SOCKET_PARSER.Encoder, Decoder: PacketDecoder };

/**
 * `deadConnectionMs`: a connection silent this long (a dropped network, a sleeping laptop) is closed,
 * and its person leaves everyone's presence list and carets. Half of it between heartbeats, half
 * waiting for the answer; clients learn both in the handshake and detect a dead server as fast.
 */
export function createSocketServer(
  httpServer: HttpServer,
  deps: TransportDeps & { notifier: Notifier },
  { deadConnectionMs, reconnectPeriodMs }: SocketServerOptions,
): GalleyServer {
  const io: GalleyServer = new Server(httpServer, {
    pingInterval: Math.round(deadConnectionMs / 2),
    pingTimeout: Math.round(deadConnectionMs / 2),
    // Frames past this close the connection; below it, oversize messages get a final `too_large` answer
    // (closing would make the client reconnect and resend the same message forever).
    maxHttpBufferSize: LIMITS.maxFrameBytes,
    serveClient: false,
    parser: SERVER_PARSER,
    // Leave other upgrades (y-websocket's /yjs/) to their own handlers instead of destroying them.
    destroyUpgrade: false,
    cors: undefined,
    // No cross-site WebSocket hijacking: a browser page from another site cannot open a socket with our cookie.
    allowRequest: (req, callback) => callback(null, originAllowed(req, deps.allowedOrigins)),
  });

  io.use(async (socket, next) => {
    try {
      const { headers, auth } = socket.handshake;
      const token = typeof auth?.token === 'string' ? `Bearer ${auth.token}` : undefined;
      const principal = await deps.auth.authenticate({ cookie: headers.cookie, authorization: headers.authorization ?? token });
      if (!principal) {
        decoderOf(socket).refuse();
        return next(new Error('unauthenticated'));
      }
      socket.data.principal = principal;
      socket.data.user = principal.user;
      socket.data.joined = new Map();
      socket.data.gate = deps.limits.gate(socket.id);
      socket.data.rechecked = Promise.resolve();
      decoderOf(socket).admit();
      next();
    } catch (error) {
      deps.log.error({ err: error }, 'socket authentication failed');
      next(new Error('internal'));
    }
  });

  deps.registry.on('create', (document) => wireFanOut(io, document, deps.log));
  deps.access.on('change', (userId) => {
    for (const socket of io.of('/').sockets.values()) {
      if (userId !== null && socket.data.user.id !== userId) continue;
      // One at a time per socket: two re-checks finishing out of order must not leave the older answer.
      socket.data.rechecked = socket.data.rechecked
        .then(() => recheck(socket, deps))
        .catch((error: unknown) => {
          deps.log.error({ err: error, userId: socket.data.user.id }, 'access re-check failed');
        });
    }
  });

  const spread = new ReconnectSpread(reconnectPeriodMs);
  const provenance = new ProvenanceClaims(deps.store);
  io.on('connection', (socket) => {
    const guard = new EventGuard(socket, socket.data.gate, deps.log);
    // Every tab of a person is in their room: notifications reach them all, on every node (Redis adapter).
    void socket.join(userRoom(socket.data.user.id));
    // Socket.IO reports a connection's errors as an 'error' event: without a listener, Node would throw it.
    socket.on('error', (error) => deps.log.debug({ err: error, userId: socket.data.user.id }, 'socket error'));
    socket.on('disconnect', () => void deps.limits.forget(socket.id).catch(() => undefined));
    socket.on(
      'disconnect',
      spread.admit((hint) => socket.emit('connection:hint', hint)),
    );
    registerStoryHandlers(socket, guard, { ...deps, provenance });
    guard.on('newsroom:watch', { kind: null, arity: 0 }, () => {
      void socket.join(NEWSROOM_ROOM);
    });
  });
  return io;
}

/** A story went to the Trash: each of this node's sockets in it is told and taken out (a rejoin finds no story). */
export function evictStory(io: GalleyServer, registry: TransportDeps['registry'], storyId: string): void {
  for (const socket of io.of('/').sockets.values()) {
    if (!socket.data.joined.has(storyId)) continue;
    socket.emit('story:deleted', storyId);
    leaveStory(socket, registry, storyId);
  }
}

/** Applies a change of access to a live socket: disconnect it, or change what it may do in each story. */
async function recheck(socket: GalleySocket, deps: TransportDeps): Promise<void> {
  const principal = await deps.auth.recheck(socket.data.principal).catch(() => socket.data.principal);
  if (!principal) {
    socket.emit('protocol:error', { code: 'unauthenticated', message: 'Your session has ended; sign in again' });
    socket.disconnect(true);
    return;
  }
  socket.data.principal = principal;
  socket.data.user = principal.user;
  const { role } = principal.user;
  for (const [storyId, entry] of socket.data.joined) {
    const canEdit = can(role, 'story:edit');
    if (entry.canEdit === canEdit) continue;
    entry.canEdit = canEdit;
    socket.emit('story:access', storyId, { role, canEdit });
  }
}

/** Forwards a document's updates, awareness and presence to the sockets in its room. */
function wireFanOut(io: GalleyServer, document: StoryDocument, log: TransportDeps['log']): void {
  const room = storyRoom(document.storyId);
  // This process's sockets only: other processes get the story's updates from the relay, and
  // forward them to their own sockets from their own copy.
  const toRoomExcept = (origin: Connection | null) => (origin ? io.local.to(room).except(origin.id) : io.local.to(room));
  document.on('update', (update, origin) => {
    toRoomExcept(origin).emit('story:sync', document.storyId, encodeUpdateMessage(update));
  });
  const awareness = new AwarenessBatch(
    (clients, except) => toRoomExcept(except).emit('story:awareness', document.storyId, encodeAwarenessUpdate(document.awareness, clients)),
    (error) => log.error({ err: error, storyId: document.storyId }, 'sending awareness failed'),
  );
  document.on('awareness', (clients, origin) => awareness.add(clients, origin));
  // Every socket is in a room of its own id; a y-websocket connection's id is in none, and its transport answers it.
  document.on('resync', (connection) => {
    io.local.to(connection.id).emit('story:sync', document.storyId, encodeStep1(document.doc));
  });
  document.on('presence', (present) => {
    io.to(NEWSROOM_ROOM).emit('newsroom:presence', document.storyId, present);
  });
}
