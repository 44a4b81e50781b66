/**
 * "Who wrote this?": whether the attribution view is on, and who first wrote
 * each character of the story. That is the person the server bound the Yjs
 * client id that wrote it to (GET /api/stories/:id/authors), unless the text
 * was written again (a restore, an undo, a revert): then the story's
 * provenance record, which only the server writes, names its first author
 * (shared/provenance.ts). Suggestions are attributed by client id the same
 * way. A client id or person not yet known (someone who joined after the list
 * was fetched) asks for the list again.
 */
import { ObservableV2 } from 'lib0/observable';
import type * as Y from 'yjs';
import { originalAuthors, PROVENANCE_ROOT, type ProvenanceIndex, readProvenance } from '../../../shared/provenance';
import { api } from '../api';
import { batched } from '../batched';
import type { AttributionState, AuthoredPart, Author } from '../editor/attribution';
import { safeColor } from '../people';

const UNKNOWN: Author = { userId: '', name: 'Someone', color: '#9ca3af' };
/** At most one refetch for unknown client ids in this long. */
const REFETCH_AFTER_MS = 2_000;

export class StoryAuthors implements AttributionState {
  on = $state(false);
  /** The authors of the text now in the story, by name (what the legend shows). */
  present = $state.raw<Author[]>([]);
  #byClient = new Map<number, Author>();
  #byUser = new Map<string, Author>();
  /** The provenance record, read again after each change to it. */
  #provenance: ProvenanceIndex | null = null;
  #perField = new Map<string, Author[]>();
  readonly #events = new ObservableV2<{ change: () => void }>();
  #lastFetch = 0;
  #fetching: Promise<void> | null = null;
  #refetch: ReturnType<typeof setTimeout> | undefined;

  /** `colorOf` gives a person's colour in this story (StorySession.colorOf), falling back to their account's. */
  constructor(
    private readonly storyId: string,
    private readonly doc: Y.Doc,
    private readonly colorOf: (userId: string, fallback: string) => string,
  ) {
    doc.getMap(PROVENANCE_ROOT).observe(this.#onProvenance);
  }

  /** Recolours after the Yjs transaction that changed the record, not from inside it. */
  #onProvenance = batched((): void => {
    this.#provenance = null;
    this.#changed();
  });

  async toggle(): Promise<void> {
    this.on = !this.on;
    if (this.on) await this.#fetch();
    this.#changed();
  }

  /** The author of a client id's text; asks the server again (at most every 2 s) for ids it does not know. */
  authorOf(clientId: number): Author {
    const author = this.#byClient.get(clientId);
    if (author) return { ...author, color: this.colorOf(author.userId, author.color) };
    this.#refetchSoon();
    return UNKNOWN;
  }

  /** A user's name and colour among the story's authors; asks the server again when it is not one of them yet. */
  authorOfUser(userId: string): Author | undefined {
    const author = this.#byUser.get(userId);
    if (author) return { ...author, color: this.colorOf(author.userId, author.color) };
    this.#refetchSoon();
    return undefined;
  }

  /** Who first wrote text written from Yjs id (client, clock): whom the provenance record names, else the client id's owner. */
  authorsOf(client: number, clock: number, length: number): AuthoredPart[] {
    this.#provenance ??= readProvenance(this.doc);
    return originalAuthors(this.#provenance, client, clock, length).map((part) => ({
      length: part.length,
      author: part.author === null ? this.authorOf(client) : (this.authorOfUser(part.author) ?? UNKNOWN),
    }));
  }

  #refetchSoon(): void {
    if (this.#refetch || this.#fetching) return;
    const wait = Math.max(0, this.#lastFetch + REFETCH_AFTER_MS - Date.now());
    this.#refetch = setTimeout(() => {
      this.#refetch = undefined;
      void this.#fetch().then(() => this.#changed());
    }, wait);
  }

  /** Called by the editors after colouring their text, with the authors they found. */
  report(field: string, authors: Author[]): void {
    this.#perField.set(field, authors);
    const byId = new Map([...this.#perField.values()].flat().map((a) => [a.userId || a.name, a]));
    const present = [...byId.values()].sort((a, b) => a.name.localeCompare(b.name));
    if (present.map((a) => a.name).join() !== this.present.map((a) => a.name).join()) this.present = present;
  }
  /** Editors recolour when the view turns on or off, or when authors arrive. */
  onChange(listener: () => void): () => void {
    this.#events.on('change', listener);
    return () => this.#events.off('change', listener);
  }

  #changed(): void {
    this.#events.emit('change', []);
  }

  #fetch(): Promise<void> {
    this.#lastFetch = Date.now();
    this.#fetching = api
      .storyAuthors(this.storyId)
      .then(({ authors }) => {
        for (const a of authors) {
          const author = { userId: a.userId, name: a.name, color: safeColor(a.color) };
          this.#byClient.set(a.clientId, author);
          this.#byUser.set(a.userId, author);
        }
      })
      .catch(() => {})
      .finally(() => (this.#fetching = null));
    return this.#fetching;
  }

  destroy(): void {
    this.doc.getMap(PROVENANCE_ROOT).unobserve(this.#onProvenance);
    clearTimeout(this.#refetch);
    this.#events.destroy();
  }
}
