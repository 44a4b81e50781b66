/**
 * What stops a story from being published, field by field. The shared checks
 * run live on the editors' text (nothing to wait for); the server's answers
 * come on top: its own checks (whether the address is free, and the address
 * it would really use) and, when it refused a publication, its per-field
 * reasons, which win until someone edits that field. Open work (suggestions,
 * unresolved comment threads) does not stop publication: it is a warning.
 */
import { createSubscriber } from 'svelte/reactivity';
import type { ChecksResult } from '../../../shared/api';
import { openThreadCount } from '../../../shared/comments';
import { publicationProblems, publicationWarnings, type CheckedField, type PublicationProblems } from '../../../shared/publicationChecks';
import { missingAltText } from '../../../shared/figures';
import { readFigures, readLead } from '../../../shared/storyImages';
import { readSuggestions } from '../../../shared/suggestions';
import { slugify } from '../../../shared/slug';
import { STORY_FIELDS, type StoryField } from '../../../shared/story';
import { api } from '../api';
import type { LiveEditor } from '../editor/LiveEditor.svelte';
import type { StorySession } from './StorySession.svelte';

const CHECKED_FIELDS: readonly CheckedField[] = ['headline', 'standfirst', 'byline', 'body', 'slug', 'images'];

/** Asking the server again waits for typing to pause. */
const SERVER_CHECK_DELAY_MS = 1_500;

function isCheckedField(key: string): key is CheckedField {
  return (CHECKED_FIELDS as readonly string[]).includes(key);
}

export class StoryChecks {
  /** Someone here tried to submit, publish or schedule: from now on problems show by their fields. */
  attempted = $state(false);
  /** The server's refusal, per field. */
  refused = $state.raw<PublicationProblems>({});
  #server = $state.raw<ChecksResult | null>(null);
  #session: StorySession;
  #editors: Record<StoryField, LiveEditor>;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #generation = 0;
  /** Re-reads open work whenever the Y.Doc changes, while something shows it. */
  #docChanges: () => void;
  #offEdits: Array<() => void>;

  constructor(session: StorySession, editors: Record<StoryField, LiveEditor>) {
    this.#session = session;
    this.#editors = editors;
    this.#offEdits = STORY_FIELDS.map((field) => editors[field].onUpdate(() => this.edited(field)));
    const { doc } = session.provider;
    this.#docChanges = createSubscriber((update) => {
      doc.on('update', update);
      return () => doc.off('update', update);
    });
  }

  /** Open suggestions and unresolved comment threads, said before publishing ("2 suggestions are still open"). */
  get warnings(): string[] {
    this.#docChanges();
    const { doc } = this.#session.provider;
    return publicationWarnings({ suggestions: readSuggestions(doc).length, unresolvedThreads: openThreadCount(doc) });
  }

  /** The shared checks on what is in the editors now. */
  get live(): PublicationProblems {
    const { headline, standfirst, byline, body } = this.#editors;
    return publicationProblems({
      headline: headline.text,
      standfirst: standfirst.text,
      byline: byline.text,
      bodyText: body.text,
      slug: this.#session.workflow?.slug ?? null,
      missingAlt: this.#missingAlt(),
    });
  }

  /** Pictures without alt text, re-read as the document changes (the lead image's words are not in any editor). */
  #missingAlt(): string[] {
    this.#docChanges();
    const { doc } = this.#session.provider;
    return missingAltText(readLead(doc), readFigures(doc.getXmlFragment('body')));
  }

  /** Everything that stops publication now: the server's refusal first, then the live checks, then the server's own. */
  get problems(): PublicationProblems {
    const live = this.live;
    const serverSlug = this.#server?.problems.slug;
    return { ...(serverSlug && !live.slug ? { slug: serverSlug } : {}), ...live, ...this.refused };
  }

  get ready(): boolean {
    return Object.keys(this.problems).length === 0;
  }

  /** The message to show next to a field, if any. */
  shown(field: CheckedField): string | undefined {
    return this.refused[field] ?? (this.attempted ? this.problems[field] : undefined);
  }

  /** The address from the headline, as it is typed. */
  get generatedSlug(): string {
    return slugify(this.#editors.headline.text);
  }

  /**
   * Where the story is (or would be) published: the chosen address; else the
   * headline's, with the suffix the server adds when another story has it.
   */
  get slug(): string {
    const chosen = this.#session.workflow?.slug;
    if (chosen) return chosen;
    const generated = this.generatedSlug;
    const server = this.#server?.slug;
    if (server && generated && (server === generated || /^-\d+$/.test(server.slice(generated.length)))) return server;
    return generated;
  }

  /** Keeps the server's per-field reasons; false when it gave none (the refusal is about something else). */
  refuse(fields: Record<string, string>): boolean {
    const refused: PublicationProblems = {};
    for (const [key, message] of Object.entries(fields)) if (isCheckedField(key)) refused[key] = message;
    this.refused = refused;
    return Object.keys(refused).length > 0;
  }

  /** A field's refusal goes away once someone edits it; the live check takes over. */
  edited(field: CheckedField): void {
    if (!this.refused[field]) return;
    const { [field]: _cleared, ...rest } = this.refused;
    this.refused = rest;
  }

  /** Asks the server for its checks once typing pauses (only while connected; failures keep the last answer). */
  refreshSoon(): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.#refresh(), SERVER_CHECK_DELAY_MS);
  }

  async #refresh(): Promise<void> {
    const { provider, storyId } = this.#session;
    if (provider.status !== 'connected') return;
    const generation = ++this.#generation;
    try {
      // The server checks what it has: let it have our last keystrokes first.
      await provider.whenSaved();
      const result = await api.storyChecks(storyId);
      if (generation === this.#generation) this.#server = result;
    } catch {
      // Advisory only: the live checks still show, and publishing asks the server anyway.
    }
  }

  destroy(): void {
    for (const off of this.#offEdits) off();
    clearTimeout(this.#timer);
    this.#generation++;
  }
}
