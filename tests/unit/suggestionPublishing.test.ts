import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { renderStory } from '../../server/publishing/renderStory';
import { storyContent } from '../../server/publishing/storyContent';
import { publicationWarnings } from '../../shared/publicationChecks';
import { readSuggestions } from '../../shared/suggestions';
import { docWith, p } from '../helpers/yjsBuilders';

// Suggestion marks as the editor writes them through the Yjs binding (see docs/document-layout.md).
const ANA = '11111111-1111-4111-8111-111111111111';
const inserted = (id: string, by = ANA) => ({ insertion: { id, by } });
const deleted = (id: string, by = ANA) => ({ deletion: { id, by } });

function storyWithSuggestions() {
  return docWith({
    headline: [p(['Ferry fares '], ['sharply ', inserted('h1')], ['rise'])],
    standfirst: [p(['Tickets cost more ', {}], ['from Monday', { ...deleted('s1'), bold: {} }], ['.'])],
    byline: [p(['Jane Doe'])],
    body: [
      p(['The council voted ', {}], ['late ', deleted('b1')], ['on Tuesday', inserted('b2')], ['.']),
      // A paragraph break suggested with Enter: its anchors are zero-width spaces in the marks.
      p(['Second paragraph', {}], ['\u200B', deleted('b3')]),
      p(['A whole new paragraph.', inserted('b4')]),
    ],
  });
}

describe('publishing with suggestions open', () => {
  it('leaves suggested insertions out and keeps suggested deletions as ordinary text', () => {
    const rendered = renderStory(storyWithSuggestions());
    expect(rendered.headline).toBe('Ferry fares rise');
    expect(rendered.standfirst).toBe('Tickets cost more from Monday.');
    expect(rendered.bodyHtml).toBe('<p>The council voted late .</p><p>Second paragraph</p>');
    expect(rendered.bodyText).not.toContain('\u200B');
    expect(rendered.wordCount).toBe(6);
  });

  it('never lets a suggestion mark into the structured content or the HTML', () => {
    const doc = storyWithSuggestions();
    const json = JSON.stringify(storyContent(doc));
    expect(json).not.toMatch(/insertion|deletion|sharply|on Tuesday|\u200B/);
    // The deleted words keep their other formatting, nothing of the suggestion.
    expect(storyContent(doc).standfirst.content?.[0].content).toContainEqual({
      type: 'text',
      text: 'from Monday',
      marks: [{ type: 'bold' }],
    });
    expect(renderStory(doc).bodyHtml).not.toMatch(/<ins|<del|data-suggest/);
  });

  it('reads the open suggestions of every field, grouped by id, in reading order', () => {
    const doc = storyWithSuggestions();
    const client = doc.clientID;
    expect(readSuggestions(doc)).toEqual([
      { id: 'h1', field: 'headline', by: ANA, author: null, client, inserted: 'sharply ', deleted: '' },
      { id: 's1', field: 'standfirst', by: ANA, author: null, client, inserted: '', deleted: 'from Monday' },
      { id: 'b1', field: 'body', by: ANA, author: null, client, inserted: '', deleted: 'late ' },
      { id: 'b2', field: 'body', by: ANA, author: null, client, inserted: 'on Tuesday', deleted: '' },
      { id: 'b3', field: 'body', by: ANA, author: null, client, inserted: '', deleted: '' },
      { id: 'b4', field: 'body', by: ANA, author: null, client, inserted: 'A whole new paragraph.', deleted: '' },
    ]);
  });

  it('says which Yjs client wrote each suggestion’s mark, whoever its `by` claims', () => {
    const writer = docWith({ body: [p(['Fares rise on Monday.'])] });
    const forger = new Y.Doc();
    Y.applyUpdate(forger, Y.encodeStateAsUpdate(writer));
    const text = (forger.getXmlFragment('body').get(0) as Y.XmlElement).get(0) as Y.XmlText;
    text.format(0, 'Fares '.length, deleted('f1', ANA)); // claims to be Ana's
    text.insert(text.length, ' Or not.', inserted('f2', ANA));
    expect(readSuggestions(forger).map(({ id, by, client }) => ({ id, by, client }))).toEqual([
      { id: 'f1', by: ANA, client: forger.clientID },
      { id: 'f2', by: ANA, client: forger.clientID },
    ]);
    expect(forger.clientID).not.toBe(writer.clientID);
  });

  it('ignores marks that are not suggestions, whatever a client wrote', () => {
    const doc = docWith({ body: [p(['odd', { insertion: 'yes' }], [' plain', { deletion: { by: ANA } }])] });
    expect(readSuggestions(doc)).toEqual([]);
  });

  it('warns, without blocking, about open suggestions and unresolved comment threads', () => {
    expect(publicationWarnings({ suggestions: 0, unresolvedThreads: 0 })).toEqual([]);
    expect(publicationWarnings({ suggestions: 2, unresolvedThreads: 1 })).toEqual([
      '2 suggestions are still open',
      '1 comment thread is unresolved',
    ]);
    expect(publicationWarnings({ suggestions: 1, unresolvedThreads: 3 })).toEqual([
      '1 suggestion is still open',
      '3 comment threads are unresolved',
    ]);
  });
});
