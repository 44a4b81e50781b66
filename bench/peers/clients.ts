/**
 * One headless Yjs client per server kind, each the client people would use with it:
 * Galley's own SocketIOProvider, the stock y-websocket WebsocketProvider, the
 * HocuspocusProvider, and for the two relay floors a minimal y-protocols sync client.
 */
import { HocuspocusProvider, HocuspocusProviderWebsocket } from '@hocuspocus/provider';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { io } from 'socket.io-client';
import WebSocket from 'ws';
import type { Awareness } from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { SocketIOProvider } from '../../client/lib/sync/SocketIOProvider';
import { closeSocket, connectSocket } from '../../client/lib/sync/socket';
import { SOCKET_PARSER } from '../../shared/socketParser';
import { type ServerKind, withTimeout } from './common';

export type Peer = {
  doc: Y.Doc;
  close(): void;
  /** Whether the client holds the server's state now (false from a lost connection until it has synced again). */
  synced(): boolean;
  /** The servers with presence (not the relay floors): this client's awareness. */
  awareness?: Awareness;
  /** Galley only: sends not yet acknowledged as durable, and a hook on its changes. */
  galley?: SocketIOProvider;
};

export type PeerOptions = {
  cookie?: string;
  /** Relay floors only: whether another client is in the room to answer sync step 1 (the relay itself holds no state). */
  expectPeers: boolean;
  timeoutMs?: number;
};

const wsUrl = (url: string) => url.replace(/^http/, 'ws');

/** `ws` with a cookie on its upgrade request, for the stock y-websocket client (it takes a WebSocket class). */
function withCookie(cookie: string | undefined): typeof WebSocket {
  if (!cookie) return WebSocket;
  return class extends WebSocket {
    constructor(address: string | URL, protocols?: string | string[]) {
      super(address, protocols, { headers: { cookie } });
    }
  } as typeof WebSocket;
}

export async function connectPeer(kind: ServerKind, url: string, room: string, options: PeerOptions): Promise<Peer> {
  const doc = new Y.Doc();
  const timeout = options.timeoutMs ?? 20_000;
  switch (kind) {
    case 'galley': {
      const socket = connectSocket(url, { cookie: options.cookie });
      const provider = new SocketIOProvider({ socket, storyId: room, doc });
      const close = () => {
        provider.destroy();
        closeSocket(socket);
      };
      await withTimeout(provider.whenSynced(), timeout, 'galley sync').catch((error: Error) => {
        const state = `socket ${socket.connected ? 'connected' : 'not connected'}, provider ${provider.status}`;
        close();
        return Promise.reject(new Error(`${error.message} (${state})`));
      });
      return { doc, close, galley: provider, synced: () => provider.synced, awareness: provider.awareness };
    }
    case 'y-websocket':
    case 'galley-yjs': {
      // Galley's endpoint is /yjs/<story id>, signed in with the session cookie.
      const provider = new WebsocketProvider(kind === 'galley-yjs' ? `${wsUrl(url)}/yjs` : wsUrl(url), room, doc, {
        WebSocketPolyfill: withCookie(options.cookie) as unknown as typeof globalThis.WebSocket,
        // Otherwise providers in one process sync through BroadcastChannel and bypass the server.
        disableBc: true,
      });
      const close = () => provider.destroy();
      await withTimeout(
        new Promise<void>((resolve) => (provider.synced ? resolve() : provider.once('sync', (synced: boolean) => synced && resolve()))),
        timeout,
        'y-websocket sync',
      ).catch((error) => (close(), Promise.reject(error)));
      return { doc, close, synced: () => provider.synced, awareness: provider.awareness };
    }
    case 'hocuspocus': {
      // One websocket per provider, as separate browser tabs would have.
      const socket = new HocuspocusProviderWebsocket({ url: wsUrl(url), WebSocketPolyfill: WebSocket });
      const provider = new HocuspocusProvider({ websocketProvider: socket, name: room, document: doc });
      provider.attach();
      const close = () => {
        provider.destroy();
        socket.destroy();
      };
      await withTimeout(
        new Promise<void>((resolve) => (provider.isSynced ? resolve() : provider.on('synced', () => resolve()))),
        timeout,
        'hocuspocus sync',
      ).catch((error) => (close(), Promise.reject(error)));
      return { doc, close, synced: () => provider.isSynced, awareness: provider.awareness ?? undefined };
    }
    case 'ws-relay': {
      const ws = new WebSocket(`${wsUrl(url)}/${encodeURIComponent(room)}`);
      ws.binaryType = 'nodebuffer';
      const sync = new RelaySync(doc, (m) => ws.readyState === WebSocket.OPEN && ws.send(m));
      ws.on('message', (data: Buffer) => sync.receive(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)));
      ws.on('error', () => {});
      const close = () => {
        sync.destroy();
        ws.close();
      };
      await withTimeout(
        new Promise<void>((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject))),
        timeout,
        'ws open',
      ).catch((error) => (close(), Promise.reject(error)));
      await sync.start(options.expectPeers, timeout).catch((error) => (close(), Promise.reject(error)));
      return { doc, close, synced: () => ws.readyState === WebSocket.OPEN };
    }
    case 'socketio-relay':
    case 'socketio-1frame-relay': {
      // forceNew: otherwise every client in this process would share one connection.
      const parser = kind === 'socketio-1frame-relay' ? { parser: SOCKET_PARSER } : {};
      const socket = io(url, { forceNew: true, transports: ['websocket'], query: { room }, reconnection: false, ...parser });
      const sync = new RelaySync(doc, (m) => socket.emit('m', m));
      socket.on('m', (data: Uint8Array | ArrayBuffer) => sync.receive(data instanceof Uint8Array ? data : new Uint8Array(data)));
      const close = () => {
        sync.destroy();
        socket.disconnect();
      };
      await withTimeout(
        new Promise<void>((resolve, reject) => (socket.once('connect', () => resolve()), socket.once('connect_error', reject))),
        timeout,
        'socket.io connect',
      ).catch((error) => (close(), Promise.reject(error)));
      await sync.start(options.expectPeers, timeout).catch((error) => (close(), Promise.reject(error)));
      return { doc, close, synced: () => socket.connected };
    }
  }
}

