/**
 * The suggestion marks of @handlewithcare/prosemirror-suggest-changes
 * (insertion, deletion, modification) as Tiptap marks, in every field's
 * schema. Their names and `id` are the library's, so its commands work on
 * them; `by` is ours: the suggester's user id, so every client can show whose
 * suggestion it is. Through the Yjs binding they become Y.XmlText attributes
 * (`{ insertion: { id, by } }`, see shared/suggestions.ts).
 */
import { Mark, type Attributes } from '@tiptap/core';
import { deletion, insertion, modification } from '@handlewithcare/prosemirror-suggest-changes';
import type { MarkSpec } from '@tiptap/pm/model';

/**
 * What a container of blocks must allow its children to carry: the library
 * marks a wholly inserted or deleted block with a node mark (the Suggesting
 * extension then moves it onto the block's text, since the Yjs binding keeps
 * only text marks).
 */
export const BLOCK_SUGGESTIONS = 'insertion deletion modification';

/** `id` and `by` as data attributes: an `id` attribute would become the element's HTML id. */
const SUGGESTION_ATTRIBUTES: Attributes = {
  id: {
    isRequired: true,
    validate: 'number|string',
    renderHTML: ({ id }) => ({ 'data-suggestion-id': String(id) }),
  },
  by: {
    // The library creates marks with an id only; the Suggesting extension stamps the author right after.
    default: null,
    validate: 'string|null',
    renderHTML: ({ by }) => (typeof by === 'string' ? { 'data-suggested-by': by } : {}),
  },
};

/**
 * One of the library's marks. No parse rules: pasted <ins>/<del> is plain
 * text, so nobody pastes a suggestion in under someone else's name.
 */
function suggestionMark(name: 'insertion' | 'deletion' | 'modification', spec: MarkSpec, tag: string, attributes = SUGGESTION_ATTRIBUTES) {
  return Mark.create({
    name,
    inclusive: spec.inclusive,
    excludes: spec.excludes,
    addAttributes: () => attributes,
    renderHTML: ({ HTMLAttributes }) => [tag, { ...HTMLAttributes, 'data-suggestion': name }, 0],
  });
}

export const SuggestionMarks = [
  suggestionMark('insertion', insertion, 'ins'),
  suggestionMark('deletion', deletion, 'del'),
  // The library needs it in the schema; the Suggesting extension never keeps one (see there).
  suggestionMark('modification', modification, 'span', {
    ...SUGGESTION_ATTRIBUTES,
    type: { isRequired: true, validate: 'string', rendered: false },
    attrName: { default: null, validate: 'string|null', rendered: false },
    previousValue: { default: null, rendered: false },
    newValue: { default: null, rendered: false },
  }),
];
