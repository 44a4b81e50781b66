/**
 * Issue 17, uploads: POST /api/media and /media/<id>/<file> on a real server with real image files.
 * What is kept is decided by the bytes, re-encoded upright with no metadata, stored once per file,
 * and shown only to the newsroom until a published story shows it.
 */
import fs from 'node:fs';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MediaSummary } from '../../shared/media';
import { createAccount } from '../../server/auth/accounts';
import { PgStore } from '../../server/persistence/pg/PgStore';
import { SqliteStore } from '../../server/persistence/sqlite/SqliteStore';
import { createStory } from '../helpers/clients';
import { jpegWithGps, png, pngBomb, sidewaysJpeg, uploadImage } from '../helpers/images';
import { freshSchemaStore, POSTGRES_URL, requirePostgres } from '../helpers/postgres';
import { startServerProcess } from '../helpers/serverProcess';
import { createUser, signIn, startTestServer, tempDataDir, type TestServer, type TestUser } from '../helpers/testServer';

let server: TestServer;
let writer: TestUser;
let viewer: TestUser;

beforeAll(async () => {
  server = await startTestServer({ env: { MEDIA_MAX_BYTES: String(3 * 1024 * 1024), MEDIA_MAX_PIXELS: '4000000' } });
  writer = await createUser(server, 'writer', 'Ana Writer');
  viewer = await createUser(server, 'viewer', 'Vic Viewer');
});
afterAll(() => server.close());

const media = (upload: { body: Record<string, unknown> }) => upload.body.media as MediaSummary;
const get = (path: string, cookie?: string) => fetch(`${server.url}${path}`, { headers: cookie ? { cookie } : {} });
async function bytesOf(path: string, cookie = writer.cookie): Promise<Buffer> {
  const res = await get(path, cookie);
  expect(res.status).toBe(200);
  return Buffer.from(await res.arrayBuffer());
}

