import { applySuggestion, revertSuggestion, transformToSuggestionTransaction } from '@handlewithcare/prosemirror-suggest-changes';
import { getSchema } from '@tiptap/core';
import type { Node as PMNode, Schema } from '@tiptap/pm/model';
import { AllSelection, EditorState, TextSelection, type Transaction } from '@tiptap/pm/state';
import { prosemirrorToYXmlFragment, yXmlFragmentToProseMirrorRootNode } from '@tiptap/y-tiptap';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { fieldExtensions } from '../../client/lib/editor/fields';
import { newSuggestionId, selectTextOnly, stampAuthor } from '../../client/lib/editor/suggestions';
import { readSuggestions } from '../../shared/suggestions';

const ANA = '11111111-1111-4111-8111-111111111111';
const BEN = '22222222-2222-4222-8222-222222222222';

const schema: Schema = getSchema(fieldExtensions('body', { onEnter: () => {} }));

function bodyState(text: string): EditorState {
  return EditorState.create({ doc: schema.node('doc', null, [schema.node('paragraph', null, [schema.text(text)])]) });
}

/** What the Suggesting extension does to one of this person's transactions. */
function suggest(state: EditorState, edit: (tr: Transaction) => void, userId: string): EditorState {
  const tr = state.tr;
  edit(tr);
  const tracked = transformToSuggestionTransaction(tr, state, newSuggestionId);
  return state.apply(stampAuthor(tracked, state.doc, userId));
}

/** Text runs with their suggestion marks, zero-width anchors shown as ¶. */
function runs(doc: PMNode): Array<[string, string | null, string | null]> {
  const out: Array<[string, string | null, string | null]> = [];
  doc.descendants((node) => {
    if (!node.isText) return true;
    const mark = node.marks.find((m) => m.type.name === 'insertion' || m.type.name === 'deletion');
    out.push([node.text!.replaceAll('\u200B', '¶'), mark?.type.name ?? null, mark?.attrs.by ?? null]);
    return false;
  });
  return out;
}

/** Position just after the first occurrence of `text` in the first paragraph. */
const after = (doc: PMNode, text: string) => 1 + doc.textContent.indexOf(text) + text.length;

