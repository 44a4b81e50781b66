/**
 * What this person is doing, told to the others through awareness: which
 * field they have been typing in over the last few seconds (a soft claim,
 * "Ana is rewriting the headline") and whether they have been away from the
 * keyboard for a few minutes. Each changes the awareness state only when it
 * flips, not per keystroke.
 */
import type { Awareness } from 'y-protocols/awareness';
import type * as Y from 'yjs';
import { AWAY_AFTER_MS, TYPING_CLAIM_MS } from '../../../shared/protocol';
import type { StoryField } from '../../../shared/story';
import { changedField } from '../editor/changedField';

const INPUT_EVENTS = ['keydown', 'pointerdown', 'focus'] as const;

export class PresenceActivity {
  #typingTimer: ReturnType<typeof setTimeout> | undefined;
  #awayTimer: ReturnType<typeof setTimeout> | undefined;

  /** `localOrigin`: the origin of this person's own edits (the editor binding's); `input`: where keys and clicks arrive. */
  constructor(
    private readonly doc: Y.Doc,
    private readonly awareness: Awareness,
    private readonly localOrigin: unknown,
    private readonly input: EventTarget = window,
  ) {
    doc.on('afterTransaction', this.#onTransaction);
    for (const event of INPUT_EVENTS) input.addEventListener(event, this.#onInput, true);
    this.#set('typing', null);
    this.#set('away', false);
    this.#onInput();
  }

  #onTransaction = (transaction: Y.Transaction): void => {
    if (transaction.origin !== this.localOrigin || transaction.changedParentTypes.size === 0) return;
    const field = changedField(transaction.changedParentTypes.keys());
    if (!field) return;
    this.#set('typing', field);
    clearTimeout(this.#typingTimer);
    this.#typingTimer = setTimeout(() => this.#set('typing', null), TYPING_CLAIM_MS);
  };

  #onInput = (): void => {
    this.#set('away', false);
    clearTimeout(this.#awayTimer);
    this.#awayTimer = setTimeout(() => this.#set('away', true), AWAY_AFTER_MS);
  };

  #set(key: 'typing' | 'away', value: StoryField | boolean | null): void {
    const state = this.awareness.getLocalState();
    if (state && state[key] !== value) this.awareness.setLocalStateField(key, value);
  }

  destroy(): void {
    clearTimeout(this.#typingTimer);
    clearTimeout(this.#awayTimer);
    this.doc.off('afterTransaction', this.#onTransaction);
    for (const event of INPUT_EVENTS) this.input.removeEventListener(event, this.#onInput, true);
  }
}