const MESSAGE_SYNC = 0;
const REMOTE = Symbol('remote');

/**
 * The minimal y-protocols sync client for a stateless relay: step 1 on connect,
 * answer others' step 1 with our step 2, apply step 2 and updates, and send each
 * local update as a sync update. Messages are framed as y-websocket frames them.
 */
class RelaySync {
  #synced = false;
  #onSynced: (() => void) | undefined;

  constructor(
    private readonly doc: Y.Doc,
    private readonly send: (message: Uint8Array) => void,
  ) {
    doc.on('update', this.#onUpdate);
  }

  #onUpdate = (update: Uint8Array, origin: unknown): void => {
    if (origin === REMOTE) return;
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MESSAGE_SYNC);
    syncProtocol.writeUpdate(encoder, update);
    this.send(encoding.toUint8Array(encoder));
  };

  start(expectPeers: boolean, timeoutMs: number): Promise<void> {
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MESSAGE_SYNC);
    syncProtocol.writeSyncStep1(encoder, this.doc);
    this.send(encoding.toUint8Array(encoder));
    if (!expectPeers || this.#synced) return Promise.resolve();
    return withTimeout(new Promise<void>((resolve) => (this.#onSynced = resolve)), timeoutMs, 'relay sync');
  }

  receive(message: Uint8Array): void {
    const decoder = decoding.createDecoder(message);
    if (decoding.readVarUint(decoder) !== MESSAGE_SYNC) return;
    const reply = encoding.createEncoder();
    encoding.writeVarUint(reply, MESSAGE_SYNC);
    const type = syncProtocol.readSyncMessage(decoder, reply, this.doc, REMOTE);
    if (encoding.length(reply) > 1) this.send(encoding.toUint8Array(reply));
    if (type === syncProtocol.messageYjsSyncStep2 && !this.#synced) {
      this.#synced = true;
      this.#onSynced?.();
    }
  }

  destroy(): void {
    this.doc.off('update', this.#onUpdate);
  }
}
