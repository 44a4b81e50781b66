/**
 * The search's text rules (shared/searchWords.ts, searchQuery.ts, searchSnippet.ts): what a typed query
 * means, and the snippet shown for a found story, as data with the matches marked.
 */
import { describe, expect, it } from 'vitest';
import { parseSearchQuery } from '../../shared/searchQuery';
import { searchSnippet } from '../../shared/searchSnippet';
import { searchWords } from '../../shared/searchWords';

const text = (over: Partial<Record<'headline' | 'standfirst' | 'byline' | 'body', string>>) => ({
  headline: '',
  standfirst: '',
  byline: '',
  body: '',
  ...over,
});

describe('searchWords', () => {
  it('cuts letters and digits out of punctuation, lower case, accents removed, with offsets', () => {
    expect(searchWords('Zoë’s e-mail: 3.5 km (ÉTÉ)')).toEqual([
      { word: 'zoe', start: 0, end: 3 },
      { word: 's', start: 4, end: 5 },
      { word: 'e', start: 6, end: 7 },
      { word: 'mail', start: 8, end: 12 },
      { word: '3', start: 14, end: 15 },
      { word: '5', start: 16, end: 17 },
      { word: 'km', start: 18, end: 20 },
      { word: 'ete', start: 22, end: 25 },
    ]);
  });
});

describe('parseSearchQuery', () => {
  it('reads words, "phrases", -exclusions, OR and prefixes', () => {
    expect(parseSearchQuery('Harbour "city council" -budget storm* OR gale')).toEqual({
      clauses: [
        { anyOf: [{ words: ['harbour'], prefix: false }], excluded: false },
        { anyOf: [{ words: ['city', 'council'], prefix: false }], excluded: false },
        { anyOf: [{ words: ['budget'], prefix: false }], excluded: true },
        {
          anyOf: [
            { words: ['storm'], prefix: true },
            { words: ['gale'], prefix: false },
          ],
          excluded: false,
        },
      ],
    });
  });

  it('reads engine syntax as words or punctuation, and a word with punctuation inside as a phrase', () => {
    expect(parseSearchQuery('NEAR(pier quay) col:umn AND x*')?.clauses.map((c) => c.anyOf[0])).toEqual([
      { words: ['near'], prefix: false },
      { words: ['pier'], prefix: false },
      { words: ['quay'], prefix: false },
      { words: ['col', 'umn'], prefix: false },
      { words: ['and'], prefix: false },
      // One letter is too short a prefix: a plain word.
      { words: ['x'], prefix: false },
    ]);
    expect(parseSearchQuery('"unclosed phrase')?.clauses[0].anyOf[0].words).toEqual(['unclosed', 'phrase']);
  });

  it('answers null when there is nothing to look for', () => {
    for (const q of ['', '   ', '((**))', '-only -excluded', '"" - OR']) expect(parseSearchQuery(q), q).toBeNull();
  });
});

describe('searchSnippet', () => {
  it('marks a phrase once, in the body, with the text around it cut at words', () => {
    const body = `${'Lorem ipsum dolor sit amet. '.repeat(6)}The keeper counted seventeen herons at dawn. ${'More words follow here. '.repeat(12)}`;
    const snippet = searchSnippet(text({ headline: 'Herons', body }), parseSearchQuery('"seventeen herons"')!)!;
    expect(snippet.field).toBe('body');
    expect(snippet.segments.filter((s) => s.mark)).toEqual([{ text: 'seventeen herons', mark: true }]);
    const shown = snippet.segments.map((s) => s.text).join('');
    expect(shown.startsWith('…')).toBe(true);
    expect(shown.endsWith('…')).toBe(true);
    // Cut at whole words: the text resumes at the start of one.
    expect(shown).toMatch(/^…Lorem ipsum/);
    expect(shown.length).toBeLessThan(220);
  });

  it('marks every word and prefix of the query, not excluded ones, and takes the next field when the body has none', () => {
    const snippet = searchSnippet(
      text({ standfirst: 'Storms and stormy weather\nover the harbour', body: 'Nothing to see' }),
      parseSearchQuery('storm* harbour -nothing')!,
    )!;
    expect(snippet).toEqual({
      field: 'standfirst',
      segments: [
        { text: 'Storms', mark: true },
        { text: ' and ', mark: false },
        { text: 'stormy', mark: true },
        { text: ' weather over the ', mark: false },
        { text: 'harbour', mark: true },
      ],
    });
    expect(searchSnippet(text({ body: 'unrelated' }), parseSearchQuery('storm')!)).toBeNull();
  });
});
