/**
 * What becomes of an uploaded file: its type is decided by its bytes (the name and the header are never
 * asked), only JPEG, PNG, WebP, GIF and AVIF pass, its size in pixels is bounded before it is decoded
 * (decompression bombs), and what is kept is a fresh encoding, turned upright by its orientation tag,
 * with every piece of metadata (EXIF, GPS, XMP, IPTC, camera serials, ICC) left behind: a source's
 * location must never leak, and no trailing payload of a polyglot file survives.
 */
import { createHash } from 'node:crypto';
import { fileTypeFromBuffer } from 'file-type';
import sharp, { type Sharp } from 'sharp';
import type { MediaFormat } from '../../shared/media';

/** An upload refused, with the reason to show the person. */
export class ImageRefused extends Error {}

export type IntakeLimits = { maxPixels: number };

export type AcceptedImage = {
  /** The image to keep: re-encoded, upright, no metadata. */
  original: Buffer;
  format: MediaFormat;
  width: number;
  height: number;
  /** Of the uploaded bytes, so the same file uploaded again is recognised. */
  sha256: string;
};

const DETECTED: Record<string, MediaFormat> = {
  'image/jpeg': 'jpeg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/gif': 'gif',
  'image/avif': 'avif',
};

/** What libvips calls each format once it has read the header (AVIF is a HEIF with AV1 inside). */
const DECODED: Record<MediaFormat, string> = { jpeg: 'jpeg', png: 'png', webp: 'webp', gif: 'gif', avif: 'heif' };

export async function intakeImage(upload: Buffer, { maxPixels }: IntakeLimits): Promise<AcceptedImage> {
  const format = await detectFormat(upload);
  const animated = format === 'gif' || format === 'webp';
  const image = sharp(upload, { limitInputPixels: maxPixels, failOn: 'truncated', animated, sequentialRead: true });
  const metadata = await image.metadata().catch((error: unknown) => {
    // libvips refuses at the header, before decoding anything, when the size is over limitInputPixels.
    if (/pixel limit/i.test(String((error as Error).message))) throw tooManyPixels(maxPixels);
    throw new ImageRefused('This file is damaged or not a whole image.');
  });
  if (metadata.format !== DECODED[format]) throw new ImageRefused('This file is not the image its first bytes say it is.');
  if (format === 'avif' && metadata.compression !== 'av1') throw new ImageRefused('Only AVIF images are accepted of the HEIF family.');
  const frames = metadata.pages ?? 1;
  const width = metadata.width ?? 0;
  const height = metadata.pageHeight ?? metadata.height ?? 0;
  if (width < 1 || height < 1) throw new ImageRefused('This image has no size.');
  if (width * height * frames > maxPixels) throw tooManyPixels(maxPixels);
  const { data, info } = await encode(image.rotate(), format)
    .toBuffer({ resolveWithObject: true })
    .catch(() => {
      throw new ImageRefused('This file is damaged or not a whole image.');
    });
  return {
    original: data,
    format,
    width: info.width,
    height: info.pageHeight ?? info.height,
    sha256: createHash('sha256').update(upload).digest('hex'),
  };
}

const tooManyPixels = (maxPixels: number) =>
  new ImageRefused(`This image is too large: at most ${Math.round(maxPixels / 1e6)} million pixels (all frames together).`);

/** By the bytes alone; SVG (markup that can carry script) and everything else is refused here. */
async function detectFormat(upload: Buffer): Promise<MediaFormat> {
  const detected = await fileTypeFromBuffer(upload);
  const format = detected && DETECTED[detected.mime];
  if (format) return format;
  if (/^\s*(<\?xml|<svg|<!doctype svg)/i.test(upload.subarray(0, 256).toString('latin1'))) {
    throw new ImageRefused('SVG images are not accepted: they can carry scripts. Export the picture as PNG or JPEG.');
  }
  throw new ImageRefused('Only JPEG, PNG, WebP, GIF and AVIF images can be uploaded.');
}

/** The same format again, at a quality that keeps the picture; sharp writes no metadata unless asked. */
function encode(image: Sharp, format: MediaFormat): Sharp {
  switch (format) {
    case 'jpeg':
      return image.jpeg({ quality: 90, mozjpeg: true });
    case 'png':
      return image.png();
    case 'webp':
      return image.webp({ quality: 90 });
    case 'gif':
      return image.gif();
    case 'avif':
      return image.avif({ quality: 70 });
  }
}
