import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../../shared/protocol';

export type GalleyClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export type SocketOptions = {
  /** Cookie header for Node clients; browsers send the session cookie themselves. */
  cookie?: string;
};

/**
 * Opens a Socket.IO connection to a Galley server. WebSocket only (no
 * long-polling upgrade dance); reconnection backs off with jitter so clients
 * do not all return in the same second after a restart.
 */
export function connectSocket(url: string, options: SocketOptions = {}): GalleyClientSocket {
  return io(url, {
    transports: ['websocket'],
    forceNew: true,
    withCredentials: true,
    extraHeaders: options.cookie ? { cookie: options.cookie } : undefined,
    reconnectionDelay: 500,
    reconnectionDelayMax: 5_000,
    randomizationFactor: 0.5,
  });
}
