import { imageSide, imageText, isMediaId, type StoryImage } from '../../shared/figures';
import { MEDIA_LIMITS } from '../../shared/media';

/**
 * A picture read back from storage (a publication's lead image, a revision's content): checked again
 * as if a client had written it, since the page built from it goes to readers as it is. Anything that
 * is not a whole picture reads as none.
 */
export function storedImage(value: unknown): StoryImage | null {
  if (typeof value !== 'object' || value === null) return null;
  const image = value as Record<string, unknown>;
  const width = imageSide(image.width);
  const height = imageSide(image.height);
  if (!isMediaId(image.media) || width === null || height === null) return null;
  return {
    media: image.media,
    width,
    height,
    alt: imageText(image.alt, MEDIA_LIMITS.altMaxChars),
    caption: imageText(image.caption, MEDIA_LIMITS.captionMaxChars),
    credit: imageText(image.credit, MEDIA_LIMITS.creditMaxChars),
  };
}

/** The lead image column: JSON text, or null for none. Unreadable JSON is no image, never a failed page. */
export function storedLead(column: unknown): StoryImage | null {
  if (typeof column !== 'string') return null;
  try {
    return storedImage(JSON.parse(column));
  } catch {
    return null;
  }
}
