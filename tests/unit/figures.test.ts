import { describe, expect, it } from 'vitest';
import { imageSide, imageText, isFigureLayout, isMediaId, missingAltText } from '../../shared/figures';

const image = (alt: string) => ({ media: 'a'.repeat(22), width: 800, height: 600, alt, caption: '', credit: '' });

describe('figures', () => {
  it('counts pictures without alt text by where they are, whitespace being no alt text', () => {
    expect(missingAltText(image(' '), [{ alt: 'A ferry' }, { alt: '' }])).toEqual(['the lead image', 'picture 2 in the Body']);
    expect(missingAltText(null, [{ alt: 'A ferry' }])).toEqual([]);
  });

  it('reads what a client wrote defensively', () => {
    expect(isMediaId('a'.repeat(22))).toBe(true);
    expect(isMediaId('../../etc/passwd')).toBe(false);
    expect(isFigureLayout('wide')).toBe(true);
    expect(isFigureLayout('toString')).toBe(false);
    expect(imageSide('640')).toBe(640);
    expect(imageSide(-1)).toBeNull();
    expect(imageSide(1e9)).toBeNull();
    expect(imageSide('1e3')).toBeNull();
    expect(imageSide('0x10')).toBeNull();
    expect(imageText('ab😀', 3)).toBe('ab');
    expect(imageText(' <b>x</b> ', 3)).toBe('<b>');
    expect(imageText({ toString: () => 'x' }, 10)).toBe('');
  });
});
