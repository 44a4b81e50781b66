import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { mapThrough, writeChange } from '../../client/lib/editor/sharedTextInput';

function linked(): [Y.Text, Y.Text] {
  const [a, b] = [new Y.Doc(), new Y.Doc()];
  a.on('update', (update: Uint8Array) => Y.applyUpdate(b, update));
  return [a.getText('leadCaption'), b.getText('leadCaption')];
}

describe('sharedTextInput', () => {
  it('writes only what changed, so words typed elsewhere at the same time both stay', () => {
    const [doc1, doc2] = [new Y.Doc(), new Y.Doc()];
    const [one, two] = [doc1.getText('t'), doc2.getText('t')];
    writeChange(one, 'Dawn at the port.', 'me');
    Y.applyUpdate(doc2, Y.encodeStateAsUpdate(doc1));
    // Concurrently: one person adds at the end, the other fixes a word at the start.
    writeChange(one, 'Dawn at the port. Calm seas.', 'me');
    writeChange(two, 'Sunrise at the port.', 'me');
    Y.applyUpdate(doc2, Y.encodeStateAsUpdate(doc1));
    Y.applyUpdate(doc1, Y.encodeStateAsUpdate(doc2));
    expect(one.toString()).toBe('Sunrise at the port. Calm seas.');
    expect(two.toString()).toBe(one.toString());
  });

  it('writes nothing when nothing changed', () => {
    const [text, copy] = linked();
    writeChange(text, 'Credit', 'me');
    const before = Y.encodeStateVector(text.doc!);
    writeChange(text, 'Credit', 'me');
    expect(Y.encodeStateVector(text.doc!)).toEqual(before);
    expect(copy.toString()).toBe('Credit');
  });

  it('keeps a caret in place through changes elsewhere in the text', () => {
    // "Calm seas" with the caret after "Calm": text inserted before moves it on, after leaves it.
    expect(mapThrough([{ insert: 'Very ' }], 4)).toBe(9);
    expect(mapThrough([{ retain: 9 }, { insert: '.' }], 4)).toBe(4);
    expect(mapThrough([{ delete: 2 }], 4)).toBe(2);
    expect(mapThrough([{ retain: 2 }, { delete: 5 }], 4)).toBe(2);
  });
});
