/**
 * Binds a text input to a Y.Text, letter by letter: two people typing in the
 * lead image's caption at once both keep their words, as in the story's
 * fields. Each input event writes only what changed (the span between the
 * common start and end), and a change from elsewhere keeps this person's
 * caret where it was in the text.
 */
import type * as Y from 'yjs';

type Delta = Array<{ insert?: unknown; retain?: number; delete?: number }>;

/** Svelte attachment: `{@attach sharedTextInput(text, origin)}` on an <input> or <textarea>. */
export function sharedTextInput(text: Y.Text, origin: unknown) {
  return (input: HTMLInputElement | HTMLTextAreaElement): (() => void) => {
    input.value = text.toString();
    const onInput = () => writeChange(text, input.value, origin);
    const onRemote = (event: Y.YTextEvent, transaction: Y.Transaction) => {
      if (transaction.origin === origin) return;
      const focused = document.activeElement === input;
      const [start, end] = [input.selectionStart ?? 0, input.selectionEnd ?? 0];
      input.value = text.toString();
      if (focused) input.setSelectionRange(mapThrough(event.delta as Delta, start), mapThrough(event.delta as Delta, end));
    };
    input.addEventListener('input', onInput);
    text.observe(onRemote);
    return () => {
      input.removeEventListener('input', onInput);
      text.unobserve(onRemote);
    };
  };
}

/** Writes `next` over the text's current value as one delete and one insert between the common ends. */
export function writeChange(text: Y.Text, next: string, origin: unknown): void {
  const previous = text.toString();
  let start = 0;
  while (start < previous.length && start < next.length && previous[start] === next[start]) start++;
  let endPrevious = previous.length;
  let endNext = next.length;
  while (endPrevious > start && endNext > start && previous[endPrevious - 1] === next[endNext - 1]) {
    endPrevious--;
    endNext--;
  }
  if (endPrevious === start && endNext === start) return;
  text.doc!.transact(() => {
    if (endPrevious > start) text.delete(start, endPrevious - start);
    if (endNext > start) text.insert(start, next.slice(start, endNext));
  }, origin);
}

/** Where `pos` in the old text is in the new one: text inserted before it moves it on, text deleted before it back. */
export function mapThrough(delta: Delta, pos: number): number {
  let index = 0;
  let shift = 0;
  for (const op of delta) {
    if (op.retain !== undefined) index += op.retain;
    else if (op.delete !== undefined) {
      if (index < pos) shift -= Math.min(op.delete, pos - index);
      index += op.delete;
    } else if (op.insert !== undefined && index < pos) shift += typeof op.insert === 'string' ? op.insert.length : 1;
  }
  return Math.max(0, pos + shift);
}
