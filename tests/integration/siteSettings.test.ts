/**
 * The public site's settings and the story page's facts (docs/site.md), end to end on a real server: an
 * admin changes the site and every public page, feed and stylesheet follows with new validators; the logo
 * becomes public with it; a story page says its time in the site's zone, its section, tags and authors, its
 * corrections, and carries NewsArticle JSON-LD that holds to the schema's rules. Bad settings are refused
 * field by field. Two nodes on one Postgres show a change made on either at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount } from '../../server/auth/accounts';
import { PgStore } from '../../server/persistence/pg/PgStore';
import { ASSIGNEES_ROOT, PLANNING_ROOT, TAGS_ROOT } from '../../shared/planning';
import { DEFAULT_SITE_SETTINGS, SITE_LIMITS, type SiteSettingsBody } from '../../shared/siteSettings';
import { connectClient, createStory, setParagraphs, type TestClient } from '../helpers/clients';
import { call } from '../helpers/http';
import { png, uploadImage } from '../helpers/images';
import { createTestDatabase, requirePostgres } from '../helpers/postgres';
import { requireRedisServer, startRedis, type TestRedis } from '../helpers/redisServer';
import { killAllServerProcesses, type ServerProcess, startServerProcess } from '../helpers/serverProcess';
import { createUser, signIn, startTestServer, type TestServer, type TestUser } from '../helpers/testServer';

let server: TestServer;
let admin: TestUser;
let editor: TestUser;
let writer: TestUser;
const clients: TestClient[] = [];

beforeAll(async () => {
  server = await startTestServer();
  admin = await createUser(server, 'admin', 'Ada Admin');
  editor = await createUser(server, 'editor', 'Eddie Editor');
  writer = await createUser(server, 'writer', 'Wren Writer');
}, 20_000);

afterAll(async () => {
  clients.forEach((c) => c.close());
  await server?.close();
});

const settings = (over: Partial<SiteSettingsBody> = {}): SiteSettingsBody => ({
  ...DEFAULT_SITE_SETTINGS,
  logo: null,
  socialImage: null,
  ...over,
});

/** A story written through a real client, with planning, published by the editor; its address. */
async function publishStory(
  planning: { section?: string; tags?: string[]; assignees?: string[] } = {},
): Promise<{ id: string; slug: string }> {
  const id = await createStory(server, editor);
  const client = await connectClient(server, editor, id);
  clients.push(client);
  client.doc.transact(() => {
    setParagraphs(client.doc, 'headline', [`Harbour dredging approved ${id.slice(0, 8)}`]);
    setParagraphs(client.doc, 'standfirst', ['Council votes 7–2 after a long night.']);
    setParagraphs(client.doc, 'byline', ['Wren Writer']);
    setParagraphs(client.doc, 'body', ['The council voted on Tuesday.']);
    if (planning.section) client.doc.getMap(PLANNING_ROOT).set('section', planning.section);
    for (const tag of planning.tags ?? []) client.doc.getMap(TAGS_ROOT).set(tag, true);
    for (const assignee of planning.assignees ?? []) client.doc.getMap(ASSIGNEES_ROOT).set(assignee, true);
  });
  await client.provider.whenSaved();
  const answer = await call(server, 'POST', `/api/stories/${id}/publish`, { user: editor });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return { id, slug: answer.body.publication.slug };
}

/** The page's one JSON-LD block, parsed. */
function jsonLd(html: string): Record<string, any> {
  const blocks = [...html.matchAll(/<script type="application\/ld\+json">([^<]*)<\/script>/g)];
  expect(blocks).toHaveLength(1);
  return JSON.parse(blocks[0][1]);
}

const ISO_8601 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;
const isAbsolute = (url: unknown) => typeof url === 'string' && /^https?:\/\//.test(url) && URL.canParse(url);

