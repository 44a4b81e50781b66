/**
 * The newsroom's story list, kept live: who is in each story arrives as
 * `newsroom:presence` and patches that row; anything else that changed
 * (`newsroom:changed`: headline, workflow status, new story) refetches the list,
 * debounced because a busy newsroom emits these in bursts.
 */
import type { PresenceUser, StorySummary } from '../../shared/api';
import type { Ack } from '../../shared/errors';
import { api, errorMessage } from './api';
import type { GalleyClientSocket } from './sync/socket';

const REFETCH_DEBOUNCE_MS = 300;

export class NewsroomFeed {
  stories = $state.raw<StorySummary[]>([]);
  loaded = $state(false);
  error = $state<string | null>(null);
  #socket: GalleyClientSocket;
  #refetchTimer: ReturnType<typeof setTimeout> | undefined;
  #generation = 0;

  constructor(socket: GalleyClientSocket) {
    this.#socket = socket;
  }

  /** Loads the list and follows changes; returns the teardown. */
  start(): () => void {
    const socket = this.#socket;
    const watch = () => {
      // Rooms do not survive a reconnect: ask again, and catch up on what we missed.
      socket.emit('newsroom:watch', (_answer: Ack) => undefined);
      void this.refresh();
    };
    const onPresence = (storyId: string, present: PresenceUser[]) => {
      this.stories = this.stories.map((story) => (story.id === storyId ? { ...story, present } : story));
    };
    const onChanged = () => {
      clearTimeout(this.#refetchTimer);
      this.#refetchTimer = setTimeout(() => void this.refresh(), REFETCH_DEBOUNCE_MS);
    };
    socket.on('connect', watch);
    socket.on('newsroom:presence', onPresence);
    socket.on('newsroom:changed', onChanged);
    if (socket.connected) watch();
    else {
      void this.refresh();
      if (!socket.active) socket.connect();
    }
    return () => {
      clearTimeout(this.#refetchTimer);
      socket.off('connect', watch);
      socket.off('newsroom:presence', onPresence);
      socket.off('newsroom:changed', onChanged);
    };
  }

  async refresh(): Promise<void> {
    // Only the latest answer counts when requests overlap.
    const generation = ++this.#generation;
    try {
      const { stories } = await api.listStories();
      if (generation !== this.#generation) return;
      this.stories = stories;
      this.error = null;
    } catch (error) {
      if (generation === this.#generation) this.error = errorMessage(error);
    } finally {
      if (generation === this.#generation) this.loaded = true;
    }
  }
}
