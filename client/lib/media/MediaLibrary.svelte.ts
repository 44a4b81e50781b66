/**
 * The media library browser's work (docs/media.md): the pictures for the search typed (debounced, so a
 * search is not sent per keystroke), page by page, the one selected, where it is published, and its
 * defaults for the next use (alt text, caption, credit). Answers that arrive after a newer request are
 * dropped, so a slow search never replaces a faster later one.
 */
import { MediaDetailsBody, type MediaSummary, type MediaUploadResult } from '../../../shared/media';
import { api, errorMessage } from '../api';
import { checkForm, formErrorsFrom, NO_ERRORS, type FormErrors } from '../forms';
import { mediaApi } from './mediaApi';

const SEARCH_DEBOUNCE_MS = 250;

/** A published story that shows the picture; `headline` is null when the story list no longer has it. */
type StoryUse = { id: string; headline: string | null };

/** Where the selected picture is published: the stories by headline, or only their count when headlines could not be read. */
type MediaUsage = { mediaId: string; count: number; stories: StoryUse[] | null };

export type MediaDefaults = { alt: string; caption: string; credit: string };

export class MediaLibrary {
  /** The pictures listed, newest first. */
  items = $state.raw<MediaSummary[]>([]);
  /** Cursor for "Load more"; null when every match is listed. */
  next = $state<string | null>(null);
  /** The search the list answers (trimmed): "" for the whole library. */
  shown = $state('');
  /** A first page is on its way. */
  loading = $state(false);
  loadingMore = $state(false);
  /** The first page has arrived once. */
  loaded = $state(false);
  /** Why the last page could not be loaded. */
  error = $state<string | null>(null);
  selected = $state.raw<MediaSummary | null>(null);
  usage = $state.raw<MediaUsage | null>(null);
  usageError = $state<string | null>(null);
  /** The defaults form for the selected picture, as typed. */
  defaults = $state<MediaDefaults>({ alt: '', caption: '', credit: '' });
  saving = $state(false);
  saveErrors = $state<FormErrors>(NO_ERRORS);
  /** What the last save did. */
  saved = $state<string | null>(null);

  #query = $state('');
  #timer: ReturnType<typeof setTimeout> | undefined;
  #listGeneration = 0;
  #detailsGeneration = 0;
  #listAbort: AbortController | undefined;
  #detailsAbort: AbortController | undefined;
  /** Headlines by story id, read once: the story list comes from the database, opening each story would load its document. */
  #headlines: Promise<Map<string, string>> | undefined;

  /** The search box's text; each change searches once typing pauses. */
  get query(): string {
    return this.#query;
  }

  set query(text: string) {
    this.#query = text;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.search(), SEARCH_DEBOUNCE_MS);
  }

