/**
 * The public page's picture markup (server/publishing/pictureMarkup.ts): which copies a srcset offers
 * for an image of each width, the sizes each layout declares, and the <picture>/<figure> around them.
 */
import { parseDocument, DomUtils } from 'htmlparser2';
import { describe, expect, it } from 'vitest';
import { VARIANT_WIDTHS } from '../../shared/media';
import {
  fallbackSrc,
  figureHtml,
  imageCandidates,
  PICTURE_SIZES,
  pictureHtml,
  sharedImage,
  srcset,
} from '../../server/publishing/pictureMarkup';

const ID = 'Abc_def-0123456789abcd';
const image = (over: Partial<{ width: number; height: number; alt: string; caption: string; credit: string }> = {}) => ({
  media: ID,
  width: 1600,
  height: 900,
  alt: 'A ferry at dusk',
  caption: '',
  credit: '',
  ...over,
});

const elements = (html: string, name: string) => DomUtils.findAll((el) => el.name === name, parseDocument(html).children);
const attrsOf = (html: string, name: string) => elements(html, name).map((el) => el.attribs);

describe('the copies a srcset offers', () => {
  it.each([
    // [image width, [file width, real width]...]
    [
      3000,
      [
        [320, 320],
        [640, 640],
        [960, 960],
        [1280, 1280],
        [1920, 1920],
      ],
    ],
    [
      1920,
      [
        [320, 320],
        [640, 640],
        [960, 960],
        [1280, 1280],
        [1920, 1920],
      ],
    ],
    [
      1600,
      [
        [320, 320],
        [640, 640],
        [960, 960],
        [1280, 1280],
        [1920, 1600],
      ],
    ],
    [
      800,
      [
        [320, 320],
        [640, 640],
        [960, 800],
      ],
    ],
    [
      640,
      [
        [320, 320],
        [640, 640],
      ],
    ],
    [
      641,
      [
        [320, 320],
        [640, 640],
        [960, 641],
      ],
    ],
    [320, [[320, 320]]],
    [200, [[320, 200]]],
    [1, [[320, 1]]],
  ])('for an image %i pixels wide: only copies that exist, each at its real width', (width, expected) => {
    const candidates = imageCandidates(width);
    expect(candidates.map((c) => [c.file, c.width])).toEqual(expected);
    // Every file is one the server makes, no width is offered twice, none is wider than the image.
    for (const c of candidates) expect(VARIANT_WIDTHS as readonly number[]).toContain(c.file);
    expect(new Set(candidates.map((c) => c.width)).size).toBe(candidates.length);
    expect(Math.max(...candidates.map((c) => c.width))).toBeLessThanOrEqual(width);
  });

  it('writes them as a srcset of width descriptors in the format asked for', () => {
    expect(srcset(ID, 800, 'webp')).toBe(`/media/${ID}/320.webp 320w, /media/${ID}/640.webp 640w, /media/${ID}/960.webp 800w`);
    expect(srcset(ID, 100, 'avif')).toBe(`/media/${ID}/320.avif 100w`);
  });

  it('falls back to the 960 copy, or the largest there is below it', () => {
    expect(fallbackSrc(ID, 3000)).toBe(`/media/${ID}/960.jpeg`);
    expect(fallbackSrc(ID, 800)).toBe(`/media/${ID}/960.jpeg`);
    expect(fallbackSrc(ID, 500)).toBe(`/media/${ID}/640.jpeg`);
    expect(fallbackSrc(ID, 90)).toBe(`/media/${ID}/320.jpeg`);
  });

  it('shares the 1280 JPEG, with the size that copy really has', () => {
    expect(sharedImage(image({ width: 3000, height: 2000 }))).toEqual({ path: `/media/${ID}/1280.jpeg`, width: 1280, height: 853 });
    expect(sharedImage(image({ width: 800, height: 600 }))).toEqual({ path: `/media/${ID}/1280.jpeg`, width: 800, height: 600 });
    expect(sharedImage(image({ width: 5000, height: 1 })).height).toBe(1);
  });
});

describe('sizes', () => {
  it('says how wide each layout is on screen: the column, wide, or the whole window', () => {
    expect(PICTURE_SIZES).toEqual({
      inline: '(min-width: 42.5rem) 40rem, calc(100vw - 2.5rem)',
      wide: '(min-width: 62.5rem) 60rem, calc(100vw - 2.5rem)',
      full: '100vw',
    });
    for (const layout of ['inline', 'wide', 'full'] as const) {
      const html = figureHtml({ ...image(), layout }, 'lazy');
      const sizes = [...attrsOf(html, 'source'), ...attrsOf(html, 'img')].map((a) => a.sizes);
      expect(sizes).toEqual([PICTURE_SIZES[layout], PICTURE_SIZES[layout], PICTURE_SIZES[layout]]);
      expect(attrsOf(html, 'figure')[0].class).toBe(`figure figure--${layout}`);
    }
  });
});

describe('<picture>', () => {
  it('offers AVIF, then WebP, then JPEG in an <img> with its size, alt text and lazy loading', () => {
    const html = pictureHtml(image({ width: 800, height: 600 }), PICTURE_SIZES.inline, 'lazy');
    expect(attrsOf(html, 'source')).toEqual([
      { type: 'image/avif', srcset: srcset(ID, 800, 'avif'), sizes: PICTURE_SIZES.inline },
      { type: 'image/webp', srcset: srcset(ID, 800, 'webp'), sizes: PICTURE_SIZES.inline },
    ]);
    expect(attrsOf(html, 'img')).toEqual([
      {
        src: `/media/${ID}/960.jpeg`,
        srcset: srcset(ID, 800, 'jpeg'),
        sizes: PICTURE_SIZES.inline,
        width: '800',
        height: '600',
        alt: 'A ferry at dusk',
        loading: 'lazy',
        decoding: 'async',
      },
    ]);
  });

  it('loads the lead image at once and first: never lazy', () => {
    const [img] = attrsOf(pictureHtml(image(), PICTURE_SIZES.wide, 'lead'), 'img');
    expect(img.fetchpriority).toBe('high');
    expect(img.loading).toBeUndefined();
  });

  it('escapes the alt text, caption and credit', () => {
    const evil = '"><script>alert(1)</script><img src=x onerror=alert(2)>';
    const html = figureHtml({ ...image({ alt: evil, caption: evil, credit: evil }), layout: 'inline' }, 'lazy');
    expect(elements(html, 'script')).toEqual([]);
    expect(elements(html, 'img')).toHaveLength(1);
    expect(attrsOf(html, 'img')[0].alt).toBe(evil);
    const [caption] = elements(html, 'figcaption');
    expect(DomUtils.textContent(caption)).toBe(`${evil} Photo: ${evil}`);
  });

  it('captions with the caption and the credit, says what the credit is for, and leaves out an empty caption', () => {
    const caption = (over: Parameters<typeof image>[0]) => {
      const [el] = elements(figureHtml({ ...image(over), layout: 'inline' }, 'lazy'), 'figcaption');
      return el && DomUtils.getOuterHTML(el);
    };
    expect(caption({ caption: 'The 6pm sailing', credit: 'Jo Lee' })).toBe(
      '<figcaption>The 6pm sailing <span class="figure__credit">Photo: Jo Lee</span></figcaption>',
    );
    expect(caption({ credit: 'Illustration: Sam Ray' })).toBe(
      '<figcaption><span class="figure__credit">Illustration: Sam Ray</span></figcaption>',
    );
    expect(caption({ caption: 'Only words' })).toBe('<figcaption>Only words</figcaption>');
    expect(caption({})).toBeUndefined();
  });
});
