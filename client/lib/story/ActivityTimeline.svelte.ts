/**
 * The Activity panel's work: the story's timeline (docs/newsroom.md#activity), newest first, a page
 * at a time. While the panel is open, entries recorded anywhere arrive live on the story's room
 * (`story:activity`) and go on top; an entry already shown (also fetched by a page) is not shown twice.
 */
import type { ActivityView } from '../../../shared/activity';
import { api, errorMessage } from '../api';
import type { StorySession } from './StorySession.svelte';

export class ActivityTimeline {
  /** The Activity panel is open. */
  panelOpen = $state(false);
  entries = $state.raw<ActivityView[]>([]);
  loaded = $state(false);
  error = $state<string | null>(null);
  /** The cursor of the next (older) page; null on the last. */
  next = $state<string | null>(null);
  loadingMore = $state(false);
  #session: StorySession;
  #generation = 0;

  constructor(session: StorySession) {
    this.#session = session;
  }

  /** While the panel is open: new entries go on top as they are recorded. */
  follow(): () => void {
    const { socket } = this.#session.provider;
    const onActivity = (storyId: string, entry: ActivityView) => {
      if (storyId === this.#session.storyId && this.loaded) this.entries = merged([entry], this.entries);
    };
    socket.on('story:activity', onActivity);
    return () => socket.off('story:activity', onActivity);
  }

  /** The newest page (again: after a reconnect, what arrived meanwhile). */
  async load(): Promise<void> {
    const generation = ++this.#generation;
    try {
      const page = await api.storyActivity(this.#session.storyId);
      if (generation !== this.#generation) return;
      // Entries pushed while the page was on its way stay; older pages already shown stay too, unless more
      // than a page was recorded since (the panel was closed, or the connection down): then they would
      // leave a gap, and the list starts again from this page.
      const oldestOfPage = Number(page.activity.at(-1)?.id ?? 0);
      const gap = page.next !== null && this.entries.every((entry) => Number(entry.id) < oldestOfPage);
      this.entries = gap ? merged(page.activity, []) : merged(page.activity, this.entries);
      if (!this.loaded || gap) this.next = page.next;
      this.error = null;
    } catch (error) {
      if (generation === this.#generation) this.error = errorMessage(error);
    } finally {
      if (generation === this.#generation) this.loaded = true;
    }
  }

  async loadMore(): Promise<void> {
    if (!this.next || this.loadingMore) return;
    this.loadingMore = true;
    try {
      const page = await api.storyActivity(this.#session.storyId, this.next);
      this.entries = merged(this.entries, page.activity);
      this.next = page.next;
      this.error = null;
    } catch (error) {
      this.error = errorMessage(error);
    } finally {
      this.loadingMore = false;
    }
  }

  destroy(): void {
    this.#generation++;
  }
}

/** Both lists as one, newest first (ids are in recording order), each entry once. */
function merged(a: ActivityView[], b: ActivityView[]): ActivityView[] {
  const byId = new Map([...a, ...b].map((entry) => [entry.id, entry]));
  return [...byId.values()].sort((x, y) => Number(y.id) - Number(x.id));
}
