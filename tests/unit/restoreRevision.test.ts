import { describe, it, expect } from 'vitest';
import * as Y from 'yjs';
import { documentText } from '../../server/documents/StoryHistory';
import { LEAD_ROOT, LEAD_TEXT_ROOTS } from '../../shared/figures';
import { restoreRevision } from '../../shared/restoreRevision';
import { STORY_FIELDS } from '../../shared/story';
import { type Build, docWith, el, p, txt } from '../helpers/yjsBuilders';

type Field = (typeof STORY_FIELDS)[number];
const fill = (doc: Y.Doc, fields: Partial<Record<Field, Build[]>>) => docWith(fields, doc);

/** Structure, attributes and formatting of every field: what a reader of the doc can observe. */
function snapshot(doc: Y.Doc): Record<string, unknown> {
  return Object.fromEntries(STORY_FIELDS.map((field) => [field, doc.getXmlFragment(field).toArray().map(nodeJson)]));
}

/** Characters of visible text under a fragment. */
function textLength(parent: Y.XmlFragment | Y.XmlElement): number {
  let length = 0;
  for (const child of parent.toArray()) {
    if (child instanceof Y.XmlElement) length += textLength(child);
    if (!(child instanceof Y.XmlText)) continue;
    for (let item = child._start; item; item = item.right)
      if (!item.deleted && item.content instanceof Y.ContentString) length += item.length;
  }
  return length;
}

function nodeJson(node: unknown): unknown {
  if (node instanceof Y.XmlText) return node.toDelta();
  if (node instanceof Y.XmlElement) {
    return { name: node.nodeName, attrs: node.getAttributes(), children: node.toArray().map(nodeJson) };
  }
  return String(node);
}

/** Two docs kept in sync the way the provider does it: every update is sent to the other. */
function syncedPair(): [Y.Doc, Y.Doc] {
  const a = new Y.Doc();
  const b = new Y.Doc();
  a.on('update', (update: Uint8Array, origin: unknown) => origin !== 'remote' && Y.applyUpdate(b, update, 'remote'));
  b.on('update', (update: Uint8Array, origin: unknown) => origin !== 'remote' && Y.applyUpdate(a, update, 'remote'));
  return [a, b];
}

const undoManager = (doc: Y.Doc, origin: unknown) =>
  new Y.UndoManager(
    STORY_FIELDS.map((field) => doc.getXmlFragment(field)),
    { trackedOrigins: new Set([origin]) },
  );

/** The revision: every kind of node, numeric and string attributes, overlapping marks. */
const OLD: Partial<Record<Field, Build[]>> = {
  headline: [p(['Council ', {}], ['votes', { bold: true }])],
  standfirst: [p(['A late decision.'])],
  byline: [p(['Jane Doe'])],
  body: [
    el('heading', { level: 2 }, txt(['What happened'])),
    p(['Read ', {}], ['the report', { link: { href: 'https://example.com/r' }, italic: {}, 'bold--a1': {} }], ['.']),
    el('orderedList', { start: 3 }, el('listItem', {}, p(['third']))),
    el('codeBlock', { language: 'js' }, txt(['x < y'])),
  ],
};

const NEW: Partial<Record<Field, Build[]>> = {
  headline: [p(['Council votes again'])],
  standfirst: [p(['A late decision.'])],
  byline: [p(['Jane Doe and John Roe'])],
  body: [p(['Entirely new body.'])],
};

