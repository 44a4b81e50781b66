/**
 * The copies made of an image for the public page's `<picture>`: each width of VARIANT_WIDTHS up to the
 * image's own, in AVIF, WebP and JPEG, named `<width>.<format>` (`640.webp`). Made on first request,
 * then kept (MediaLibrary); sharp does the work on libuv's threads, off the event loop.
 */
import sharp from 'sharp';
import { VARIANT_FORMATS, VARIANT_WIDTHS, type VariantFormat } from '../../shared/media';

export type Variant = { width: number; format: VariantFormat };

export const CONTENT_TYPES: Record<string, string> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  gif: 'image/gif',
  avif: 'image/avif',
};

/** `640.webp` → its width and format; anything else (including `original`) → null. */
export function parseVariant(name: string): Variant | null {
  const match = /^(\d{3,4})\.(avif|webp|jpeg)$/.exec(name);
  if (!match) return null;
  const width = Number(match[1]);
  const format = match[2] as VariantFormat;
  return (VARIANT_WIDTHS as readonly number[]).includes(width) && VARIANT_FORMATS.includes(format) ? { width, format } : null;
}

export async function renderVariant(original: Uint8Array, { width, format }: Variant): Promise<Buffer> {
  const image = sharp(original, { failOn: 'none' }).resize({ width, withoutEnlargement: true });
  switch (format) {
    case 'avif':
      return image.avif({ quality: 55, effort: 2 }).toBuffer();
    case 'webp':
      return image.webp({ quality: 80 }).toBuffer();
    case 'jpeg':
      return image.jpeg({ quality: 82, mozjpeg: true, progressive: true }).toBuffer();
  }
}
