import { describe, it, expect } from 'vitest';
import { slugify, isValidSlug, uniqueSlug } from '../../shared/slug';
import { LIMITS } from '../../shared/limits';

describe('slugify', () => {
  it.each([
    ['Élection à Zürich', 'election-a-zurich'],
    ['Council  votes: yes!', 'council-votes-yes'],
    ['  --Leading & trailing--  ', 'leading-trailing'],
    ["Mayor's “shock” U-turn on 5G", 'mayor-s-shock-u-turn-on-5g'],
    ['Ça coûte 100 €', 'ca-coute-100'],
    ['Straße in Øresund', 'strasse-in-oresund'],
    ['ﬁnal ①', 'final-1'],
    ['ALL CAPS', 'all-caps'],
  ])('%j → %j', (headline, slug) => {
    expect(slugify(headline)).toBe(slug);
  });

  it.each(['', '   ', '!!!', '—', '中文标题'])('gives "" when nothing is left of %j', (headline) => {
    expect(slugify(headline)).toBe('');
  });

  it('keeps letters of <script> but never the angle brackets', () => {
    expect(slugify('<script>alert(1)</script>')).toBe('script-alert-1-script');
  });

  it('cuts long headlines at a word boundary within the limit', () => {
    const words = Array.from({ length: 30 }, (_, i) => `word${i}`).join(' ');
    const slug = slugify(words);
    expect(slug.length).toBeLessThanOrEqual(LIMITS.slugMaxChars);
    expect(slug).toMatch(/^word0-word1-.*-word\d+$/);
    expect(words.toLowerCase().replace(/ /g, '-').startsWith(`${slug}-`)).toBe(true);
    expect(isValidSlug(slug)).toBe(true);
  });

  it('never leaves a trailing dash after cutting', () => {
    const slug = slugify(`${'a'.repeat(LIMITS.slugMaxChars - 1)} bcd`);
    expect(slug).toBe('a'.repeat(LIMITS.slugMaxChars - 1));
  });

  it('keeps a cut that lands exactly on a word boundary', () => {
    const first = 'a'.repeat(LIMITS.slugMaxChars);
    expect(slugify(`${first} more`)).toBe(first);
  });

  it('hard-cuts a single word longer than the limit', () => {
    expect(slugify('x'.repeat(200))).toBe('x'.repeat(LIMITS.slugMaxChars));
  });
});

describe('isValidSlug', () => {
  it.each(['a', 'story', 'story-2', 'election-a-zurich', '5g', 'x'.repeat(LIMITS.slugMaxChars)])('accepts %j', (slug) =>
    expect(isValidSlug(slug)).toBe(true),
  );

  it.each(['', '-a', 'a-', 'a--b', 'A', 'a b', 'a_b', 'é', '../etc', 'a/b', 'x'.repeat(LIMITS.slugMaxChars + 1)])('rejects %j', (slug) =>
    expect(isValidSlug(slug)).toBe(false),
  );
});

describe('uniqueSlug', () => {
  const takenIn = (taken: string[]) => (slug: string) => taken.includes(slug);

  it('returns the base when it is free', async () => {
    await expect(uniqueSlug('big-news', takenIn([]))).resolves.toBe('big-news');
  });

  it('uses "story" when the base is empty', async () => {
    await expect(uniqueSlug('', takenIn([]))).resolves.toBe('story');
    await expect(uniqueSlug(slugify('!!!'), takenIn(['story']))).resolves.toBe('story-2');
  });

  it('appends -2, -3 … on collision', async () => {
    await expect(uniqueSlug('big-news', takenIn(['big-news']))).resolves.toBe('big-news-2');
    await expect(uniqueSlug('big-news', takenIn(['big-news', 'big-news-2']))).resolves.toBe('big-news-3');
  });

  it('works with an async isTaken and asks in order', async () => {
    const asked: string[] = [];
    const slug = await uniqueSlug('a', async (s) => {
      asked.push(s);
      return s !== 'a-4';
    });
    expect(slug).toBe('a-4');
    expect(asked).toEqual(['a', 'a-2', 'a-3', 'a-4']);
  });

  it('keeps suffixed slugs within the maximum length and valid', async () => {
    const base = 'x'.repeat(LIMITS.slugMaxChars);
    const slug = await uniqueSlug(base, takenIn([base]));
    expect(slug).toBe(`${'x'.repeat(LIMITS.slugMaxChars - 2)}-2`);
    expect(isValidSlug(slug)).toBe(true);
  });

  it('does not leave a double dash when the cut lands on a dash', async () => {
    const base = `${'x'.repeat(LIMITS.slugMaxChars - 3)}-ab`;
    const slug = await uniqueSlug(base, takenIn([base]));
    expect(slug).toBe(`${'x'.repeat(LIMITS.slugMaxChars - 3)}-2`);
    expect(isValidSlug(slug)).toBe(true);
  });

  it('normalises a base that is not a slug', async () => {
    await expect(uniqueSlug('Élection à Zürich', takenIn([]))).resolves.toBe('election-a-zurich');
  });

  it('gives up rather than looping forever', async () => {
    await expect(uniqueSlug('busy', () => true)).rejects.toThrow(/No free slug/);
  });
});