describe('the site settings API', () => {
  it('starts with neutral defaults, saves an admin’s settings whole, and answers them to everyone signed in', async () => {
    const before = await call(server, 'GET', '/api/site', { user: writer });
    expect(before.status).toBe(200);
    expect(before.body.settings.name).not.toMatch(/galley/i);

    const logo = (await uploadImage(server.url, admin.cookie, await png(400, 100), { type: 'image/png' })).body.media as { id: string };
    const body = settings({
      name: '  The   Harbour Ledger ',
      logo: logo.id,
      accentColor: '#0B5D1E',
      language: 'en-gb',
      timeZone: 'europe/dublin',
      footerLinks: [{ label: 'About us', url: 'https://ledger.example/about us' }],
    });
    const saved = await call(server, 'PUT', '/api/site', { user: admin, body });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    const answer = await call(server, 'GET', '/api/site', { user: writer });
    expect(answer.body).toEqual(saved.body);
    expect(answer.body.settings).toMatchObject({
      name: 'The Harbour Ledger',
      accentColor: '#0b5d1e',
      language: 'en-GB',
      timeZone: 'Europe/Dublin',
      logo: { media: logo.id, width: 400, height: 100, url: `/media/${logo.id}/original` },
      footerLinks: [{ label: 'About us', url: 'https://ledger.example/about%20us' }],
    });
    expect(answer.body.updatedAt).toMatch(ISO_8601);
    await call(server, 'PUT', '/api/site', { user: admin, body: settings() });
  });

  const cases: [string, Record<string, unknown>, string][] = [
    ['no name', { name: '  ' }, 'name'],
    ['a name too long', { name: 'n'.repeat(SITE_LIMITS.nameMaxChars + 1) }, 'name'],
    ['a description too long', { description: 'd'.repeat(SITE_LIMITS.descriptionMaxChars + 1) }, 'description'],
    ['a colour that is not #rrggbb', { accentColor: 'red' }, 'accentColor'],
    ['a colour that does not read on the page', { accentColor: '#ffff00' }, 'accentColor'],
    ['a colour with CSS in it', { accentColor: '#000000; } body { display: none' }, 'accentColor'],
    ['a language that is not BCP 47', { language: 'english please' }, 'language'],
    ['a time zone Intl does not know', { timeZone: 'Mars/Olympus_Mons' }, 'timeZone'],
    ['a time zone with other characters', { timeZone: 'Europe/London; x' }, 'timeZone'],
    ['footer text too long', { footerText: 'f'.repeat(SITE_LIMITS.footerTextMaxChars + 1) }, 'footerText'],
    ['a javascript: footer link', { footerLinks: [{ label: 'x', url: 'javascript:alert(1)' }] }, 'footerLinks.0.url'],
    ['a relative footer link', { footerLinks: [{ label: 'x', url: '/about' }] }, 'footerLinks.0.url'],
    ['a footer link without a label', { footerLinks: [{ label: ' ', url: 'https://x.example/' }] }, 'footerLinks.0.label'],
    [
      'too many footer links',
      { footerLinks: Array.from({ length: SITE_LIMITS.footerLinks + 1 }, () => ({ label: 'x', url: 'https://x.example/' })) },
      'footerLinks',
    ],
    ['a logo that is not a media id', { logo: '../../etc/passwd' }, 'logo'],
    ['an unknown field', { favicon: 'x' }, '_'],
  ];

  it.each(cases)('refuses %s, naming the field', async (_what, over, field) => {
    const answer = await call(server, 'PUT', '/api/site', { user: admin, body: { ...settings(), ...over } });
    expect(answer.status).toBe(400);
    expect(Object.keys(answer.body.error.fields ?? {})).toContain(field);
  });

  it('refuses a logo that is not in the media library, and a body missing a field', async () => {
    const missing = await call(server, 'PUT', '/api/site', { user: admin, body: settings({ logo: 'A'.repeat(22) }) });
    expect(missing.status).toBe(422);
    expect(missing.body.error.fields).toHaveProperty('logo');
    const { name: _name, ...partial } = settings();
    expect((await call(server, 'PUT', '/api/site', { user: admin, body: partial })).status).toBe(400);
  });
});