describe('uploading an image', () => {
  it('keeps a JPEG with GPS EXIF with no metadata at all, in the original and in every copy made from it', async () => {
    const photo = await jpegWithGps(1200, 800);
    expect((await sharp(photo).metadata()).exif).toBeDefined();
    const upload = await uploadImage(server.url, writer.cookie, photo);
    expect(upload.status).toBe(201);
    const m = media(upload);
    expect(m).toMatchObject({ format: 'jpeg', width: 1200, height: 800, uploadedBy: { id: writer.id, name: 'Ana Writer' } });
    expect(m.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    for (const file of ['original', '320.jpeg', '640.webp', '960.avif']) {
      const bytes = await bytesOf(`/media/${m.id}/${file}`);
      const meta = await sharp(bytes).metadata();
      expect({ file, exif: meta.exif, xmp: meta.xmp, iptc: meta.iptc }).toEqual({ file, exif: undefined, xmp: undefined, iptc: undefined });
      expect(bytes.includes('Galley Test Camera')).toBe(false);
      expect(bytes.includes('secret location')).toBe(false);
    }
  });

  it('turns a sideways camera shot upright before keeping it', async () => {
    const m = media(await uploadImage(server.url, writer.cookie, await sidewaysJpeg(600, 300)));
    expect([m.width, m.height]).toEqual([300, 600]);
    const meta = await sharp(await bytesOf(`/media/${m.id}/original`)).metadata();
    expect([meta.width, meta.height, meta.orientation]).toEqual([300, 600, undefined]);
  });

  it('stores the same file once: a second upload answers with the first image', async () => {
    const bytes = await png(320, 200);
    const first = await uploadImage(server.url, writer.cookie, bytes, { name: 'one.png', type: 'image/png' });
    const second = await uploadImage(server.url, writer.cookie, bytes, { name: 'two.png', type: 'image/png' });
    expect([first.status, first.body.existing]).toEqual([201, false]);
    expect([second.status, second.body.existing]).toEqual([200, true]);
    expect(media(second).id).toBe(media(first).id);
  });

  it('decides the type by the bytes, never by the name or the declared type', async () => {
    const m = media(await uploadImage(server.url, writer.cookie, await png(200, 100), { name: 'holiday.jpg', type: 'image/jpeg' }));
    expect(m.format).toBe('png');
    const original = await get(`/media/${m.id}/original`, writer.cookie);
    expect(original.headers.get('content-type')).toBe('image/png');
    const text = await uploadImage(server.url, writer.cookie, Buffer.from('just some text, honestly'), {
      name: 'x.png',
      type: 'image/png',
    });
    expect([text.status, text.message]).toEqual([400, 'Only JPEG, PNG, WebP, GIF and AVIF images can be uploaded.']);
  });

  it('refuses SVG, which can carry scripts, however it is named', async () => {
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>');
    for (const [name, type] of [
      ['logo.svg', 'image/svg+xml'],
      ['logo.png', 'image/png'],
    ]) {
      const upload = await uploadImage(server.url, writer.cookie, svg, { name, type });
      expect(upload.status).toBe(400);
      expect(upload.message).toMatch(/SVG images are not accepted/);
    }
  });

  it('keeps only the picture of a polyglot file: what was hidden after the image is gone', async () => {
    const payload = '<html><script>alert(document.cookie)</script></html>PK\u0003\u0004zip-part';
    const polyglot = Buffer.concat([await jpegWithGps(300, 200), Buffer.from(payload)]);
    const upload = await uploadImage(server.url, writer.cookie, polyglot, { name: 'page.html', type: 'text/html' });
    expect(upload.status).toBe(201);
    const res = await get(`/media/${media(upload).id}/original`, writer.cookie);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toContain('sandbox');
    const kept = Buffer.from(await res.arrayBuffer());
    expect(kept.includes('<script>')).toBe(false);
    expect(kept.includes('zip-part')).toBe(false);
  });

  it('refuses a truncated image and a decompression bomb with a clear message, and stays up', async () => {
    const whole = await jpegWithGps(600, 400);
    const truncated = await uploadImage(server.url, writer.cookie, whole.subarray(0, Math.floor(whole.length / 2)));
    expect([truncated.status, truncated.message]).toEqual([400, 'This file is damaged or not a whole image.']);
    const bomb = pngBomb();
    expect(bomb.length).toBeLessThan(200_000);
    const refused = await uploadImage(server.url, writer.cookie, bomb, { type: 'image/png', name: 'bomb.png' });
    expect(refused.status).toBe(400);
    expect(refused.message).toMatch(/too large: at most 4 million pixels/);
    // A real image over the pixel limit (2,500 × 2,000 = 5 million) too.
    const flat = await sharp({ create: { width: 2500, height: 2000, channels: 3, background: '#246' } })
      .png()
      .toBuffer();
    const big = await uploadImage(server.url, writer.cookie, flat, { type: 'image/png' });
    expect([big.status, big.message]).toEqual([400, 'This image is too large: at most 4 million pixels (all frames together).']);
    expect((await uploadImage(server.url, writer.cookie, await png(100, 100), { type: 'image/png' })).status).toBe(201);
  });

  it('refuses a file over the size limit with 413 without reading it all', async () => {
    const huge = Buffer.alloc(5 * 1024 * 1024, 0xff);
    huge.set([0xff, 0xd8, 0xff, 0xe0]);
    const upload = await uploadImage(server.url, writer.cookie, huge);
    expect([upload.status, upload.message]).toEqual([413, 'Images may be at most 3 MB']);
    expect((await uploadImage(server.url, writer.cookie, await png(90, 90), { type: 'image/png' })).status).toBe(201);
  });

  it('ignores a file name with path traversal or markup: nothing of it is kept or echoed', async () => {
    const name = '../../../etc/passwd<img src=x onerror=alert(1)>.png';
    const upload = await uploadImage(server.url, writer.cookie, await png(120, 80), { name, type: 'image/png' });
    expect(upload.status).toBe(201);
    expect(JSON.stringify(upload.body)).not.toMatch(/passwd|onerror/);
  });

  it('refuses a body that is not one image in a part named file', async () => {
    const wrongPart = await uploadImage(server.url, writer.cookie, await png(50, 50), { field: 'picture', type: 'image/png' });
    expect(wrongPart.status).toBe(400);
    const notMultipart = await fetch(`${server.url}/api/media`, {
      method: 'POST',
      headers: { cookie: writer.cookie, 'content-type': 'application/json' },
      body: '{"file":"x"}',
    });
    expect(notMultipart.status).toBe(400);
    const cutOff = await fetch(`${server.url}/api/media`, {
      method: 'POST',
      headers: { cookie: writer.cookie, 'content-type': 'multipart/form-data; boundary=xyz' },
      body: '--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n\r\n\u0089PNG',
    });
    expect(cutOff.status).toBe(400);
  });
});

describe('who may upload and see images', () => {
  it('lets writers upload, not viewers, nobody signed out, and no other site', async () => {
    const bytes = await png(60, 40);
    expect((await uploadImage(server.url, viewer.cookie, bytes, { type: 'image/png' })).status).toBe(403);
    expect((await uploadImage(server.url, undefined, bytes, { type: 'image/png' })).status).toBe(401);
    expect((await uploadImage(server.url, writer.cookie, bytes, { type: 'image/png', origin: 'https://evil.example' })).status).toBe(403);
  });

  it('shows an image to the newsroom, to nobody else until a published story shows it, and caches it publicly only then', async () => {
    const m = media(await uploadImage(server.url, writer.cookie, await jpegWithGps(700, 500)));
    expect((await get(`/media/${m.id}/original`)).status).toBe(404);
    expect((await get(`/media/${m.id}/640.webp`)).status).toBe(404);
    const seen = await get(`/media/${m.id}/640.webp`, viewer.cookie);
    expect([seen.status, seen.headers.get('cache-control')]).toEqual([200, 'private, max-age=3600']);
    expect((await sharp(Buffer.from(await seen.arrayBuffer())).metadata()).width).toBe(640);

    const storyId = await createStory(server, writer);
    await server.store.setPublishedMedia(storyId, [m.id]);
    const open = await get(`/media/${m.id}/original`);
    expect([open.status, open.headers.get('cache-control')]).toEqual([200, 'public, max-age=86400']);
    await server.store.setPublishedMedia(storyId, []);
    expect((await get(`/media/${m.id}/original`)).status).toBe(404);
  });

  it('serves each copy at its width, never enlarged, in the format asked for, and nothing else', async () => {
    const m = media(await uploadImage(server.url, writer.cookie, await png(800, 400), { type: 'image/png' }));
    for (const [file, format, width] of [
      ['320.avif', 'heif', 320],
      ['640.webp', 'webp', 640],
      ['960.jpeg', 'jpeg', 800],
    ] as const) {
      const meta = await sharp(await bytesOf(`/media/${m.id}/${file}`)).metadata();
      expect([file, meta.format, meta.width]).toEqual([file, format, width]);
    }
    for (const file of ['641.webp', '640.png', '640.svg', '..%2F..%2Fgalley.db', 'original.png']) {
      expect([file, (await get(`/media/${m.id}/${file}`, writer.cookie)).status]).toEqual([file, 400]);
    }
    expect((await get(`/media/AAAAAAAAAAAAAAAAAAAAAA/original`, writer.cookie)).status).toBe(404);
    expect((await get(`/media/not-an-id/original`, writer.cookie)).status).toBe(400);
  });
});

describe('the media library', () => {
  it('lists uploads newest first, finds them by caption, credit or uploader, and keeps details as plain text', async () => {
    const m = media(await uploadImage(server.url, writer.cookie, await png(64, 48), { type: 'image/png' }));
    const script = '<script>alert("credit")</script> Harbour Photos';
    const patch = await fetch(`${server.url}/api/media/${m.id}`, {
      method: 'PATCH',
      headers: { cookie: writer.cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ caption: '  Ferries at dawn  ', credit: script, alt: 'Two ferries leaving the harbour' }),
    });
    expect(patch.status).toBe(200);
    expect((await patch.json()).media).toMatchObject({ caption: 'Ferries at dawn', credit: script });

    const list = async (query: string) => {
      const res = await get(`/api/media${query}`, viewer.cookie);
      expect(res.status).toBe(200);
      return (await res.json()) as { media: MediaSummary[]; next: string | null };
    };
    expect((await list('')).media[0].id).toBe(m.id);
    expect((await list('?q=ferries%20DAWN')).media.map((x) => x.id)).toEqual([m.id]);
    expect((await list('?q=harbour%20photos')).media.map((x) => x.id)).toEqual([m.id]);
    expect((await list('?q=ana%20writer')).media.length).toBeGreaterThan(1);
    expect((await get('/api/media?colour=red', viewer.cookie)).status).toBe(400);
    expect((await get('/api/media?before=yesterday', viewer.cookie)).status).toBe(400);

    const viewerPatch = await fetch(`${server.url}/api/media/${m.id}`, {
      method: 'PATCH',
      headers: { cookie: viewer.cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ caption: 'x' }),
    });
    expect(viewerPatch.status).toBe(403);
    const tooLong = await fetch(`${server.url}/api/media/${m.id}`, {
      method: 'PATCH',
      headers: { cookie: writer.cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ credit: 'x'.repeat(201) }),
    });
    expect(tooLong.status).toBe(400);
  });

  it('pages through the library with a cursor', async () => {
    for (let i = 0; i < 3; i++) await uploadImage(server.url, writer.cookie, await png(30 + i, 30), { type: 'image/png' });
    const seen = new Set<string>();
    let path = '/api/media';
    let pages = 0;
    for (;;) {
      const page = (await (await get(path, writer.cookie)).json()) as { media: MediaSummary[]; next: string | null };
      pages++;
      for (const m of page.media) {
        expect(seen.has(m.id)).toBe(false);
        seen.add(m.id);
      }
      if (!page.next) break;
      path = `/api/media?before=${encodeURIComponent(page.next)}`;
    }
    expect(pages).toBe(1 + Math.floor((seen.size - 1) / 40));
    expect(seen.size).toBeGreaterThan(10);
  });
});

