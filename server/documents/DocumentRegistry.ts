import { relayDocument } from '../cluster/relayDocument';
import type { DocumentRelay } from '../cluster/DocumentRelay';
import type { Logger } from '../logger';
import { GroupCommit } from '../persistence/GroupCommit';
import type { Store } from '../persistence/Store';
import { type CompactionPolicy, StoryDocument } from './StoryDocument';

export type RegistryOptions = {
  store: Store;
  log: Logger;
  idleUnloadMs: number;
  compaction: CompactionPolicy;
  /** Set when several processes serve the same stories (REDIS_URL). */
  relay?: DocumentRelay;
};

/**
 * Holds one StoryDocument per open story. Concurrent opens share one load;
 * a story with no connections is flushed and unloaded after `idleUnloadMs`.
 */
export class DocumentRegistry {
  #documents = new Map<string, StoryDocument>();
  #loading = new Map<string, Promise<StoryDocument>>();
  #unloadTimers = new Map<string, NodeJS.Timeout>();
  #createHooks: ((document: StoryDocument) => void)[] = [];
  #unsubscribes = new Map<StoryDocument, () => Promise<void>>();
  #catchingUp = new Map<StoryDocument, Promise<void>>();
  #catchUpAgain = new Set<StoryDocument>();
  #catchUpTimer: NodeJS.Timeout | undefined;

  /** One group committer for every story: a burst across stories is one transaction too. */
  readonly commits: GroupCommit;

  constructor(private readonly options: RegistryOptions) {
    this.commits = new GroupCommit(options.store);
    if (options.relay) {
      options.relay.onResync(() => this.#catchUpAll('relay reconnected'));
      // A backstop for whatever the relay's other signals miss: no open story stays behind storage for long.
      this.#catchUpTimer = setInterval(() => this.#catchUpAll(), CATCH_UP_EVERY_MS);
      this.#catchUpTimer.unref();
    }
  }

  /** Called for every document as it is created, before anyone can see it. */
  onCreate(hook: (document: StoryDocument) => void): void {
    this.#createHooks.push(hook);
  }

  get(storyId: string): StoryDocument | undefined {
    return this.#documents.get(storyId);
  }

  /** How many stories are in memory. */
  get size(): number {
    return this.#documents.size;
  }

  /** All loaded documents (for the newsroom's presence column). */
  loaded(): IterableIterator<StoryDocument> {
    return this.#documents.values();
  }

  async open(storyId: string): Promise<StoryDocument> {
    this.#cancelUnload(storyId);
    const existing = this.#documents.get(storyId);
    if (existing) return existing;
    let loading = this.#loading.get(storyId);
    if (!loading) {
      loading = this.#load(storyId).finally(() => this.#loading.delete(storyId));
      this.#loading.set(storyId, loading);
    }
    return loading;
  }

  async #load(storyId: string): Promise<StoryDocument> {
    const { store, log, compaction } = this.options;
    const document = new StoryDocument(storyId, { store, log, compaction, commits: this.commits });
    try {
      // Subscribed before reading storage: nothing committed elsewhere falls between the two.
      const { relay } = this.options;
      if (relay) this.#unsubscribes.set(document, await relayDocument(document, relay, log, () => this.#catchUp(document)));
      const [stored, owners] = await Promise.all([store.loadLog(storyId), store.loadClientOwners(storyId)]);
      document.loadFrom(stored, owners);
      relay?.publish(storyId, 'catch-up', new Uint8Array(0));
    } catch (error) {
      await this.#destroy(document);
      throw error;
    }
    this.#createHooks.forEach((hook) => hook(document));
    this.#documents.set(storyId, document);
    return document;
  }

  /** Opens the story for the length of `use` (a request that reads or publishes it), then releases it. */
  async withDocument<T>(storyId: string, use: (document: StoryDocument) => T | Promise<T>): Promise<T> {
    const document = await this.open(storyId);
    try {
      return await use(document);
    } finally {
      this.release(document);
    }
  }

  /** Schedules an unload once the last connection has left. */
  release(document: StoryDocument): void {
    if (document.connections.size > 0 || this.#unloadTimers.has(document.storyId)) return;
    const timer = setTimeout(() => void this.#unload(document), this.options.idleUnloadMs);
    timer.unref();
    this.#unloadTimers.set(document.storyId, timer);
  }

  #cancelUnload(storyId: string): void {
    clearTimeout(this.#unloadTimers.get(storyId));
    this.#unloadTimers.delete(storyId);
  }

  async #unload(document: StoryDocument): Promise<void> {
    this.#unloadTimers.delete(document.storyId);
    try {
      await document.flushed();
    } catch {
      // Writes still failing: keep the document in memory and try again later.
      return this.release(document);
    }
    // Someone may have joined while we waited for the flush.
    if (document.connections.size > 0 || this.#documents.get(document.storyId) !== document) return;
    this.#documents.delete(document.storyId);
    await this.#destroy(document);
    this.options.log.debug({ storyId: document.storyId }, 'story unloaded');
  }

  /** Flushes and drops every document (server shutdown). */
  async closeAll(): Promise<void> {
    clearInterval(this.#catchUpTimer);
    for (const timer of this.#unloadTimers.values()) clearTimeout(timer);
    this.#unloadTimers.clear();
    await Promise.allSettled([...this.#loading.values()]);
    const documents = [...this.#documents.values()];
    this.#documents.clear();
    await Promise.allSettled(documents.map((d) => d.flushed()));
    await Promise.all(documents.map((d) => this.#destroy(d)));
  }

  async #destroy(document: StoryDocument): Promise<void> {
    const unsubscribe = this.#unsubscribes.get(document);
    this.#unsubscribes.delete(document);
    document.destroy();
    await unsubscribe?.();
  }

  #catchUpAll(reason?: string): void {
    if (reason) this.options.log.info({ stories: this.#documents.size }, `${reason}; catching up from storage`);
    for (const document of this.#documents.values()) this.#catchUp(document);
  }

  /** Reads the story from storage into this copy; one read at a time per story, and one more if asked meanwhile. */
  #catchUp(document: StoryDocument): void {
    if (this.#catchingUp.has(document)) {
      this.#catchUpAgain.add(document);
      return;
    }
    const run = this.#readBack(document).finally(() => {
      this.#catchingUp.delete(document);
      if (this.#catchUpAgain.delete(document)) this.#catchUp(document);
    });
    this.#catchingUp.set(document, run);
  }

  async #readBack(document: StoryDocument): Promise<void> {
    try {
      const stored = await this.options.store.loadLog(document.storyId);
      if (this.#documents.get(document.storyId) === document) document.catchUp(stored);
    } catch (error) {
      this.options.log.error({ err: error, storyId: document.storyId }, 'catch-up from storage failed');
    }
  }
}

/** With several processes, how often open stories are read back from storage regardless. */
const CATCH_UP_EVERY_MS = 30_000;
