/**
 * Every XSS payload of tests/fixtures/xssPayloads.ts, written into a real story through a
 * real Yjs client (a) as plain text in every field and (b) as raw Yjs structure that
 * bypasses the editor's schema (hostile element names and attributes, javascript: links,
 * markup in heading levels and list starts), then published and edited again.
 *
 * The payload is also every word of a picture: the lead image's alt text, caption and credit
 * (their own Y.Text roots) and a Body figure's (its attributes).
 *
 * Everything a reader, a feed reader or the newsroom is then served is parsed with a real
 * HTML/XML parser (htmlparser2) and must contain nothing that runs or loads active content,
 * while the payload's text must still be there, escaped — so the test cannot pass by
 * dropping everything:
 *   the public story page, the story index, /feed.xml (and each entry's HTML content),
 *   /feed.json (each item's content_html), /news-sitemap.xml (read by a strict XML reader), the content
 *   API's story (its JSON bytes and bodyHtml), the draft preview, the revision view, the
 *   revision detail's bodyHtml and every field of the revision diff.
 *
 * Webhooks' endpoint URLs and descriptions, receivers' answers and the events' bodies are JSON text for the
 * Settings page to show as text (tests/e2e/webhooks.spec.ts shows them in a browser).
 *
 * The public pages' other words (docs/site.md) get the same: the site's settings (name, description,
 * footer text and links), the story's section, tags, credited authors' names and corrections, each set to
 * the payload, and the page's structured data (JSON-LD), which must be one data block of JSON holding the
 * payload as a string and no "<" at all.
 */
import { DomUtils, parseDocument } from 'htmlparser2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createAccount } from '../../server/auth/accounts';
import { LEAD_ROOT, LEAD_TEXT_ROOTS } from '../../shared/figures';
import { ASSIGNEES_ROOT, PLANNING_LIMITS, PLANNING_ROOT, TAGS_ROOT } from '../../shared/planning';
import { DEFAULT_SITE_SETTINGS } from '../../shared/siteSettings';
import { XSS_PAYLOADS } from '../fixtures/xssPayloads';
import { connectClient, createStory, eventually, setParagraphs, type TestClient } from '../helpers/clients';
import { call, writeStory } from '../helpers/http';
import { png, uploadImage } from '../helpers/images';
import { createUser, startTestServer, type TestServer, type TestUser } from '../helpers/testServer';
import { startWebhookReceiver } from '../helpers/webhookReceiver';
import { childrenNamed, onlyText, parseXml } from '../helpers/xmlTree';

type Node = ReturnType<typeof parseDocument>;
type Element = ReturnType<typeof DomUtils.findAll>[number];

let server: TestServer;
let editor: TestUser;
const clients: TestClient[] = [];
/** The picture every payload story shows, as its lead image and in its Body. */
let picture: { id: string; width: number; height: number };

beforeAll(async () => {
  server = await startTestServer();
  editor = await createUser(server, 'editor', 'Eddie Editor');
  picture = (await uploadImage(server.url, editor.cookie, await png(64, 40), { type: 'image/png' })).body.media as typeof picture;
}, 20_000);

afterAll(async () => {
  clients.forEach((c) => c.close());
  await server?.close();
});

// ---------------------------------------------------------------------------------------------
// What must never be there

/** Elements that run script, load or embed active content, or change how the page is read. */
const FORBIDDEN_ELEMENTS = new Set([
  'script',
  'iframe',
  'frame',
  'frameset',
  'object',
  'embed',
  'applet',
  'style',
  'svg',
  'math',
  'base',
  'form',
  'template',
  'noscript',
  'portal',
]);
/** Attributes holding a URL (or a document) a browser may load or navigate to. */
const URL_ATTRIBUTES = new Set([
  'href',
  'src',
  'srcset',
  'action',
  'formaction',
  'xlink:href',
  'srcdoc',
  'data',
  'poster',
  'background',
  'ping',
]);
const BAD_SCHEME = /^(javascript|vbscript|data):/;

/** Every tag Galley's own pages, story bodies, diffs and Atom feed are built from: nothing else may appear in the raw markup. */
const PAGE_TAGS = new Set([
  'html',
  'head',
  'meta',
  'title',
  'link',
  'body',
  'a',
  'header',
  'main',
  'article',
  'h1',
  'h2',
  'h3',
  'h4',
  'p',
  'div',
  'aside',
  'ul',
  'ol',
  'li',
  'section',
  'footer',
  'time',
  'span',
  'strong',
  'em',
  's',
  'u',
  'nav',
  'blockquote',
  'br',
  'hr',
  'pre',
  'code',
  'ins',
  'del',
  'figure',
  'picture',
  'source',
  'img',
  'figcaption',
]);
const ATOM_TAGS = new Set([
  'media:content',
  'media:description',
  'media:credit',
  'feed',
  'id',
  'title',
  'subtitle',
  'updated',
  'link',
  'author',
  'name',
  'generator',
  'entry',
  'published',
  'summary',
  'content',
]);

/** As a browser compares a URL's scheme: trimmed, lower-cased, whitespace and control characters gone. */
const normalizedUrl = (value: string) => value.replace(/[\s\u0000-\u001F\u007F-\u009F]/g, '').toLowerCase();

/** Text compared without whitespace and the characters XML cannot carry (the feeds drop them). */
const squash = (text: string) => text.replace(/[\s\u0000-\u001F\u007F-\u009F\uFFFD\uFFFE\uFFFF]/g, '');

type LinkRule = (el: Element) => boolean;

