import { ObservableV2 } from 'lib0/observable';
import { relayDocument } from './relayDocument';
import type { DocumentRelay } from '../cluster/DocumentRelay';
import type { Logger } from '../logger';
import { GroupCommit } from '../persistence/GroupCommit';
import type { StoryDamageNotice } from '../../shared/protocol';
import type { DamagedRow, Store } from '../persistence/Store';
import { StoredLogDamaged, triageLog } from './logTriage';
import { type CompactionPolicy, StoryDocument } from './StoryDocument';

export type RegistryOptions = {
  store: Store;
  log: Logger;
  idleUnloadMs: number;
  compaction: CompactionPolicy;
  /** Set when several processes serve the same stories (REDIS_URL). */
  relay?: DocumentRelay;
};

type RegistryEvents = {
  /** A document was created (loaded), before anyone can see it. */
  create: (document: StoryDocument) => void;
};

/**
 * Holds one StoryDocument per open story. Concurrent opens share one load;
 * a story with no connections is flushed and unloaded after `idleUnloadMs`.
 * A stored row the story cannot be loaded from is quarantined, and the story
 * opens from the rest (see logTriage).
 */
export class DocumentRegistry extends ObservableV2<RegistryEvents> {
  #documents = new Map<string, StoryDocument>();
  #loading = new Map<string, Promise<StoryDocument>>();
  #unloadTimers = new Map<string, NodeJS.Timeout>();
  #unsubscribes = new Map<StoryDocument, () => Promise<void>>();
  #catchingUp = new Map<StoryDocument, Promise<void>>();
  #catchUpAgain = new Set<StoryDocument>();
  #catchUpTimer: NodeJS.Timeout | undefined;

  /** One group committer for every story: a burst across stories is one transaction too. */
  readonly commits: GroupCommit;

  constructor(private readonly options: RegistryOptions) {
    super();
    this.commits = new GroupCommit(options.store);
    if (options.relay) {
      options.relay.on('resync', () => this.#catchUpAll('relay reconnected'));
      // A backstop for whatever the relay's other signals miss: no open story stays behind storage for long.
      this.#catchUpTimer = setInterval(() => this.#catchUpAll(), CATCH_UP_EVERY_MS);
      this.#catchUpTimer.unref();
    }
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

  /** Loads the log as stored (the fast way); only when a row of it does not load, row by row. */
  async #load(storyId: string): Promise<StoryDocument> {
    try {
      return await this.#loadAs(storyId, 'whole');
    } catch (error) {
      if (!(error instanceof StoredLogDamaged)) throw error;
      this.options.log.warn({ storyId, reason: error.message }, 'story does not load as stored; checking its rows one by one');
    }
    return this.#loadAs(storyId, 'by row');
  }

  async #loadAs(storyId: string, how: 'whole' | 'by row'): Promise<StoryDocument> {
    const { store, log, compaction } = this.options;
    const document = new StoryDocument(storyId, { store, log, compaction, commits: this.commits });
    try {
      // Subscribed before reading storage: nothing committed elsewhere falls between the two.
      const { relay } = this.options;
      if (relay) this.#unsubscribes.set(document, await relayDocument(document, relay, log, () => this.#catchUp(document)));
      const [stored, owners, damage] = await Promise.all([
        store.loadLog(storyId),
        store.loadClientOwners(storyId),
        this.#damageOf(storyId),
      ]);
      if (how === 'whole') {
        document.loadFrom(stored, owners);
        document.damage = damage;
      } else {
        const { loadable, damaged } = triageLog(stored);
        document.loadFrom(loadable, owners);
        document.damage = (await this.#quarantine(storyId, damaged)) ?? damage;
      }
      relay?.publish(storyId, 'catch-up', new Uint8Array(0));
    } catch (error) {
      await this.#destroy(document);
      throw error;
    }
    this.emit('create', [document]);
    this.#documents.set(storyId, document);
    return document;
  }

  /**
   * Moves damaged rows out of the story's log (kept in story_quarantine), with a log line for each;
   * resolves to the story's damage notice afterwards (undefined when there was nothing to move). Should
   * the move fail, the rows stay in the log (still left out of the story) and the notice counts them.
   */
  async #quarantine(storyId: string, damaged: DamagedRow[]): Promise<StoryDamageNotice | null | undefined> {
    if (damaged.length === 0) return undefined;
    const { store, log } = this.options;
    const foundAt = new Date().toISOString();
    try {
      await store.quarantine(storyId, damaged, foundAt);
    } catch (error) {
      log.error(
        { err: error, storyId, rows: damaged.length },
        'could not quarantine damaged stored rows; they stay in the log, left out of the story',
      );
      return { entries: damaged.length, foundAt };
    }
    for (const row of damaged) {
      log.error(
        { storyId, kind: row.kind, seq: row.kind === 'update' ? row.seq : null, reason: row.reason },
        'quarantined a damaged stored row',
      );
    }
    return this.#damageOf(storyId);
  }

  /** What the story's editors are told of rows quarantined so far and not yet reviewed by an admin. */
  async #damageOf(storyId: string): Promise<StoryDamageNotice | null> {
    const damage = await this.options.store.storyDamage(storyId);
    return damage && { entries: damage.entries, foundAt: damage.lastFoundAt };
  }

  /** An admin reviewed the story's quarantined rows: editors who join from now on are no longer told. */
  damageReviewed(storyId: string): void {
    const document = this.#documents.get(storyId);
    if (document) document.damage = null;
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
    const { storyId } = document;
    try {
      const stored = await this.options.store.loadLog(storyId);
      if (this.#documents.get(storyId) !== document) return;
      const notice = await this.#quarantine(storyId, document.catchUp(stored));
      if (notice !== undefined) document.damage = notice;
    } catch (error) {
      this.options.log.error({ err: error, storyId: document.storyId }, 'catch-up from storage failed');
    }
  }
}

/** With several processes, how often open stories are read back from storage regardless. */
const CATCH_UP_EVERY_MS = 30_000;
