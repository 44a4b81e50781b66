/**
 * RenderedAnswers on its own (server/http/RenderedAnswers.ts), behind a real Express app on a random port, with a
 * store whose version the test moves and renders that count themselves: what is kept, for how long, how much, and
 * that concurrent misses render once.
 */
import type { AddressInfo } from 'node:net';
import express, { type Request } from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import type { Representation } from '../../server/http/cacheable';
import { type Rendered, RenderedAnswers, type RenderedAnswersOptions } from '../../server/http/RenderedAnswers';
import type { SiteSettingsRecord } from '../../server/persistence/SiteSettingsStore';
import { DEFAULT_SITE_SETTINGS } from '../../shared/siteSettings';

type Site = {
  url: string;
  /** Renders so far, by path. */
  renders: Map<string, number>;
  /** The store's publications version: moving it is a write. */
  version: { publications: number; site: SiteSettingsRecord | undefined };
  close: () => Promise<void>;
};

const sites: Site[] = [];
afterEach(async () => {
  await Promise.all(sites.splice(0).map((s) => s.close()));
});

/** An app answering every GET with `render(req)` through one RenderedAnswers; `?page` is part of the address. */
async function startSite(render: (req: Request, count: number) => Promise<Rendered>, options: RenderedAnswersOptions = {}): Promise<Site> {
  const renders = new Map<string, number>();
  const version: Site['version'] = { publications: 1, site: undefined };
  const store = {
    publicationsVersion: async () => String(version.publications),
    getSiteSettings: async () => version.site,
  };
  const answers = new RenderedAnswers(store, (req) => `http://${req.get('host')}`, options);
  const app = express().get(
    '/{*path}',
    answers.route(['page'], (req) => {
      const count = (renders.get(req.path) ?? 0) + 1;
      renders.set(req.path, count);
      return render(req, count);
    }),
  );
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const site: Site = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    renders,
    version,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  sites.push(site);
  return site;
}

const page = (body: string): Representation => ({
  body,
  contentType: 'text/plain; charset=utf-8',
  lastModified: '2026-03-01T10:00:00.000Z',
});
const numbered = async (req: Request, count: number) => page(`${req.path} ${String(req.query.page ?? '')} render ${count}`);

async function get(site: Site, path: string, headers: Record<string, string> = {}) {
  const res = await fetch(site.url + path, { headers });
  return { status: res.status, body: await res.text(), etag: res.headers.get('etag') };
}

describe('rendered answers', () => {
  it('keeps an answer by path and the query parameters the route reads, with its validators, until the version moves', async () => {
    const site = await startSite(numbered);
    const first = await get(site, '/a');
    expect(first).toMatchObject({ status: 200, body: '/a  render 1' });
    expect(await get(site, '/a?utm_source=x')).toEqual(first);
    expect((await get(site, '/a?page=2')).body).toBe('/a 2 render 2');
    expect(await get(site, '/a', { 'if-none-match': first.etag! })).toEqual({ status: 304, body: '', etag: first.etag });
    expect((await get(site, '/a', { 'if-modified-since': 'Sun, 01 Mar 2026 10:00:00 GMT' })).status).toBe(304);
    expect(site.renders.get('/a')).toBe(2);

    site.version.publications++;
    expect((await get(site, '/a')).body).toBe('/a  render 3');
    site.version.site = { settings: DEFAULT_SITE_SETTINGS, updatedAt: '2026-03-02T10:00:00.000Z', updatedBy: 'ed' };
    const afterSettings = await get(site, '/a');
    expect(afterSettings.body).toBe('/a  render 4');
    expect(afterSettings.etag).not.toBe(first.etag);
    expect((await get(site, '/a', { 'if-none-match': first.etag! })).status).toBe(200);
  });

  it('keeps no error or redirect: each request renders it again', async () => {
    const site = await startSite(async (req, count) => (res) => {
      res.status(404).end(`${req.path} missing ${count}`);
    });
    expect(await get(site, '/gone')).toMatchObject({ status: 404, body: '/gone missing 1' });
    expect(await get(site, '/gone')).toMatchObject({ status: 404, body: '/gone missing 2' });
  });

  it('keeps at most maxEntries answers, the least recently used going first', async () => {
    const site = await startSite(numbered, { maxEntries: 2 });
    await get(site, '/a');
    await get(site, '/b');
    await get(site, '/a'); // now /b is the least recently used
    await get(site, '/c');
    expect((await get(site, '/a')).body).toBe('/a  render 1');
    expect((await get(site, '/c')).body).toBe('/c  render 1');
    expect((await get(site, '/b')).body).toBe('/b  render 2');
  });

  it('keeps at most maxBytes of answers, and none bigger than that', async () => {
    const body = (c: string, n: number) => c.repeat(n);
    const site = await startSite(async (req, count) => page(`${body(req.path[1], req.path === '/big' ? 500 : 100)}${count}`), {
      maxBytes: 300,
    });
    await get(site, '/a');
    await get(site, '/b');
    await get(site, '/c'); // three of about 100 bytes (and their addresses) are more than 300: /a goes
    expect((await get(site, '/c')).body.endsWith('1')).toBe(true);
    expect((await get(site, '/b')).body.endsWith('1')).toBe(true);
    expect((await get(site, '/a')).body.endsWith('2')).toBe(true);
    await get(site, '/big');
    expect((await get(site, '/big')).body.endsWith('2')).toBe(true);
    expect((await get(site, '/a')).body.endsWith('2')).toBe(true);
  });

  it('renders once for concurrent requests of one address, but not across a version change', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const site = await startSite(async (req, count) => {
      await gate;
      return page(`render ${count}`);
    });
    const waiting = Array.from({ length: 10 }, () => get(site, '/slow'));
    await expect.poll(() => site.renders.get('/slow')).toBe(1);
    site.version.publications++;
    const afterWrite = get(site, '/slow');
    await expect.poll(() => site.renders.get('/slow')).toBe(2);
    release();
    const answers = await Promise.all(waiting);
    expect(new Set(answers.map((a) => `${a.status} ${a.body} ${a.etag}`)).size).toBe(1);
    expect(answers[0]).toMatchObject({ status: 200, body: 'render 1' });
    expect((await afterWrite).body).toBe('render 2');
    expect((await get(site, '/slow')).body).toBe('render 2');
  });

  it('renders again past keepUntil, with no write', async () => {
    let now = 1_000;
    const site = await startSite(async (req, count) => ({ ...page(`render ${count}`), keepUntil: 2_000 }), { now: () => now });
    await get(site, '/window');
    now = 1_999;
    expect((await get(site, '/window')).body).toBe('render 1');
    now = 2_000;
    expect((await get(site, '/window')).body).toBe('render 2');
  });
});
