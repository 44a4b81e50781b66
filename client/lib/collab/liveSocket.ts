/**
 * The one Socket.IO connection the app shares (newsroom list and every open
 * story). Opened lazily once signed in, because the server authenticates the
 * socket from the session cookie at handshake; closed on sign-out so the next
 * account gets a connection of its own.
 */
import { connectSocket, type GalleyClientSocket } from './socket';

let socket: GalleyClientSocket | null = null;
const unauthenticatedListeners = new Set<() => void>();

export function liveSocket(): GalleyClientSocket {
  if (!socket) {
    const opened = connectSocket(window.location.origin);
    // The server refuses the handshake once the session is gone; socket.io will not retry that.
    opened.on('connect_error', (error) => {
      if (error.message === 'unauthenticated' && !opened.active) {
        for (const listener of unauthenticatedListeners) listener();
      }
    });
    socket = opened;
  }
  return socket;
}

export function closeLiveSocket(): void {
  socket?.disconnect();
  socket = null;
}

/** Called when the server turns the socket away for lack of a session. */
export function onSocketUnauthenticated(listener: () => void): () => void {
  unauthenticatedListeners.add(listener);
  return () => unauthenticatedListeners.delete(listener);
}
