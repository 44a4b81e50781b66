/**
 * The open suggestions in one story, read live from the Y.Doc, and the
 * decisions on them: accepting or rejecting one or all, through the field's
 * editor, as ordinary undoable edits that reach everyone through Yjs. Who
 * made each is SuggestingMode's to say.
 */
import type { Command } from '@tiptap/pm/state';
import { applySuggestion, applySuggestions, revertSuggestion, revertSuggestions } from '@handlewithcare/prosemirror-suggest-changes';
import { createSubscriber } from 'svelte/reactivity';
import { readSuggestions, type Suggestion } from '../../../shared/suggestions';
import { STORY_FIELDS, type StoryField } from '../../../shared/story';
import type { LiveEditor } from '../editor/LiveEditor.svelte';
import type { StorySession } from './StorySession.svelte';

export class StorySuggestions {
  #session: StorySession;
  #editors: Record<StoryField, LiveEditor>;
  #subscribe: () => void;

  /** The open suggestions, in reading order, live. */
  readonly open: Suggestion[] = $derived.by(() => {
    this.#subscribe();
    return readSuggestions(this.#session.provider.doc);
  });

  constructor(session: StorySession, editors: Record<StoryField, LiveEditor>) {
    this.#session = session;
    this.#editors = editors;
    const { doc } = session.provider;
    this.#subscribe = createSubscriber((update) => {
      doc.on('update', update);
      return () => doc.off('update', update);
    });
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
    this.#editors[field].command((editor) => command(editor.state, editor.view.dispatch));
  }
}
