/**
 * The built app's files as the server sends them: the Brotli or gzip copy the build made (vite.config.ts),
 * whichever the browser accepts, with the right type and caching, and the file itself to a browser that
 * accepts neither.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/testServer';

let server: TestServer;
let clientDir: string;
const script = 'console.log("the app");'.repeat(100);

beforeAll(async () => {
  clientDir = fs.mkdtempSync(path.join(os.tmpdir(), 'galley-client-'));
  fs.mkdirSync(path.join(clientDir, 'assets'));
  const file = path.join(clientDir, 'assets', 'index-abc123.js');
  fs.writeFileSync(file, script);
  fs.writeFileSync(`${file}.br`, zlib.brotliCompressSync(script));
  fs.writeFileSync(`${file}.gz`, zlib.gzipSync(script));
  fs.writeFileSync(path.join(clientDir, 'index.html'), '<!doctype html><title>Galley</title>');
  server = await startTestServer({ clientDir });
});

afterAll(async () => {
  await server?.close();
  fs.rmSync(clientDir, { recursive: true, force: true });
});

const get = (encoding: string) => fetch(`${server.url}/assets/index-abc123.js`, { headers: { 'accept-encoding': encoding } });

describe('the app’s files', () => {
  it('are sent as Brotli when the browser accepts it, gzip when only that, and as they are otherwise', async () => {
    for (const [accepts, sent] of [
      ['gzip, deflate, br', 'br'],
      ['gzip', 'gzip'],
      ['identity', null],
    ] as const) {
      const response = await get(accepts);
      expect(response.status, accepts).toBe(200);
      expect(response.headers.get('content-encoding'), accepts).toBe(sent);
      expect(response.headers.get('content-type'), accepts).toMatch(/javascript/);
      expect(response.headers.get('vary'), accepts).toMatch(/Accept-Encoding/i);
      expect(response.headers.get('cache-control'), accepts).toMatch(/immutable/);
      // fetch decodes what it was sent: the same script every time.
      expect(await response.text(), accepts).toBe(script);
    }
  });

  it('answers 404 for a missing asset, and the app page for the app’s own routes', async () => {
    expect((await get('br')).status).toBe(200);
    expect((await fetch(`${server.url}/assets/missing-000.js`)).status).toBe(404);
    const page = await fetch(`${server.url}/settings`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>Galley</title>');
  });
});
