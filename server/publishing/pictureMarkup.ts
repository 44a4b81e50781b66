/**
 * A picture as the public page shows it: `<picture>` offering the AVIF, WebP and JPEG copies the
 * server makes (server/media/imageVariants.ts) at the widths it makes them, so each reader's browser
 * fetches the smallest copy that is sharp on their screen. Shared by the Body's figures (renderStory)
 * and the lead image (publicPages); every string is escaped here.
 */
import type { BodyFigure, FigureLayout, StoryImage } from '../../shared/figures';
import { mediaUrl, VARIANT_WIDTHS, type VariantFormat } from '../../shared/media';
import { escapeHtml } from './escapeHtml';

/** One copy a srcset offers: the width its file is named for, and the pixels it really has. */
export type ImageCandidate = { file: number; width: number };

/**
 * The copies worth offering for an image `width` pixels wide: every named width below it, then the
 * first that is not (a copy is never wider than the image, so `960.jpeg` of an 800-pixel image is 800
 * wide and is offered as such). At least the smallest, however narrow the image.
 */
export function imageCandidates(width: number): ImageCandidate[] {
  const candidates: ImageCandidate[] = [];
  for (const file of VARIANT_WIDTHS) {
    candidates.push({ file, width: Math.min(file, width) });
    if (file >= width) break;
  }
  return candidates;
}

export function srcset(media: string, width: number, format: VariantFormat): string {
  return imageCandidates(width)
    .map(({ file, width: real }) => `${mediaUrl(media, `${file}.${format}`)} ${real}w`)
    .join(', ');
}

/**
 * How wide each layout shows on screen (story.css): the 40rem column, or the window less its 1.25rem
 * margins when that is narrower; 60rem for wide pictures; the whole window for full ones.
 */
export const PICTURE_SIZES: Record<FigureLayout, string> = {
  inline: '(min-width: 42.5rem) 40rem, calc(100vw - 2.5rem)',
  wide: '(min-width: 62.5rem) 60rem, calc(100vw - 2.5rem)',
  full: '100vw',
};

/** For browsers without srcset: the 960 copy, or the image's own width below that. */
const FALLBACK_WIDTH = 960;

export function fallbackSrc(media: string, width: number): string {
  const candidates = imageCandidates(width).filter((c) => c.file <= FALLBACK_WIDTH);
  return mediaUrl(media, `${candidates[candidates.length - 1].file}.jpeg`);
}

/** The copy shared links and feeds show: 1280 JPEG, every reader and crawler takes it. */
const SHARED_WIDTH = 1280;

export type SharedImage = { path: string; width: number; height: number };

export function sharedImage(image: Pick<StoryImage, 'media' | 'width' | 'height'>): SharedImage {
  const width = Math.min(SHARED_WIDTH, image.width);
  const height = Math.max(1, Math.round((image.height * width) / image.width));
  return { path: mediaUrl(image.media, `${SHARED_WIDTH}.jpeg`), width, height };
}

/**
 * Body pictures load as the reader scrolls to them; the lead image is the first thing on screen, so
 * it loads at once and before the rest.
 */
export type PictureLoading = 'lazy' | 'lead';

export function pictureHtml(image: StoryImage, sizes: string, loading: PictureLoading): string {
  const { media, width, height } = image;
  const source = (format: VariantFormat) => `<source type="image/${format}" srcset="${srcset(media, width, format)}" sizes="${sizes}">`;
  const how = loading === 'lazy' ? 'loading="lazy" decoding="async"' : 'fetchpriority="high"';
  return [
    '<picture>',
    source('avif'),
    source('webp'),
    `<img src="${fallbackSrc(media, width)}" srcset="${srcset(media, width, 'jpeg')}" sizes="${sizes}" width="${width}" height="${height}"` +
      ` alt="${escapeHtml(image.alt)}" ${how}>`,
    '</picture>',
  ].join('');
}

/** A Body figure, or the lead image (laid out wide, above the body). */
export function figureHtml(figure: BodyFigure, loading: PictureLoading): string {
  const classes = `figure figure--${figure.layout}${loading === 'lead' ? ' figure--lead' : ''}`;
  return `<figure class="${classes}">${pictureHtml(figure, PICTURE_SIZES[figure.layout], loading)}${captionHtml(figure)}</figure>`;
}

function captionHtml({ caption, credit }: StoryImage): string {
  if (!caption && !credit) return '';
  const creditHtml = credit ? `<span class="figure__credit">${escapeHtml(creditText(credit))}</span>` : '';
  return `<figcaption>${escapeHtml(caption)}${caption && credit ? ' ' : ''}${creditHtml}</figcaption>`;
}

/** "Reuters" reads "Photo: Reuters"; a credit that already says what it credits stays as written. */
function creditText(credit: string): string {
  return /^(photo|picture|image|illustration|graphic|drawing)s?\b/i.test(credit) ? credit : `Photo: ${credit}`;
}
