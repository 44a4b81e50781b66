/**
 * The "Damaged stories" page's work (admins): stories some of whose stored rows could not be read
 * when they were loaded, and were quarantined by the server (kept, never deleted); marking one
 * reviewed takes it off the list and its editors are no longer told.
 */
import type { DamagedStorySummary } from '../../shared/api';
import { api, errorMessage } from './api';

export class DamagedStoriesAdmin {
  stories = $state.raw<DamagedStorySummary[]>([]);
  loading = $state(true);
  loadError = $state<string | null>(null);
  /** Why the last review was refused. */
  error = $state<string | null>(null);
  /** What the last review did. */
  done = $state<string | null>(null);
  /** Stories with a review under way. */
  busy = $state.raw<ReadonlySet<string>>(new Set());

  async load(): Promise<void> {
    this.loading = true;
    try {
      this.stories = (await api.listDamagedStories()).stories;
      this.loadError = null;
    } catch (error) {
      this.loadError = errorMessage(error);
    } finally {
      this.loading = false;
    }
  }

  async review(story: DamagedStorySummary): Promise<void> {
    this.busy = new Set([...this.busy, story.storyId]);
    this.error = this.done = null;
    try {
      const { reviewed } = await api.reviewDamage(story.storyId);
      this.stories = this.stories.filter((s) => s.storyId !== story.storyId);
      this.done = `${titleOf(story)}: ${reviewed === 1 ? '1 row' : `${reviewed} rows`} marked as reviewed. They are kept in quarantine.`;
    } catch (error) {
      this.error = errorMessage(error);
    } finally {
      this.busy = new Set([...this.busy].filter((id) => id !== story.storyId));
    }
  }
}

/** How the list names a story: its headline, or that it has none. */
export const titleOf = (story: DamagedStorySummary) => story.headline || 'Untitled story';
