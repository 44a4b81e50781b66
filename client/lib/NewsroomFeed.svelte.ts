/**
 * The newsroom's story list, kept live: who is in each story arrives as
 * `newsroom:presence` and patches that row; anything else that changed
 * (`newsroom:changed`: headline, text, workflow status, new story) refetches the
 * pages shown, debounced because a busy newsroom emits these in bursts. It shows
 * one view (search words, filters, sort: newsroomView.ts) a page at a time.
 */
import { untrack } from 'svelte';
import type { PresenceUser } from '../../shared/api';
import type { Ack } from '../../shared/errors';
import type { StoryList, StoryListItem } from '../../shared/newsroomQuery';
import { api, errorMessage } from './api';
import { apiQuery, type NewsroomView, viewToQuery } from './newsroomView';
import type { GalleyClientSocket } from './sync/socket';

const REFETCH_DEBOUNCE_MS = 300;

export class NewsroomFeed {
  stories = $state.raw<StoryListItem[]>([]);
  /** The cursor of the page after the last one shown; null when there is none. */
  next = $state<string | null>(null);
  view = $state.raw<NewsroomView>({});
  loaded = $state(false);
  loadingMore = $state(false);
  error = $state<string | null>(null);
  #socket: GalleyClientSocket;
  #refetchTimer: ReturnType<typeof setTimeout> | undefined;
  #generation = 0;
  /** Pages shown: a refetch brings back as many. */
  #pages = 1;

  constructor(socket: GalleyClientSocket, view: NewsroomView = {}) {
    this.#socket = socket;
    this.view = view;
  }

  /** Loads the list and follows changes; returns the teardown. Called from an effect: it depends on nothing it reads. */
  start(): () => void {
    return untrack(() => this.#follow());
  }

  #follow(): () => void {
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

  /** Shows another view from its first page (nothing happens when it is the one shown). */
  show(view: NewsroomView): void {
    if (viewToQuery(view) === untrack(() => viewToQuery(this.view))) return;
    this.view = view;
    this.#pages = 1;
    this.loaded = false;
    void this.refresh();
  }

  /** Fetches the pages shown again, from the first. */
  async refresh(): Promise<void> {
    // Only the latest answer counts when requests overlap.
    const generation = ++this.#generation;
    try {
      let page = await untrack(() => this.#page());
      let stories = page.stories;
      for (let more = 1; more < this.#pages && page.next; more++) {
        page = await this.#page(page.next);
        stories = [...stories, ...page.stories];
      }
      if (generation !== this.#generation) return;
      this.stories = stories;
      this.next = page.next;
      this.error = null;
    } catch (error) {
      if (generation === this.#generation) this.error = errorMessage(error);
    } finally {
      if (generation === this.#generation) this.loaded = true;
    }
  }

  /** Adds the next page below the stories shown. */
  async loadMore(): Promise<void> {
    if (!this.next || this.loadingMore) return;
    const generation = this.#generation;
    this.loadingMore = true;
    try {
      const page = await this.#page(this.next);
      if (generation !== this.#generation) return;
      const shown = new Set(this.stories.map((story) => story.id));
      this.stories = [...this.stories, ...page.stories.filter((story) => !shown.has(story.id))];
      this.next = page.next;
      this.#pages++;
      this.error = null;
    } catch (error) {
      this.error = errorMessage(error);
    } finally {
      this.loadingMore = false;
    }
  }

  #page(before?: string): Promise<StoryList> {
    return api.listStories(apiQuery(this.view, before));
  }
}