describe('restoreRevision', () => {
  it('makes every field a copy of the revision, attributes and formatting included', () => {
    const source = fill(new Y.Doc(), OLD);
    const target = fill(new Y.Doc(), NEW);
    restoreRevision(target, source, 'restore');
    expect(snapshot(target)).toEqual(snapshot(source));
    const heading = target.getXmlFragment('body').get(0) as Y.XmlElement;
    expect(heading.getAttribute('level')).toBe(2); // a number stays a number
    const link = (target.getXmlFragment('body').get(1) as Y.XmlElement).get(0) as Y.XmlText;
    expect(link.toDelta()[1]).toEqual({
      insert: 'the report',
      attributes: { link: { href: 'https://example.com/r' }, italic: {}, 'bold--a1': {} },
    });
  });

  it('copies, so later edits to either doc do not reach the other', () => {
    const source = fill(new Y.Doc(), OLD);
    const target = fill(new Y.Doc(), NEW);
    restoreRevision(target, source, 'restore');
    ((target.getXmlFragment('byline').get(0) as Y.XmlElement).get(0) as Y.XmlText).insert(0, 'By ');
    expect(source.getXmlFragment('byline').toString()).toBe('<paragraph>Jane Doe</paragraph>');
    expect(target.getXmlFragment('byline').toString()).toBe('<paragraph>By Jane Doe</paragraph>');
  });

  it('says which new text items copy which of the revision’s, character for character, whoever wrote them', () => {
    // The revision's body written by two people: Ben inserted words inside Ana's paragraph.
    const [ana, ben] = syncedPair();
    fill(ana, { ...OLD, body: [p(['The ferry leaves at noon.'])] });
    const text = (ben.getXmlFragment('body').get(0) as Y.XmlElement).get(0) as Y.XmlText;
    text.insert('The ferry'.length, ' always');
    text.format(0, 3, { bold: true });
    const target = fill(new Y.Doc(), { body: [p(['Something else.'])] });
    const copies = restoreRevision(target, ana, 'restore');
    expect(snapshot(target)).toEqual(snapshot(ana));

    // Every copy holds its original's text; together they cover the restored text once.
    for (const { to, from, length } of copies) {
      expect(to.client).toBe(target.clientID);
      expect(documentText(target, to.client, to.clock, length)).toBe(documentText(ana, from.client, from.clock, length));
    }
    const total = copies.reduce((sum, copy) => sum + copy.length, 0);
    expect(total).toBe(STORY_FIELDS.reduce((sum, field) => sum + textLength(ana.getXmlFragment(field)), 0));
    expect(new Set(copies.map((copy) => copy.from.client))).toEqual(new Set([ana.clientID, ben.clientID]));
  });

  it('is one transaction with the given origin', () => {
    const source = fill(new Y.Doc(), OLD);
    const target = fill(new Y.Doc(), NEW);
    const origins: unknown[] = [];
    target.on('afterTransaction', (transaction: Y.Transaction) => origins.push(transaction.origin));
    const origin = { restore: true };
    restoreRevision(target, source, origin);
    expect(origins).toEqual([origin]);
  });

  it('reaches a synced collaborator like any edit', () => {
    const [mine, theirs] = syncedPair();
    fill(mine, NEW);
    expect(snapshot(theirs)).toEqual(snapshot(mine));
    restoreRevision(mine, fill(new Y.Doc(), OLD), 'restore');
    expect(snapshot(theirs)).toEqual(snapshot(fill(new Y.Doc(), OLD)));
  });

  it('is undone in one step by an UndoManager tracking its origin, for everyone', () => {
    const [mine, theirs] = syncedPair();
    fill(mine, NEW);
    const before = snapshot(mine);
    const origin = { restore: true };
    const undo = undoManager(mine, origin);
    restoreRevision(mine, fill(new Y.Doc(), OLD), origin);
    expect(snapshot(mine)).not.toEqual(before);
    expect(undo.undoStack).toHaveLength(1);
    undo.undo();
    expect(snapshot(mine)).toEqual(before);
    expect(snapshot(theirs)).toEqual(before);
  });

  it('leaves an unchanged field alone, so a collaborator typing in it is not disturbed', () => {
    const source = fill(new Y.Doc(), OLD);
    const target = fill(new Y.Doc(), NEW);
    const standfirst = target.getXmlFragment('standfirst').get(0);
    const changed: string[] = [];
    for (const field of STORY_FIELDS) target.getXmlFragment(field).observeDeep(() => changed.push(field));
    restoreRevision(target, source, 'restore');
    expect(changed.sort()).toEqual(['body', 'byline', 'headline']);
    expect(target.getXmlFragment('standfirst').get(0)).toBe(standfirst); // the very same Yjs item
  });

  it('does nothing at all when the draft already matches the revision', () => {
    const target = fill(new Y.Doc(), OLD);
    const updates: Uint8Array[] = [];
    target.on('update', (update: Uint8Array) => updates.push(update));
    restoreRevision(target, fill(new Y.Doc(), OLD), 'restore');
    expect(updates).toEqual([]);
  });

  it('tells formatting and attribute changes apart from markup-looking text', () => {
    // toString() renders both of these as <paragraph><bold>x</bold></paragraph>.
    const source = fill(new Y.Doc(), { body: [p(['x', { bold: true }])] });
    const target = fill(new Y.Doc(), { body: [p(['<bold>x</bold>'])] });
    expect(target.getXmlFragment('body').toString()).toBe(source.getXmlFragment('body').toString());
    restoreRevision(target, source, 'restore');
    expect(snapshot(target)).toEqual(snapshot(source));

    const levelSource = fill(new Y.Doc(), { body: [el('heading', { level: 3 }, txt(['h']))] });
    const levelTarget = fill(new Y.Doc(), { body: [el('heading', { level: '3' }, txt(['h']))] });
    restoreRevision(levelTarget, levelSource, 'restore');
    expect((levelTarget.getXmlFragment('body').get(0) as Y.XmlElement).getAttribute('level')).toBe(3);
  });

  it('empties fields the revision did not have', () => {
    const target = fill(new Y.Doc(), NEW);
    restoreRevision(target, new Y.Doc(), 'restore');
    for (const field of STORY_FIELDS) expect(target.getXmlFragment(field).length).toBe(0);
  });

  it('copies hostile content as content (rendering sanitizes it), but no Yjs types hidden in text or attributes', () => {
    const source = fill(new Y.Doc(), {
      body: [el('script', { onerror: 'alert(1)' }, txt(['alert(1)', { link: { href: 'javascript:alert(1)' } }]))],
    });
    const paragraph = new Y.XmlElement('paragraph');
    source.getXmlFragment('body').insert(1, [paragraph]);
    const text = new Y.XmlText();
    paragraph.insert(0, [text]);
    text.insert(0, 'before');
    text.insertEmbed(text.length, new Y.Map() as unknown as object); // Yjs' own clone() throws on this
    text.insertEmbed(text.length, { image: 'x.png' });
    paragraph.setAttribute('nested', new Y.Text('x') as unknown as string);
    source.getXmlFragment('body').insert(2, [new Y.XmlHook('widget') as unknown as Y.XmlElement]);

    const target = fill(new Y.Doc(), NEW);
    restoreRevision(target, source, 'restore');
    expect(snapshot(target).body).toEqual([
      {
        name: 'script',
        attrs: { onerror: 'alert(1)' },
        children: [[{ insert: 'alert(1)', attributes: { link: { href: 'javascript:alert(1)' } } }]],
      },
      { name: 'paragraph', attrs: {}, children: [[{ insert: 'before' }, { insert: { image: 'x.png' } }]] },
    ]);
    expect(source.getXmlFragment('body').length).toBe(3); // the source is untouched
  });

  it('copies a deeply nested revision', () => {
    const source = new Y.Doc();
    let parent: Y.XmlFragment = source.getXmlFragment('body');
    for (let i = 0; i < 300; i++) {
      const next = new Y.XmlElement('blockquote');
      parent.insert(0, [next]);
      parent = next;
    }
    txt(['buried'])(parent);
    const target = fill(new Y.Doc(), NEW);
    restoreRevision(target, source, 'restore');
    expect(target.getXmlFragment('body').toString()).toBe(source.getXmlFragment('body').toString());
  });
});

