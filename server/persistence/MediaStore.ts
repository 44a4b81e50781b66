/**
 * Media: uploaded images, the files made from them, and which stories' public pages show them. Part of
 * the storage contract (Store.ts); rules S-MED-* of the contract suite. Files are kept where the backend
 * keeps them (SQLite: under the data directory; Postgres: in the database, so every process serves all).
 */
import type { MediaFormat } from '../../shared/media';

export type MediaRecord = {
  id: string;
  /** SHA-256 of the uploaded bytes: the same file uploaded twice is stored once. */
  sha256: string;
  format: MediaFormat;
  width: number;
  height: number;
  /** Size of the stored original (re-encoded, metadata stripped). */
  bytes: number;
  uploadedBy: string;
  createdAt: string;
  alt: string;
  caption: string;
  credit: string;
};

type MediaDetails = Partial<Pick<MediaRecord, 'alt' | 'caption' | 'credit'>>;

export type MediaQuery = {
  /** Words that must all appear in the caption, credit, alt text or uploader's name. */
  text?: string;
  /** Only images uploaded before this one (createdAt, id): the page after. */
  before?: { createdAt: string; id: string };
  limit: number;
};

export interface MediaStore {
  /**
   * Keeps a new image: its stored original (`original`) first, then its record. If an image with the
   * same sha256 is already kept, nothing is written and that one is returned.
   */
  addMedia(record: MediaRecord, original: Uint8Array): Promise<{ media: MediaRecord; existing: boolean }>;
  getMedia(id: string): Promise<MediaRecord | undefined>;
  /** Newest first. */
  listMedia(query: MediaQuery): Promise<MediaRecord[]>;
  updateMediaDetails(id: string, details: MediaDetails): Promise<MediaRecord | undefined>;
  /** A file of an image: `original`, or a copy made from it (e.g. `640.webp`). */
  loadMediaFile(id: string, name: string): Promise<Uint8Array | undefined>;
  /** Keeps a copy made from an image (idempotent: the same name always holds the same bytes). */
  saveMediaFile(id: string, name: string, bytes: Uint8Array): Promise<void>;
  /** The images a story's public page shows now: replaces the last set; none once it is unpublished. */
  setPublishedMedia(storyId: string, mediaIds: string[]): Promise<void>;
  /** Whether some story's public page shows the image, or the site's settings use it (SiteSettingsStore), so anyone may see it. */
  isMediaPublic(id: string): Promise<boolean>;
  /** The stories whose public pages show the image. */
  storiesShowingMedia(id: string): Promise<string[]>;
}
