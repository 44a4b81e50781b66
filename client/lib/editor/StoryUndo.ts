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
import { changedField } from './changedField';

export class StoryUndo {
  readonly manager: Y.UndoManager;
  #field: StoryField | null = null;

  /** `reveal` is told which field an undo or redo changed, to put the caret there. */
  constructor(doc: Y.Doc, reveal: (field: StoryField) => void) {
    this.manager = new Y.UndoManager(
      STORY_FIELDS.map((field) => doc.getXmlFragment(field)),
      {
        trackedOrigins: new Set([ySyncPluginKey]),
        deleteFilter: (item) => defaultDeleteFilter(item, defaultProtectedNodes),
        captureTransaction: (tr) => tr.meta.get('addToHistory') !== false,
      },
    );
    this.manager.on('stack-item-popped', ({ changedParentTypes }) => {
      const field = changedField(changedParentTypes.keys());
      // After the transaction: the field's editor has rendered the change (and restored its selection) by then.
      if (field) queueMicrotask(() => reveal(field));
    });
  }

  /** Typing in another field starts a new undo step, however fast it follows. */
  enterField(field: StoryField): void {
    if (this.#field !== field) this.manager.stopCapturing();
    this.#field = field;
  }
}
