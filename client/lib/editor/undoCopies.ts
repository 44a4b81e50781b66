/**
 * The text an undo or a redo brings back is written again: Yjs re-inserts each deleted item as a new
 * one under this client's id. This follows an UndoManager and reports, after each undo or redo, which
 * new items copy which deleted ones, for the caller to claim (`story:provenance`), so that the text
 * stays its first author's in "Who wrote this?".
 */
import * as Y from 'yjs';
import { redoneCopies } from '../../../shared/copiedText';
import type { CopiedText } from '../../../shared/provenanceClaim';

type StackItemEvent = { stackItem: { deletions: ReturnType<typeof Y.createDeleteSet> } };

/** Calls `report` with the copies of each undo or redo of `manager` that brought text back; returns the unsubscribe. */
export function followUndoCopies(manager: Y.UndoManager, report: (copies: CopiedText[]) => void): () => void {
  const { doc } = manager;
  /** This client's clock when the undo or redo began: the copies it makes come after. */
  let from = 0;
  const before = (transaction: Y.Transaction) => {
    if (transaction.origin === manager) from = Y.getState(doc.store, doc.clientID);
  };
  const popped = ({ stackItem }: StackItemEvent) => {
    const copies = redoneCopies(doc, stackItem.deletions, { client: doc.clientID, from });
    if (copies.length > 0) report(copies);
  };
  doc.on('beforeTransaction', before);
  manager.on('stack-item-popped', popped);
  return () => {
    doc.off('beforeTransaction', before);
    manager.off('stack-item-popped', popped);
  };
}
