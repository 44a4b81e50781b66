/**
 * The attribution view: a ProseMirror plugin that colours each run of text
 * by its author. Every character in the Y.Doc carries the Yjs client id that
 * wrote it; the plugin walks the field's Y.XmlFragment beside the ProseMirror
 * document (the Yjs binding keeps them the same shape) to find where each
 * author's runs are, and asks the story's authors (StoryAuthors) who each client id is.
 */
import { Extension } from '@tiptap/core';
import type { Node as PMNode } from '@tiptap/pm/model';
import { Plugin, PluginKey } from '@tiptap/pm/state';
import { Decoration, DecorationSet } from '@tiptap/pm/view';
import * as Y from 'yjs';
import type { StoryAuthor } from '../../../shared/api';

export const attributionKey = new PluginKey<DecorationSet>('attribution');

type Run = { from: number; to: number; client: number };

export type Author = Pick<StoryAuthor, 'userId' | 'name' | 'color'>;

/** What the view needs from the story's authors (StoryAuthors), shared by every field. */
export type AttributionState = {
  /** The view is on. */
  readonly on: boolean;
  /** Who wrote with a Yjs client id. */
  authorOf(clientId: number): Author;
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
      const decorations = mergeRuns(textRuns(fragment, doc)).map(({ from, to, client }) => {
        const author = authors.authorOf(client);
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

/** Where each Yjs client id's visible text sits in the ProseMirror document. */
function textRuns(fragment: Y.XmlFragment, doc: PMNode): Run[] {
  const runs: Run[] = [];
  const walk = (parent: Y.XmlFragment | Y.XmlElement, start: number): boolean => {
    let pos = start;
    for (const child of parent.toArray()) {
      if (child instanceof Y.XmlText) {
        for (let item = child._start; item; item = item.right) {
          if (item.deleted || !item.countable) continue;
          if (item.content instanceof Y.ContentString) runs.push({ from: pos, to: pos + item.length, client: item.id.client });
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

function mergeRuns(runs: Run[]): Run[] {
  const merged: Run[] = [];
  for (const run of runs) {
    const last = merged.at(-1);
    if (last && last.client === run.client && last.to === run.from) last.to = run.to;
    else merged.push({ ...run });
  }
  return merged;
}