/** The site's own <link>s: its stylesheet, its feeds (the site's or a listing's), and canonical/prev/next addresses on the site. */
const siteLinks: LinkRule = (el) => {
  const { rel, href = '' } = el.attribs;
  if (rel === 'stylesheet') return href === '/public/story.css' || /^\/public\/site\.css(\?v=\d+)?$/.test(href);
  if (rel === 'alternate') return href === '/feed.xml' || href === '/feed.json' || LISTING_FEED.test(href);
  if (rel === 'canonical' || rel === 'prev' || rel === 'next') return SITE_PAGE.test(href.replace(server.url, ''));
  return false;
};
const LISTING_FEED = /^\/(sections|tags|authors)\/[^/"<>\s]+\/feed\.(xml|json)$/;
const SITE_PAGE = /^\/(stories|sections\/|tags\/|authors\/|search\?)/;
const noLinks: LinkRule = () => false;

function allElements(doc: Node): Element[] {
  return DomUtils.findAll(() => true, doc.children);
}

/** What is wrong with a parsed document, one line per problem. */
function problemsOf(doc: Node, links: LinkRule): string[] {
  const problems: string[] = [];
  for (const el of allElements(doc)) {
    const name = el.name.toLowerCase();
    if (FORBIDDEN_ELEMENTS.has(name)) problems.push(`<${name}> element`);
    if (name === 'meta' && Object.keys(el.attribs).some((a) => a.toLowerCase() === 'http-equiv')) problems.push('<meta http-equiv>');
    if (name === 'link' && !links(el)) problems.push(`<link ${JSON.stringify(el.attribs)}>`);
    for (const [attribute, value] of Object.entries(el.attribs)) {
      const a = attribute.toLowerCase();
      if (a.startsWith('on')) problems.push(`<${name} ${a}>: event handler`);
      if (a === 'style') problems.push(`<${name} style>: inline style`);
      if (a === 'srcdoc') problems.push(`<${name} srcdoc>`);
      if (URL_ATTRIBUTES.has(a) && BAD_SCHEME.test(normalizedUrl(value))) problems.push(`<${name} ${a}="${value}">: dangerous URL`);
    }
    if (name === 'img' || name === 'source') problems.push(...imageProblems(el));
  }
  return problems;
}

/** A picture loads only our own copies (`/media/<id>/<width>.<format>`, absolute in feeds). */
const OUR_COPY = /^(https?:\/\/[^/]+)?\/media\/[A-Za-z0-9_-]{22}\/\d+\.(avif|webp|jpeg)$/;

function imageProblems(el: Element): string[] {
  const { src, srcset } = el.attribs;
  const candidates = srcset === undefined ? [] : srcset.split(',').map((candidate) => candidate.trim().split(/\s+/)[0]);
  const urls = [...(src === undefined ? [] : [src]), ...candidates];
  return urls.filter((url) => !OUR_COPY.test(url)).map((url) => `<${el.name}> loads ${JSON.stringify(url)}`);
}

/** Tag names in the raw markup, whatever a parser makes of it: only the site's own. */
function unknownRawTags(markup: string, allowed: Set<string>): string[] {
  const names = [...markup.matchAll(/<\/?([A-Za-z][^\s/>]*)/g)].map((m) => m[1].toLowerCase());
  return [...new Set(names.filter((n) => !allowed.has(n)))].map((n) => `raw <${n}> tag`);
}

/**
 * The one script element a public page may carry: structured data, `<script type="application/ld+json">`
 * holding JSON with no "<" in it (so nothing in it can end the element). Checked and cut out before the rest
 * of the page is; anything else that looks like a script stays in and is flagged.
 */
const JSON_LD = /<script type="application\/ld\+json">([^<]*)<\/script>/g;

function withoutStructuredData(html: string, where: string, found: object[] = []): string {
  return html.replace(JSON_LD, (_block, json: string) => {
    expect(() => found.push(JSON.parse(json) as object), `${where}: JSON-LD parses`).not.toThrow();
    return '';
  });
}

/**
 * The site's own search forms (the masthead's, the search page's), exactly as written, with the reader's
 * words escaped in the one `value` (no quote or bracket in it): cut out before the rest is checked. A form
 * anywhere else, or one whose value broke out of its quotes, stays in and is flagged.
 */
const SITE_SEARCH_FORM = new RegExp(
  [
    '<form class="(site-search|search-page-form)" role="search" aria-label="(Site search|Search again)" action="/search" method="get">',
    '<label for="(site-search-q|search-page-q)"( class="visually-hidden")?>(Search stories|Search words)</label>',
    '<input id="(site-search-q|search-page-q)" type="search" name="q"( value="[^"<>]*")? maxlength="200"( autocomplete="off")?>',
    '<button type="submit">Search</button>',
    '</form>',
  ].join('\n'),
  'g',
);

/** Parses HTML and expects nothing dangerous in it; returns the parsed document. */
function safeHtml(html: string, where: string, links: LinkRule = noLinks, structuredData: object[] = []): Node {
  html = withoutStructuredData(html, where, structuredData).replace(SITE_SEARCH_FORM, '');
  const doc = parseDocument(html);
  expect([...problemsOf(doc, links), ...unknownRawTags(html, PAGE_TAGS)], where).toEqual([]);
  return doc;
}

const textOf = (nodes: Element[]) => nodes.map((n) => DomUtils.textContent(n)).join('\n');
const byClass = (doc: Node | Element, cls: string) =>
  DomUtils.findAll((el) => (el.attribs.class ?? '').split(/\s+/).includes(cls), doc.children);
const byName = (doc: Node | Element, name: string) => DomUtils.findAll((el) => el.name === name, doc.children);

// ---------------------------------------------------------------------------------------------
// Writing the payload

function el(name: string, attributes: Record<string, string>, children: Array<Y.XmlElement | Y.XmlText>): Y.XmlElement {
  const element = new Y.XmlElement(name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, value);
  element.insert(0, children);
  return element;
}

function text(value: string, marks?: Record<string, unknown>): Y.XmlText {
  const t = new Y.XmlText();
  t.insert(0, value, marks);
  return t;
}

/** Link targets no reader must ever be sent to, however they are spelled. */
const HOSTILE_HREFS = [
  'javascript:alert(1)',
  'JaVaScRiPt:alert(1)',
  ' javascript:alert(1)',
  'java\tscript:alert(1)',
  'java\nscript:alert(1)',
  '\u0001javascript:alert(1)',
  'javascript&colon;alert(1)',
  '&#106;avascript:alert(1)',
  'vbscript:msgbox(1)',
  'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
  'DATA:text/html,<script>alert(1)</script>',
  '//evil.example/x',
];

/**
 * (a) The payload as text in every field, and (b) as structure the editor would never make:
 * each hostile element carries a marker text that must survive (its element must not).
 */
function writePayload(doc: Y.Doc, payload: string, marker: string): string[] {
  const markers: string[] = [];
  const m = (what: string) => {
    const value = `${marker} ${what}`;
    markers.push(value);
    return value;
  };
  doc.transact(() => {
    for (const field of ['headline', 'standfirst', 'byline']) doc.getXmlFragment(field).insert(0, [el('paragraph', {}, [text(payload)])]);
    doc.getXmlFragment('body').insert(0, [
      el('paragraph', {}, [text(payload)]),
      el('script', { src: payload, type: 'text/javascript' }, [text(m('script'))]),
      el('img', { src: 'x', onerror: payload }, [text(m('img'))]),
      el('iframe', { src: 'javascript:alert(1)', srcdoc: payload }, [text(m('iframe'))]),
      el('object', { data: payload }, [el('embed', { src: payload }, [text(m('object'))])]),
      el('style', {}, [text(m('style'))]),
      el('svg', { onload: payload, 'xlink:href': 'javascript:alert(1)' }, [el('a', { 'xlink:href': payload }, [text(m('svg'))])]),
      el('math', {}, [el('mtext', {}, [el('a', { href: 'javascript:alert(1)' }, [text(m('math'))])])]),
      el('form', { action: payload }, [el('button', { formaction: 'javascript:alert(1)' }, [text(m('form'))])]),
      el('meta', { 'http-equiv': 'refresh', content: `0;url=${payload}` }, [text(m('meta'))]),
      el('base', { href: payload }, [text(m('base'))]),
      el('template', {}, [text(m('template'))]),
      el('a', { href: payload, onclick: payload }, [text(m('anchor'))]),
      // The payload as the element's name, and as attribute names.
      el(payload, { [payload]: payload }, [text(m('named'))]),
      el('paragraph', { onclick: payload, style: payload, class: payload, [`x" onmouseover="${payload}`]: 'y' }, [
        ...HOSTILE_HREFS.map((href, i) => text(m(`link ${i}`), { link: { href } })),
        text(m('link payload'), { link: { href: payload, target: payload, onclick: payload } }),
        text(m('link overlapping'), { 'link--x1': { href: 'javascript:alert(1)' }, bold: { onclick: payload }, script: true }),
        text(m('safe link'), { link: { href: `https://news.example/"><script>alert(1)</script>` } }),
      ]),
      el('heading', { level: payload }, [text(m('heading'))]),
      el('heading', { level: `2" onmouseover="alert(1)` }, [text(m('heading breakout'))]),
      el('orderedList', { start: payload }, [el('listItem', {}, [el('paragraph', {}, [text(m('list item'))])])]),
      el('orderedList', { start: `1" onclick="alert(1)` }, [
        el('listItem', { onclick: payload }, [el('paragraph', {}, [text(m('list breakout'))])]),
      ]),
      el('codeBlock', { language: payload }, [text(payload)]),
      el('blockquote', { cite: 'javascript:alert(1)' }, [el('paragraph', {}, [text(m('quote'))])]),
      el('hardBreak', { onclick: payload }, [el('script', {}, [text('never shown: a hard break has no content')])]),
    ]);
    writePictures(doc, payload);
  });
  return markers;
}

/** The payload as every word of the lead image and of a Body picture (appended: the body's first block stays the payload paragraph). */
function writePictures(doc: Y.Doc, payload: string): void {
  const lead = doc.getMap(LEAD_ROOT);
  lead.set('media', picture.id);
  lead.set('width', picture.width);
  lead.set('height', picture.height);
  for (const root of Object.values(LEAD_TEXT_ROOTS)) doc.getText(root).insert(0, payload);
  const words = { alt: payload, caption: payload, credit: payload };
  const figure = { media: picture.id, width: String(picture.width), height: String(picture.height), layout: payload, ...words };
  const body = doc.getXmlFragment('body');
  body.insert(body.length, [el('figure', figure, [text(`figure child ${payload}`)])]);
}

/** Each picture's alt text and caption (its credit included) hold the payload, as text. */
function expectPictureWords(doc: Node, want: string, count: number, where: string): void {
  const images = byName(doc, 'img');
  expect(images, where).toHaveLength(count);
  for (const img of images) expect(squash(img.attribs.alt), where).toBe(want);
  const captions = byName(doc, 'figcaption').map((caption) => squash(DomUtils.textContent(caption)));
  expect(captions, where).toEqual(Array.from({ length: count }, () => expect.stringContaining(want)));
  for (const caption of captions) expect(caption.split(want).length - 1, where).toBeGreaterThanOrEqual(2);
}

// ---------------------------------------------------------------------------------------------

type Published = { storyId: string; slug: string; client: TestClient };

async function publish(payload: string, marker: string): Promise<Published & { markers: string[] }> {
  const storyId = await createStory(server, editor);
  const client = await connectClient(server, editor, storyId);
  clients.push(client);
  const markers = writePayload(client.doc, payload, marker);
  await client.provider.whenSaved();
  const answer = await call(server, 'POST', `/api/stories/${storyId}/publish`, { user: editor });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return { storyId, slug: answer.body.publication.slug, client, markers };
}

/** The draft moves on after publication, so the diff has the payload in <ins> and <del> too. */
async function editAfterPublication(client: TestClient, payload: string): Promise<void> {
  client.doc.transact(() => {
    const standfirst = client.doc.getXmlFragment('standfirst');
    standfirst.delete(0, standfirst.length);
    standfirst.insert(0, [el('paragraph', {}, [text(`Updated: ${payload}`)])]);
    const body = client.doc.getXmlFragment('body');
    body.delete(0, 1);
    body.insert(body.length, [el('paragraph', {}, [text(`Added: ${payload}`)]), el('script', {}, [text(`Added script: ${payload}`)])]);
  });
  await client.provider.whenSaved();
}

async function get(path: string, user?: TestUser): Promise<{ status: number; text: string; body: any }> {
  const answer = await call(server, 'GET', path, { user });
  expect(answer.status, `GET ${path}`).toBe(200);
  return answer;
}

describe('the checker itself', () => {
  it('flags each kind of danger, so a pass means something', () => {
    const flagged = (html: string) => [...problemsOf(parseDocument(html), noLinks), ...unknownRawTags(html, PAGE_TAGS)];
    for (const bad of [
      '<script>alert(1)</script>',
      '<p><img src=x onerror=alert(1)></p>',
      '<a href=" JaVa&#x09;Script&colon;alert(1)">x</a>',
      '<a href="data:text/html,x">x</a>',
      '<a href="&#118;bscript:x">x</a>',
      '<iframe srcdoc="x"></iframe>',
      '<svg><a xlink:href="javascript:x">x</a></svg>',
      '<math></math>',
      '<meta http-equiv="refresh" content="0;url=x">',
      '<link rel="import" href="/x">',
      '<base href="/">',
      '<form action="/x"></form>',
      '<template></template>',
      '<style>p{}</style>',
      '<object data="x"></object>',
      '<embed src="x">',
      '<p style="color:red">x</p>',
      '<p onclick="x">x</p>',
      '<input autofocus>',
      '<details open>',
      '<img src="https://evil.example/x.jpeg">',
      '<picture><source srcset="/media/AAAAAAAAAAAAAAAAAAAAAA/320.jpeg 320w, https://evil.example/x 640w"></picture>',
    ]) {
      expect(flagged(bad), bad).not.toEqual([]);
    }
    expect(flagged('<p>Plain <strong>text</strong> with &lt;script&gt; escaped and <a href="https://example.com/">a link</a></p>')).toEqual(
      [],
    );
  });
});

describe.each(XSS_PAYLOADS.map((p, i) => ({ ...p, marker: `survivor${i}` })))('payload: $name', ({ payload, marker }) => {
  it('is shown as text and never runs, anywhere it is served', async () => {
    const { storyId, slug, client, markers } = await publish(payload, marker);
    const want = squash(payload);

    // The public story page.
    const page = await get(`/stories/${slug}`);
    const pageDoc = safeHtml(page.text, 'public page', siteLinks);
    expect(squash(textOf(byName(pageDoc, 'h1')))).toBe(want);
    expect(squash(textOf(byClass(pageDoc, 'standfirst')))).toBe(want);
    expect(squash(textOf(byClass(pageDoc, 'byline')))).toContain(want);
    const bodyText = squash(textOf(byClass(pageDoc, 'story-body')));
    expect(bodyText).toContain(want);
    for (const m of markers) expect(bodyText, m).toContain(squash(m));
    // The lead image and the Body picture, their words as text; og:image:alt as an attribute value.
    expectPictureWords(pageDoc, want, 2, 'public page pictures');
    const imageAlt = byName(pageDoc, 'meta').find((m) => m.attribs.property === 'og:image:alt');
    expect(squash(imageAlt?.attribs.content ?? '')).toBe(want);
    expect(bodyText).not.toContain(squash('figure child'));
    // Links kept only for absolute http(s) targets; the breakout attempt stays inside its attribute.
    const bodyLinks = byClass(pageDoc, 'story-body').flatMap((b) => DomUtils.findAll((e) => e.name === 'a', b.children));
    expect(bodyLinks.map((a) => a.attribs.href)).toEqual(['https://news.example/%22%3E%3Cscript%3Ealert(1)%3C/script%3E']);

    // The story index lists it by its headline.
    const index = await get('/stories');
    const indexDoc = safeHtml(index.text, 'index', siteLinks);
    const listed = DomUtils.findAll((e) => e.name === 'a' && e.attribs.href === `/stories/${slug}`, indexDoc.children);
    expect(squash(textOf(listed))).toBe(want);

    // The Atom feed: only Atom's own elements, links on the site, and each entry's HTML safe.
    const atom = await get('/feed.xml');
    const atomDoc = parseDocument(atom.text, { xmlMode: true });
    expect(
      problemsOf(atomDoc, (link) => (link.attribs.href ?? '').startsWith(server.url)),
      'feed.xml',
    ).toEqual([]);
    expect(
      [...new Set(allElements(atomDoc).map((e) => e.name))].filter((n) => !ATOM_TAGS.has(n)),
      'feed.xml elements',
    ).toEqual([]);
    const entries = byName(atomDoc, 'entry');
    for (const entry of entries) {
      const [content] = DomUtils.findAll((e) => e.name === 'content', entry.children);
      expect(content.attribs.type).toBe('html');
      safeHtml(DomUtils.textContent(content), 'feed.xml entry content');
    }
    const entry = entries.find((e) => DomUtils.textContent(DomUtils.findAll((c) => c.name === 'id', e.children)) === `urn:uuid:${storyId}`);
    expect(entry, 'the story in feed.xml').toBeDefined();
    expect(squash(textOf(DomUtils.findAll((e) => e.name === 'title', entry!.children)))).toBe(want);
    expect(squash(textOf(DomUtils.findAll((e) => e.name === 'summary', entry!.children)))).toBe(want);
    const atomContent = safeHtml(DomUtils.textContent(DomUtils.findAll((e) => e.name === 'content', entry!.children)), 'feed.xml content');
    expect(squash(DomUtils.textContent(atomContent))).toContain(want);
    expectPictureWords(atomContent, want, 1, 'feed.xml content pictures');
    const mediaWords = DomUtils.findAll((e) => e.name === 'media:description' || e.name === 'media:credit', entry!.children);
    expect(mediaWords.map((e) => squash(DomUtils.textContent(e)))).toEqual([want, want]);

    // The JSON feed: no markup in its bytes at all; each item's HTML safe.
    const json = await get('/feed.json');
    expect(json.text).not.toMatch(/[<>]/);
    const items = json.body.items as Array<{ id: string; title: string; summary?: string; content_html: string }>;
    expect(items.length).toBe(entries.length);
    for (const item of items) safeHtml(item.content_html, 'feed.json content_html');
    const item = items.find((i) => i.id === `urn:uuid:${storyId}`);
    expect(item, 'the story in feed.json').toBeDefined();
    expect(squash(item!.title)).toBe(want);
    expect(squash(DomUtils.textContent(parseDocument(item!.content_html)))).toContain(want);
    expectPictureWords(parseDocument(item!.content_html), want, 1, 'feed.json content_html pictures');

    // The news sitemap: well-formed to a strict reader, the headline its title's text.
    const news = parseXml((await get('/news-sitemap.xml')).text);
    const newsUrl = childrenNamed(news, 'url').find((u) => onlyText(u, 'loc') === `${server.url}/stories/${slug}`);
    expect(newsUrl, 'the story in news-sitemap.xml').toBeDefined();
    expect(squash(onlyText(childrenNamed(newsUrl!, 'news:news')[0], 'news:title'))).toBe(want);

    // The content API: no markup in its bytes at all; the body safe, the words there as text.
    const content = await get(`/api/content/v1/stories/${storyId}`, editor);
    expect(content.text).not.toMatch(/[<>]/);
    const apiStory = content.body.story as { headline: string; standfirst: string; bodyHtml: string };
    expect([squash(apiStory.headline), squash(apiStory.standfirst)]).toEqual([want, want]);
    const apiBody = safeHtml(apiStory.bodyHtml, 'content API bodyHtml');
    expect(squash(DomUtils.textContent(apiBody))).toContain(want);
    expectPictureWords(apiBody, want, 1, 'content API bodyHtml pictures');

    // The newsroom's views, after the draft moved on.
    await editAfterPublication(client, payload);
    const preview = await get(`/preview/${storyId}`, editor);
    const previewDoc = safeHtml(preview.text, 'preview', siteLinks);
    expect(squash(textOf(byClass(previewDoc, 'standfirst')))).toBe(squash(`Updated: ${payload}`));
    expect(squash(textOf(byClass(previewDoc, 'story-body')))).toContain(squash(`Added: ${payload}`));

    const revisionView = await get(`/preview/${storyId}/revisions/1`, editor);
    const revisionDoc = safeHtml(revisionView.text, 'revision view', siteLinks);
    expect(squash(textOf(byName(revisionDoc, 'h1')))).toBe(want);
    expect(squash(textOf(byClass(revisionDoc, 'story-body')))).toContain(want);

    const detail = await get(`/api/stories/${storyId}/revisions/1`, editor);
    const detailDoc = safeHtml(detail.body.revision.bodyHtml, 'revision bodyHtml');
    expect(squash(DomUtils.textContent(detailDoc))).toContain(want);

    const diff = await get(`/api/stories/${storyId}/revisions/1/diff`, editor);
    const fields = diff.body.fields as Array<{ field: string; html: string }>;
    expect(fields.map((f) => f.field)).toEqual(['headline', 'standfirst', 'byline', 'body']);
    const diffText: Record<string, string> = {};
    for (const f of fields) diffText[f.field] = squash(DomUtils.textContent(safeHtml(f.html, `diff ${f.field}`)));
    expect(diffText.headline).toBe(want);
    expect(diffText.byline).toBe(want);
    const standfirstDiff = parseDocument(fields[1].html);
    expect(squash(textOf(byName(standfirstDiff, 'ins')))).toContain(squash('Updated:'));
    const bodyDiff = parseDocument(fields[3].html);
    expect(squash(textOf(byName(bodyDiff, 'del')))).toContain(want);
    expect(squash(textOf(byName(bodyDiff, 'ins')))).toContain(squash(`Added: ${payload}`));
    expect(squash(textOf(byName(bodyDiff, 'ins')))).toContain(squash(`Added script: ${payload}`));
  }, 30_000);
});

describe('raw structure in the headline, standfirst and byline', () => {
  it('keeps only the text of elements and links written into the plain-text fields', async () => {
    const storyId = await createStory(server, editor);
    const client = await connectClient(server, editor, storyId);
    clients.push(client);
    client.doc.transact(() => {
      const put = (field: string, children: Array<Y.XmlElement | Y.XmlText>) => client.doc.getXmlFragment(field).insert(0, children);
      put('headline', [
        el('script', { src: 'javascript:alert(1)' }, [text('Headline <b>survives</b>', { link: { href: 'javascript:alert(1)' } })]),
      ]);
      put('standfirst', [
        el('img', { src: 'x', onerror: 'alert(1)' }, [text('Standfirst survives')]),
        el('paragraph', { onclick: 'alert(1)' }, [text('"><svg onload=alert(1)>')]),
      ]);
      put('byline', [el('iframe', { srcdoc: '<script>alert(1)</script>' }, [text('Byline survives')])]);
      put('body', [el('paragraph', {}, [text('Body.')])]);
    });
    await client.provider.whenSaved();
    const answer = await call(server, 'POST', `/api/stories/${storyId}/publish`, { user: editor });
    expect(answer.status).toBe(200);
    const slug = answer.body.publication.slug as string;

    for (const [path, user] of [
      [`/stories/${slug}`],
      [`/preview/${storyId}`, editor],
      [`/preview/${storyId}/revisions/1`, editor],
    ] as const) {
      const doc = safeHtml((await get(path, user)).text, path, siteLinks);
      expect(textOf(byName(doc, 'h1'))).toBe('Headline <b>survives</b>');
      expect(squash(textOf(byClass(doc, 'standfirst')))).toBe(squash('Standfirst survives "><svg onload=alert(1)>'));
      expect(textOf(byClass(doc, 'byline'))).toBe('By Byline survives');
    }
    const atom = parseDocument((await get('/feed.xml')).text, { xmlMode: true });
    expect(problemsOf(atom, (link) => (link.attribs.href ?? '').startsWith(server.url))).toEqual([]);
    expect(textOf(byName(atom, 'title'))).toContain('Headline <b>survives</b>');
  });
});

describe('the damaged-stories list (admins)', () => {
  it('carries every payload headline as JSON text, unchanged, for the app to show as text', async () => {
    const admin = await createUser(server, 'admin', 'Ada Admin');
    const written = await Promise.all(
      XSS_PAYLOADS.map(async ({ payload }) => {
        const storyId = await createStory(server, editor);
        const client = await connectClient(server, editor, storyId);
        clients.push(client);
        setParagraphs(client.doc, 'headline', [payload]);
        await client.provider.whenSaved();
        return { storyId, payload };
      }),
    );
    // The list's headline is the one the newsroom shows (kept by the server from the document).
    const headlines = await eventually(async () => {
      const stored = await Promise.all(written.map(async ({ storyId }) => (await server.store.getStory(storyId))!.headline));
      stored.forEach((headline, i) => expect(squash(headline)).toBe(squash(written[i].payload)));
      return stored;
    }, 15_000);
    for (const { storyId } of written) {
      const [seq] = await server.store.appendUpdates([{ storyId, update: Uint8Array.of(1, 2, 3) }]);
      await server.store.quarantine(storyId, [{ kind: 'update', seq, reason: 'Does not decode (xss corpus)' }], new Date().toISOString());
    }

    const answer = await call(server, 'GET', '/api/damaged-stories', { user: admin });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    const listed = new Map((answer.body.stories as Array<{ storyId: string; headline: string }>).map((s) => [s.storyId, s.headline]));
    written.forEach(({ storyId }, i) => expect(listed.get(storyId), written[i].payload).toBe(headlines[i]));
  }, 60_000);
});

describe('the Trash and its deletion record (editors)', () => {
  it('carries every payload headline as JSON text, unchanged, in the Trash and the record, for the app to show as text', async () => {
    const written = await Promise.all(
      XSS_PAYLOADS.map(async ({ payload }) => {
        const storyId = await createStory(server, editor);
        const client = await connectClient(server, editor, storyId);
        clients.push(client);
        setParagraphs(client.doc, 'headline', [payload]);
        await client.provider.whenSaved();
        return { storyId, payload };
      }),
    );
    // Deleting stores the document's headline first, so the record has it as written.
    for (const { storyId } of written) expect((await call(server, 'DELETE', `/api/stories/${storyId}`, { user: editor })).status).toBe(204);

    const answer = await call(server, 'GET', '/api/trash', { user: editor });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    const trashed = new Map((answer.body.stories as Array<{ id: string; headline: string }>).map((s) => [s.id, s.headline]));
    const recorded = new Map((answer.body.records as Array<{ storyId: string; headline: string }>).map((r) => [r.storyId, r.headline]));
    for (const { storyId, payload } of written) {
      expect(squash(trashed.get(storyId)!), payload).toBe(squash(payload));
      expect(recorded.get(storyId), payload).toBe(trashed.get(storyId));
    }
  }, 60_000);
});

describe('the media library (captions, credits, alt text)', () => {
  it('keeps every payload as plain JSON text, unchanged but for trimming, and serves the image itself as an image only', async () => {
    const upload = await uploadImage(server.url, editor.cookie, await png(48, 32), {
      type: 'image/png',
      name: '<img src=x onerror=alert(1)>.png',
    });
    expect(upload.status).toBe(201);
    const { id } = upload.body.media as { id: string };
    for (const { payload } of XSS_PAYLOADS) {
      const details = { caption: payload.slice(0, 1000), credit: payload.slice(0, 200), alt: payload.slice(0, 500) };
      const patched = await call(server, 'PATCH', `/api/media/${id}`, { user: editor, body: details });
      expect(patched.status, payload).toBe(200);
      const answer = await call(server, 'GET', `/api/media/${id}`, { user: editor });
      expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
      expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
      const { caption, credit, alt } = answer.body.media as Record<string, string>;
      expect({ caption, credit, alt }, payload).toEqual({
        caption: details.caption.trim(),
        credit: details.credit.trim(),
        alt: details.alt.trim(),
      });
    }
    const file = await fetch(`${server.url}/media/${id}/original`, { headers: { cookie: editor.cookie } });
    expect(file.headers.get('content-type')).toBe('image/png');
    expect(file.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
  });
});

describe('a story’s activity timeline (send-back notes, version names, people’s names)', () => {
  it('carries every payload as plain JSON text, unchanged but for trimming, for the app to show as text', async () => {
    const { payload: hostileName } = XSS_PAYLOADS[0];
    const writer = await createUser(server, 'writer', hostileName.slice(0, 80));
    const storyId = await createStory(server, writer);
    const path = `/api/stories/${storyId}`;
    const expected: Array<{ kind: string; text: string }> = [];
    for (const { payload } of XSS_PAYLOADS) {
      expect((await call(server, 'POST', `${path}/submit`, { user: writer })).status, payload).toBe(200);
      expect((await call(server, 'POST', `${path}/return`, { user: editor, body: { note: payload } })).status, payload).toBe(200);
      const saved = await call(server, 'POST', `${path}/versions`, { user: writer, body: { name: payload } });
      expect(saved.status, payload).toBe(201);
      expected.push({ kind: 'returned', text: payload.trim() }, { kind: 'version', text: payload.trim() });
    }
    const entries: Array<{ kind: string; actor: { name: string } | null; detail: { note?: string; name?: string } }> = [];
    let before = '';
    for (;;) {
      const answer = await call(server, 'GET', `${path}/activity${before}`, { user: editor });
      expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
      expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
      entries.push(...answer.body.activity);
      if (!answer.body.next) break;
      before = `?before=${answer.body.next}`;
    }
    const said = entries
      .reverse()
      .filter((e) => e.kind === 'returned' || e.kind === 'version')
      .map((e) => ({ kind: e.kind, text: e.kind === 'returned' ? e.detail.note : e.detail.name }));
    expect(said).toEqual(expected);
    expect(entries.find((e) => e.kind === 'created')?.actor?.name).toBe(hostileName.slice(0, 80).trim());
  }, 60_000);
});

describe('the sections and tags lists', () => {
  it('keeps every payload that fits as a name, as plain JSON text, spaces collapsed', async () => {
    for (const kind of ['sections', 'tags'] as const) {
      const max = kind === 'sections' ? 60 : 40;
      const names = [...new Set(XSS_PAYLOADS.map(({ payload }) => payload.replace(/\s+/g, ' ').trim().slice(0, max).trim()))].filter(
        Boolean,
      );
      for (const name of names) {
        const added = await call(server, 'POST', `/api/${kind}`, { user: editor, body: { name } });
        // Two payloads may differ only in case: the list keeps one of them.
        expect([201, 409], name).toContain(added.status);
      }
      const answer = await call(server, 'GET', `/api/${kind}`, { user: editor });
      expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
      expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
      const listed = new Set((answer.body.terms as Array<{ name: string }>).map((t) => t.name.toLowerCase()));
      for (const name of names) expect(listed.has(name.toLowerCase()), name).toBe(true);
    }
  });
});

describe('webhooks: endpoints, receivers’ answers and payloads (admins)', () => {
  it('carries every payload as plain JSON text, unchanged but for trimming and bounds, for the app to show as text', async () => {
    const hooks = await startTestServer({ env: { WEBHOOK_ALLOW_PRIVATE: '1' } });
    const receiver = await startWebhookReceiver();
    try {
      const admin = await createUser(hooks, 'admin', 'Ada Admin');
      const hookEditor = await createUser(hooks, 'editor', 'Eddie Editor');
      // The receiver answers each request with the next payload, as a hostile receiver would.
      let answered = 0;
      receiver.decide = () => ({ status: 200, body: XSS_PAYLOADS[answered++ % XSS_PAYLOADS.length].payload });
      const registered = [];
      for (const { payload } of XSS_PAYLOADS.slice(0, 20)) {
        const body = { url: `${receiver.url}/?q=${payload.trim()}`, events: ['story.published'], description: payload };
        const answer = await call(hooks, 'POST', '/api/webhooks', { user: admin, body });
        // A payload that breaks the URL is refused as one; the rest are kept as written.
        if (answer.status === 400) continue;
        expect(answer.status, payload).toBe(201);
        registered.push({ id: answer.body.endpoint.id as string, url: body.url, description: payload.trim() });
      }
      expect(registered.length).toBeGreaterThan(10);
      const listed = await call(hooks, 'GET', '/api/webhooks', { user: admin });
      expect(listed.headers.get('content-type')).toMatch(/^application\/json/);
      expect(listed.headers.get('x-content-type-options')).toBe('nosniff');
      const byId = new Map((listed.body.endpoints as Array<{ id: string; url: string; description: string }>).map((e) => [e.id, e]));
      for (const r of registered) expect(byId.get(r.id), r.url).toMatchObject({ url: r.url, description: r.description });

      // Every payload, once, as a receiver's answer; one headline full of them in every event's body.
      const [first] = registered;
      for (let i = 1; i < XSS_PAYLOADS.length; i++) await call(hooks, 'POST', `/api/webhooks/${first.id}/ping`, { user: admin });
      const headline = XSS_PAYLOADS.slice(0, 3)
        .map((p) => p.payload)
        .join(' ')
        .slice(0, 120);
      const storyId = await writeStory(
        hooks,
        hookEditor,
        { headline: [headline], standfirst: ['S.'], byline: ['B.'], body: ['B.'] },
        clients,
      );
      expect((await call(hooks, 'POST', `/api/stories/${storyId}/publish`, { user: hookEditor })).status).toBe(200);
      await eventually(() => expect(receiver.received.length).toBe(XSS_PAYLOADS.length - 1 + registered.length), 30_000);
      // As the log keeps an answer: its start, NUL characters replaced (Postgres text cannot hold them).
      const answers = new Set(XSS_PAYLOADS.map((p) => p.payload.slice(0, 500).replaceAll('\u0000', '\uFFFD')));
      const log = await eventually(async () => {
        const answer = await call(hooks, 'GET', `/api/webhooks/${first.id}/deliveries`, { user: admin });
        const deliveries = answer.body.deliveries as Array<{ status: string; responseExcerpt: string; payload: string; type: string }>;
        expect(deliveries.every((d) => d.status === 'delivered')).toBe(true);
        return { answer, deliveries };
      });
      expect(log.answer.headers.get('content-type')).toMatch(/^application\/json/);
      for (const d of log.deliveries) expect(answers.has(d.responseExcerpt), d.responseExcerpt).toBe(true);
      const published = log.deliveries.find((d) => d.type === 'story.published')!;
      expect(squash(JSON.parse(published.payload).data.story.headline)).toBe(squash(headline));
    } finally {
      await receiver.close();
      await hooks.close();
    }
  }, 60_000);
});

/** The payload as it fits a field of `max` characters (the site's and planning's bounds refuse longer ones). */
const fit = (payload: string, max: number) => payload.replace(/\s+/g, ' ').trim().slice(0, max);

describe.each(XSS_PAYLOADS.map((p, i) => ({ ...p, marker: `site${i}` })))(
  'payload in the site and story facts: $name',
  ({ payload, marker }) => {
    it('is shown as text in the masthead, footer, section, tags, authors, corrections and structured data', async () => {
      const admin = await createUser(server, 'admin', `Admin ${marker}`);
      const settings = {
        ...DEFAULT_SITE_SETTINGS,
        name: `${marker} ${fit(payload, 60)}`,
        description: fit(payload, 300),
        footerText: payload,
        footerLinks: [{ label: `${marker} ${fit(payload, 40)}`, url: `https://news.example/${payload}` }],
        logo: picture.id,
        socialImage: null,
      };
      const saved = await call(server, 'PUT', '/api/site', { user: admin, body: settings });
      expect(saved.status, JSON.stringify(saved.body)).toBe(200);

      // An author whose name is the payload, assigned; the payload as section and tag; a correction on republishing.
      const author = await createAccount(server.store, {
        email: `${marker}@xss.test`,
        name: `${marker} ${fit(payload, 60)}`,
        role: 'writer',
        password: 'a long enough password',
      });
      const storyId = await createStory(server, editor);
      const client = await connectClient(server, editor, storyId);
      clients.push(client);
      client.doc.transact(() => {
        for (const field of ['headline', 'standfirst', 'byline']) setParagraphs(client.doc, field, [`${marker} ${field}`]);
        setParagraphs(client.doc, 'body', ['Body.']);
        client.doc.getMap(PLANNING_ROOT).set('section', fit(payload, PLANNING_LIMITS.sectionMaxChars));
        client.doc.getMap(TAGS_ROOT).set(fit(payload, PLANNING_LIMITS.tagMaxChars), true);
        client.doc.getMap(ASSIGNEES_ROOT).set(author.id, true);
      });
      await client.provider.whenSaved();
      expect((await call(server, 'POST', `/api/stories/${storyId}/publish`, { user: editor })).status).toBe(200);
      const again = await call(server, 'POST', `/api/stories/${storyId}/publish`, { user: editor, body: { correction: payload } });
      expect(again.status, JSON.stringify(again.body)).toBe(200);

      const data: object[] = [];
      const page = await get(`/stories/${again.body.publication.slug}`);
      const doc = safeHtml(page.text, 'public page', siteLinks, data);
      const want = (value: string) => squash(value);
      expect(squash(textOf(byClass(doc, 'site-name')))).toBe(want(settings.name));
      expect(squash(textOf(byName(doc, 'title')))).toContain(want(settings.name));
      expect(squash(textOf(byClass(doc, 'site-footer')))).toContain(want(payload));
      expect(squash(textOf(byClass(doc, 'footer-links')))).toBe(want(settings.footerLinks[0].label));
      expect(squash(textOf(byClass(doc, 'section')))).toBe(want(fit(payload, PLANNING_LIMITS.sectionMaxChars)));
      expect(squash(textOf(byClass(doc, 'story-tags')))).toBe(want(fit(payload, PLANNING_LIMITS.tagMaxChars)));
      expect(squash(textOf(byClass(doc, 'authors')))).toContain(want(author.name));
      expect(squash(textOf(byClass(doc, 'corrections')))).toContain(want(payload));
      const siteName = byName(doc, 'meta').find((m) => m.attribs.property === 'og:site_name');
      expect(squash(siteName?.attribs.content ?? '')).toBe(want(settings.name));

      // The structured data: one NewsArticle, its words the payload as strings.
      expect(data).toHaveLength(1);
      const article = data[0] as { publisher: { name: string }; author: { name: string }[]; articleSection: string; keywords: string[] };
      expect(squash(article.publisher.name)).toBe(want(settings.name));
      expect(squash(article.author[0].name)).toBe(want(author.name));
      expect(squash(article.articleSection)).toBe(want(fit(payload, PLANNING_LIMITS.sectionMaxChars)));

      // The pages the story links to (its section's, tag's and author's) and their feeds, and a search for the payload.
      const slug = again.body.publication.slug as string;
      const listingLinks = [...byClass(doc, 'section'), ...byClass(doc, 'story-tags'), ...byClass(doc, 'authors')].flatMap((e) =>
        byName(e, 'a').map((a) => a.attribs.href),
      );
      expect(listingLinks).toHaveLength(3);
      for (const path of listingLinks) {
        const listing = await get(path);
        expect(listing.status, path).toBe(200);
        const listingDoc = safeHtml(listing.text, path, siteLinks);
        expect(
          byName(listingDoc, 'a').filter((a) => a.attribs.href === `/stories/${slug}`),
          `${path} lists the story`,
        ).toHaveLength(1);
        const listingAtom = (await get(`${path}/feed.xml`)).text;
        expect(unknownRawTags(listingAtom, ATOM_TAGS), `${path}/feed.xml`).toEqual([]);
        const listingJson = await get(`${path}/feed.json`);
        expect(listingJson.text, `${path}/feed.json`).not.toMatch(/[<>]/);
        expect(squash(listingJson.body.title), `${path}/feed.json`).toContain(want(settings.name));
      }
      const words = fit(payload, 200);
      const search = await get(`/search?q=${encodeURIComponent(words)}`);
      expect(search.status).toBe(200);
      safeHtml(search.text, 'search page', siteLinks);
      // The form itself was checked to be exactly the site's (SITE_SEARCH_FORM): its value holds the words as text.
      const searchInput = byName(parseDocument(search.text), 'input').find((i) => i.attribs.id === 'search-page-q');
      expect(squash(searchInput?.attribs.value ?? '')).toBe(want(words));

      // The index, an error page and the feeds carry the site's words too.
      safeHtml((await get('/stories')).text, 'index', siteLinks);
      const missing = await call(server, 'GET', '/stories/no-such-story');
      expect(missing.status).toBe(404);
      expect(squash(textOf(byClass(safeHtml(missing.text, 'error page', siteLinks), 'site-name')))).toBe(want(settings.name));
      const atom = parseDocument((await get('/feed.xml')).text, { xmlMode: true });
      expect(squash(textOf(DomUtils.findAll((e) => e.name === 'subtitle', atom.children)))).toBe(want(settings.description));
      const json = await get('/feed.json');
      expect(json.text).not.toMatch(/[<>]/);
      expect(squash(json.body.title)).toContain(want(settings.name));

      // The site stylesheet is only the accent colour.
      const stylesheet = await call(server, 'GET', '/public/site.css');
      expect(stylesheet.text).toBe(`:root {\n  --accent: ${DEFAULT_SITE_SETTINGS.accentColor};\n}\n`);
    }, 30_000);
  },
);
