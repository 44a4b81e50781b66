import { describe, expect, it } from 'vitest';
import { publicationProblems, slugProblemOf } from '../../shared/publicationChecks';

const ready = {
  headline: 'Harbour bridge reopens',
  standfirst: 'Repairs finished early.',
  byline: 'Sam Reporter',
  bodyText: 'Traffic flowed again.',
  slug: null,
  missingAlt: [],
};

describe('publicationProblems', () => {
  it('finds nothing wrong with a complete story', () => {
    expect(publicationProblems(ready)).toEqual({});
  });

  it('names each missing field with its own message', () => {
    expect(publicationProblems({ headline: ' ', standfirst: '', byline: '\n', bodyText: '  ', slug: null, missingAlt: [] })).toEqual({
      headline: 'Add a headline',
      standfirst: 'Add a standfirst: one paragraph that sums the story up',
      byline: 'Add a byline',
      body: 'Add body text',
    });
  });

  it('names every picture without alt text in one message', () => {
    expect(publicationProblems({ ...ready, missingAlt: ['the lead image'] })).toEqual({
      images: 'Add alt text to the lead image: describe each picture for people who cannot see it',
    });
    expect(publicationProblems({ ...ready, missingAlt: ['the lead image', 'picture 1 in the Body', 'picture 3 in the Body'] }).images).toBe(
      'Add alt text to the lead image, picture 1 in the Body and picture 3 in the Body: describe each picture for people who cannot see it',
    );
  });

  it('allows a headline of 120 characters and refuses 121, saying how long it is', () => {
    expect(publicationProblems({ ...ready, headline: 'a'.repeat(120) })).toEqual({});
    expect(publicationProblems({ ...ready, headline: 'a'.repeat(121) })).toEqual({
      headline: 'Headline is 121 characters; the limit is 120',
    });
  });

  it('asks for a web address when the headline has nothing to make one from', () => {
    expect(publicationProblems({ ...ready, headline: '¿¡…!?' }).slug).toMatch(/no letters or digits/);
    expect(publicationProblems({ ...ready, headline: '¿¡…!?', slug: 'questions' })).toEqual({});
  });

  it('checks a chosen web address', () => {
    expect(publicationProblems({ ...ready, slug: 'Harbour Bridge' }).slug).toMatch(/lower-case letters, digits and single hyphens/);
    expect(publicationProblems({ ...ready, slug: 'harbour-bridge' })).toEqual({});
  });
});

describe('slugProblemOf', () => {
  it.each([
    ['', 'Add a web address'],
    ['a'.repeat(81), 'Web address is 81 characters; the limit is 80'],
    ['double--hyphen', expect.stringContaining('single hyphens')],
    ['-leading', expect.stringContaining('single hyphens')],
    ['trailing-', expect.stringContaining('single hyphens')],
    ['ünïcode', expect.stringContaining('lower-case')],
    ['with/slash', expect.stringContaining('lower-case')],
  ])('refuses %j', (slug, message) => {
    expect(slugProblemOf(slug)).toEqual(message);
  });

  it.each(['a', 'budget-2027', 'a'.repeat(80)])('accepts %j', (slug) => {
    expect(slugProblemOf(slug)).toBeNull();
  });
});
