/**
 * Undo and redo for one person across a whole story. One Y.UndoManager spans
 * every field's fragment and tracks only this editor's own typing (the
 * ProseMirror binding's origin), so Ctrl/Cmd+Z takes back your last change
 * wherever it was, in the order you made them, and never someone else's text:
 * their edits arrive with the provider as origin and are not tracked. Every
 * field's Tiptap editor is given this manager instead of making its own.
 */
import { defaultDeleteFilter, defaultProtectedNodes, ySyncPluginKey } from '@tiptap/y-tiptap';
import * as Y from 'yjs';
import { STORY_FIELDS, type StoryField } from '../../../shared/story';
import type { CopiedText } from '../../../shared/provenanceClaim';
import { changedField } from './changedField';
import { followUndoCopies } from './undoCopies';

/**
 * The shared manager, deaf to stopCapturing() from outside. y-tiptap calls it from a field editor's view
 * update whenever that editor's last document change was not for history, and a remote change is not:
 * once someone else had typed in a field, every later transaction there (a caret moving in the awareness,
 * on each of this person's keystrokes elsewhere) ended the current undo step, so Ctrl+Z took back one
 * character at a time. Steps end here by pause (captureTimeout), on entering another field, and after a
 * change of this person's that is not for history (see StoryUndo).
 */
class FieldsUndoManager extends Y.UndoManager {
  override stopCapturing(): void {
    // Yjs itself calls it while undoing, so that a redo step is never merged into the one before.
    if (this.undoing) super.stopCapturing();
  }

  endStep(): void {
    super.stopCapturing();
  }
}

export type StoryUndoOptions = {
  /** Told which field an undo or redo changed, to put the caret there. */
  reveal: (field: StoryField) => void;
  /** Told which text an undo or redo brought back (new items copying deleted ones), to claim it for its first author. */
  claimCopies: (copies: CopiedText[]) => void;
};

export class StoryUndo {
  readonly manager: FieldsUndoManager;
  #field: StoryField | null = null;

  constructor(doc: Y.Doc, { reveal, claimCopies }: StoryUndoOptions) {
    this.manager = new FieldsUndoManager(
      STORY_FIELDS.map((field) => doc.getXmlFragment(field)),
      {
        trackedOrigins: new Set([ySyncPluginKey]),
        deleteFilter: (item) => defaultDeleteFilter(item, defaultProtectedNodes),
        captureTransaction: (tr) => tr.meta.get('addToHistory') !== false,
      },
    );
    // A change of this person's that history skips still ends the step before it, as y-tiptap meant to.
    doc.on('afterTransaction', (tr: Y.Transaction) => {
      if (tr.origin === ySyncPluginKey && tr.meta.get('addToHistory') === false && tr.changed.size > 0) this.manager.endStep();
    });
    this.manager.on('stack-item-popped', ({ changedParentTypes }) => {
      const field = changedField(changedParentTypes.keys());
      // After the transaction: the field's editor has rendered the change (and restored its selection) by then.
      if (field) queueMicrotask(() => reveal(field));
    });
    followUndoCopies(this.manager, claimCopies);
  }

  /** Typing in another field starts a new undo step, however fast it follows. */
  enterField(field: StoryField): void {
    if (this.#field !== field) this.manager.endStep();
    this.#field = field;
  }
}
