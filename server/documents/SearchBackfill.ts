import * as Y from 'yjs';
import type { Logger } from '../logger';
import { logUpdates, type Store } from '../persistence/Store';
import type { DocumentRegistry } from './DocumentRegistry';
import { storyText } from './storyText';

/** Stories asked for at once; they are indexed one at a time. */
const BATCH = 100;

/**
 * Indexes for search, once, the stories that never were: those stored before search existed, and new
 * ones nobody has typed in yet. StorySummaries keeps the index current from then on. It runs in the
 * background at start-up, a story at a time (memory follows the largest story), yielding to requests
 * between stories; several nodes starting together only index some stories twice.
 */
export class SearchBackfill {
  #stopped = false;
  #running: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: Store,
    private readonly registry: DocumentRegistry,
    private readonly log: Logger,
  ) {}

  start(): void {
    this.#running = this.#run().catch((err: unknown) => this.log.error({ err }, 'search backfill stopped'));
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#running;
  }

  async #run(): Promise<void> {
    let after = '';
    let indexed = 0;
    for (let ids = await this.store.unindexedStories(after, BATCH); ids.length > 0; ids = await this.store.unindexedStories(after, BATCH)) {
      for (const storyId of ids) {
        // SQLite answers synchronously: without this, thousands of stories would hold the event loop.
        await new Promise((resolve) => setImmediate(resolve));
        if (this.#stopped) return;
        if (await this.#index(storyId)) indexed++;
        after = storyId;
      }
    }
    if (indexed > 0) this.log.info({ indexed }, 'indexed stories for search from their stored text');
  }

  /** From the open document if there is one, else from storage, without opening it for everyone. */
  async #index(storyId: string): Promise<boolean> {
    const open = this.registry.get(storyId);
    if (open) {
      await this.store.indexStory(storyId, storyText(open.doc));
      return true;
    }
    const doc = new Y.Doc();
    try {
      for (const update of logUpdates(await this.store.loadLog(storyId))) {
        try {
          Y.applyUpdate(doc, update);
        } catch {
          // A damaged row: the text indexed is the rest; the story's first opening quarantines it.
        }
      }
      await this.store.indexStory(storyId, storyText(doc));
      return true;
    } catch (err) {
      this.log.warn({ err, storyId }, 'story not indexed for search');
      return false;
    } finally {
      doc.destroy();
    }
  }
}
