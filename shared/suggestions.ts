/**
 * Suggestions (track changes) as they live in the story's Y.Doc: formatting
 * attributes on Y.XmlText, written by the editor's suggestion marks
 * (client/lib/editor/suggestionMarks.ts) through the Yjs binding. Shared by the
 * client (the list of open suggestions, the publish warning) and the server
 * (the publisher leaves pending suggestions out).
 *
 * Layout (docs/document-layout.md): `{ insertion: { id, by } }` on text someone
 * suggested adding, `{ deletion: { id, by } }` on text someone suggested
 * removing; `id` groups the parts of one suggestion within a field, `by` is the
 * suggester's user id. The marks also carry zero-width spaces (U+200B) that
 * anchor a suggested paragraph break; they are never content.
 */
import * as Y from 'yjs';
import { STORY_FIELDS, type StoryField } from './story';

export const SUGGESTION_MARKS = { insertion: 'insertion', deletion: 'deletion', modification: 'modification' } as const;

/** The anchor the suggestion marks put at a suggested paragraph break. */
export const SUGGESTION_ANCHOR = '\u200B';

export type SuggestionMarkAttrs = { id: string | number; by: string | null };

export type Suggestion = {
  /** The mark id: applying or rejecting it in the field's editor uses exactly this value. */
  id: string | number;
  field: StoryField;
  /** Who suggested it (a user id); null when a client wrote the mark without saying. */
  by: string | null;
  /** The text suggested for adding, and for removing (anchors left out). */
  inserted: string;
  deleted: string;
};

/** The open suggestions of a story, field by field, in reading order. */
export function readSuggestions(doc: Y.Doc): Suggestion[] {
  return STORY_FIELDS.flatMap((field) => fieldSuggestions(field, doc.getXmlFragment(field)));
}

function fieldSuggestions(field: StoryField, fragment: Y.XmlFragment): Suggestion[] {
  const byId = new Map<string, Suggestion>();
  for (const { insert, attributes } of textRuns(fragment)) {
    for (const kind of ['insertion', 'deletion'] as const) {
      const attrs = suggestionAttrs(attributes?.[kind]);
      if (!attrs) continue;
      const key = `${typeof attrs.id}:${attrs.id}`;
      let suggestion = byId.get(key);
      if (!suggestion) {
        suggestion = { id: attrs.id, field, by: attrs.by, inserted: '', deleted: '' };
        byId.set(key, suggestion);
      }
      const text = insert.replaceAll(SUGGESTION_ANCHOR, '');
      if (kind === 'insertion') suggestion.inserted += text;
      else suggestion.deleted += text;
    }
  }
  return [...byId.values()];
}

/** A suggestion mark's attributes as stored, or null when they are not one (any Yjs client may write anything). */
export function suggestionAttrs(value: unknown): SuggestionMarkAttrs | null {
  if (typeof value !== 'object' || value === null) return null;
  const { id, by } = value as Record<string, unknown>;
  if (typeof id !== 'string' && typeof id !== 'number') return null;
  return { id, by: typeof by === 'string' ? by : null };
}

type TextRun = { insert: string; attributes?: Record<string, unknown> };

/** Every text run of a fragment with its formatting, depth first (the order a reader meets them). */
function textRuns(parent: Y.XmlFragment | Y.XmlElement, depth = 0): TextRun[] {
  // The editor never nests this deep; a hostile doc could, to blow the stack.
  if (depth > 32) return [];
  return parent.toArray().flatMap((child): TextRun[] => {
    if (child instanceof Y.XmlElement) return textRuns(child, depth + 1);
    if (!(child instanceof Y.XmlText)) return [];
    const delta: unknown = child.toDelta();
    return Array.isArray(delta) ? delta.filter((op): op is TextRun => typeof op?.insert === 'string') : [];
  });
}
