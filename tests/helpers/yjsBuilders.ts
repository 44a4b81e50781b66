/**
 * Builds story documents by hand, the way any Yjs client (not only our editor)
 * could write them: `docWith({ body: [p(['Hello ', {}], ['world', { bold: true }])] })`.
 */
import * as Y from 'yjs';
import type { StoryField } from '../../shared/story';

export type Build = (parent: Y.XmlFragment) => void;
export type Run = [text: string, marks?: Record<string, unknown>];

export function el(name: string, attrs: Record<string, unknown>, ...children: Build[]): Build {
  return (parent) => {
    const element = new Y.XmlElement(name);
    parent.insert(parent.length, [element]);
    for (const [key, value] of Object.entries(attrs)) element.setAttribute(key, value as string);
    for (const child of children) child(element);
  };
}

export function txt(...runs: Run[]): Build {
  return (parent) => {
    const text = new Y.XmlText();
    parent.insert(parent.length, [text]);
    for (const [s, marks] of runs) text.insert(text.length, s, marks ?? {});
  };
}

export const p = (...runs: Run[]) => el('paragraph', {}, txt(...runs));

/** Replaces the given fields of `doc` (a new doc by default) with what the builders write. */
export function docWith(fields: Partial<Record<StoryField, Build[]>>, doc = new Y.Doc()): Y.Doc {
  doc.transact(() => {
    for (const [name, builds] of Object.entries(fields)) {
      const fragment = doc.getXmlFragment(name);
      fragment.delete(0, fragment.length);
      for (const build of builds) build(fragment);
    }
  });
  return doc;
}
