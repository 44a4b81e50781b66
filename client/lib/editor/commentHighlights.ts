/**
 * Comment threads in one field's editor: highlights each open thread's range
 * (the active one stronger), opens a thread when its highlight is clicked,
 * tells StoryComments what is selected (to start a thread from), and selects
 * a thread's range when the sidebar asks. Ranges are Yjs relative positions,
 * mapped to and from ProseMirror positions through the Yjs binding's mapping.
 */
import { Extension } from '@tiptap/core';
import type { EditorState } from '@tiptap/pm/state';
import { Plugin, PluginKey, TextSelection } from '@tiptap/pm/state';
import { Decoration, DecorationSet, type EditorView } from '@tiptap/pm/view';
import {
  absolutePositionToRelativePosition,
  type ProsemirrorBinding,
  relativePositionToAbsolutePosition,
  ySyncPluginKey,
} from '@tiptap/y-tiptap';
import * as Y from 'yjs';
import { COMMENT_LIMITS, type SelectionAnchor } from '../../../shared/comments';
import type { StoryField } from '../../../shared/story';

const commentHighlightsKey = new PluginKey<DecorationSet>('commentHighlights');

/** An open thread as a field's editor draws it. */
export type HighlightedThread = { id: string; start: Uint8Array; end: Uint8Array; active: boolean };

/** What the highlights need from the story's threads (StoryComments), shared by every field. */
export type CommentHighlightState = {
  /** The open, attached threads of a field. */
  highlighted(field: StoryField): HighlightedThread[];
  /** The field's selection changed while it held the page's selection: how to anchor a thread to it, or null. */
  selected(field: StoryField, anchorOf: (() => SelectionAnchor | null) | null): void;
  /** How the field selects a thread's range when the sidebar asks; returns the detach. */
  attachField(field: StoryField, reveal: (start: Uint8Array, end: Uint8Array) => boolean): () => void;
  /** A highlight was clicked. */
  open(threadId: string): void;
  /** Threads or the active thread changed: redraw. */
  onChange(listener: () => void): () => void;
};

export type CommentHighlightsOptions = { comments: CommentHighlightState | null; field: StoryField | null };

type SyncState = {
  doc: Y.Doc;
  type: Y.XmlFragment;
  binding: ProsemirrorBinding | null;
};

const syncState = (state: EditorState) => ySyncPluginKey.getState(state) as SyncState | undefined;

export const CommentHighlights = Extension.create<CommentHighlightsOptions>({
  name: 'commentHighlights',

  addOptions() {
    return { comments: null, field: null };
  },

  addProseMirrorPlugins() {
    const { comments, field } = this.options;
    if (!comments || !field) return [];
    const decorate = (state: EditorState): DecorationSet => {
      const decorations = comments.highlighted(field).flatMap(({ id, start, end, active }) => {
        const range = toRange(state, start, end);
        if (!range) return [];
        const className = active ? 'comment-highlight comment-highlight--active' : 'comment-highlight';
        return [Decoration.inline(range.from, range.to, { class: className, 'data-comment-thread': id }, { threadId: id })];
      });
      return DecorationSet.create(state.doc, decorations);
    };
    return [
      new Plugin<DecorationSet>({
        key: commentHighlightsKey,
        state: {
          init: (_, state) => decorate(state),
          apply: (tr, old, _before, state) => {
            // The binding's mapping is current after a remote change or our own refresh; our own
            // typing reaches Yjs only after this transaction, so map the old ranges through it instead.
            if (tr.getMeta(commentHighlightsKey) || tr.getMeta(ySyncPluginKey)) return decorate(state);
            return tr.docChanged ? old.map(tr.mapping, tr.doc) : old;
          },
        },
        props: {
          decorations: (state) => commentHighlightsKey.getState(state),
          handleDOMEvents: {
            click: (_view, event) => {
              const mark = (event.target as Element | null)?.closest?.('[data-comment-thread]');
              const id = mark?.getAttribute('data-comment-thread');
              if (id) comments.open(id);
              return false;
            },
          },
        },
        view: (view) => {
          const refresh = () => {
            if (!view.isDestroyed) view.dispatch(view.state.tr.setMeta(commentHighlightsKey, true));
          };
          const offChange = comments.onChange(refresh);
          const offReveal = comments.attachField(field, (start, end) => reveal(view, start, end));
          return {
            update: (view, before) => {
              if (!before.selection.eq(view.state.selection) && selectionIsHere(view)) {
                comments.selected(field, view.state.selection.empty ? null : () => selectionAnchor(view.state));
              }
            },
            destroy: () => {
              offChange();
              offReveal();
            },
          };
        },
      }),
    ];
  },
});

/** This field holds the page's selection: the editor has focus, or (read-only, for viewers) the text selected in it. */
function selectionIsHere(view: EditorView): boolean {
  if (view.hasFocus()) return true;
  const selection = view.dom.ownerDocument.getSelection();
  return !!selection?.anchorNode && view.dom.contains(selection.anchorNode);
}

/** A thread's range in this editor, or null when it is gone or not in this field. */
function toRange(state: EditorState, start: Uint8Array, end: Uint8Array): { from: number; to: number } | null {
  const sync = syncState(state);
  if (!sync?.binding || sync.binding.mapping.size === 0) return null;
  const absolute = (encoded: Uint8Array) => {
    try {
      return relativePositionToAbsolutePosition(sync.doc, sync.type, Y.decodeRelativePosition(encoded), sync.binding!.mapping);
    } catch {
      return null;
    }
  };
  const size = state.doc.content.size;
  const from = absolute(start);
  const to = absolute(end);
  if (from === null || to === null) return null;
  const range = { from: Math.min(from, size), to: Math.min(to, size) };
  return range.from < range.to ? range : null;
}

/**
 * The selection as a thread's anchor: the start sticks to the first selected
 * character (text typed just before it stays outside), the end to the last.
 */
function selectionAnchor(state: EditorState): SelectionAnchor | null {
  const { from, to, empty } = state.selection;
  const sync = syncState(state);
  if (empty || !sync?.binding) return null;
  const relative = (pos: number, assoc: number) => {
    const loose = absolutePositionToRelativePosition(pos, sync.type, sync.binding!.mapping) as Y.RelativePosition;
    const absolute = Y.createAbsolutePositionFromRelativePosition(loose, sync.doc);
    const exact = absolute ? Y.createRelativePositionFromTypeIndex(absolute.type, absolute.index, assoc) : loose;
    return Y.encodeRelativePosition(exact);
  };
  return { start: relative(from, 0), end: relative(to, -1), quote: quoteOf(state.doc.textBetween(from, to, '\n', ' ')) };
}

function quoteOf(text: string): string {
  const max = COMMENT_LIMITS.quoteMaxChars;
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Selects a thread's range and scrolls it into view. */
function reveal(view: EditorView, start: Uint8Array, end: Uint8Array): boolean {
  const range = toRange(view.state, start, end);
  if (!range) return false;
  view.dispatch(view.state.tr.setSelection(TextSelection.create(view.state.doc, range.from, range.to)).scrollIntoView());
  view.focus();
  return true;
}
