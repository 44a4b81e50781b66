import { ySyncPluginKey } from '@tiptap/y-tiptap';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { StoryUndo } from '../../client/lib/editor/StoryUndo';
import type { StoryField } from '../../shared/story';

/** Appends text to a field's first paragraph, as the editor's binding (local) or the provider (remote) would. */
function typeInto(doc: Y.Doc, field: StoryField, text: string, origin: unknown): void {
  doc.transact(() => {
    const fragment = doc.getXmlFragment(field);
    if (fragment.length === 0) {
      const paragraph = new Y.XmlElement('paragraph');
      paragraph.insert(0, [new Y.XmlText()]);
      fragment.insert(0, [paragraph]);
    }
    const run = (fragment.get(0) as Y.XmlElement).get(0) as Y.XmlText;
    run.insert(run.length, text);
  }, origin);
}

const text = (doc: Y.Doc, field: StoryField) =>
  ((doc.getXmlFragment(field).get(0) as Y.XmlElement | undefined)?.get(0) as Y.XmlText | undefined)?.toString() ?? '';

describe('StoryUndo', () => {
  it('undoes only this editor’s changes, across fields, newest first, and says which field each undo changed', async () => {
    const doc = new Y.Doc();
    const revealed: StoryField[] = [];
    const undo = new StoryUndo(doc, { reveal: (field) => revealed.push(field), claimCopies: () => {} });
    undo.enterField('headline');
    typeInto(doc, 'headline', 'Ferry fares rise', ySyncPluginKey);
    typeInto(doc, 'headline', ' again', 'provider'); // someone else's words, same paragraph
    undo.enterField('body');
    typeInto(doc, 'body', 'Tickets cost more.', ySyncPluginKey);

    undo.manager.undo();
    await Promise.resolve();
    expect([text(doc, 'headline'), text(doc, 'body')]).toEqual(['Ferry fares rise again', '']);
    undo.manager.undo();
    await Promise.resolve();
    expect(text(doc, 'headline')).toBe(' again');
    expect(undo.manager.undo()).toBeNull(); // nothing of the other editor's on this stack
    expect(revealed).toEqual(['body', 'headline']);

    undo.manager.redo();
    undo.manager.redo();
    await Promise.resolve();
    expect([text(doc, 'headline'), text(doc, 'body')]).toEqual(['Ferry fares rise again', 'Tickets cost more.']);
    expect(revealed).toEqual(['body', 'headline', 'headline', 'body']);
  });

  it('makes a new undo step when typing moves to another field, however fast', () => {
    const doc = new Y.Doc();
    const undo = new StoryUndo(doc, { reveal: () => {}, claimCopies: () => {} });
    undo.enterField('headline');
    typeInto(doc, 'headline', 'Quick', ySyncPluginKey);
    undo.enterField('byline');
    typeInto(doc, 'byline', 'By Ana', ySyncPluginKey);
    undo.manager.undo();
    expect([text(doc, 'headline'), text(doc, 'byline')]).toEqual(['Quick', '']);
  });
});