describe('the public pages follow the settings', () => {
  it('shows the name, logo, language, accent and footer everywhere, with new validators, and makes the logo public', async () => {
    await call(server, 'PUT', '/api/site', { user: admin, body: settings() });
    const { slug } = await publishStory();
    const pages = [`/stories/${slug}`, '/stories', '/feed.xml', '/feed.json'];
    const before = await Promise.all(pages.map((path) => call(server, 'GET', path)));
    for (const page of before) expect(page.text).not.toMatch(/galley/i);
    const logo = (await uploadImage(server.url, admin.cookie, await png(600, 150), { type: 'image/png' })).body.media as { id: string };
    expect((await call(server, 'GET', `/media/${logo.id}/320.webp`)).status).toBe(404);

    const body = settings({
      name: 'The Harbour Ledger',
      description: 'News from the harbour.',
      logo: logo.id,
      accentColor: '#0b5d1e',
      language: 'en-GB',
      footerText: 'The Harbour Ledger Ltd\nQuay Street',
      footerLinks: [{ label: 'About us', url: 'https://ledger.example/about' }],
    });
    expect((await call(server, 'PUT', '/api/site', { user: admin, body })).status).toBe(200);

    for (const [k, path] of pages.entries()) {
      // The old validator no longer matches: a cache must fetch the page again.
      const after = await call(server, 'GET', path, { headers: { 'if-none-match': before[k].headers.get('etag')! } });
      expect(after.status, path).toBe(200);
      expect(after.headers.get('etag')).not.toBe(before[k].headers.get('etag'));
      expect(after.text, path).toContain('The Harbour Ledger');
      expect(after.text, path).not.toMatch(/galley/i);
    }
    const page = (await call(server, 'GET', `/stories/${slug}`)).text;
    expect(page).toContain('<html lang="en-GB">');
    expect(page).toContain(
      `<img class="site-logo" src="/media/${logo.id}/320.webp" width="320" height="80" alt=""> The Harbour Ledger</a>`,
    );
    expect(page).toContain('<p>The Harbour Ledger Ltd<br>Quay Street</p>');
    expect(page).toContain('<li><a href="https://ledger.example/about">About us</a></li>');
    expect(page).toContain('<meta property="og:site_name" content="The Harbour Ledger">');
    expect(page).toContain(' — The Harbour Ledger</title>');
    // The accent colour, from a stylesheet whose address changes with the settings.
    const stylesheet = /<link rel="stylesheet" href="(\/public\/site\.css\?v=\d+)">/.exec(page)?.[1];
    expect(stylesheet).toBeDefined();
    const css = await call(server, 'GET', stylesheet!);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(css.text).toContain('--accent: #0b5d1e;');
    // The logo is public now: readers' browsers may load it.
    expect((await call(server, 'GET', `/media/${logo.id}/320.webp`)).status).toBe(200);

    const atom = (await call(server, 'GET', '/feed.xml')).text;
    expect(atom).toContain('<title>The Harbour Ledger: latest stories</title>');
    expect(atom).toContain('<subtitle>News from the harbour.</subtitle>');
    expect(atom).toContain('xml:lang="en-GB"');
    const feed = (await call(server, 'GET', '/feed.json')).body;
    expect(feed).toMatchObject({
      title: 'The Harbour Ledger: latest stories',
      language: 'en-GB',
      authors: [{ name: 'The Harbour Ledger' }],
    });
    const missing = await call(server, 'GET', '/stories/no-such-story');
    expect(missing.text).toContain('Page not found — The Harbour Ledger');
  });
});

