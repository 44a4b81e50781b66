/**
 * The Trash page's work (editors): the stories in the Trash with who deleted them and when, how long each has
 * left before the retention sweep purges it, "Restore" and "Delete forever" (after a confirmation), and the
 * record of recent deletions, restores and purges.
 */
import type { TrashEntry, TrashList } from '../../shared/trash';
import { errorMessage } from './api';
import { trashApi } from './trashApi';

const DAY_MS = 86_400_000;

export class TrashBin {
  list = $state.raw<TrashList | null>(null);
  loadError = $state<string | null>(null);
  /** Why the last restore or purge was refused. */
  error = $state<string | null>(null);
  /** What the last restore or purge did. */
  done = $state<string | null>(null);
  /** The story whose "Delete forever" waits for a confirmation. */
  purging = $state.raw<TrashEntry | null>(null);
  /** Stories with a restore or purge under way. */
  busy = $state.raw<ReadonlySet<string>>(new Set());

  async load(): Promise<void> {
    try {
      this.list = await trashApi.list();
      this.loadError = null;
    } catch (error) {
      this.loadError = errorMessage(error);
    }
  }

  restore(story: TrashEntry): Promise<void> {
    return this.#act(story, () => trashApi.restore(story.id), `${titleOf(story)} is back in the newsroom.`);
  }

  async purge(story: TrashEntry): Promise<void> {
    await this.#act(story, () => trashApi.purge(story.id), `${titleOf(story)} was deleted forever.`);
    this.purging = null;
  }

  async #act(story: TrashEntry, call: () => Promise<unknown>, done: string): Promise<void> {
    this.busy = new Set([...this.busy, story.id]);
    this.error = this.done = null;
    try {
      await call();
      this.done = done;
      await this.load();
    } catch (error) {
      this.error = errorMessage(error);
    } finally {
      this.busy = new Set([...this.busy].filter((id) => id !== story.id));
    }
  }
}

/** How the Trash names a story: its headline, or that it had none. */
export const titleOf = (story: { headline: string }) => story.headline || 'Untitled story';

/** Whole days until the sweep purges it: "3 days left", "Less than a day left". */
export function daysLeft(purgeAt: string, now: number): string {
  const days = Math.floor((Date.parse(purgeAt) - now) / DAY_MS);
  if (days < 1) return 'Less than a day left';
  return days === 1 ? '1 day left' : `${days} days left`;
}
