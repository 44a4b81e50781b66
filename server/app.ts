import { createServer, type Server as HttpServer } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Request } from 'express';
import type { ServerOptions } from 'socket.io';
import { NEWSROOM_ROOM, storyRoom } from '../shared/protocol';
import type { DocumentRelay } from './cluster/DocumentRelay';
import type { Config } from './config';
import { Authenticator } from './auth/Authenticator';
import { LiveAccess } from './auth/LiveAccess';
import { SignInThrottle } from './auth/SignInThrottle';
import { DocumentRegistry } from './documents/DocumentRegistry';
import { StorySummaries } from './documents/StorySummaries';
import { accessLog } from './http/accessLog';
import { apiRouter } from './http/apiRouter';
import { clientApp } from './http/clientApp';
import { errorHandler } from './http/errorHandler';
import { previewRouter } from './http/previewRouter';
import { publicRouter } from './http/publicRouter';
import { appSecurityHeaders } from './http/securityHeaders';
import type { Logger } from './logger';
import type { Store } from './persistence/Store';
import { MessageLimits } from './transport/MessageGate';
import { createSocketServer } from './transport/socketServer';
import type { GalleyServer } from './transport/transportTypes';
import { attachYWebsocket, refuseUpgrade, yWebsocketStoryId } from './transport/yWebsocketServer';
import { AutoVersions } from './workflow/AutoVersions';
import { PublicationScheduler } from './workflow/PublicationScheduler';
import { workflowOf } from './workflow/workflowState';

const DEFAULT_CLIENT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist/client');

export type AppDeps = {
  store: Store;
  log: Logger;
  /** Keys stored credential hashes: see auth/serverSecret.ts. */
  secret: Buffer;
  clientDir?: string;
  /** Several processes (REDIS_URL): Socket.IO's adapter and the document relay. */
  cluster?: { relay: DocumentRelay; adapter: ServerOptions['adapter']; redis: unknown };
};
export type App = { httpServer: HttpServer; io: GalleyServer; registry: DocumentRegistry; close(): Promise<void> };

/** Builds the whole server without listening; `main.ts` listens, tests use port 0. */
export function createApp(config: Config, deps: AppDeps): App {
  const { store, log } = deps;
  const relay = deps.cluster?.relay;
  const registry = new DocumentRegistry({ store, log, idleUnloadMs: config.idleUnloadMs, compaction: config.compaction, relay });
  const app = express();
  const httpServer = createServer(app);
  const limits = new MessageLimits(config.messageRates);
  const auth = new Authenticator(store, deps.secret, config.sessionTtlMs);
  const access = new LiveAccess();
  // Every node hears every access change through the store, whichever process made it.
  access.watch(store, log);
  const { allowedOrigins } = config;
  const { deadConnectionMs, reconnectPeriodMs } = config;
  const io = createSocketServer(
    httpServer,
    { store, registry, log, limits, auth, access, allowedOrigins },
    { deadConnectionMs, reconnectPeriodMs },
  );
  if (deps.cluster) io.adapter(deps.cluster.adapter);
  // The standard y-websocket protocol at /yjs/<storyId>, for stock Yjs clients.
  const yWebsocket = attachYWebsocket(httpServer, { store, registry, log, limits, auth, access, allowedOrigins });
  // Socket.IO leaves upgrades it does not own alone (destroyUpgrade: false): refuse those nobody takes.
  httpServer.on('upgrade', (req, socket) => {
    const url = req.url ?? '';
    if (!url.startsWith(`${io.path()}/`) && yWebsocketStoryId(url) === undefined) refuseUpgrade(socket, 404);
  });
  const publicOrigin = (req: Request) => config.publicUrl ?? `${req.protocol}://${req.get('host')}`;
  /** A story's workflow changed: everyone in it gets the new state, the newsroom list refetches. */
  const announce = (storyId: string) => {
    store.getStory(storyId).then(
      (story) => {
        if (story) io.to(storyRoom(storyId)).emit('story:workflow', storyId, workflowOf(story));
        io.to(NEWSROOM_ROOM).emit('newsroom:changed', storyId);
      },
      (error: unknown) => log.error({ err: error, storyId }, 'could not announce a workflow change'),
    );
  };
  const scheduler = new PublicationScheduler({ store, registry, announce, log }, { checkEveryMs: config.scheduleCheckMs });
  scheduler.start();
  /** A version was saved: an open History panel in the story refreshes (through the Redis adapter, on every node). */
  const announceVersion = (storyId: string) => io.to(storyRoom(storyId)).emit('story:versions', storyId);
  const autoVersions = new AutoVersions({ store, registry, log, announceVersion }, config.autoVersionIdleMs);

  app.disable('x-powered-by');
  // First, so that every answer is logged, refusals included, with the whole time it took.
  app.use(accessLog(log));
  app.use(appSecurityHeaders());
  app.use(
    '/api',
    apiRouter({
      store,
      registry,
      auth,
      access,
      throttle: new SignInThrottle(config.signIn, deps.cluster?.redis),
      allowedOrigins,
      publicOrigin,
      announce,
      announceVersion,
    }),
  );
  app.use(previewRouter({ store, registry, announce, auth, publicOrigin }));
  app.use(publicRouter(store, publicOrigin));
  app.use(clientApp(deps.clientDir ?? DEFAULT_CLIENT_DIR));
  app.use(errorHandler(log));

  const summaries = new StorySummaries(store, log, (storyId) => io.to(NEWSROOM_ROOM).emit('newsroom:changed', storyId));
  registry.on('create', (document) => summaries.track(document));

  return {
    httpServer,
    io,
    registry,
    async close() {
      await access.close();
      await scheduler.stop();
      await autoVersions.stop();
      // First: open WebSockets would keep the HTTP server (closed by io.close) from closing.
      await yWebsocket.close();
      const closed = new Promise<void>((resolve) => io.close(() => resolve()));
      // Idle keep-alive HTTP connections would otherwise hold the server open until they time out.
      httpServer.closeAllConnections();
      await closed;
      await summaries.flush();
      await registry.closeAll();
    },
  };
}
