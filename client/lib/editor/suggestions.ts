/**
 * "Suggesting": while this person's mode is on, their edits become suggestions
 * instead of changes. The rewriting is @handlewithcare/prosemirror-suggest-changes'
 * (`withSuggestChanges` wraps this editor's dispatch through Tiptap's
 * dispatchTransaction hook); this extension adds what a shared, multi-person
 * document needs on top:
 *
 * - each new suggestion mark is stamped with its author (`by`), and ids are
 *   random so two people never mint the same one;
 * - whole-block suggestions become marks on the block's text, because the Yjs
 *   binding keeps text marks but not node marks; block-level "modification"
 *   marks are dropped for the same reason, so such changes (a heading level)
 *   apply directly;
 * - suggested text is coloured by its author (decorations; nothing written).
 *
 * Remote changes (the binding's own transactions) and undo pass through
 * untouched: the library skips them.
 */
import { Extension } from '@tiptap/core';
import type { Mark, Node as PMNode } from '@tiptap/pm/model';
import { AllSelection, Plugin, PluginKey, TextSelection, type Transaction } from '@tiptap/pm/state';
import { Decoration, DecorationSet } from '@tiptap/pm/view';
import {
  disableSuggestChanges,
  enableSuggestChanges,
  isSuggestChangesEnabled,
  suggestChanges,
  withSuggestChanges,
} from '@handlewithcare/prosemirror-suggest-changes';
import { SUGGESTION_MARKS, suggestionKey } from '../../../shared/suggestions';
import type { StoryField } from '../../../shared/story';

/** What the extension needs from the story's suggestion state (StorySuggestions). */
export type SuggestingState = {
  /** This person's mode, in this tab. */
  readonly on: boolean;
  /** Whose suggestions new ones are. */
  readonly userId: string;
  authorOf(userId: string | null): { name: string; color: string };
  /** Who made each open suggestion, by `suggestionKey` (the mark's writer, not its claim). */
  markAuthors(): Map<string, { name: string; color: string }>;
  /** The mode changed, or more authors became known. */
  onChange(listener: () => void): () => void;
};

const suggestionColorsKey = new PluginKey<DecorationSet>('suggestionColors');

const SUGGESTION_MARK_NAMES = new Set<string>(Object.values(SUGGESTION_MARKS));
const SUGGESTION_VERBS: Record<string, string> = { insertion: 'Suggested insertion', deletion: 'Suggested deletion' };

