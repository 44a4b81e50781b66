/**
 * Suggestions (track changes) in one story, for this tab: whether this person
 * is suggesting (their own mode: nobody else's editor changes), the open
 * suggestions read live from the Y.Doc, who made each (the owner of the Yjs
 * client id that wrote its mark, as the server bound it, so it cannot be
 * forged; the mark's own `by` only until that is known; names and colours from
 * presence, else from the story's authors), and accepting or rejecting them
 * through the field's editor, as ordinary undoable edits that reach everyone
 * through Yjs.
 */
import type { Command } from '@tiptap/pm/state';
import { applySuggestion, applySuggestions, revertSuggestion, revertSuggestions } from '@handlewithcare/prosemirror-suggest-changes';
import { createSubscriber } from 'svelte/reactivity';
import { readSuggestions, type Suggestion, suggestionKey } from '../../../shared/suggestions';
import { STORY_FIELDS, type StoryField } from '../../../shared/story';
import { api } from '../api';
import type { LiveEditor } from '../editor/liveEditor.svelte';
import type { SuggestingState } from '../editor/suggestions';
import { safeColor } from '../people';
import type { StorySession } from './storySession.svelte';

export type SuggestionAuthor = { name: string; color: string };

const UNKNOWN: SuggestionAuthor = { name: 'Someone', color: '#667085' };
/** At most one look-up of the story's authors in this long. */
const REFETCH_AFTER_MS = 5_000;

export class StorySuggestions implements SuggestingState {
  /** This person is suggesting, in this tab. */
  on = $state(false);
  readonly userId: string;
  #session: StorySession;
  #editorOf: (field: StoryField) => LiveEditor;
  /** People who are not here now, from the story's authors. */
  #known = new Map<string, SuggestionAuthor>();
  /** Who wrote with each Yjs client id of the story, from the same list. */
  #owners = new Map<number, string>();
  #lastFetch = 0;
  /** Bumped when authors arrive, so names on screen follow. */
  #authorsVersion = $state(0);
  #listeners = new Set<() => void>();
  #subscribe: () => void;

  /** The open suggestions, in reading order, live. */
  readonly open: Suggestion[] = $derived.by(() => {
    this.#subscribe();
    return readSuggestions(this.#session.provider.doc);
  });

  constructor(session: StorySession, editorOf: (field: StoryField) => LiveEditor) {
    this.#session = session;
    this.#editorOf = editorOf;
    this.userId = session.me.id;
    const { doc } = session.provider;
    this.#subscribe = createSubscriber((update) => {
      doc.on('update', update);
      return () => doc.off('update', update);
    });
  }

  toggle(): void {
    this.on = !this.on;
    this.#changed();
  }

  authorOf(userId: string | null): SuggestionAuthor {
    void this.#authorsVersion;
    if (!userId) return UNKNOWN;
    const { me } = this.#session;
    if (userId === me.id) return { name: me.name, color: safeColor(me.color) };
    const here = this.#session.people.find((person) => person.id === userId);
    if (here) return here;
    const known = this.#known.get(userId);
    if (known) return known;
    void this.#fetchAuthors();
    return UNKNOWN;
  }

  /** Who made a suggestion: the owner of the client id that wrote it; its own claim until the owner is known. */
  suggesterOf(suggestion: Suggestion): string | null {
    void this.#authorsVersion;
    if (suggestion.client === this.#session.provider.doc.clientID) return this.userId;
    const owner = this.#owners.get(suggestion.client);
    if (owner) return owner;
    void this.#fetchAuthors();
    return suggestion.by;
  }

  authorOfSuggestion(suggestion: Suggestion): SuggestionAuthor {
    return this.authorOf(this.suggesterOf(suggestion));
  }

  /** The author of each open suggestion, by `suggestionKey`: what the editors colour marks by. */
  markAuthors(): Map<string, SuggestionAuthor> {
    const suggestions = readSuggestions(this.#session.provider.doc);
    return new Map(suggestions.map((s) => [suggestionKey(s.field, s.id), this.authorOfSuggestion(s)]));
  }

  accept(suggestion: Suggestion): void {
    this.#run(suggestion.field, applySuggestion(suggestion.id));
  }

  reject(suggestion: Suggestion): void {
    this.#run(suggestion.field, revertSuggestion(suggestion.id));
  }

  acceptAll(): void {
    for (const field of STORY_FIELDS) this.#run(field, applySuggestions);
  }

  rejectAll(): void {
    for (const field of STORY_FIELDS) this.#run(field, revertSuggestions);
  }

  #run(field: StoryField, command: Command): void {
    this.#editorOf(field).command((editor) => command(editor.state, editor.view.dispatch));
  }

  /** Editors follow the mode and recolour when authors arrive. */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #changed(): void {
    for (const listener of this.#listeners) listener();
  }

  async #fetchAuthors(): Promise<void> {
    if (Date.now() - this.#lastFetch < REFETCH_AFTER_MS) return;
    this.#lastFetch = Date.now();
    try {
      const { authors } = await api.storyAuthors(this.#session.storyId);
      for (const a of authors) {
        this.#known.set(a.userId, { name: a.name, color: safeColor(a.color) });
        this.#owners.set(a.clientId, a.userId);
      }
      this.#authorsVersion++;
      this.#changed();
    } catch {
      // Colours are a courtesy: the suggestion still shows, as "Someone".
    }
  }

  destroy(): void {
    this.#listeners.clear();
  }
}