describe('the story page', () => {
  it('says when in the site’s zone, the section, tags and authors, an update, and each correction in order', async () => {
    await call(server, 'PUT', '/api/site', { user: admin, body: settings({ language: 'en-GB', timeZone: 'Pacific/Auckland' }) });
    const { id, slug } = await publishStory({ section: 'City Hall', tags: ['Budget', 'Harbour'], assignees: [writer.id] });
    const first = (await call(server, 'GET', `/stories/${slug}`)).text;
    const published = (await server.store.getPublicationBySlug(slug))!.publishedAt;
    const local = new Intl.DateTimeFormat('en-GB', {
      day: 'numeric',
      month: 'long',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      timeZoneName: 'short',
      timeZone: 'Pacific/Auckland',
    }).format(new Date(published));
    expect(first).toContain(`<p class="dateline">Published <time datetime="${published}">${local}</time></p>`);
    expect(local).toMatch(/GMT\+1[23]/);
    expect(first).toContain('<p class="section"><a href="/sections/city-hall">City Hall</a></p>');
    expect(first).toContain('<li><a rel="tag" href="/tags/budget">Budget</a></li>');
    expect(first).toContain('<li><a rel="tag" href="/tags/harbour">Harbour</a></li>');
    expect(first).toContain(`<p class="authors">Author: <a rel="author" href="/authors/${writer.id}">Wren Writer</a></p>`);
    expect(first).not.toContain('Updated');
    expect(first).not.toContain('Correction');

    // A correction on a first publication makes no sense: refused.
    const fresh = await createStory(server, editor);
    const early = await call(server, 'POST', `/api/stories/${fresh}/publish`, { user: editor, body: { correction: 'Too soon.' } });
    expect(early.status).toBe(422);
    expect(early.body.error.fields).toHaveProperty('correction');

    const corrections = ['The vote was 7–2, not 9–0.', 'Wren Writer’s name was misspelt.'];
    for (const correction of corrections) {
      const answer = await call(server, 'POST', `/api/stories/${id}/publish`, { user: editor, body: { correction } });
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    }
    // A republication without one adds none.
    expect((await call(server, 'POST', `/api/stories/${id}/publish`, { user: editor, body: {} })).status).toBe(200);
    const page = (await call(server, 'GET', `/stories/${slug}`)).text;
    // The draft's preview shows them as they would publish: planning's section, tags and credits, the corrections so far.
    const preview = (await call(server, 'GET', `/preview/${id}`, { user: editor })).text;
    expect(preview).toContain('<p class="section"><a href="/sections/city-hall">City Hall</a></p>');
    expect(preview).toContain('<li><a rel="tag" href="/tags/harbour">Harbour</a></li>');
    expect(preview).toContain(`<a rel="author" href="/authors/${writer.id}">Wren Writer</a>`);
    expect(preview).toContain(`<strong>Correction:</strong> ${corrections[1]}`);
    expect(page).toMatch(/<span class="updated">Updated <time datetime="[^"]+">[^<]+<\/time><\/span>/);
    const section = page.slice(
      page.indexOf('<section class="corrections"'),
      page.indexOf('</section>', page.indexOf('class="corrections"')),
    );
    const noted = [...section.matchAll(/<strong>Correction:<\/strong> ([^<]+) <span class="correction-date"><time datetime="([^"]+)">/g)];
    expect(noted.map((m) => m[1])).toEqual(corrections);
    const revisions = await server.store.listRevisions(id);
    expect(revisions.map((r) => r.correction)).toEqual([undefined, ...corrections, undefined]);
    expect(noted.map((m) => m[2])).toEqual([revisions[1].publishedAt, revisions[2].publishedAt]);
  });

  it('carries NewsArticle JSON-LD with the required properties, ISO 8601 dates and absolute URLs, and Twitter card tags', async () => {
    const logo = (await uploadImage(server.url, admin.cookie, await png(300, 60), { type: 'image/png' })).body.media as { id: string };
    const social = (await uploadImage(server.url, admin.cookie, await png(1200, 630), { type: 'image/png' })).body.media as { id: string };
    await call(server, 'PUT', '/api/site', { user: admin, body: settings({ name: 'The Ledger', logo: logo.id, socialImage: social.id }) });
    const { slug } = await publishStory({ section: 'City', tags: ['Budget'], assignees: [writer.id, editor.id] });
    const page = (await call(server, 'GET', `/stories/${slug}`)).text;
    const canonical = /<link rel="canonical" href="([^"]+)">/.exec(page)![1];
    expect(isAbsolute(canonical)).toBe(true);

    const article = jsonLd(page);
    expect(article['@context']).toBe('https://schema.org');
    expect(article['@type']).toBe('NewsArticle');
    for (const property of ['headline', 'datePublished', 'dateModified', 'author', 'image', 'publisher', 'mainEntityOfPage']) {
      expect(article, property).toHaveProperty(property);
    }
    expect(article.headline).toMatch(/^Harbour dredging approved/);
    expect(article.datePublished).toMatch(ISO_8601);
    expect(article.dateModified).toMatch(ISO_8601);
    expect(Date.parse(article.dateModified)).toBeGreaterThanOrEqual(Date.parse(article.datePublished));
    // The assignees, in the order planning keeps them (by id).
    const credited = [writer, editor].sort((a, b) => (a.id > b.id ? 1 : -1));
    expect(article.author).toEqual(
      credited.map((u) => ({ '@type': 'Person', name: u.name, url: expect.stringMatching(new RegExp(`/authors/${u.id}$`)) })),
    );
    for (const author of article.author) expect(isAbsolute(author.url)).toBe(true);
    // No lead image: the site's default social image stands in.
    expect(article.image).toEqual([expect.stringContaining(`/media/${social.id}/1280.jpeg`)]);
    expect(article.image.every(isAbsolute)).toBe(true);
    expect(article.publisher).toMatchObject({ '@type': 'Organization', name: 'The Ledger', logo: { '@type': 'ImageObject' } });
    expect(isAbsolute(article.publisher.logo.url)).toBe(true);
    expect(article.mainEntityOfPage).toEqual({ '@type': 'WebPage', '@id': canonical });
    expect(article.articleSection).toBe('City');
    expect(article.keywords).toEqual(['Budget']);

    expect(page).toContain('<meta name="twitter:card" content="summary_large_image">');
    expect(page).toContain(`<meta name="twitter:image" content="${article.image[0]}">`);
    expect(page).toContain('<meta name="twitter:title" content="');
    expect(page).toContain(`<meta property="og:image" content="${article.image[0]}">`);
    // Every image the structured data names is one a reader may load.
    for (const url of [...article.image, article.publisher.logo.url]) {
      expect((await fetch(url.replace(/^https?:\/\/[^/]+/, server.url))).status, url).toBe(200);
    }
  });
});

