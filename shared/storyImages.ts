/**
 * Reads the pictures of a story's Y.Doc (shared/figures.ts) the way the
 * publisher and the pre-publish checks both need them. Any Yjs client can
 * write anything here, so every value is checked, never trusted.
 */
import * as Y from 'yjs';
import {
  FIGURE_NODE,
  LEAD_ROOT,
  LEAD_TEXT_LIMITS,
  LEAD_TEXT_ROOTS,
  imageSide,
  imageText,
  isFigureLayout,
  isMediaId,
  type BodyFigure,
  type FigureAttrs,
  type LeadTextKey,
  type StoryImage,
} from './figures';
import { MEDIA_LIMITS } from './media';

/** The editor never nests this deep; a hostile doc could. */
const MAX_DEPTH = 32;

/** The lead image, or null when there is none (or what is there is not an image). */
export function readLead(doc: Y.Doc): StoryImage | null {
  const lead = doc.getMap<unknown>(LEAD_ROOT);
  const media = lead.get('media');
  const width = imageSide(lead.get('width'));
  const height = imageSide(lead.get('height'));
  if (!isMediaId(media) || width === null || height === null) return null;
  const text = (key: LeadTextKey) => imageText(doc.getText(LEAD_TEXT_ROOTS[key]).toString(), LEAD_TEXT_LIMITS[key]);
  return { media, width, height, alt: text('alt'), caption: text('caption'), credit: text('credit') };
}

/** A figure element's attributes, each checked; null for an element that is not a figure. */
export function figureAttrs(el: Y.XmlElement): FigureAttrs | null {
  if (el.nodeName !== FIGURE_NODE) return null;
  const attr = (name: string): unknown => el.getAttribute(name);
  const media = attr('media');
  const layout = attr('layout');
  const upload = attr('upload');
  const uploadBy = attr('uploadBy');
  return {
    media: isMediaId(media) ? media : null,
    width: imageSide(attr('width')),
    height: imageSide(attr('height')),
    alt: imageText(attr('alt'), MEDIA_LIMITS.altMaxChars),
    caption: imageText(attr('caption'), MEDIA_LIMITS.captionMaxChars),
    credit: imageText(attr('credit'), MEDIA_LIMITS.creditMaxChars),
    layout: isFigureLayout(layout) ? layout : 'inline',
    upload: typeof upload === 'string' ? upload.slice(0, 64) : null,
    uploadBy: typeof uploadBy === 'string' ? uploadBy.slice(0, 200) : null,
  };
}

/** A figure that shows a picture (its upload done), or null. */
export function bodyFigure(attrs: FigureAttrs): BodyFigure | null {
  const { media, width, height, alt, caption, credit, layout } = attrs;
  return media !== null && width !== null && height !== null ? { media, width, height, alt, caption, credit, layout } : null;
}

/** Every figure of a fragment that shows a picture, in document order. */
export function readFigures(fragment: Y.XmlFragment): BodyFigure[] {
  const figures: BodyFigure[] = [];
  const walk = (parent: Y.XmlFragment | Y.XmlElement, depth: number) => {
    if (depth > MAX_DEPTH) return;
    for (const child of parent.toArray()) {
      if (!(child instanceof Y.XmlElement)) continue;
      const attrs = figureAttrs(child);
      const figure = attrs && bodyFigure(attrs);
      if (figure) figures.push(figure);
      else walk(child, depth + 1);
    }
  };
  walk(fragment, 0);
  return figures;
}