  /** Loads the first page for the search box's text now (on open, on Enter, when typing pauses). */
  async search(): Promise<void> {
    clearTimeout(this.#timer);
    const q = this.#query.trim();
    const generation = ++this.#listGeneration;
    this.#listAbort?.abort();
    const abort = (this.#listAbort = new AbortController());
    this.loading = true;
    this.loadingMore = false;
    try {
      const page = await mediaApi.list({ q }, abort.signal);
      if (generation !== this.#listGeneration) return;
      this.items = page.media;
      this.next = page.next;
      this.shown = q;
      this.error = null;
      this.loaded = true;
    } catch (error) {
      if (generation === this.#listGeneration) this.error = errorMessage(error);
    } finally {
      if (generation === this.#listGeneration) this.loading = false;
    }
  }

  async loadMore(): Promise<void> {
    const before = this.next;
    if (!before || this.loadingMore || this.loading) return;
    const generation = this.#listGeneration;
    this.loadingMore = true;
    try {
      const page = await mediaApi.list({ q: this.shown, before }, this.#listAbort?.signal);
      if (generation !== this.#listGeneration) return;
      const listed = new Set(this.items.map((media) => media.id));
      this.items = [...this.items, ...page.media.filter((media) => !listed.has(media.id))];
      this.next = page.next;
      this.error = null;
    } catch (error) {
      if (generation === this.#listGeneration) this.error = errorMessage(error);
    } finally {
      if (generation === this.#listGeneration) this.loadingMore = false;
    }
  }

  /** Selects a picture (null: none) and loads where it is used. */
  select(media: MediaSummary | null): void {
    if (media?.id === this.selected?.id) return;
    this.selected = media;
    this.defaults = { alt: media?.alt ?? '', caption: media?.caption ?? '', credit: media?.credit ?? '' };
    this.saveErrors = NO_ERRORS;
    this.saved = null;
    this.usage = null;
    this.usageError = null;
    if (media) void this.details(media.id);
    else this.#detailsAbort?.abort();
  }

  /** The picture as the server has it now, and the published stories that show it, by headline. */
  async details(id: string): Promise<void> {
    const generation = ++this.#detailsGeneration;
    this.#detailsAbort?.abort();
    const abort = (this.#detailsAbort = new AbortController());
    try {
      const { media, publishedIn } = await mediaApi.get(id, abort.signal);
      const stories = publishedIn.length > 0 ? await this.#storiesByHeadline(publishedIn) : [];
      if (generation !== this.#detailsGeneration) return;
      this.#replace(media);
      this.usage = { mediaId: id, count: publishedIn.length, stories };
      this.usageError = null;
    } catch (error) {
      if (generation === this.#detailsGeneration) this.usageError = errorMessage(error);
    }
  }

  /** Saves the defaults form as the selected picture's alt text, caption and credit; true once saved. */
  async saveDefaults(): Promise<boolean> {
    const media = this.selected;
    if (!media) return false;
    this.saved = null;
    const checked = checkForm(MediaDetailsBody, this.defaults);
    if ('errors' in checked) {
      this.saveErrors = checked.errors;
      return false;
    }
    this.saving = true;
    try {
      const { media: updated } = await mediaApi.update(media.id, checked.data);
      this.#replace(updated);
      if (this.selected?.id === updated.id) {
        this.defaults = { alt: updated.alt, caption: updated.caption, credit: updated.credit };
        this.saved = 'Saved: these are offered the next time the picture is used.';
      }
      this.saveErrors = NO_ERRORS;
      return true;
    } catch (error) {
      this.saveErrors = formErrorsFrom(error);
      return false;
    } finally {
      this.saving = false;
    }
  }

  /**
   * An upload finished: a picture already listed is refreshed; a new one is listed where the server would
   * list it (uploads at once may finish out of order), unless a search is shown (it has no caption or credit
   * yet, so it would rarely match).
   */
  received({ media, existing }: MediaUploadResult): void {
    if (this.items.some((listed) => listed.id === media.id)) this.#replace(media);
    else if (!existing && this.shown === '' && this.loaded) {
      const at = this.items.findIndex((listed) => listedAfter(listed, media));
      this.items = at < 0 ? [...this.items, media] : [...this.items.slice(0, at), media, ...this.items.slice(at)];
    }
  }

  /** Stops timers and requests: the browser was closed. */
  destroy(): void {
    clearTimeout(this.#timer);
    this.#listGeneration++;
    this.#detailsGeneration++;
    this.#listAbort?.abort();
    this.#detailsAbort?.abort();
  }

  #replace(media: MediaSummary): void {
    if (this.items.some((listed) => listed.id === media.id)) {
      this.items = this.items.map((listed) => (listed.id === media.id ? media : listed));
    }
    if (this.selected?.id === media.id) this.selected = media;
  }

  /** Null when headlines could not be read: the page then says how many stories, not which. */
  async #storiesByHeadline(ids: string[]): Promise<StoryUse[] | null> {
    try {
      let headlines = await (this.#headlines ??= this.#readHeadlines());
      // A story published since the list was read: read it again, once.
      if (ids.some((id) => !headlines.has(id))) headlines = await (this.#headlines = this.#readHeadlines());
      return ids.map((id) => ({ id, headline: headlines.get(id) ?? null }));
    } catch {
      this.#headlines = undefined;
      return null;
    }
  }

  async #readHeadlines(): Promise<Map<string, string>> {
    const { stories } = await api.listStories();
    return new Map(stories.map((story) => [story.id, story.headline]));
  }
}

/** The server's order: newest first, then by id (GET /api/media). */
const listedAfter = (listed: MediaSummary, media: MediaSummary) =>
  listed.createdAt < media.createdAt || (listed.createdAt === media.createdAt && listed.id < media.id);
