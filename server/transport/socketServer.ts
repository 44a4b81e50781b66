import type { Server as HttpServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import { encodeAwarenessUpdate } from 'y-protocols/awareness';
import { type Ack, GalleyError } from '../../shared/errors';
import { LIMITS } from '../../shared/limits';
import {
  type ClientToServerEvents,
  type InterServerEvents,
  NEWSROOM_ROOM,
  type ServerToClientEvents,
  storyRoom,
} from '../../shared/protocol';
import { can } from '../../shared/roles';
import { SOCKET_PARSER } from '../../shared/socketParser';
import type { Authenticator, Principal } from '../auth/Authenticator';
import type { LiveAccess } from '../auth/LiveAccess';
import { originAllowed } from '../http/originPolicy';
import type { DocumentRegistry } from '../documents/DocumentRegistry';
import type { Connection, StoryDocument } from '../documents/StoryDocument';
import type { Logger } from '../logger';
import type { Store, UserRecord } from '../persistence/Store';
import type { MessageGate, MessageLimits } from './MessageGate';
import { ReconnectSpread } from './ReconnectSpread';
import { registerStoryHandlers } from './storyHandlers';
import { encodeUpdateMessage } from './syncMessage';

export type SocketData = {
  principal: Principal;
  user: UserRecord;
  gate: MessageGate;
  /** Stories this socket has joined, by id. */
  joined: Map<string, { document: StoryDocument; connection: Connection; canEdit: boolean }>;
};

export type GalleyServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type GalleySocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

/** What both transports (Socket.IO and y-websocket) are built from. */
export type TransportDeps = {
  store: Store;
  registry: DocumentRegistry;
  log: Logger;
  limits: MessageLimits;
  auth: Authenticator;
  access: LiveAccess;
  allowedOrigins: readonly string[];
};

export type SocketServerOptions = {
  /** How long a silent connection lasts (see createSocketServer). */
  deadConnectionMs: number;
  /** How far apart a restart spreads its clients' returns (see ReconnectSpread). */
  reconnectPeriodMs: number;
};

/**
 * `deadConnectionMs`: a connection silent this long (a dropped network, a sleeping laptop) is closed,
 * and its person leaves everyone's presence list and carets. Half of it between heartbeats, half
 * waiting for the answer; clients learn both in the handshake and detect a dead server as fast.
 */
export function createSocketServer(httpServer: HttpServer, deps: TransportDeps, { deadConnectionMs, reconnectPeriodMs }: SocketServerOptions): GalleyServer {
  const io: GalleyServer = new Server(httpServer, {
    pingInterval: Math.round(deadConnectionMs / 2),
    pingTimeout: Math.round(deadConnectionMs / 2),
    // Frames past this close the connection; below it, oversize messages get a final `too_large` answer
    // (closing would make the client reconnect and resend the same message forever).
    maxHttpBufferSize: LIMITS.maxFrameBytes,
    serveClient: false,
    parser: SOCKET_PARSER,
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
      if (!principal) return next(new Error('unauthenticated'));
      socket.data.principal = principal;
      socket.data.user = principal.user;
      socket.data.joined = new Map();
      socket.data.gate = deps.limits.gate(socket.id);
      next();
    } catch (error) {
      deps.log.error({ err: error }, 'socket authentication failed');
      next(new Error('internal'));
    }
  });

  deps.registry.onCreate((document) => wireFanOut(io, document));
  deps.access.onChange((userId) => {
    for (const socket of io.of('/').sockets.values()) {
      if (userId === null || socket.data.user.id === userId) void recheck(socket, deps);
    }
  });

  const spread = new ReconnectSpread(reconnectPeriodMs);
  io.on('connection', (socket) => {
    socket.emit('connection:hint', spread.hint());
    registerStoryHandlers(socket, deps);
    socket.on('disconnect', () => void deps.limits.forget(socket.id));
    socket.on('newsroom:watch', (ack) => {
      void socket.join(NEWSROOM_ROOM);
      if (typeof ack === 'function') ack({ ok: true, data: null });
    });
  });
  return io;
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
function wireFanOut(io: GalleyServer, document: StoryDocument): void {
  const room = storyRoom(document.storyId);
  // This process's sockets only: other processes get the story's updates from the relay, and
  // forward them to their own sockets from their own copy.
  const toRoomExcept = (origin: Connection | null) => (origin ? io.local.to(room).except(origin.id) : io.local.to(room));
  document.on('update', (update, origin) => {
    toRoomExcept(origin).emit('story:sync', document.storyId, encodeUpdateMessage(update));
  });
  document.on('awareness', (clients, origin) => {
    toRoomExcept(origin).emit('story:awareness', document.storyId, encodeAwarenessUpdate(document.awareness, clients));
  });
  document.on('presence', (present) => {
    io.to(NEWSROOM_ROOM).emit('newsroom:presence', document.storyId, present);
  });
}

/** Sends an error as the ack if there is one, else as a protocol:error event. */
export function reply<T>(socket: GalleySocket, ack: unknown, answer: Ack<T>, storyId?: string): void {
  if (typeof ack === 'function') (ack as (a: Ack<T>) => void)(answer);
  else if (!answer.ok) socket.emit('protocol:error', { ...answer.error, storyId });
}

export function errorAnswer(error: unknown, log: Logger): Ack<never> {
  if (error instanceof GalleyError) return { ok: false, error: error.toBody() };
  log.error({ err: error }, 'socket handler failed');
  return { ok: false, error: { code: 'internal', message: 'Something went wrong on the server' } };
}
