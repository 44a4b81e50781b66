/**
 * The standard y-websocket protocol at `ws(s)://HOST/yjs/<storyId>`, so any stock Yjs client (the
 * `y-websocket` package's WebsocketProvider) joins the same story as Galley's Socket.IO clients: the
 * same in-memory StoryDocument, the same permissions, the same durability. Wire format and rules:
 * shared/PROTOCOL.md, "Other Yjs clients (y-websocket)".
 */
import { randomUUID } from 'node:crypto';
import { type IncomingMessage, type Server as HttpServer, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import { applyAwarenessUpdate, encodeAwarenessUpdate } from 'y-protocols/awareness';
import { StoryIdParam } from '../../shared/api';
import { GalleyError } from '../../shared/errors';
import { LIMITS } from '../../shared/limits';
import { can } from '../../shared/roles';
import type { Principal } from '../auth/Authenticator';
import { originAllowed } from '../http/originPolicy';
import type { TransportDeps } from './transportTypes';
import type { Connection, StoryDocument } from '../documents/StoryDocument';
import type { MessageGate } from './MessageGate';
import { AwarenessBatch } from '../documents/AwarenessBatch';
import { guardAwarenessUpdate, withoutRelayedStates } from './awarenessGuard';
import { toBytes } from '../../shared/binary';
import { encodeStep1, encodeUpdateMessage, handleSyncMessage } from './syncMessage';

/** Upgrades under this path are ours; every other upgrade is left to its owner. */
const Y_WEBSOCKET_PATH = '/yjs';

/** y-websocket's message types: the first varUint of every frame. */
const MESSAGE_SYNC = 0;
const MESSAGE_AWARENESS = 1;
const MESSAGE_AUTH = 2;
const MESSAGE_QUERY_AWARENESS = 3;

/** Room for the message type in front of a sync message of up to `LIMITS.maxMessageBytes`. */
const FRAME_HEADER_BYTES = 16;
const MAX_FRAME_BYTES = LIMITS.maxMessageBytes + FRAME_HEADER_BYTES;
const HEARTBEAT_MS = 30_000;
/** How long a closing handshake may take at shutdown before the socket is cut. */
const CLOSE_GRACE_MS = 1_000;
const CLOSE_POLICY_VIOLATION = 1008;
const CLOSE_GOING_AWAY = 1001;
/** In y-websocket's 4400–4499 range: the stock client does not reconnect. */
const CLOSE_UNAUTHORIZED = 4401;
/** The story went to the Trash: not to be reconnected to. */
const CLOSE_STORY_DELETED = 4410;
/**
 * y-websocket has no acks, so a message refused for coming too fast would be lost without its sender
 * knowing. Instead, once this many of a connection's messages wait, the socket is no longer read (TCP
 * backpressure slows the sender); reading resumes when the wait is down to the second number.
 */
const PAUSE_READING_AT = 64;
const RESUME_READING_AT = 16;

export type YWebsocketDeps = TransportDeps & { heartbeatMs?: number };
export type YWebsocketServer = {
  /** Closes every connection to a story that went to the Trash (a reconnection is refused with 404). */
  evict(storyId: string): void;
  close(): Promise<void>;
};

/** One y-websocket connection: one WebSocket in one story. */
type Peer = {
  readonly ws: WebSocket;
  readonly document: StoryDocument;
  readonly connection: Connection;
  /** Follows role changes while connected (see LiveAccess). */
  canEdit: boolean;
  principal: Principal;
  /** Rate limits and the bad-message count, shared with the Socket.IO transport's rules. */
  readonly gate: MessageGate;
  /** Answered the last ping. */
  alive: boolean;
  left: boolean;
  /** Messages received and not yet handled (see PAUSE_READING_AT). */
  waiting: number;
  /** The latest access re-check: the next one runs after it. */
  rechecked: Promise<void>;
};

/** The story id when the request is for our path (possibly empty or malformed), else undefined. */
export function yWebsocketStoryId(url: string | undefined): string | undefined {
  const pathname = (url ?? '').split('?')[0];
  if (pathname === Y_WEBSOCKET_PATH) return '';
  return pathname.startsWith(`${Y_WEBSOCKET_PATH}/`) ? pathname.slice(Y_WEBSOCKET_PATH.length + 1) : undefined;
}

/** Answers an upgrade request with a plain HTTP error and closes the socket. */
export function refuseUpgrade(socket: Duplex, status: number): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const reason = STATUS_CODES[status] ?? 'Error';
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(reason)}\r\n\r\n${reason}`,
  );
}

/**
 * Serves y-websocket connections on `httpServer`'s upgrades under `/yjs/`.
 * `close()` closes every connection (server shutdown).
 */
export function attachYWebsocket(httpServer: HttpServer, deps: YWebsocketDeps): YWebsocketServer {
  const { store, registry } = deps;
  const log = deps.log.child({ transport: 'y-websocket' });
  const heartbeatMs = deps.heartbeatMs ?? HEARTBEAT_MS;
  // Compression stays off (the default): no inflate bombs, and frames are checked at their real size.
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  const peersOf = new WeakMap<StoryDocument, Set<Peer>>();
  const peerOf = new WeakMap<WebSocket, Peer>();
  let closing = false;

  /** Registers the fan-out once per document; y-websocket peers are added to its set as they connect. */
  const wireFanOut = (document: StoryDocument): Set<Peer> => {
    const peers = new Set<Peer>();
    peersOf.set(document, peers);
    document.on('update', (update, origin) => {
      if (peers.size === 0) return;
      const frame = syncFrame(encodeUpdateMessage(update));
      for (const peer of peers) if (peer.connection !== origin) send(peer, frame);
    });
    document.on('resync', (connection) => {
      for (const peer of peers) if (peer.connection === connection) send(peer, syncFrame(encodeStep1(document.doc)));
    });
    // To the sender too, as y-websocket's own server does: a stock client takes 30 s without any
    // message for a dead connection, and its own 15-second awareness renewal coming back is what
    // keeps a client that is alone in a story connected. It ignores states it already has.
    const awareness = new AwarenessBatch(
      (clients) => {
        if (peers.size === 0) return;
        const frame = awarenessFrame(encodeAwarenessUpdate(document.awareness, clients));
        for (const peer of peers) send(peer, frame);
      },
      (error) => log.error({ err: error, storyId: document.storyId }, 'sending awareness failed'),
    );
    document.on('awareness', (clients, origin) => awareness.add(clients, origin));
    return peers;
  };
  registry.on('create', wireFanOut);

  const send = (peer: Peer, frame: Uint8Array) => {
    if (peer.ws.readyState !== WebSocket.OPEN) return;
    try {
      peer.ws.send(frame, (error) => {
        if (error) log.debug({ err: error, connectionId: peer.connection.id }, 'send failed');
      });
    } catch (error) {
      log.debug({ err: error, connectionId: peer.connection.id }, 'send failed');
    }
  };

  /**
   * Every listener this endpoint registers runs through here: nothing a client sends may throw out of
   * one (an exception in a socket listener would end the process) or leave a promise rejected unheard.
   */
  const guarded =
    <A extends unknown[]>(what: string, listener: (...args: A) => unknown) =>
    (...args: A): void => {
      const failed = (error: unknown) => log.error({ err: error }, `y-websocket ${what} failed`);
      try {
        const result = listener(...args);
        if (result instanceof Promise) result.catch(failed);
      } catch (error) {
        failed(error);
      }
    };

  const onUpgrade = guarded('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const storyId = yWebsocketStoryId(req.url);
    if (storyId === undefined) return; // Socket.IO's, or nobody's: not ours to answer
    socket.on('error', (error) => log.debug({ err: error }, 'upgrade socket error'));
    return admit(req, socket, head, storyId).catch((error: unknown) => {
      log.error({ err: error }, 'y-websocket upgrade failed');
      refuseUpgrade(socket, 500);
    });
  });
  httpServer.on('upgrade', onUpgrade);

  /** Checks who is asking for which story, opens it, and only then completes the WebSocket handshake. */
  const admit = async (req: IncomingMessage, socket: Duplex, head: Buffer, storyId: string) => {
    if (closing) return refuseUpgrade(socket, 503);
    // No cross-site WebSocket hijacking: another site's page cannot open a socket with our cookie.
    if (!originAllowed(req, deps.allowedOrigins)) return refuseUpgrade(socket, 403);
    const principal = await deps.auth.authenticate({ cookie: req.headers.cookie, authorization: req.headers.authorization });
    if (!principal) return refuseUpgrade(socket, 401);
    const { user } = principal;
    if (!can(user.role, 'story:read')) return refuseUpgrade(socket, 403);
    if (!StoryIdParam.safeParse(storyId).success || !(await store.getStory(storyId))) return refuseUpgrade(socket, 404);
    if (closing) return refuseUpgrade(socket, 503);
    if (socket.destroyed) return;
    const document = await registry.open(storyId);
    let connected = false;
    if (!closing && !socket.destroyed) {
      // Synchronous without verifyClient: the callback has run (or the handshake was refused) on return.
      wss.handleUpgrade(req, socket, head, (ws) => {
        connected = true;
        connect(ws, principal, document);
      });
    } else if (closing) {
      refuseUpgrade(socket, 503);
    }
    if (!connected) registry.release(document);
  };

  const connect = (ws: WebSocket, principal: Principal, document: StoryDocument) => {
    const { user } = principal;
    const connection: Connection = { id: `yws:${randomUUID()}`, user, awarenessClients: new Set<number>() };
    const gate = deps.limits.gate(connection.id, Infinity);
    const peer: Peer = {
      ws,
      document,
      connection,
      canEdit: can(user.role, 'story:edit'),
      principal,
      gate,
      alive: true,
      left: false,
      waiting: 0,
      rechecked: Promise.resolve(),
    };
    const heartbeat = setInterval(() => {
      if (!peer.alive) return ws.terminate();
      peer.alive = false;
      try {
        ws.ping();
      } catch {
        ws.terminate();
      }
    }, heartbeatMs);
    heartbeat.unref();

    ws.on(
      'message',
      guarded('message', (data: RawData, isBinary: boolean) => receive(peer, data, isBinary)),
    );
    ws.on('pong', () => (peer.alive = true));
    // Protocol errors (oversize or malformed frames) close the socket; 'close' follows.
    ws.on('error', (error) => log.debug({ err: error, connectionId: connection.id }, 'websocket error'));
    ws.on(
      'close',
      guarded('close', () => {
        clearInterval(heartbeat);
        leave(peer);
        return deps.limits.forget(connection.id);
      }),
    );

    (peersOf.get(document) ?? wireFanOut(document)).add(peer);
    peerOf.set(ws, peer);
    document.addConnection(connection);
    log.debug({ storyId: document.storyId, userId: user.id, connectionId: connection.id }, 'y-websocket client joined');
    // Like y-websocket's server: ask for what the client has that we lack (editors only: a viewer's
    // answer would be refused), then show who is here. The client's own step 1 gets a step 2.
    if (peer.canEdit) send(peer, syncFrame(encodeStep1(document.doc)));
    const states = [...document.awareness.getStates().keys()];
    if (states.length > 0) send(peer, awarenessFrame(encodeAwarenessUpdate(document.awareness, states)));
  };

  const leave = (peer: Peer) => {
    if (peer.left) return;
    peer.left = true;
    peersOf.get(peer.document)?.delete(peer);
    try {
      // Removes its awareness states and tells everyone else.
      peer.document.removeConnection(peer.connection);
    } finally {
      registry.release(peer.document);
    }
  };

  /**
   * Every inbound message, in arrival order, goes through here and nowhere else: the one place for
   * per-connection limits. Never throws: refusals are logged and counted, as y-websocket has no
   * error messages to answer with.
   */
  const receive = async (peer: Peer, data: RawData, isBinary: boolean): Promise<void> => {
    if (peer.left || peer.ws.readyState !== WebSocket.OPEN) return;
    if (++peer.waiting >= PAUSE_READING_AT) peer.ws.pause();
    try {
      if (!isBinary) throw new GalleyError('bad_request', 'y-websocket messages are binary frames');
      const bytes = toBytes(rawBytes(data), MAX_FRAME_BYTES);
      const decoder = decoding.createDecoder(bytes);
      const type = readMessageType(decoder);
      // Admitted in arrival order; a flood waits here without slowing anyone else.
      await peer.gate.admit(type === MESSAGE_AWARENESS ? 'awareness' : 'sync');
      const reply = await dispatch(peer, type, decoder, bytes);
      if (reply) send(peer, reply);
    } catch (error) {
      await refused(peer, error);
    } finally {
      if (--peer.waiting <= RESUME_READING_AT && peer.ws.isPaused) peer.ws.resume();
    }
  };

  /** Handles one decoded frame; returns the frame to answer with, if any. */
  const dispatch = async (peer: Peer, type: number, decoder: decoding.Decoder, bytes: Uint8Array): Promise<Uint8Array | null> => {
    const { document, connection } = peer;
    switch (type) {
      case MESSAGE_SYNC: {
        // Resolves once an update is committed; it reaches the others through the document's 'update'.
        const reply = await handleSyncMessage(document, connection, bytes.slice(decoder.pos), peer.canEdit);
        return reply && syncFrame(reply);
      }
      case MESSAGE_AWARENESS: {
        const update = readAwarenessUpdate(decoder);
        const own = withoutRelayedStates(document, connection, update);
        if (own) applyAwarenessUpdate(document.awareness, guardAwarenessUpdate(document, connection, own), connection);
        return null;
      }
      case MESSAGE_QUERY_AWARENESS: {
        const states = [...document.awareness.getStates().keys()];
        return states.length > 0 ? awarenessFrame(encodeAwarenessUpdate(document.awareness, states)) : null;
      }
      case MESSAGE_AUTH:
        // The upgrade request was authenticated; clients have nothing to say here.
        return null;
      default:
        throw new GalleyError('bad_request', `Unknown message type ${type}`);
    }
  };

  const refused = async (peer: Peer, error: unknown) => {
    const { connection, document } = peer;
    const context = { storyId: document.storyId, userId: connection.user.id, connectionId: connection.id };
    if (!(error instanceof GalleyError)) {
      log.error({ ...context, err: error }, 'y-websocket message failed');
      return;
    }
    log.debug({ ...context, code: error.code }, `y-websocket message refused: ${error.message}`);
    // storage_failed and rate_limited are not the client's fault and are not counted.
    if ((await peer.gate.isAbusive(error)) && peer.ws.readyState === WebSocket.OPEN) {
      log.warn(context, 'closing a y-websocket connection that keeps sending bad messages');
      peer.ws.close(CLOSE_POLICY_VIOLATION, 'Too many invalid messages');
    }
  };

  /** Access changed: close connections whose credential is gone, follow role changes for the rest. */
  deps.access.on('change', (userId) => {
    for (const ws of wss.clients) {
      const peer = peerOf.get(ws);
      if (!peer || (userId !== null && peer.connection.user.id !== userId)) continue;
      // One at a time per connection: two re-checks finishing out of order must not leave the older answer.
      peer.rechecked = peer.rechecked
        .then(() => recheck(peer))
        .catch((error: unknown) => log.error({ err: error }, 'access re-check failed'));
    }
  });
  const recheck = async (peer: Peer) => {
    const principal = await deps.auth.recheck(peer.principal).catch(() => peer.principal);
    if (!principal) return peer.ws.close(CLOSE_UNAUTHORIZED, 'Your session has ended');
    peer.principal = principal;
    peer.canEdit = can(principal.user.role, 'story:edit');
  };

  return {
    evict(storyId) {
      const document = registry.get(storyId);
      for (const peer of (document && peersOf.get(document)) ?? []) peer.ws.close(CLOSE_STORY_DELETED, 'The story was deleted');
    },
    async close() {
      closing = true;
      const open = [...wss.clients].map(
        (ws) =>
          new Promise<void>((resolve) => {
            if (ws.readyState === WebSocket.CLOSED) return resolve();
            ws.once('close', () => resolve());
            ws.close(CLOSE_GOING_AWAY, 'Server shutting down');
            setTimeout(() => ws.terminate(), CLOSE_GRACE_MS).unref();
          }),
      );
      await Promise.all(open);
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

function rawBytes(data: RawData): Uint8Array | ArrayBuffer {
  return Array.isArray(data) ? Buffer.concat(data) : data;
}

function readMessageType(decoder: decoding.Decoder): number {
  try {
    return decoding.readVarUint(decoder);
  } catch {
    throw new GalleyError('bad_request', 'Malformed message type');
  }
}

function readAwarenessUpdate(decoder: decoding.Decoder): Uint8Array {
  let update: Uint8Array;
  try {
    update = decoding.readVarUint8Array(decoder);
  } catch {
    throw new GalleyError('bad_request', 'Malformed awareness message');
  }
  if (decoding.hasContent(decoder)) throw new GalleyError('bad_request', 'Malformed awareness message: trailing bytes');
  return toBytes(update, LIMITS.maxAwarenessBytes);
}

function syncFrame(syncMessage: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE_SYNC);
  encoding.writeUint8Array(encoder, syncMessage);
  return encoding.toUint8Array(encoder);
}

function awarenessFrame(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE_AWARENESS);
  encoding.writeVarUint8Array(encoder, update);
  return encoding.toUint8Array(encoder);
}
