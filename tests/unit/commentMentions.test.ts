import { describe, expect, it } from 'vitest';
import { bodyParts, insertMention, matchingMembers, mentionedIds, mentionQuery } from '../../client/lib/story/commentMentions';

const ana = { id: 'a', name: 'Ana Lopez' };
const ana2 = { id: 'a2', name: 'Ana' };
const ben = { id: 'b', name: 'Ben Editor' };
const zoe = { id: 'z', name: 'Zoë Banks' };

describe('mentions', () => {
  it('finds the "@…" being typed at the caret, only at a word start', () => {
    expect(mentionQuery('Ask @Be', 7)).toEqual({ start: 4, query: 'Be' });
    expect(mentionQuery('@', 1)).toEqual({ start: 0, query: '' });
    expect(mentionQuery('mail ana@example', 16)).toBeNull();
    expect(mentionQuery('Ask @Ben now', 12)).toBeNull();
    expect(mentionQuery('Ask @Ben now', 8)).toEqual({ start: 4, query: 'Ben' });
  });

  it('offers people whose name (or a word of it) starts with the query, name starts first', () => {
    expect(matchingMembers([ben, zoe, ana], 'b').map((m) => m.name)).toEqual(['Ben Editor', 'Zoë Banks']);
    expect(matchingMembers([ben, zoe, ana], 'LOP')).toEqual([ana]);
    expect(matchingMembers([ben, zoe, ana], '')).toHaveLength(3);
    expect(matchingMembers([ben], 'x')).toEqual([]);
  });

  it('puts the chosen name in place of the query, caret after it', () => {
    const text = 'Ask @Be about it';
    const query = mentionQuery(text, 7)!;
    expect(insertMention(text, 7, query, ben)).toEqual({ text: 'Ask @Ben Editor about it', caret: 16 });
    expect(insertMention('@b', 2, { start: 0, query: 'b' }, ben)).toEqual({ text: '@Ben Editor ', caret: 12 });
  });

  it('sends only the chosen people still named in the text, once each', () => {
    expect(mentionedIds('@Ben Editor and @Ana Lopez, @Ben Editor', [ben, ana, zoe])).toEqual(['b', 'a']);
    expect(mentionedIds('@Ben Editors', [ben])).toEqual([]);
    expect(mentionedIds('no one', [ben])).toEqual([]);
  });

  it('splits a body into text and mentions, longest name first', () => {
    expect(bodyParts('Hi @Ana Lopez and @Ana, see @Ben Editor.', [ana2, ana, ben])).toEqual([
      { text: 'Hi ', mention: false },
      { text: '@Ana Lopez', mention: true },
      { text: ' and ', mention: false },
      { text: '@Ana', mention: true },
      { text: ', see ', mention: false },
      { text: '@Ben Editor', mention: true },
      { text: '.', mention: false },
    ]);
    expect(bodyParts('@Zoë Banks', [zoe])).toEqual([{ text: '@Zoë Banks', mention: true }]);
    expect(bodyParts('plain @Ben', [])).toEqual([{ text: 'plain @Ben', mention: false }]);
  });
});
