/**
 * Pictures inside a story's Y.Doc: the lead image and the figures in the Body
 * (docs/document-layout.md). Like the rest of the layout this is a public
 * contract: other Yjs clients write it, the server publishes it.
 */
import { MEDIA_LIMITS } from './media';

/** How wide a figure runs on the public page: the column, wider than the column, the whole window. */
export const FIGURE_LAYOUTS = ['inline', 'wide', 'full'] as const;
export type FigureLayout = (typeof FIGURE_LAYOUTS)[number];
export const FIGURE_LAYOUT_LABELS: Record<FigureLayout, string> = { inline: 'In the column', wide: 'Wide', full: 'Full width' };

/** The Body's picture: a leaf block element, everything in its attributes. */
export const FIGURE_NODE = 'figure';

/**
 * A figure's attributes. `media` is null while its upload is under way (`upload` then names it on the
 * uploader's device, `uploadBy` is the uploader's name for the placeholder the others see); a figure
 * without media is never published.
 */
export type FigureAttrs = {
  media: string | null;
  width: number | null;
  height: number | null;
  alt: string;
  caption: string;
  credit: string;
  layout: FigureLayout;
  upload: string | null;
  uploadBy: string | null;
};

export const EMPTY_FIGURE: FigureAttrs = {
  media: null,
  width: null,
  height: null,
  alt: '',
  caption: '',
  credit: '',
  layout: 'inline',
  upload: null,
  uploadBy: null,
};

/**
 * The lead image: `lead` (Y.Map: `media` id, `width`, `height`) and its words in three Y.Text roots, so
 * two people can type in the caption at once and both keep their words. No `media`: no lead image.
 */
export const LEAD_ROOT = 'lead';
export const LEAD_TEXT_ROOTS = { alt: 'leadAlt', caption: 'leadCaption', credit: 'leadCredit' } as const;
export type LeadTextKey = keyof typeof LEAD_TEXT_ROOTS;

export const LEAD_TEXT_LIMITS: Record<LeadTextKey, number> = {
  alt: MEDIA_LIMITS.altMaxChars,
  caption: MEDIA_LIMITS.captionMaxChars,
  credit: MEDIA_LIMITS.creditMaxChars,
};

/** A picture as the story shows it (the lead image, or a figure with its upload done). */
export type StoryImage = { media: string; width: number; height: number; alt: string; caption: string; credit: string };
export type BodyFigure = StoryImage & { layout: FigureLayout };

const MEDIA_ID = /^[A-Za-z0-9_-]{22}$/;
const MAX_SIDE = 100_000;

export function isMediaId(value: unknown): value is string {
  return typeof value === 'string' && MEDIA_ID.test(value);
}

export function isFigureLayout(value: unknown): value is FigureLayout {
  return typeof value === 'string' && (FIGURE_LAYOUTS as readonly string[]).includes(value);
}

/** A side length as a client wrote it: a positive integer, or null. */
export function imageSide(value: unknown): number | null {
  const n = typeof value === 'string' ? (/^\d{1,6}$/.test(value) ? Number(value) : null) : value;
  return typeof n === 'number' && Number.isSafeInteger(n) && n > 0 && n <= MAX_SIDE ? n : null;
}

/** A text attribute as a client wrote it: a string, trimmed and cut to the limit (never inside a character). */
export function imageText(value: unknown, max: number): string {
  if (typeof value !== 'string') return '';
  const trimmed = value.trim();
  return trimmed.length <= max
    ? trimmed
    : Array.from(trimmed.slice(0, max))
        .slice(0, max)
        .join('')
        .replace(/[\uD800-\uDBFF]$/, '');
}

/**
 * Which pictures lack alt text, in words a person can act on ("the lead image", "picture 2 in the
 * Body"). `figures` counts only figures with an image (uploads under way are not pictures yet).
 */
export function missingAltText(lead: StoryImage | null, figures: ReadonlyArray<Pick<StoryImage, 'alt'>>): string[] {
  const missing: string[] = [];
  if (lead && !lead.alt.trim()) missing.push('the lead image');
  figures.forEach((figure, index) => {
    if (!figure.alt.trim()) missing.push(`picture ${index + 1} in the Body`);
  });
  return missing;
}

/** The pre-publish message for `missingAltText`, or null. */
export function altTextProblem(missing: readonly string[]): string | null {
  if (missing.length === 0) return null;
  const list = missing.length === 1 ? missing[0] : `${missing.slice(0, -1).join(', ')} and ${missing[missing.length - 1]}`;
  return `Add alt text to ${list}: describe each picture for people who cannot see it`;
}
