import { DueSoonReminders } from './notifications/DueSoonReminders';
import { createServer, type Server as HttpServer } from 'node:http';
import path from 'node:path';
import express, { type Request } from 'express';
import type { ServerOptions } from 'socket.io';
import { NEWSROOM_ROOM, storyRoom } from '../shared/protocol';
import type { DocumentRelay } from './cluster/DocumentRelay';
import type { Config } from './config';
import { recordPlanning } from './activity/planningActivity';
import { StoryActivity } from './activity/StoryActivity';
import { Authenticator } from './auth/Authenticator';
import { LiveAccess } from './auth/LiveAccess';
import { SignInThrottle } from './auth/SignInThrottle';
import { DocumentRegistry } from './documents/DocumentRegistry';
import { SearchBackfill } from './documents/SearchBackfill';
import { StorySummaries } from './documents/StorySummaries';
import { accessLog } from './http/accessLog';
import { apiRouter } from './http/apiRouter';
import { clientApp } from './http/clientApp';
import { errorHandler } from './http/errorHandler';
import { mediaFiles } from './http/mediaFiles';
import { previewRouter } from './http/previewRouter';
import { listingRouter } from './http/listingRouter';
import { publicRouter } from './http/publicRouter';
import { RenderedAnswers } from './http/RenderedAnswers';
import { sitemapRouter } from './http/sitemapRouter';
import { appSecurityHeaders } from './http/securityHeaders';
import type { Logger } from './logger';
import { MediaLibrary } from './media/MediaLibrary';
import { notificationDelivery } from './notifications/notificationDelivery';
import type { Notifier } from './notifications/Notifier';
import type { Store } from './persistence/Store';
import { MessageLimits } from './transport/MessageGate';
import { createSocketServer, evictStory } from './transport/socketServer';
import type { GalleyServer } from './transport/transportTypes';
import { attachYWebsocket, refuseUpgrade, yWebsocketStoryId } from './transport/yWebsocketServer';
import { Webhooks } from './webhooks/Webhooks';
import { AutoVersions } from './workflow/AutoVersions';
import { PublicationScheduler } from './workflow/PublicationScheduler';
import type { RetentionDeps } from './workflow/storyRetention';
import { TrashSweeper } from './workflow/TrashSweeper';
import { workflowOf } from './workflow/workflowState';
import { PROJECT_ROOT } from './projectRoot';

const DEFAULT_CLIENT_DIR = path.join(PROJECT_ROOT, 'dist/client');

