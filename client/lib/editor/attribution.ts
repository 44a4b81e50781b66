/**
 * The attribution view: a ProseMirror plugin that colours each run of text
 * by its author. Every character in the Y.Doc carries the Yjs id (client id
 * and clock) that wrote it; the plugin walks the field's Y.XmlFragment beside
 * the ProseMirror document (the Yjs binding keeps them the same shape) to find
 * where each item's text is, and asks the story's authors (StoryAuthors) who
 * first wrote it: the provenance record for text written again (a restore, an
 * undo, a revert), else the person the server bound the client id to.
 */
import { Extension } from '@tiptap/core';
import type { Node as PMNode } from '@tiptap/pm/model';
import { Plugin, PluginKey } from '@tiptap/pm/state';
import { Decoration, DecorationSet } from '@tiptap/pm/view';
import * as Y from 'yjs';
import type { StoryAuthor } from '../../../shared/api';

export const attributionKey = new PluginKey<DecorationSet>('attribution');

/** Where an item's text sits in the ProseMirror document, and its Yjs id. */
type ItemRun = { from: number; to: number; client: number; clock: number };
type Run = { from: number; to: number; author: Author };

export type Author = Pick<StoryAuthor, 'userId' | 'name' | 'color'>;

/** Part of a run of text and who first wrote it. */
export type AuthoredPart = { length: number; author: Author };

/** What the view needs from the story's authors (StoryAuthors), shared by every field. */
export type AttributionState = {
  /** The view is on. */
  readonly on: boolean;
  /** Who first wrote the `length` characters written from Yjs id (client, clock), in parts, in order. */
  authorsOf(client: number, clock: number, length: number): AuthoredPart[];
  /** Told after each colouring which authors the field's text has. */
  report(field: string, authors: Author[]): void;
  /** The view turned on or off, or more authors became known. */
  onChange(listener: () => void): () => void;
};

export type AttributionOptions = { authors: AttributionState | null; fragment: Y.XmlFragment | null; field: string };

export const Attribution = Extension.create<AttributionOptions>({
  name: 'attribution',

  addOptions() {
    return { authors: null, fragment: null, field: '' };
  },

  addProseMirrorPlugins() {
    const { authors, fragment, field } = this.options;
    if (!authors || !fragment) return [];
    const decorate = (doc: PMNode): DecorationSet => {
      if (!authors.on) return DecorationSet.empty;
      const found = new Map<string, Author>();
      const decorations = authoredRuns(textRuns(fragment, doc), authors).map(({ from, to, author }) => {
        found.set(author.userId || author.name, author);
        return Decoration.inline(from, to, {
          class: 'attribution',
          style: `background-color: ${author.color}40; box-shadow: inset 0 -2px 0 ${author.color}`,
          'data-author': author.name,
          title: author.name,
        });
      });
      authors.report(field, [...found.values()]);
      return DecorationSet.create(doc, decorations);
    };
    return [
      new Plugin<DecorationSet>({
        key: attributionKey,
        state: {
          init: (_, state) => decorate(state.doc),
          apply: (tr, old, _before, state) => (tr.docChanged || tr.getMeta(attributionKey) ? decorate(state.doc) : old),
        },
        props: { decorations: (state) => attributionKey.getState(state) },
      }),
    ];
  },
});

/** Where each item's visible text sits in the ProseMirror document. */
function textRuns(fragment: Y.XmlFragment, doc: PMNode): ItemRun[] {
  const runs: ItemRun[] = [];
  const walk = (parent: Y.XmlFragment | Y.XmlElement, start: number): boolean => {
    let pos = start;
    for (const child of parent.toArray()) {
      if (child instanceof Y.XmlText) {
        for (let item = child._start; item; item = item.right) {
          if (item.deleted || !item.countable) continue;
          if (item.content instanceof Y.ContentString) runs.push({ from: pos, to: pos + item.length, ...item.id });
          pos += item.length;
        }
      } else if (child instanceof Y.XmlElement) {
        const node = doc.nodeAt(pos);
        if (!node) return false; // not the same shape (mid-update): colour what was found
        if (!node.isLeaf && !walk(child, pos + 1)) return false;
        pos += node.nodeSize;
      }
    }
    return true;
  };
  walk(fragment, 0);
  return runs;
}

/** The items' text by first author, a run for each stretch one person wrote. */
function authoredRuns(items: ItemRun[], authors: AttributionState): Run[] {
  const runs: Run[] = [];
  for (const { from, client, clock, to } of items) {
    let at = from;
    for (const { length, author } of authors.authorsOf(client, clock, to - from)) {
      const last = runs.at(-1);
      if (last && last.to === at && sameAuthor(last.author, author)) last.to = at + length;
      else runs.push({ from: at, to: at + length, author });
      at += length;
    }
  }
  return runs;
}

const sameAuthor = (a: Author, b: Author) => (a.userId || a.name) === (b.userId || b.name);
