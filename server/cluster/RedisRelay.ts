import { randomBytes } from 'node:crypto';
import { ObservableV2 } from 'lib0/observable';
import type { RedisClientType } from 'redis';
import type { Logger } from '../logger';
import type { DocumentRelay, RelayEvents, RelayKind, RelayListener } from './DocumentRelay';

const KINDS: RelayKind[] = ['update', 'awareness', 'catch-up'];
const ORIGIN_BYTES = 8;

const storyChannel = (storyId: string) => `galley:story:${storyId}`;

/**
 * The relay over Redis pub/sub. A message is one byte of kind, this process's
 * 8-byte id (so it ignores its own messages) and the y-protocols payload.
 * Pub/sub does not keep messages for a subscriber that is away: after a
 * reconnect, listeners of `resync` catch up from storage.
 */
export class RedisRelay extends ObservableV2<RelayEvents> implements DocumentRelay {
  readonly #pub: RedisClientType;
  readonly #sub: RedisClientType;
  readonly #log: Logger;
  readonly #origin = randomBytes(ORIGIN_BYTES);
  #wasReady = false;

  private constructor(pub: RedisClientType, sub: RedisClientType, log: Logger) {
    super();
    this.#pub = pub;
    this.#sub = sub;
    this.#log = log;
    this.#sub.on('ready', () => {
      // The first 'ready' is the start; every later one follows a lost connection.
      if (this.#wasReady) this.emit('resync', []);
      this.#wasReady = true;
    });
  }

  static async connect(pub: RedisClientType, log: Logger): Promise<RedisRelay> {
    const sub = pub.duplicate() as RedisClientType;
    sub.on('error', (error: Error) => log.warn({ err: error }, 'relay subscriber connection error'));
    const relay = new RedisRelay(pub, sub, log);
    await sub.connect();
    return relay;
  }

  async subscribe(storyId: string, listener: RelayListener): Promise<() => Promise<void>> {
    const onMessage = (message: Buffer) => this.#deliver(message, listener);
    await this.#sub.subscribe(storyChannel(storyId), onMessage, true);
    return async () => {
      // Only this listener: the same story may have been opened again meanwhile.
      await this.#sub.unsubscribe(storyChannel(storyId), onMessage, true).catch(() => undefined);
    };
  }

  #deliver(message: Buffer, listener: RelayListener): void {
    if (message.length < 1 + ORIGIN_BYTES) return;
    if (message.subarray(1, 1 + ORIGIN_BYTES).equals(this.#origin)) return;
    const kind = KINDS[message[0]];
    if (kind) listener(kind, new Uint8Array(message.subarray(1 + ORIGIN_BYTES)));
  }

  publish(storyId: string, kind: RelayKind, payload: Uint8Array): void {
    const message = Buffer.concat([Buffer.of(KINDS.indexOf(kind)), this.#origin, payload]);
    // A lost publish is recovered by the resync every process makes when the connection returns.
    this.#pub
      .publish(storyChannel(storyId), message)
      .catch((error: unknown) => this.#log.warn({ err: error, storyId }, 'relay publish failed'));
  }

  async close(): Promise<void> {
    this.destroy();
    await this.#sub.close().catch(() => undefined);
  }
}