export type AppDeps = {
  store: Store;
  log: Logger;
  /** Keys stored credential hashes: see auth/serverSecret.ts. */
  secret: Buffer;
  clientDir?: string;
  /** Several processes (REDIS_URL): Socket.IO's adapter and the document relay. */
  cluster?: { relay: DocumentRelay; adapter: ServerOptions['adapter']; redis: unknown };
};
export type App = {
  httpServer: HttpServer;
  io: GalleyServer;
  registry: DocumentRegistry;
  /** Tells people what concerns them (also the planning's way to say "assigned" and "due soon"). */
  notifier: Notifier;
  /** The Trash's retention sweep (tests run it at a time of their choosing). */
  trashSweeper: TrashSweeper;
  close(): Promise<void>;
};

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
  // The io it pushes through is made just below; it is only used once requests arrive.
  const { notifier, outbox } = notificationDelivery(config, { store, log, httpServer, io: () => io });
  const io = createSocketServer(
    httpServer,
    { store, registry, log, limits, auth, access, allowedOrigins, notifier },
    { deadConnectionMs, reconnectPeriodMs },
  );
  if (deps.cluster) io.adapter(deps.cluster.adapter);
  // Publications, unpublications and deletions, as the timeline records them, go to the registered endpoints.
  const webhooks = new Webhooks(config, { store, log });
  webhooks.start();
  /** Each story's timeline: a new entry reaches everyone in the story (through the Redis adapter, on every node). */
  const activity = new StoryActivity({
    store,
    log,
    push: (entry) => io.to(storyRoom(entry.storyId)).emit('story:activity', entry.storyId, entry),
    recorded: (entries) => webhooks.events.recorded(entries),
  });
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
  const scheduler = new PublicationScheduler(
    { store, registry, announce, notifier, activity, log },
    { checkEveryMs: config.scheduleCheckMs },
  );
  scheduler.start();
  /** A version was saved: an open History panel in the story refreshes (through the Redis adapter, on every node). */
  const announceVersion = (storyId: string) => io.to(storyRoom(storyId)).emit('story:versions', storyId);
  const autoVersions = new AutoVersions({ store, registry, log, announceVersion, activity }, config.autoVersionIdleMs);

  const media = new MediaLibrary(store, { maxPixels: config.media.maxPixels });

  /** A story went to the Trash: this node's connections to it, of both transports, are taken out of it. */
  const evictHere = (storyId: string) => {
    evictStory(io, registry, storyId);
    yWebsocket.evict(storyId);
  };
  // Another node's (through the Redis adapter).
  io.on('story:evict', evictHere);
  const retention: RetentionDeps = {
    store,
    activity,
    announce,
    settle: (storyId) => summaries.flushStory(storyId),
    // This node's connections at once, the other nodes' through the adapter (with none, there are no others).
    evict: (storyId) => {
      evictHere(storyId);
      if (deps.cluster) io.serverSideEmit('story:evict', storyId);
    },
    retentionDays: config.trash.retentionDays,
  };
  const trashSweeper = new TrashSweeper({ store, log }, { retentionDays: config.trash.retentionDays, everyMs: config.trash.sweepMs });
  trashSweeper.start();

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
      notifier,
      activity,
      announceVersion,
      media,
      maxUploadBytes: config.media.maxBytes,
      retention,
      webhooks,
      contentApiPublic: config.contentApiPublic,
    }),
  );
  app.use(mediaFiles({ store, media, auth }));
  app.use(previewRouter({ store, registry, announce, notifier, activity, auth, publicOrigin }));
  // One store of rendered answers for the public site, so its bounds are the node's.
  const answers = new RenderedAnswers(store, publicOrigin);
  app.use(listingRouter(store, publicOrigin, answers));
  app.use(publicRouter(store, publicOrigin, answers));
  app.use(sitemapRouter(store, publicOrigin, { answers }));
  app.use(clientApp(deps.clientDir ?? DEFAULT_CLIENT_DIR));
  app.use(errorHandler(log));

  const summaries = new StorySummaries(
    store,
    log,
    (storyId) => io.to(NEWSROOM_ROOM).emit('newsroom:changed', storyId),
    async (storyId, changes) => {
      await recordPlanning(activity, store, storyId, changes);
      for (const change of changes) if (change.kind === 'assigned') await notifyAssigned(storyId, change.userIds, change.by);
    },
  );
  /** Tells the newly assigned, in the name of whoever assigned them (the clock's, when nobody is known). */
  const notifyAssigned = async (storyId: string, assigneeIds: string[], byId: string | null) => {
    const by = byId ? await store.getUserById(byId) : undefined;
    await notifier.notifyAssigned(storyId, assigneeIds, by ? { id: by.id, name: by.name } : { id: 'galley', name: 'Galley' });
  };
  const reminders = new DueSoonReminders({ store, notifier, log }, config.dueSoonCheckMs);
  reminders.start();
  registry.on('create', (document) => summaries.track(document));
  // Stories never indexed for search (stored before it existed) are indexed once, in the background.
  const searchBackfill = new SearchBackfill(store, registry, log);
  searchBackfill.start();

  return {
    httpServer,
    io,
    registry,
    notifier,
    trashSweeper,
    async close() {
      await access.close();
      await trashSweeper.stop();
      await scheduler.stop();
      await reminders.stop();
      await outbox?.stop();
      await webhooks.stop();
      await autoVersions.stop();
      // First: open WebSockets would keep the HTTP server (closed by io.close) from closing.
      await yWebsocket.close();
      const closed = new Promise<void>((resolve) => io.close(() => resolve()));
      // Idle keep-alive HTTP connections would otherwise hold the server open until they time out.
      httpServer.closeAllConnections();
      await closed;
      await searchBackfill.stop();
      await summaries.flush();
      await registry.closeAll();
    },
  };
}
