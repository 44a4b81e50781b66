/**
 * Galley's pictures: takes uploads (imageIntake), keeps them once per distinct file, serves the kept
 * image and the copies made from it (imageVariants), and says who may see one: anyone signed in, and
 * everyone once a published story shows it.
 */
import { randomBytes } from 'node:crypto';
import pLimit from 'p-limit';
import { GalleyError } from '../../shared/errors';
import type { MediaRecord } from '../persistence/MediaStore';
import type { Store, UserRecord } from '../persistence/Store';
import { type IntakeLimits, ImageRefused, intakeImage } from './imageIntake';
import { CONTENT_TYPES, parseVariant, renderVariant } from './imageVariants';

/** Copies rendered at once: the rest wait, so a burst of first views does not take every core from the editors. */
const RENDERS_AT_ONCE = 1;

export type MediaFile = { bytes: Uint8Array; contentType: string };

export class MediaLibrary {
  readonly #renders = pLimit(RENDERS_AT_ONCE);
  /** Uploads under way at once, decoded and re-encoded on libuv's threads. */
  readonly #intakes = pLimit(2);
  readonly #rendering = new Map<string, Promise<Uint8Array>>();

  constructor(
    private readonly store: Store,
    private readonly limits: IntakeLimits,
  ) {}

  async upload(bytes: Buffer, uploader: UserRecord): Promise<{ media: MediaRecord; existing: boolean }> {
    const image = await this.#intakes(() => intakeImage(bytes, this.limits)).catch((error: unknown) => {
      if (error instanceof ImageRefused) throw new GalleyError('bad_request', error.message, { file: error.message });
      throw error;
    });
    const record: MediaRecord = {
      id: randomBytes(16).toString('base64url'),
      sha256: image.sha256,
      format: image.format,
      width: image.width,
      height: image.height,
      bytes: image.original.byteLength,
      uploadedBy: uploader.id,
      createdAt: new Date().toISOString(),
      alt: '',
      caption: '',
      credit: '',
    };
    return this.store.addMedia(record, image.original);
  }

  /** `original`, or a copy such as `640.webp` (made now if it was never asked for); undefined if none. */
  async file(media: MediaRecord, name: string): Promise<MediaFile | undefined> {
    if (name === 'original') {
      const bytes = await this.store.loadMediaFile(media.id, 'original');
      return bytes && { bytes, contentType: CONTENT_TYPES[media.format] };
    }
    const variant = parseVariant(name);
    if (!variant) return undefined;
    const kept = await this.store.loadMediaFile(media.id, name);
    if (kept) return { bytes: kept, contentType: CONTENT_TYPES[variant.format] };
    const key = `${media.id}/${name}`;
    let rendering = this.#rendering.get(key);
    if (!rendering) {
      rendering = this.#renders(async () => {
        const original = await this.store.loadMediaFile(media.id, 'original');
        if (!original) throw new GalleyError('not_found', 'This image’s file is missing');
        const bytes = await renderVariant(original, variant);
        await this.store.saveMediaFile(media.id, name, bytes);
        return bytes;
      }).finally(() => this.#rendering.delete(key));
      this.#rendering.set(key, rendering);
    }
    return { bytes: await rendering, contentType: CONTENT_TYPES[variant.format] };
  }

  /** Anyone signed in may see any image; others only those a published story shows. */
  async mayRead(media: MediaRecord, signedIn: boolean): Promise<boolean> {
    return signedIn || this.store.isMediaPublic(media.id);
  }
}
