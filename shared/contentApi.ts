/**
 * The content API (docs/distribution.md): a read-only JSON view of the published site for a front-end
 * or app of its own. Its queries (checked at the boundary) and the shapes of its answers.
 */
import { z } from 'zod/mini';
import { TERM_LIMITS } from './taxonomy';

export const CONTENT_API_PREFIX = '/api/content/v1';

/** Stories in one page of the list, unless the caller asks for fewer, and at most. */
export const CONTENT_PAGE_DEFAULT = 20;
const CONTENT_PAGE_MAX = 100;
/** A cursor is base64url of a small JSON pair: anything longer was not made by us. */
const CONTENT_CURSOR_MAX_CHARS = 200;

const isoTime = z.iso.datetime({ offset: true, error: 'Give a date and time, like 2026-12-01T09:00:00Z' });

/**
 * `GET …/stories`: newest first. `since`/`until` bound the first publication (inclusive, exclusive);
 * `cursor` is the `next` of the page before. Unknown parameters are refused, as everywhere in the API.
 */
export const ContentListQuery = z.strictObject({
  limit: z.optional(z.string().check(z.regex(/^(100|[1-9][0-9]?)$/, `A whole number from 1 to ${CONTENT_PAGE_MAX}`))),
  cursor: z.optional(
    z.string().check(z.maxLength(CONTENT_CURSOR_MAX_CHARS, 'Not a cursor of ours'), z.regex(/^[A-Za-z0-9_-]+$/, 'Not a cursor of ours')),
  ),
  since: z.optional(isoTime),
  until: z.optional(isoTime),
  /**
   * Those published in this section, or carrying this tag: its name as published, or its address segment as the
   * site writes it (`world-news` for "World News"). One nothing live carries gives an empty list.
   */
  section: z.optional(z.string().check(z.minLength(1), z.maxLength(TERM_LIMITS.sections.maxChars))),
  tag: z.optional(z.string().check(z.minLength(1), z.maxLength(TERM_LIMITS.tags.maxChars))),
});
export type ContentListQuery = z.output<typeof ContentListQuery>;

/** The lead image: the 1280 px JPEG as `url`, every width and format as absolute srcsets. */
export type ContentImage = {
  url: string;
  width: number;
  height: number;
  alt: string;
  caption: string;
  credit: string;
  srcset: { avif: string; webp: string; jpeg: string };
};

/** A story as the list gives it: enough for an index page. */
export type ContentStorySummary = {
  id: string;
  slug: string;
  /** Where the site shows it (absolute). */
  url: string;
  headline: string;
  standfirst: string;
  byline: string;
  lead: ContentImage | null;
  /** First and latest publication (ISO 8601, UTC). */
  publishedAt: string;
  updatedAt: string;
};

/** One story, whole: its body is the published HTML (sanitized), its pictures' addresses absolute. */
export type ContentStory = ContentStorySummary & { bodyHtml: string; authors: ContentAuthor[] };

/** A person a published story credits, as its page does (docs/site.md#authors): account id and name. Never an email. */
export type ContentAuthor = { id: string; name: string };

export type ContentStoryList = { stories: ContentStorySummary[]; next: string | null };
export type ContentAuthorList = { authors: ContentAuthor[] };
export type ContentTermList = { terms: Array<{ id: string; name: string }> };
