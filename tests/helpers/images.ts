/**
 * Image fixtures for the media tests, made with sharp: photographs with GPS EXIF, a sideways camera
 * shot (orientation tag), a PNG whose header claims more pixels than any server should decode, and
 * the uploads themselves.
 */
import zlib from 'node:zlib';
import sharp from 'sharp';

/** A photo-like JPEG (noise, so it does not compress to nothing) with camera and GPS EXIF. */
export async function jpegWithGps(width = 1200, height = 800): Promise<Buffer> {
  return sharp(await noise(width, height))
    .withExif({
      IFD0: { Make: 'Galley Test Camera', Model: 'GT-1', Copyright: 'A source', ImageDescription: 'secret location' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '51/1 30/1 2600/100', GPSLongitudeRef: 'W', GPSLongitude: '0/1 7/1 3900/100' },
    })
    .jpeg({ quality: 80 })
    .toBuffer();
}

/** A JPEG stored landscape (width > height) whose EXIF says to show it turned a quarter clockwise. */
export async function sidewaysJpeg(width = 600, height = 300): Promise<Buffer> {
  return sharp(await noise(width, height))
    .withMetadata({ orientation: 6 })
    .jpeg()
    .toBuffer();
}

export async function png(width = 400, height = 300): Promise<Buffer> {
  return sharp(await noise(width, height))
    .png()
    .toBuffer();
}

async function noise(width: number, height: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 60 } } })
    .png()
    .toBuffer();
}

/**
 * A PNG whose header says `width`×`height` with one tiny compressed row of data: a few hundred bytes
 * claiming billions of pixels, the classic decompression bomb.
 */
export function pngBomb(width = 100_000, height = 100_000): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 0, 0, 0, 0], 8); // 8-bit greyscale, no interlace
  const rows = zlib.deflateSync(Buffer.alloc(1 + width));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', rows),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

export type Upload = { status: number; body: Record<string, unknown>; message: string | undefined };

/** POST /api/media as a browser's FormData would send it, with whatever name and type the part claims. */
export async function uploadImage(
  url: string,
  cookie: string | undefined,
  bytes: Uint8Array,
  {
    name = 'photo.jpg',
    type = 'image/jpeg',
    field = 'file',
    origin,
  }: { name?: string; type?: string; field?: string; origin?: string } = {},
): Promise<Upload> {
  const form = new FormData();
  form.append(field, new Blob([new Uint8Array(bytes)], { type }), name);
  const headers: Record<string, string> = {};
  if (cookie) headers.cookie = cookie;
  if (origin) headers.origin = origin;
  const res = await fetch(`${url}/api/media`, { method: 'POST', body: form, headers });
  const body = (await res.json()) as Record<string, unknown> & { error?: { message?: string } };
  return { status: res.status, body, message: body.error?.message };
}
