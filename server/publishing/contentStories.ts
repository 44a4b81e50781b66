import type { StoryImage } from '../../shared/figures';
import { mediaUrl, type VariantFormat } from '../../shared/media';
import type { ContentImage, ContentStory, ContentStorySummary } from '../../shared/contentApi';
import type { PublicationCursor, PublicationRecord } from '../persistence/PublicationStore';
import { absoluteImages, type FeedSite, storyUrl } from './feeds';
import { imageCandidates, sharedImage } from './pictureMarkup';

/**
 * Publications as the content API gives them: every address absolute (the front-end reading them is
 * elsewhere), dates as stored (ISO 8601, UTC), the body as published with its pictures made absolute.
 */

export function contentSummary(p: PublicationRecord, site: FeedSite): ContentStorySummary {
  return {
    id: p.storyId,
    slug: p.slug,
    url: storyUrl(site, p.slug),
    headline: p.headline,
    standfirst: p.standfirst,
    byline: p.byline,
    lead: p.lead && contentImage(p.lead, site),
    publishedAt: p.publishedAt,
    updatedAt: p.updatedAt,
  };
}

/** Its authors are the people the page credits (docs/site.md#authors), as published. */
export function contentStory(p: PublicationRecord, site: FeedSite): ContentStory {
  return {
    ...contentSummary(p, site),
    bodyHtml: absoluteImages(p.bodyHtml, site),
    authors: p.authors.map(({ id, name }) => ({ id, name })),
  };
}

function contentImage(image: StoryImage, site: FeedSite): ContentImage {
  const shared = sharedImage(image);
  const candidates = imageCandidates(image.width);
  const srcset = (format: VariantFormat) =>
    candidates.map(({ file, width }) => `${site.origin}${mediaUrl(image.media, `${file}.${format}`)} ${width}w`).join(', ');
  return {
    url: `${site.origin}${shared.path}`,
    width: shared.width,
    height: shared.height,
    alt: image.alt,
    caption: image.caption,
    credit: image.credit,
    srcset: { avif: srcset('avif'), webp: srcset('webp'), jpeg: srcset('jpeg') },
  };
}

/**
 * Cursors are opaque to callers: base64url of `[publishedAt, storyId]`, the last story of a page.
 * One that does not decode to exactly that is refused rather than guessed at.
 */
export function encodeCursor(p: PublicationCursor): string {
  return Buffer.from(JSON.stringify([p.publishedAt, p.storyId])).toString('base64url');
}

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function decodeCursor(cursor: string): PublicationCursor | undefined {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(value) || value.length !== 2) return undefined;
  const [publishedAt, storyId] = value as unknown[];
  if (typeof publishedAt !== 'string' || !ISO_UTC.test(publishedAt) || typeof storyId !== 'string' || !UUID.test(storyId)) return undefined;
  return { publishedAt, storyId };
}
