/**
 * The one Socket.IO connection the app shares (newsroom list and every open
 * story). Opened lazily once signed in, because the server authenticates the
 * socket from the session cookie at handshake; closed on sign-out so the next
 * account gets a connection of its own.
 */
import { ObservableV2 } from 'lib0/observable';
import type { ErrorBody } from '../../../shared/errors';
import { closeSocket, connectSocket, reconnectionOf, type GalleyClientSocket } from './socket';

let socket: GalleyClientSocket | null = null;
let stopFollowing: (() => void) | null = null;
const events = new ObservableV2<{ unauthenticated: () => void }>();

export function liveSocket(): GalleyClientSocket {
  if (!socket) {
    const opened = connectSocket(window.location.origin);
    const reconnection = reconnectionOf(opened);
    const unauthenticated = () => events.emit('unauthenticated', []);
    // Refused at a (re)connect: no valid session any more.
    const offRefused = reconnection?.on('unauthenticated', unauthenticated);
    // Or told on a live connection, before the server closes it (deactivated, signed out everywhere…).
    const onProtocolError = (error: ErrorBody) => {
      if (error.code === 'unauthenticated') unauthenticated();
    };
    opened.on('protocol:error', onProtocolError);
    // No point waiting out the backoff once the browser says the network is back.
    // (Going offline needs nothing here: engine.io closes its transport on `offline`.)
    const onOnline = () => reconnection?.reconnectNow();
    window.addEventListener('online', onOnline);
    stopFollowing = () => {
      offRefused?.();
      opened.off('protocol:error', onProtocolError);
      window.removeEventListener('online', onOnline);
    };
    socket = opened;
  }
  return socket;
}

export function closeLiveSocket(): void {
  stopFollowing?.();
  stopFollowing = null;
  if (socket) closeSocket(socket);
  socket = null;
}

/** Called when the server turns the socket away for lack of a session. */
export function onSocketUnauthenticated(listener: () => void): () => void {
  events.on('unauthenticated', listener);
  return () => events.off('unauthenticated', listener);
}
