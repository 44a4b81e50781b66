/**
 * Archive and Delete on the story page (docs/newsroom.md#archive-trash-and-retention): whether the story is
 * archived and who may archive or delete it, the archive toggle, and the delete with its confirmation. A
 * deleted story's page goes to the Trash, where it can be restored.
 */
import { can, mayArchive } from '../../../shared/roles';
import { api, errorMessage } from '../api';
import { router } from '../router.svelte';
import { trashApi } from '../trashApi';
import type { StorySession } from './StorySession.svelte';

export class StoryRetention {
  /** When the story was archived; null when it is not. */
  archivedAt = $state<string | null>(null);
  #createdBy = $state<string | null>(null);
  /** "Delete" was chosen: the confirmation is open. */
  confirmingDelete = $state(false);
  busy = $state(false);
  /** Why the last archive or delete was refused (a live story must be unpublished first). */
  error = $state<string | null>(null);
  readonly #session: StorySession;
  readonly #userId: string;

  constructor(session: StorySession, userId: string) {
    this.#session = session;
    this.#userId = userId;
    void this.#load();
  }

  /** Archived or not, and whose it is, are not in the live document: read once from the API. */
  async #load(): Promise<void> {
    try {
      const { story } = await api.getStory(this.#session.storyId);
      this.archivedAt = story.archivedAt;
      this.#createdBy = story.createdBy;
    } catch {
      // A story that cannot be read says so through the session (its join is refused too).
    }
  }

  get canArchive(): boolean {
    const role = this.#session.role;
    return role !== null && this.#createdBy !== null && mayArchive(role, this.#createdBy === this.#userId);
  }

  get canDelete(): boolean {
    const role = this.#session.role;
    return role !== null && can(role, 'story:delete');
  }

  async toggleArchive(): Promise<void> {
    const id = this.#session.storyId;
    await this.#run(async () => {
      const answer = await (this.archivedAt ? trashApi.unarchive(id) : trashApi.archive(id));
      this.archivedAt = answer.archivedAt;
    });
  }

  async delete(): Promise<void> {
    await this.#run(async () => {
      await trashApi.delete(this.#session.storyId);
      this.confirmingDelete = false;
      router.navigate('/trash');
    });
  }

  cancelDelete(): void {
    this.confirmingDelete = false;
    this.error = null;
  }

  async #run(work: () => Promise<void>): Promise<void> {
    this.busy = true;
    this.error = null;
    try {
      await work();
    } catch (error) {
      this.error = errorMessage(error);
    } finally {
      this.busy = false;
    }
  }
}
