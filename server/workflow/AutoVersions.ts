import type { StoryDocument } from '../documents/StoryDocument';
import type { Logger } from '../logger';
import { takeVersion, type VersionDeps } from './takeVersion';

/**
 * Automatic versions: once a story has had edits and then none for `idleMs`, the server takes
 * a version (skipped when nothing changed since the latest one). The pause is timed by each
 * process holding the story, from every edit it sees (its own clients' and relayed ones); when
 * several time it at once, the store keeps one (Store.saveVersion's `after`). A pause cut
 * short by a restart gets its version at the next pause after the next edit.
 */
export class AutoVersions {
  #timers = new Map<string, NodeJS.Timeout>();
  #running = new Set<Promise<unknown>>();
  #stopped = false;

  constructor(
    private readonly deps: VersionDeps & { log: Logger },
    private readonly idleMs: number,
  ) {
    deps.registry.on('create', (document) => this.#track(document));
  }

  #track(document: StoryDocument): void {
    // Comment activity is not an edit to the story: it neither makes nor postpones a version.
    document.on('edited', (text) => {
      if (text) this.#restart(document.storyId);
    });
  }

  #restart(storyId: string): void {
    if (this.#stopped) return;
    clearTimeout(this.#timers.get(storyId));
    const timer = setTimeout(() => this.#take(storyId), this.idleMs);
    timer.unref();
    this.#timers.set(storyId, timer);
  }

  #take(storyId: string): void {
    this.#timers.delete(storyId);
    const run = takeVersion(this.deps, storyId, { kind: 'auto' })
      .catch((err: unknown) => this.deps.log.warn({ err, storyId }, 'automatic version not taken'))
      .finally(() => this.#running.delete(run));
    this.#running.add(run);
  }

  /** Stops timing pauses and waits for versions being taken. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#timers.forEach((timer) => clearTimeout(timer));
    this.#timers.clear();
    await Promise.all(this.#running);
  }
}
