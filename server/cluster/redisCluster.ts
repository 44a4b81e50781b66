import { createAdapter } from '@socket.io/redis-adapter';
import { createClient, type RedisClientType } from 'redis';
import type { Logger } from '../logger';
import { RedisRelay } from './RedisRelay';

/** What several processes share through Redis: Socket.IO rooms and events, and the document relay. */
export type Cluster = {
  relay: RedisRelay;
  /** For shared counters (the sign-in throttle). */
  redis: RedisClientType;
  adapter: ReturnType<typeof createAdapter>;
  close(): Promise<void>;
};

/** Reconnects for ever, backing off to 2 s: Redis restarting must not take Galley down with it. */
const reconnectStrategy = (retries: number) => Math.min(100 * 2 ** retries, 2_000);

/**
 * Connects to Redis. The Socket.IO adapter is @socket.io/redis-adapter (pub/sub)
 * rather than the Streams adapter: nothing Galley sends through Socket.IO rooms
 * across processes needs replay (workflow and list events are refetchable state,
 * and story content goes through the relay, which catches up from storage).
 */
export async function connectCluster(url: string, log: Logger): Promise<Cluster> {
  const pub = createClient({ url, socket: { reconnectStrategy } }) as RedisClientType;
  const sub = pub.duplicate() as RedisClientType;
  for (const [name, client] of [
    ['publisher', pub],
    ['subscriber', sub],
  ] as const) {
    client.on('error', (error: Error) => log.warn({ err: error }, `redis ${name} connection error`));
  }
  await Promise.all([pub.connect(), sub.connect()]);
  const relay = await RedisRelay.connect(pub, log);
  return {
    relay,
    redis: pub,
    adapter: createAdapter(pub, sub),
    async close() {
      await relay.close();
      await Promise.allSettled([sub.close(), pub.close()]);
    },
  };
}
