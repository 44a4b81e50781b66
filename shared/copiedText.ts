/**
 * Which new items hold a copy of which earlier ones, after text was written again: what a client claims
 * (`story:provenance`) and the server's selective revert records, so that the text keeps its first
 * author (shared/provenance.ts). Two ways text is written again: copied from one Y.XmlText into
 * another (restoreRevision), and brought back by a Y.UndoManager (an undo or redo of a deletion, the
 * revert). Only text counts (Y.ContentString): it is what attribution colours. Runs in the browser too.
 */
import * as Y from 'yjs';
import type { CopiedText } from './provenanceClaim';

type DeleteSet = ReturnType<typeof Y.createDeleteSet>;
type TextItem = { client: number; clock: number; length: number };

/** The text of `copy`, which was just made from `original` character for character, item by item. */
export function textCopies(original: Y.XmlText, copy: Y.XmlText): CopiedText[] {
  const from = textItems(original);
  const to = textItems(copy);
  const copies: CopiedText[] = [];
  let i = 0;
  let j = 0;
  let fromOffset = 0;
  let toOffset = 0;
  while (i < from.length && j < to.length) {
    const length = Math.min(from[i].length - fromOffset, to[j].length - toOffset);
    joinCopy(copies, {
      to: { client: to[j].client, clock: to[j].clock + toOffset },
      from: { client: from[i].client, clock: from[i].clock + fromOffset },
      length,
    });
    fromOffset += length;
    toOffset += length;
    if (fromOffset === from[i].length) [i, fromOffset] = [i + 1, 0];
    if (toOffset === to[j].length) [j, toOffset] = [j + 1, 0];
  }
  return copies;
}

/** The visible text items of a Y.XmlText, in order. */
function textItems(text: Y.XmlText): TextItem[] {
  const items: TextItem[] = [];
  for (let item = text._start; item; item = item.right) {
    if (!item.deleted && item.content instanceof Y.ContentString) items.push({ ...item.id, length: item.length });
  }
  return items;
}

/**
 * The text a Y.UndoManager (or a selective revert driving one) brought back: Yjs re-inserts each
 * deleted item of `restored` as a new item with the same content, and sets the original's `redone` to
 * the new item's id. Only new items written by `written.client` from clock `written.from` on count:
 * an item brought back earlier points at an older copy.
 */
export function redoneCopies(doc: Y.Doc, restored: DeleteSet, written: { client: number; from: number }): CopiedText[] {
  const copies: CopiedText[] = [];
  for (const [client, ranges] of restored.clients) {
    const structs = doc.store.clients.get(client) ?? [];
    for (const { clock, len } of ranges) {
      for (let i = firstStructEndingAfter(structs, clock); i < structs.length && structs[i].id.clock < clock + len; i++) {
        const item = structs[i];
        if (!(item instanceof Y.Item) || !(item.content instanceof Y.ContentString) || item.redone === null) continue;
        if (item.redone.client !== written.client || item.redone.clock < written.from) continue;
        const start = Math.max(clock, item.id.clock);
        const end = Math.min(clock + len, item.id.clock + item.length);
        const offset = start - item.id.clock;
        joinCopy(copies, {
          to: { client: item.redone.client, clock: item.redone.clock + offset },
          from: { client, clock: start },
          length: end - start,
        });
      }
    }
  }
  return copies;
}

function firstStructEndingAfter(structs: ReadonlyArray<Y.Item | Y.GC>, clock: number): number {
  let low = 0;
  let high = structs.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (structs[mid].id.clock + structs[mid].length <= clock) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** Adds a copy, extending the last one when both its sides simply continue it. */
function joinCopy(copies: CopiedText[], copy: CopiedText): void {
  const last = copies.at(-1);
  const continues =
    last &&
    last.to.client === copy.to.client &&
    last.from.client === copy.from.client &&
    last.to.clock + last.length === copy.to.clock &&
    last.from.clock + last.length === copy.from.clock;
  if (continues) last.length += copy.length;
  else copies.push(copy);
}
