/**
 * The media library's calls to the API (docs/media.md), through api.ts's request, so failures are its
 * ApiError in the server's own words. The upload is not here: it needs XMLHttpRequest for its progress (mediaUpload.ts).
 */
import type { MediaDetailsBody, MediaList, MediaSummary } from '../../../shared/media';
import { request } from '../api';

export type MediaDetails = { media: MediaSummary; publishedIn: string[] };

export const mediaApi = {
  /** A page of the library, newest first; `before` is the `next` of the page before. */
  list: ({ q, before }: { q?: string; before?: string }, signal?: AbortSignal) => {
    const query = new URLSearchParams();
    if (q) query.set('q', q);
    if (before) query.set('before', before);
    const search = query.toString();
    return request<MediaList>('GET', search ? `/api/media?${search}` : '/api/media', undefined, signal);
  },
  /** One image, and the published stories that show it. */
  get: (id: string, signal?: AbortSignal) => request<MediaDetails>('GET', mediaPath(id), undefined, signal),
  /** The alt text, caption and credit offered the next time the image is used. */
  update: (id: string, body: MediaDetailsBody) => request<{ media: MediaSummary }>('PATCH', mediaPath(id), body),
};

const mediaPath = (id: string) => `/api/media/${encodeURIComponent(id)}`;