/** Unique across people without coordination (randomUUID needs a secure context; a LAN address over http is not one). */
export function newSuggestionId(): string {
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

export const Suggesting = Extension.create<{ state: SuggestingState | null; field: StoryField }, { off: (() => void) | null }>({
  name: 'suggesting',

  addOptions() {
    return { state: null, field: 'body' };
  },

  addStorage() {
    return { off: null };
  },

  addProseMirrorPlugins() {
    const { state, field } = this.options;
    return state ? [suggestChanges(), authorColours(state, field)] : [];
  },

  onCreate() {
    const { state } = this.options;
    if (!state) return;
    const follow = () => {
      const { editor } = this;
      if (editor.isDestroyed) return;
      const { view } = editor;
      if (state.on !== isSuggestChangesEnabled(view.state))
        (state.on ? enableSuggestChanges : disableSuggestChanges)(view.state, view.dispatch);
      view.dispatch(view.state.tr.setMeta(suggestionColorsKey, true));
    };
    this.storage.off = state.onChange(follow);
    follow();
  },

  onDestroy() {
    this.storage.off?.();
  },

  dispatchTransaction({ transaction, next }) {
    const { state } = this.options;
    if (!state) return next(transaction);
    const before = this.editor.state.doc;
    if (state.on) selectTextOnly(transaction);
    let handedOn = false;
    const suggest = withSuggestChanges((tr) => {
      handedOn = true;
      // The library hands on the original when it left the transaction alone; a rewritten one gets its author.
      next(tr === transaction ? tr : stampAuthor(tr, before, state.userId));
    }, newSuggestionId);
    try {
      suggest.call(this.editor.view, transaction);
    } catch (error) {
      if (handedOn) throw error;
      // A change the library cannot express as a suggestion is refused: applied directly it would be a change nobody can reject.
      console.warn('This change cannot be made as a suggestion', error);
    }
  },
});

/**
 * Select-all selects the document's nodes; deleting them is a change the
 * library cannot suggest (it throws). While suggesting, the same gesture
 * selects all the text instead, which deletes as a suggestion like any other.
 */
export function selectTextOnly(tr: Transaction): void {
  if (!(tr.selection instanceof AllSelection)) return;
  const { doc } = tr;
  tr.setSelection(TextSelection.between(doc.resolve(0), doc.resolve(doc.content.size)));
}

/**
 * Gives the marks the library just made (no `by` yet) their author: the
 * suggestion's, when the library joined an existing one (typing on from it),
 * else ours. Marks a client wrote without a `by` are left as they were.
 */
export function stampAuthor(tr: Transaction, before: PMNode, userId: string): Transaction {
  const authors = suggestionAuthors(before);
  const { modification } = tr.doc.type.schema.marks;
  const isNew = (mark: Mark) => !authors.has(String(mark.attrs.id));
  const changes: Array<() => void> = [];
  tr.doc.descendants((node, pos) => {
    for (const mark of node.marks) {
      if (mark.type === modification) {
        if (isNew(mark)) changes.push(() => tr.removeNodeMark(pos, mark));
        continue;
      }
      if (!SUGGESTION_VERBS[mark.type.name] || mark.attrs.by !== null) continue;
      const by = isNew(mark) ? userId : authors.get(String(mark.attrs.id));
      if (!by) continue;
      const stamped = mark.type.create({ ...mark.attrs, by });
      if (node.isInline) changes.push(() => tr.addMark(pos, pos + node.nodeSize, stamped));
      else
        changes.push(() => {
          tr.removeNodeMark(pos, mark);
          tr.addMark(pos + 1, pos + node.nodeSize - 1, stamped);
        });
    }
  });
  // Mark steps move no positions, so every position found above still holds.
  for (const change of changes) change();
  return tr;
}

/** Suggestion id → author, as the document had them. */
function suggestionAuthors(doc: PMNode): Map<string, string | null> {
  const authors = new Map<string, string | null>();
  doc.descendants((node) => {
    for (const mark of node.marks) {
      if (SUGGESTION_MARK_NAMES.has(mark.type.name)) authors.set(String(mark.attrs.id), mark.attrs.by ?? null);
    }
  });
  return authors;
}

/** Each run of suggested text in its author's colour, titled with what it is and whose. */
function authorColours(state: SuggestingState, field: StoryField): Plugin<DecorationSet> {
  const decorate = (doc: PMNode): DecorationSet => {
    const decorations: Decoration[] = [];
    const authors = state.markAuthors();
    doc.descendants((node, pos) => {
      if (!node.isText) return true;
      for (const mark of node.marks) {
        const verb = SUGGESTION_VERBS[mark.type.name];
        if (!verb) continue;
        const id = mark.attrs.id as string | number;
        const author = authors.get(suggestionKey(field, id)) ?? state.authorOf(typeof mark.attrs.by === 'string' ? mark.attrs.by : null);
        decorations.push(
          Decoration.inline(pos, pos + node.nodeSize, {
            class: `suggestion suggestion--${mark.type.name}`,
            style: `--suggestion-color: ${author.color}`,
            title: `${verb} by ${author.name}`,
            'data-suggested-by-name': author.name,
          }),
        );
      }
      return false;
    });
    return DecorationSet.create(doc, decorations);
  };
  return new Plugin<DecorationSet>({
    key: suggestionColorsKey,
    state: {
      init: (_, editorState) => decorate(editorState.doc),
      apply: (tr, old, _before, editorState) => (tr.docChanged || tr.getMeta(suggestionColorsKey) ? decorate(editorState.doc) : old),
    },
    props: { decorations: (editorState) => suggestionColorsKey.getState(editorState) },
  });
}
