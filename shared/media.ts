/**
 * Pictures: what the media API takes and answers (docs/media.md). Uploads are decided by their bytes;
 * what is stored and served is always an image the server re-encoded, never the uploaded file.
 */
import { z } from 'zod/mini';

/** What may be uploaded, named as the server detects them from the bytes. */
export const MEDIA_FORMATS = ['jpeg', 'png', 'webp', 'gif', 'avif'] as const;
export type MediaFormat = (typeof MEDIA_FORMATS)[number];

/** Widths of the copies made for `srcset`, smallest first; none is wider than the image itself. */
export const VARIANT_WIDTHS = [320, 640, 960, 1280, 1920] as const;
/** Formats of those copies, best first: `<picture>` offers them in this order, JPEG for every browser. */
export const VARIANT_FORMATS = ['avif', 'webp', 'jpeg'] as const;
export type VariantFormat = (typeof VARIANT_FORMATS)[number];

export const MEDIA_LIMITS = {
  altMaxChars: 500,
  captionMaxChars: 1000,
  creditMaxChars: 200,
  /** Longest search text for the library. */
  queryMaxChars: 200,
  /** Library page size. */
  pageSize: 40,
} as const;

/** An uploaded image as the API describes it. */
export type MediaSummary = {
  /** Unguessable: 128 random bits, base64url. */
  id: string;
  format: MediaFormat;
  width: number;
  height: number;
  /** Size of the stored image (metadata stripped). */
  bytes: number;
  uploadedBy: { id: string; name: string };
  createdAt: string;
  /** Defaults for the next use: the last alt text, caption and credit given. */
  alt: string;
  caption: string;
  credit: string;
  /** The stored image itself (full size, original format). */
  url: string;
};

export type MediaUploadResult = {
  media: MediaSummary;
  /** The same bytes were uploaded before: that image is reused. */ existing: boolean;
};
export type MediaList = { media: MediaSummary[]; /** Pass as `before` for the next page; null at the end. */ next: string | null };

const text = (max: number) => z.string().check(z.trim(), z.maxLength(max, `At most ${max} characters`));

export const MediaIdParam = z.string().check(z.regex(/^[A-Za-z0-9_-]{22}$/, 'Not a media id'));
/** A served file: `original`, or a copy such as `640.webp`. */
export const MediaFileParam = z
  .string()
  .check(z.regex(new RegExp(`^(original|(${VARIANT_WIDTHS.join('|')})\\.(${VARIANT_FORMATS.join('|')}))$`), 'No such file'));

export const MediaDetailsBody = z
  .strictObject({
    alt: z.optional(text(MEDIA_LIMITS.altMaxChars)),
    caption: z.optional(text(MEDIA_LIMITS.captionMaxChars)),
    credit: z.optional(text(MEDIA_LIMITS.creditMaxChars)),
  })
  .check(z.refine((body) => Object.keys(body).length > 0, 'Say what to change: alt, caption or credit'));
export type MediaDetailsBody = z.output<typeof MediaDetailsBody>;

export const MediaListQuery = z.strictObject({
  q: z.optional(text(MEDIA_LIMITS.queryMaxChars)),
  /** The `next` of the page before. */
  before: z.optional(z.string().check(z.maxLength(100))),
});

export const mediaUrl = (id: string, file = 'original') => `/media/${id}/${file}`;
