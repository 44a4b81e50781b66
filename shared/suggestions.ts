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
 * suggester's user id as their editor claims it. Who really made a suggestion
 * is fixed by the server when its first mark arrives: the user its Yjs client id
 * is bound to, kept in the `suggestionAuthors` map (which only the server writes)
 * under the suggestion's key. A restore, an undo or a revert writes the marks
 * again under another client id; the map still names who suggested it. For a
 * suggestion older than the map, the client id that wrote the mark (`client`)
 * stands in. The marks also carry zero-width spaces (U+200B) that anchor a
 * suggested paragraph break; they are never content.
 */
import * as Y from 'yjs';
import { STORY_FIELDS, type StoryField } from './story';

export const SUGGESTION_MARKS = { insertion: 'insertion', deletion: 'deletion', modification: 'modification' } as const;

/** The root map, written only by the server, of who made each suggestion: suggestionKey → user id. */
export const SUGGESTION_AUTHORS_ROOT = 'suggestionAuthors';

/** The anchor the suggestion marks put at a suggested paragraph break. */
export const SUGGESTION_ANCHOR = '\u200B';

type SuggestionMarkAttrs = { id: string | number; by: string | null };

export type Suggestion = {
  /** The mark id: applying or rejecting it in the field's editor uses exactly this value. */
  id: string | number;
  field: StoryField;
  /** Who suggested it (a user id) by the mark's own claim; null when a client wrote the mark without saying. */
  by: string | null;
  /** Who suggested it (a user id), as the server recorded when its first mark arrived; null if it did not. */
  author: string | null;
  /** The Yjs client id that wrote the mark: its owner stands in for `author` when there is none. */
  client: number;
  /** The text suggested for adding, and for removing (anchors left out). */
  inserted: string;
  deleted: string;
};

/** The open suggestions of a story, field by field, in reading order. */
export function readSuggestions(doc: Y.Doc): Suggestion[] {
  const authors = doc.getMap<unknown>(SUGGESTION_AUTHORS_ROOT);
  return STORY_FIELDS.flatMap((field) => fieldSuggestions(field, doc.getXmlFragment(field), authors));
}

function fieldSuggestions(field: StoryField, fragment: Y.XmlFragment, authors: Y.Map<unknown>): Suggestion[] {
  const byId = new Map<string, Suggestion>();
  for (const { insert, formats } of textRuns(fragment)) {
    for (const kind of ['insertion', 'deletion'] as const) {
      const format = formats.get(kind);
      const attrs = suggestionAttrs(format?.content.value);
      if (!format || !attrs) continue;
      const key = suggestionKey(field, attrs.id);
      let suggestion = byId.get(key);
      if (!suggestion) {
        const author = authors.get(key);
        suggestion = {
          id: attrs.id,
          field,
          by: attrs.by,
          author: typeof author === 'string' ? author : null,
          client: format.item.id.client,
          inserted: '',
          deleted: '',
        };
        byId.set(key, suggestion);
      }
      const text = insert.replaceAll(SUGGESTION_ANCHOR, '');
      if (kind === 'insertion') suggestion.inserted += text;
      else suggestion.deleted += text;
    }
  }
  return [...byId.values()];
}

/** One suggestion's identity: its field and its mark id (ids are unique within a field). */
export function suggestionKey(field: StoryField, id: string | number): string {
  return `${field}:${typeof id}:${id}`;
}

/**
 * The keys of the suggestions whose marks `items` (new items of a transaction) write, by the field they
 * are in: what the server records the author of, if it has not yet.
 */
export function suggestionKeysIn(doc: Y.Doc, items: Iterable<Y.Item>): Set<string> {
  const keys = new Set<string>();
  const fields = new Map<unknown, StoryField>(STORY_FIELDS.map((field) => [doc.getXmlFragment(field), field]));
  for (const item of items) {
    if (!(item.content instanceof Y.ContentFormat) || (item.content.key !== 'insertion' && item.content.key !== 'deletion')) continue;
    const attrs = suggestionAttrs(item.content.value);
    const field = attrs && fields.get(rootType(item));
    if (field) keys.add(suggestionKey(field, attrs.id));
  }
  return keys;
}

function rootType(item: Y.Item): unknown {
  let type = item.parent as Y.AbstractType<unknown>;
  for (let depth = 0; type._item && depth < 64; depth++) type = type._item.parent as Y.AbstractType<unknown>;
  return type;
}

/** A suggestion mark's attributes as stored, or null when they are not one (any Yjs client may write anything). */
function suggestionAttrs(value: unknown): SuggestionMarkAttrs | null {
  if (typeof value !== 'object' || value === null) return null;
  const { id, by } = value as Record<string, unknown>;
  if (typeof id !== 'string' && typeof id !== 'number') return null;
  return { id, by: typeof by === 'string' ? by : null };
}

type Format = { item: Y.Item; content: Y.ContentFormat };
type TextRun = { insert: string; formats: ReadonlyMap<string, Format> };

/** Every text run of a fragment with the format items in force over it, depth first (the order a reader meets them). */
function textRuns(parent: Y.XmlFragment | Y.XmlElement, depth = 0): TextRun[] {
  // The editor never nests this deep; a hostile doc could, to blow the stack.
  if (depth > 32) return [];
  return parent.toArray().flatMap((child): TextRun[] => {
    if (child instanceof Y.XmlElement) return textRuns(child, depth + 1);
    return child instanceof Y.XmlText ? formattedRuns(child) : [];
  });
}

/** As Y.Text's toDelta reads formatting (a format item sets its key, a null value ends it), keeping each format's item. */
function formattedRuns(text: Y.XmlText): TextRun[] {
  const runs: TextRun[] = [];
  let formats = new Map<string, Format>();
  for (let item = text._start; item; item = item.right) {
    if (item.deleted) continue;
    const { content } = item;
    if (content instanceof Y.ContentFormat) {
      formats = new Map(formats);
      if (content.value === null) formats.delete(content.key);
      else formats.set(content.key, { item, content });
    } else if (content instanceof Y.ContentString) {
      runs.push({ insert: content.str, formats });
    }
  }
  return runs;
}
