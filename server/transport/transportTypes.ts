import type { Server, Socket } from 'socket.io';
import type { ClientToServerEvents, InterServerEvents, ServerToClientEvents } from '../../shared/protocol';
import type { Authenticator, Principal } from '../auth/Authenticator';
import type { LiveAccess } from '../auth/LiveAccess';
import type { DocumentRegistry } from '../documents/DocumentRegistry';
import type { Connection, StoryDocument } from '../documents/StoryDocument';
import type { Logger } from '../logger';
import type { Store, UserRecord } from '../persistence/Store';
import type { MessageGate, MessageLimits } from './MessageGate';

type SocketData = {
  principal: Principal;
  user: UserRecord;
  gate: MessageGate;
  /** The latest access re-check (see LiveAccess): the next one runs after it. */
  rechecked: Promise<void>;
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
