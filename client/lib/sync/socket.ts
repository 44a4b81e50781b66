import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../../shared/protocol';
import { SOCKET_PARSER } from '../../../shared/socketParser';
import { ReconnectPolicy } from './ReconnectPolicy';

export type GalleyClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export type SocketOptions = {
  /** Cookie header for Node clients; browsers send the session cookie themselves. */
  cookie?: string;
};

/** The server's refusal when the handshake carries no valid session. */
const UNAUTHENTICATED = 'unauthenticated';

const policies = new WeakMap<GalleyClientSocket, ReconnectPolicy>();

/**
 * Opens a Socket.IO connection to a Galley server. WebSocket only (no
 * long-polling upgrade dance). Socket.IO's own reconnection is off: it resets
 * its backoff on every successful handshake and gives up after a refused one,
 * so a ReconnectPolicy decides instead, at the phase the server hints (see
 * there). Works the same in Node.
 */
export function connectSocket(url: string, options: SocketOptions = {}): GalleyClientSocket {
  const socket: GalleyClientSocket = io(url, {
    transports: ['websocket'],
    parser: SOCKET_PARSER,
    forceNew: true,
    withCredentials: true,
    extraHeaders: options.cookie ? { cookie: options.cookie } : undefined,
    reconnection: false,
  });
  const policy = new ReconnectPolicy({ connect: () => socket.connect() });
  socket.on('connect', () => policy.connected());
  socket.on('connection:hint', (hint) => policy.hint(hint));
  socket.on('disconnect', (reason) => {
    if (reason !== 'io client disconnect') policy.lost();
  });
  socket.on('connect_error', (error) => {
    if (error.message === UNAUTHENTICATED) policy.refused();
    else policy.lost();
  });
  policies.set(socket, policy);
  return socket;
}

/**
 * Closes a socket made by connectSocket for good. Its owner calls this rather than `socket.disconnect()`:
 * between attempts socket.io emits nothing on disconnect, so the policy would try again at its turn.
 */
export function closeSocket(socket: GalleyClientSocket): void {
  policies.get(socket)?.stop();
  socket.disconnect();
}

/** The reconnection state of a socket made by connectSocket. */
export function reconnectionOf(socket: GalleyClientSocket): ReconnectPolicy | undefined {
  return policies.get(socket);
}
