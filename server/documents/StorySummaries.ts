import { openMentions, openThreadCount } from '../../shared/comments';
import type { Logger } from '../logger';
import type { Store } from '../persistence/Store';
import { fragmentText } from '../publishing/storyContent';
import type { StoryDocument } from './StoryDocument';

/** How long edits settle before the list's headline, "last edited" and open comments are refreshed. */
const DEBOUNCE_MS = 1_000;

/**
 * Keeps the stories table's headline, "last edited" and comment summary in
 * step with each open document, debounced so typing does not write a summary
 * per keystroke. Comment activity alone refreshes the comments, not "last
 * edited": it is not an edit to the story.
 */
export class StorySummaries {
  #pending = new Map<string, { timer: NodeJS.Timeout; document: StoryDocument; text: boolean }>();

  constructor(
    private readonly store: Store,
    private readonly log: Logger,
    private readonly onWritten: (storyId: string) => void,
  ) {}

  track(document: StoryDocument): void {
    document.on('edited', (text) => {
      const pending = this.#pending.get(document.storyId);
      if (pending) {
        pending.text ||= text;
        return;
      }
      const timer = setTimeout(() => void this.#write(document), DEBOUNCE_MS);
      this.#pending.set(document.storyId, { timer, document, text });
    });
  }

  async #write(document: StoryDocument): Promise<void> {
    const pending = this.#pending.get(document.storyId);
    if (pending) clearTimeout(pending.timer);
    this.#pending.delete(document.storyId);
    const headline = fragmentText(document.doc.getXmlFragment('headline')).replace(/\s+/g, ' ').trim();
    try {
      const comments = { openComments: openThreadCount(document.doc), mentionedIds: openMentions(document.doc) };
      const editedAt = pending?.text === false ? null : new Date().toISOString();
      await this.store.touchStory(document.storyId, headline, editedAt, comments);
      this.onWritten(document.storyId);
    } catch (err) {
      this.log.warn({ err, storyId: document.storyId }, 'story summary not updated');
    }
  }

  /** Writes every pending summary now (shutdown, or before a document unloads). */
  async flush(): Promise<void> {
    await Promise.all([...this.#pending.values()].map(({ document }) => this.#write(document)));
  }
}