const clusterAvailable = (await requirePostgres()) && (await requireRedisServer());

describe.skipIf(!clusterAvailable)('two nodes on one Postgres', () => {
  let database: { url: string; drop: () => Promise<void> };
  let redis: TestRedis;
  let store: PgStore;
  let nodes: ServerProcess[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    redis = await startRedis();
    store = await PgStore.open(database.url);
    const env = { DATABASE_URL: database.url, REDIS_URL: redis.url, SESSION_SECRET: 'site-settings-scale-out-secret-0123456789' };
    nodes = await Promise.all([startServerProcess(env), startServerProcess(env)]);
  }, 120_000);

  afterAll(async () => {
    killAllServerProcesses();
    await store?.close();
    await redis?.stop();
    await database?.drop();
  });

  it('shows a change saved on one node on the other’s next page', async () => {
    const password = 'a long enough password';
    await createAccount(store, { email: 'admin@site.test', name: 'Ada Admin', role: 'admin', password });
    const cookie = await signIn(nodes[0].url, 'admin@site.test', password);
    const user = { cookie } as TestUser;
    for (const name of ['The Ledger', 'The Evening Ledger']) {
      expect((await call(nodes[0], 'PUT', '/api/site', { user, body: settings({ name }) })).status).toBe(200);
      // The other node's very next request: no waiting for a cache to expire.
      const page = await call(nodes[1], 'GET', '/stories');
      expect(page.text).toContain(`<title>Stories — ${name}</title>`);
      expect((await call(nodes[1], 'GET', '/api/site', { user })).body.settings.name).toBe(name);
    }
  }, 60_000);
});
