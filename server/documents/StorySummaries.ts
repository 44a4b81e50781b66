import { openMentions, openThreadCount } from '../../shared/comments';
import { readPlanning } from '../../shared/planning';
import type { Logger } from '../logger';
import type { Store } from '../persistence/Store';
import { fragmentText } from '../publishing/storyContent';
import { type PlanningChange, planningChanges } from './planningChanges';
import type { StoryDocument } from './StoryDocument';
import { storyText } from './storyText';

/** How long edits settle before the list's headline, "last edited", open comments and planning are refreshed. */
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
    /**
     * What changed in a story's planning since its last summary, and who changed it when known: seen by one
     * process however many write the summary (setStoryPlanning), so each is told and recorded once.
     */
    private readonly onPlanned: (storyId: string, changes: PlanningChange[]) => Promise<void> = async () => {},
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
      const planning = readPlanning(document.doc);
      const before = await this.store.setStoryPlanning(document.storyId, planning);
      const changes = before ? await planningChanges(this.store, document, before, planning) : [];
      if (changes.length > 0) await this.onPlanned(document.storyId, changes);
      // The search index follows the text on every node that has the story open (unchanged text is not rewritten).
      await this.store.indexStory(document.storyId, storyText(document.doc));
      this.onWritten(document.storyId);
    } catch (err) {
      this.log.warn({ err, storyId: document.storyId }, 'story summary not updated');
    }
  }

  /** Writes the story's pending summary now, if this node has one (before it goes to the Trash, headline and all). */
  async flushStory(storyId: string): Promise<void> {
    const pending = this.#pending.get(storyId);
    if (pending) await this.#write(pending.document);
  }

  /** Writes every pending summary now (shutdown, or before a document unloads). */
  async flush(): Promise<void> {
    await Promise.all([...this.#pending.values()].map(({ document }) => this.#write(document)));
  }
}
