import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { PERSON_COLORS, pickColorIndex, STORY_COLORS_ROOT, storyColor } from '../../shared/personColors';

/** WCAG 2 relative luminance and contrast ratio. */
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255);
  const linear = (c: number) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
}
const contrast = (a: string, b: string) => {
  const [high, low] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (high + 0.05) / (low + 0.05);
};

describe('person colours', () => {
  it('are at least 12, distinct, readable under white label text and clear against the page', () => {
    expect(PERSON_COLORS.length).toBeGreaterThanOrEqual(12);
    expect(new Set(PERSON_COLORS).size).toBe(PERSON_COLORS.length);
    for (const color of PERSON_COLORS) {
      expect(contrast(color, '#ffffff'), color).toBeGreaterThanOrEqual(4.5);
      expect(contrast(color, '#f6f7f9'), color).toBeGreaterThanOrEqual(3);
    }
  });

  it('gives someone joining a colour nobody present has, preferring one nobody has had', () => {
    expect(pickColorIndex([0, 1], new Set([0, 1, 2]))).toBe(3);
    expect(pickColorIndex([0, 1], new Set(PERSON_COLORS.map((_, i) => i)))).toBe(2);
    const everyone = PERSON_COLORS.map((_, i) => i);
    // More people than colours: the one fewest share.
    expect(pickColorIndex([...everyone, ...everyone.slice(1)], new Set(everyone))).toBe(0);
  });

  it('reads a person colour from the story, ignoring what is not an index', () => {
    const doc = new Y.Doc();
    const colors = doc.getMap<unknown>(STORY_COLORS_ROOT);
    colors.set('ana', 3);
    colors.set('ben', 99);
    colors.set('cy', 'red');
    expect(storyColor(doc, 'ana')).toBe(PERSON_COLORS[3]);
    expect(storyColor(doc, 'ben')).toBeUndefined();
    expect(storyColor(doc, 'cy')).toBeUndefined();
    expect(storyColor(doc, 'dee')).toBeUndefined();
  });
});