// Checked because the copy could have used clone(): it keeps all of this too, but it
// re-inserts Yjs types embedded in text as they are (see the hostile test above).
describe('Yjs clone()', () => {
  it('keeps element attributes and text formatting', () => {
    const doc = fill(new Y.Doc(), OLD);
    const copy = new Y.Doc();
    copy.getXmlFragment('body').insert(
      0,
      doc
        .getXmlFragment('body')
        .toArray()
        .map((node) => (node as Y.XmlElement).clone()),
    );
    expect(snapshot(copy).body).toEqual(snapshot(doc).body);
  });
});

describe('restoreRevision and the lead image', () => {
  const lead = (doc: Y.Doc) => ({
    ...doc.getMap(LEAD_ROOT).toJSON(),
    alt: doc.getText(LEAD_TEXT_ROOTS.alt).toString(),
    caption: doc.getText(LEAD_TEXT_ROOTS.caption).toString(),
  });

  it('brings back the version’s lead image and its words, and takes away one it did not have', () => {
    const version = new Y.Doc();
    version.getMap(LEAD_ROOT).set('media', 'A'.repeat(22));
    version.getMap(LEAD_ROOT).set('width', 800);
    version.getMap(LEAD_ROOT).set('height', 600);
    version.getText(LEAD_TEXT_ROOTS.alt).insert(0, 'A crane');
    const live = new Y.Doc();
    live.getMap(LEAD_ROOT).set('media', 'B'.repeat(22));
    live.getMap(LEAD_ROOT).set('upload', 'abc');
    live.getText(LEAD_TEXT_ROOTS.caption).insert(0, 'Later caption');
    restoreRevision(live, version, 'restore');
    expect(lead(live)).toEqual({ media: 'A'.repeat(22), width: 800, height: 600, upload: 'abc', alt: 'A crane', caption: '' });

    restoreRevision(live, new Y.Doc(), 'restore');
    expect(lead(live)).toEqual({ upload: 'abc', alt: '', caption: '' });
  });
});
