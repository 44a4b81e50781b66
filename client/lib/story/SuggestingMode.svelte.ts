/**
 * Suggesting (track changes) for this person, in this tab: whether they are
 * suggesting (their own mode: nobody else's editor changes), and who made each
 * suggestion: whom the server recorded when its first mark arrived (or, for an
 * older one, the owner of the Yjs client id that wrote its mark), so it cannot
 * be forged; the mark's own `by`, looked up in presence, only until that is known. What the
 * editors need to turn edits into suggestions and colour them by author.
 */
import { ObservableV2 } from 'lib0/observable';
import { readSuggestions, type Suggestion, suggestionKey } from '../../../shared/suggestions';
import type { SuggestingState } from '../editor/suggestions';
import type { StoryAuthors } from './StoryAuthors.svelte';
import type { StorySession } from './StorySession.svelte';

export type SuggestionAuthor = { name: string; color: string };

const UNKNOWN: SuggestionAuthor = { name: 'Someone', color: '#667085' };

export class SuggestingMode implements SuggestingState {
  /** This person is suggesting, in this tab. */
  on = $state(false);
  readonly userId: string;
  #session: StorySession;
  #authors: StoryAuthors;
  /** Bumped when authors arrive, so names on screen follow. */
  #authorsVersion = $state(0);
  readonly #events = new ObservableV2<{ change: () => void }>();
  #offAuthors: () => void;

  constructor(session: StorySession, authors: StoryAuthors) {
    this.#session = session;
    this.#authors = authors;
    this.userId = session.me.id;
    this.#offAuthors = authors.onChange(() => {
      this.#authorsVersion++;
      this.#changed();
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
    if (userId === me.id) return { name: me.name, color: this.#session.colorOf(me.id, me.color) };
    return this.#session.people.find((person) => person.id === userId) ?? UNKNOWN;
  }

  /**
   * Who made a suggestion: whom the server recorded when its first mark arrived; for a suggestion older
   * than that record, the owner of the client id that wrote it; the mark's own claim until that is known.
   */
  authorOfSuggestion(suggestion: Suggestion): SuggestionAuthor {
    void this.#authorsVersion;
    if (suggestion.author) {
      const recorded = this.authorOf(suggestion.author);
      return recorded !== UNKNOWN ? recorded : (this.#authors.authorOfUser(suggestion.author) ?? UNKNOWN);
    }
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

  /** Editors follow the mode and recolour when authors arrive. */
  onChange(listener: () => void): () => void {
    this.#events.on('change', listener);
    return () => this.#events.off('change', listener);
  }

  #changed(): void {
    this.#events.emit('change', []);
  }

  destroy(): void {
    this.#offAuthors();
    this.#events.destroy();
  }
}