describe('an acknowledged upload', () => {
  it('survives the server being killed with SIGKILL right after answering', async () => {
    const dataDir = tempDataDir();
    const setup = SqliteStore.open(dataDir);
    await createAccount(setup, { email: 'kill@example.test', name: 'Kim Writer', role: 'writer', password: 'long enough password' });
    await setup.close();
    let node = await startServerProcess({ DATA_DIR: dataDir });
    try {
      const cookie = await signIn(node.url, 'kill@example.test', 'long enough password');
      const photo = await jpegWithGps(640, 480);
      const upload = await uploadImage(node.url, cookie, photo);
      expect(upload.status).toBe(201);
      await node.kill();
      node = await startServerProcess({ DATA_DIR: dataDir });
      const again = await signIn(node.url, 'kill@example.test', 'long enough password');
      const res = await fetch(`${node.url}/media/${media(upload).id}/original`, { headers: { cookie: again } });
      expect(res.status).toBe(200);
      expect((await sharp(Buffer.from(await res.arrayBuffer())).metadata()).width).toBe(640);
      // The same file again is recognised as kept.
      expect((await uploadImage(node.url, again, photo)).body.existing).toBe(true);
    } finally {
      await node.kill();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe.skipIf(!(await requirePostgres()))('on Postgres, several processes', () => {
  it('serves an image uploaded on one node from another, copies included', async () => {
    const { store, schema, cleanup } = await freshSchemaStore();
    const env = { SESSION_SECRET: 'a shared secret of at least thirty-two characters' };
    // Two servers on one database: each its own pool, as two processes would have.
    const second = await PgStore.open(POSTGRES_URL, { schema });
    const [a, b] = await Promise.all([startTestServer({ env, wrapStore: () => store }), startTestServer({ env, wrapStore: () => second })]);
    try {
      await createAccount(store, { email: 'pg-writer@example.test', name: 'Pat Writer', role: 'writer', password: 'long enough password' });
      const cookie = await signIn(a.url, 'pg-writer@example.test', 'long enough password');
      const upload = await uploadImage(a.url, cookie, await jpegWithGps(900, 600));
      expect(upload.status).toBe(201);
      const { id } = media(upload);
      for (const file of ['original', '640.webp']) {
        const res = await fetch(`${b.url}/media/${id}/${file}`, { headers: { cookie } });
        expect([file, res.status]).toEqual([file, 200]);
        expect((await sharp(Buffer.from(await res.arrayBuffer())).metadata()).exif).toBeUndefined();
      }
      // A copy made on one node is kept for the other.
      expect(await store.loadMediaFile(id, '640.webp')).toBeDefined();
    } finally {
      await Promise.all([a.close(), b.close()]);
      await second.close();
      await cleanup();
    }
  });
});
