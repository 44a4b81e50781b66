/**
 * Suggestions (track changes) in one story, for this tab: whether this person
 * is suggesting (their own mode: nobody else's editor changes), the open
 * suggestions read live from the Y.Doc, who made each (the owner of the Yjs
 * client id that wrote its mark, from the story's authors as the server bound
 * them, so it cannot be forged; the mark's own `by`, looked up in presence,
 * only until that binding is known), and accepting or rejecting them
 * through the field's editor, as ordinary undoable edits that reach everyone
 * through Yjs.
 */
import type { Command } from '@tiptap/pm/state';
import { applySuggestion, applySuggestions, revertSuggestion, revertSuggestions } from '@handlewithcare/prosemirror-suggest-changes';
import { createSubscriber } from 'svelte/reactivity';
import { readSuggestions, type Suggestion, suggestionKey } from '../../../shared/suggestions';
import { STORY_FIELDS, type StoryField } from '../../../shared/story';
import type { LiveEditor } from '../editor/liveEditor.svelte';
import type { SuggestingState } from '../editor/suggestions';
import { safeColor } from '../people';
import type { StoryAuthors } from './storyAuthors.svelte';
import type { StorySession } from './storySession.svelte';

export type SuggestionAuthor = { name: string; color: string };

const UNKNOWN: SuggestionAuthor = { name: 'Someone', color: '#667085' };

export class StorySuggestions implements SuggestingState {
  /** This person is suggesting, in this tab. */
  on = $state(false);
  readonly userId: string;
  #session: StorySession;
  #editorOf: (field: StoryField) => LiveEditor;
  #authors: StoryAuthors;
  /** Bumped when authors arrive, so names on screen follow. */
  #authorsVersion = $state(0);
  #listeners = new Set<() => void>();
  #subscribe: () => void;
  #offAuthors: () => void;

  /** The open suggestions, in reading order, live. */
  readonly open: Suggestion[] = $derived.by(() => {
    this.#subscribe();
    return readSuggestions(this.#session.provider.doc);
  });

  constructor(session: StorySession, editorOf: (field: StoryField) => LiveEditor, authors: StoryAuthors) {
    this.#session = session;
    this.#editorOf = editorOf;
    this.#authors = authors;
    this.userId = session.me.id;
    this.#offAuthors = authors.onChange(() => {
      this.#authorsVersion++;
      this.#changed();
    });
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

  /** A user's name and colour as presence knows them (for a mark's own claim). */
  authorOf(userId: string | null): SuggestionAuthor {
    if (!userId) return UNKNOWN;
    const { me } = this.#session;
    if (userId === me.id) return { name: me.name, color: safeColor(me.color) };
    return this.#session.people.find((person) => person.id === userId) ?? UNKNOWN;
  }

  /** Who made a suggestion: the owner of the client id that wrote it; its own claim until the owner is known. */
  authorOfSuggestion(suggestion: Suggestion): SuggestionAuthor {
    void this.#authorsVersion;
    if (suggestion.client === this.#session.provider.doc.clientID) return this.authorOf(this.userId);
    // Asks the server again for client ids it does not know yet.
    const bound = this.#authors.authorOf(suggestion.client);
    return bound.userId ? bound : this.authorOf(suggestion.by);
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

  destroy(): void {
    this.#offAuthors();
    this.#listeners.clear();
  }
}