describe('suggesting (prosemirror-suggest-changes with authors)', () => {
  it('records an insertion and a deletion as marks carrying the suggester, in place of the change', () => {
    let state = bodyState('Ferry fares rise today.');
    state = suggest(state, (tr) => tr.insertText(' sharply', after(state.doc, 'rise')), ANA);
    const from = after(state.doc, 'Ferry ');
    state = suggest(state, (tr) => tr.delete(from, from + 'fares '.length), ANA);
    expect(runs(state.doc)).toEqual([
      ['Ferry ', null, null],
      ['fares ', 'deletion', ANA],
      ['rise', null, null],
      [' sharply', 'insertion', ANA],
      [' today.', null, null],
    ]);
    // Both are still in the text: nothing was changed, only suggested.
    expect(state.doc.textContent).toBe('Ferry fares rise sharply today.');
  });

  it('gives two people’s suggestions different ids and their own authors', () => {
    let state = bodyState('One two three.');
    state = suggest(state, (tr) => tr.insertText(' and a half', after(state.doc, 'One')), ANA);
    state = suggest(state, (tr) => tr.insertText(' more', after(state.doc, 'three')), BEN);
    const marks: Array<{ id: string; by: string }> = [];
    state.doc.descendants((node) => {
      const mark = node.marks.find((m) => m.type.name === 'insertion');
      if (mark) marks.push(mark.attrs as { id: string; by: string });
    });
    expect(marks.map((m) => m.by)).toEqual([ANA, BEN]);
    expect(marks[0].id).not.toBe(marks[1].id);
  });

  it('typing on from one’s own suggestion extends it', () => {
    let state = bodyState('Rain.');
    state = suggest(state, (tr) => tr.insertText(' Heavy', after(state.doc, 'Rain.')), ANA);
    state = suggest(state, (tr) => tr.insertText(' rain', after(state.doc, 'Heavy')), ANA);
    expect(runs(state.doc)).toEqual([
      ['Rain.', null, null],
      [' Heavy rain', 'insertion', ANA],
    ]);
  });

  it('a whole paragraph suggested for removal is marked on its text, which the Yjs binding keeps', () => {
    const doc = schema.node('doc', null, [
      schema.node('paragraph', null, [schema.text('Keep.')]),
      schema.node('paragraph', null, [schema.text('Cut.')]),
    ]);
    let state = EditorState.create({ doc });
    const second = doc.child(0).nodeSize;
    state = suggest(state, (tr) => tr.delete(second, doc.content.size), ANA);
    state.doc.forEach((block) => expect(block.marks).toEqual([])); // no node marks: Yjs would lose them
    expect(runs(state.doc)).toContainEqual(['Cut.', 'deletion', ANA]);
  });

  it('select-all then delete in a one-line field becomes a suggestion on its text', () => {
    const headline = getSchema(fieldExtensions('headline', { onEnter: () => {} }));
    let state = EditorState.create({
      doc: headline.node('doc', null, [headline.node('paragraph', null, [headline.text('Old headline')])]),
    });
    state = suggest(
      state,
      (tr) => {
        tr.setSelection(new AllSelection(tr.doc));
        selectTextOnly(tr);
        tr.deleteSelection();
      },
      ANA,
    );
    expect(state.doc.textContent).toBe('Old headline');
    expect(state.doc.firstChild!.marks).toEqual([]);
    expect(runs(state.doc)).toContainEqual(['Old headline', 'deletion', ANA]);
  });

  it('survives the round trip through Y.XmlText attributes, which other clients and the server read', () => {
    let state = bodyState('Ferry fares rise today.');
    state = suggest(state, (tr) => tr.insertText(' sharply', after(state.doc, 'rise')), ANA);
    const from = after(state.doc, 'Ferry ');
    state = suggest(state, (tr) => tr.delete(from, from + 'fares '.length), BEN);

    const ydoc = new Y.Doc();
    prosemirrorToYXmlFragment(state.doc, ydoc.getXmlFragment('body'));
    const text = (ydoc.getXmlFragment('body').get(0) as Y.XmlElement).get(0) as Y.XmlText;
    const delta = text.toDelta() as Array<{ insert: string; attributes?: Record<string, { id: string; by: string }> }>;
    expect(delta.find((op) => op.insert === ' sharply')?.attributes?.insertion).toMatchObject({ by: ANA });
    expect(delta.find((op) => op.insert === 'fares ')?.attributes?.deletion).toMatchObject({ by: BEN });

    // Another client (a second browser, a reload) gets the same marks back.
    const copy = new Y.Doc();
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(ydoc));
    const back = yXmlFragmentToProseMirrorRootNode(copy.getXmlFragment('body'), schema);
    expect(back.eq(state.doc)).toBe(true);

    expect(readSuggestions(copy)).toEqual([
      expect.objectContaining({ field: 'body', by: BEN, inserted: '', deleted: 'fares ' }),
      expect.objectContaining({ field: 'body', by: ANA, inserted: ' sharply', deleted: '' }),
    ]);
  });

  it('accepting keeps an insertion and drops a deletion; rejecting does the opposite', () => {
    let state = bodyState('Ferry fares rise today.');
    state = suggest(state, (tr) => tr.insertText(' sharply', after(state.doc, 'rise')), ANA);
    const from = after(state.doc, 'Ferry ');
    state = suggest(state, (tr) => tr.delete(from, from + 'fares '.length), ANA);
    const [deletion, insertion] = readSuggestionsOf(state.doc);

    const run = (s: EditorState, command: (st: EditorState, d: (tr: Transaction) => void) => boolean) => {
      let next = s;
      command(s, (tr) => (next = s.apply(tr)));
      return next;
    };
    const accepted = run(run(state, applySuggestion(insertion)), applySuggestion(deletion));
    expect(accepted.doc.textContent).toBe('Ferry rise sharply today.');
    expect(runs(accepted.doc).every(([, mark]) => mark === null)).toBe(true);
    const rejected = run(run(state, revertSuggestion(insertion)), revertSuggestion(deletion));
    expect(rejected.doc.textContent).toBe('Ferry fares rise today.');
    expect(runs(rejected.doc).every(([, mark]) => mark === null)).toBe(true);
  });

  it('leaves remote-looking marks without an author alone rather than claiming them', () => {
    const insertion = schema.marks.insertion.create({ id: 'foreign', by: null });
    let state = EditorState.create({
      doc: schema.node('doc', null, [schema.node('paragraph', null, [schema.text('From a script. '), schema.text('Added.', [insertion])])]),
    });
    state = state.apply(state.tr.setSelection(TextSelection.create(state.doc, 1)));
    state = suggest(state, (tr) => tr.insertText('New: ', 1), ANA);
    expect(runs(state.doc)).toEqual([
      ['New: ', 'insertion', ANA],
      ['From a script. ', null, null],
      ['Added.', 'insertion', null],
    ]);
  });
});

function readSuggestionsOf(doc: PMNode): Array<string | number> {
  const ids: Array<string | number> = [];
  doc.descendants((node) => {
    for (const mark of node.marks) if (!ids.includes(mark.attrs.id as string)) ids.push(mark.attrs.id as string);
  });
  return ids;
}
