/** How the media library describes a picture in words, and the size its thumbnail takes. */
import { mediaUrl, type MediaSummary } from '../../../shared/media';

/**
 * A copy of the picture in the format every browser reads (the grid's 320 pixels wide, the details' 640),
 * with its size in pixels (a copy is never wider than the image), so it takes its place before it loads.
 */
export function thumbnail(media: MediaSummary, copyWidth: 320 | 640 = 320): { src: string; width: number; height: number } {
  const width = Math.min(copyWidth, media.width);
  return { src: mediaUrl(media.id, `${copyWidth}.jpeg`), width, height: Math.max(1, Math.round((width * media.height) / media.width)) };
}

/** What the picture shows, for a screen reader: its alt text, else its caption; empty when it has neither (decorative). */
export const altOf = (media: MediaSummary) => media.alt || media.caption;

const day = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium' });

/** "6 Dec 2026": a thumbnail has room for the day only (the details give the time). */
export function uploadDay(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '' : day.format(date);
}

/** "1.2 MB", "640 KB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
