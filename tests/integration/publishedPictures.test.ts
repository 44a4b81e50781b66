/**
 * Issue 17, pictures published: a story's lead image and Body figures written into its Y.Doc through a
 * real Yjs client (as the editor, or any other Yjs client, writes them), published on a real server, and
 * read back as a reader, a link preview and a feed reader get them, anonymously. Every image address on
 * the page is fetched: each copy exists and has the width its srcset says.
 */
import { DomUtils, parseDocument } from 'htmlparser2';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { LEAD_ROOT, LEAD_TEXT_ROOTS } from '../../shared/figures';
import type { MediaSummary } from '../../shared/media';
import { connectClient, createStory, setParagraphs, type TestClient } from '../helpers/clients';
import { call } from '../helpers/http';
import { jpegWithGps, png, uploadImage } from '../helpers/images';
import { createUser, startTestServer, type TestServer, type TestUser } from '../helpers/testServer';

type Element = ReturnType<typeof DomUtils.findAll>[number];
type Lead = { media: string; width: number; height: number; alt?: string; caption?: string; credit?: string };

let server: TestServer;
let editor: TestUser;
const clients: TestClient[] = [];
/** Uploaded once: a lead image, a picture for the column, a wide one, and one no story shows. */
let leadImage: MediaSummary;
let columnImage: MediaSummary;
let wideImage: MediaSummary;
let unusedImage: MediaSummary;

beforeAll(async () => {
  server = await startTestServer();
  editor = await createUser(server, 'editor', 'Eddie Editor');
  const upload = async (bytes: Buffer) => {
    const answer = await uploadImage(server.url, editor.cookie, bytes);
    expect(answer.status).toBe(201);
    return answer.body.media as MediaSummary;
  };
  [leadImage, columnImage, wideImage, unusedImage] = await Promise.all([
    upload(await jpegWithGps(1600, 900)),
    upload(await png(700, 500)),
    upload(await jpegWithGps(2100, 1000)),
    upload(await png(300, 200)),
  ]);
}, 30_000);

afterAll(async () => {
  clients.forEach((c) => c.close());
  await server?.close();
});

// ---------------------------------------------------------------------------------------------
// Writing a story

function figure(attrs: Record<string, unknown>): Y.XmlElement {
  const element = new Y.XmlElement('figure');
  for (const [key, value] of Object.entries(attrs)) element.setAttribute(key, value as string);
  return element;
}

const pictureOf = (image: MediaSummary, attrs: Record<string, unknown> = {}) =>
  figure({
    media: image.id,
    width: image.width,
    height: image.height,
    alt: 'A picture',
    caption: '',
    credit: '',
    layout: 'inline',
    ...attrs,
  });

function paragraph(text: string): Y.XmlElement {
  const p = new Y.XmlElement('paragraph');
  p.insert(0, [new Y.XmlText(text)]);
  return p;
}

function setLead(doc: Y.Doc, lead: Lead): void {
  doc.transact(() => {
    const map = doc.getMap(LEAD_ROOT);
    map.set('media', lead.media);
    map.set('width', lead.width);
    map.set('height', lead.height);
    for (const key of ['alt', 'caption', 'credit'] as const) {
      const text = doc.getText(LEAD_TEXT_ROOTS[key]);
      text.delete(0, text.length);
      text.insert(0, lead[key] ?? '');
    }
  });
}

/** A story ready to publish but for its pictures: `body` is what follows one paragraph of text. */
async function pictureStory(headline: string, body: Y.XmlElement[], lead?: Lead): Promise<{ storyId: string; client: TestClient }> {
  const storyId = await createStory(server, editor);
  const client = await connectClient(server, editor, storyId);
  clients.push(client);
  setParagraphs(client.doc, 'headline', [headline]);
  setParagraphs(client.doc, 'standfirst', ['Fares go up on every route from Monday.']);
  setParagraphs(client.doc, 'byline', ['Jane Doe']);
  client.doc.transact(() => client.doc.getXmlFragment('body').insert(0, [paragraph('The ferry company said costs had risen.'), ...body]));
  if (lead) setLead(client.doc, lead);
  await client.provider.whenSaved();
  return { storyId, client };
}

async function publish(storyId: string): Promise<string> {
  const answer = await call(server, 'POST', `/api/stories/${storyId}/publish`, { user: editor });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body.publication.slug as string;
}

// ---------------------------------------------------------------------------------------------
// Reading it back, anonymously

const anonymous = (path: string) => fetch(path.startsWith('http') ? path : `${server.url}${path}`);

async function publicPage(slug: string): Promise<{ html: string; doc: ReturnType<typeof parseDocument> }> {
  const res = await anonymous(`/stories/${slug}`);
  expect(res.status).toBe(200);
  const html = await res.text();
  return { html, doc: parseDocument(html) };
}

const all = (root: { children: Element['children'] }, name: string) => DomUtils.findAll((e) => e.name === name, root.children);
const meta = (doc: ReturnType<typeof parseDocument>, property: string) =>
  all(doc, 'meta').find((m) => m.attribs.property === property || m.attribs.name === property)?.attribs.content;

/** A srcset as [url, width] pairs. */
const candidates = (srcset: string) =>
  srcset.split(', ').map((c) => {
    const [url, descriptor] = c.split(' ');
    return [url, Number(descriptor.replace(/w$/, ''))] as const;
  });

/** Fetches every JPEG copy the img offers, anonymously: each is there, a JPEG, and as wide as its srcset says. */
async function expectEveryCopyServed(img: Element, image: MediaSummary): Promise<void> {
  const offered = candidates(img.attribs.srcset);
  for (const [url, width] of offered) {
    expect(url).toMatch(new RegExp(`^/media/${image.id}/\\d+\\.jpeg$`));
    const res = await anonymous(url);
    expect([url, res.status, res.headers.get('content-type')]).toEqual([url, 200, 'image/jpeg']);
    const { width: real } = await sharp(Buffer.from(await res.arrayBuffer())).metadata();
    expect([url, real]).toEqual([url, width]);
  }
  // Up to the image's own width and no further, each width once.
  expect(Math.max(...offered.map(([, w]) => w))).toBe(Math.min(image.width, 1920));
  expect(new Set(offered.map(([, w]) => w)).size).toBe(offered.length);
}

describe('a published story with a lead image and two pictures in the Body', () => {
  let storyId: string;
  let slug: string;
  let page: Awaited<ReturnType<typeof publicPage>>;
  const caption = 'Passengers <b>board</b> the "6pm" & wait';
  const credit = 'Jo <Lee>';

  beforeAll(async () => {
    const story = await pictureStory(
      'Ferry fares rise across the harbour',
      [
        pictureOf(columnImage, { alt: 'Queue at the <ticket> office', caption, credit }),
        paragraph('More paragraphs.'),
        pictureOf(wideImage, { alt: 'The harbour from the hill', caption: 'The harbour', credit: 'Photo: Sam Ray', layout: 'wide' }),
      ],
      { media: leadImage.id, width: 1600, height: 900, alt: 'A ferry leaving at dusk', caption: 'The last sailing', credit: 'Ana <Roe>' },
    );
    storyId = story.storyId;
    slug = await publish(storyId);
    page = await publicPage(slug);
  }, 30_000);

  it('shows the lead image above the body at once, and the Body pictures lazily, each with its size and alt text', async () => {
    const figures = all(page.doc, 'figure');
    expect(figures.map((f) => f.attribs.class)).toEqual([
      'figure figure--wide figure--lead',
      'figure figure--inline',
      'figure figure--wide',
    ]);
    const [lead, column, wide] = figures.map((f) => all(f, 'img')[0]);
    expect(lead.attribs).toMatchObject({ width: '1600', height: '900', alt: 'A ferry leaving at dusk', fetchpriority: 'high' });
    expect(lead.attribs.loading).toBeUndefined();
    expect(column.attribs).toMatchObject({ width: '700', height: '500', alt: 'Queue at the <ticket> office', loading: 'lazy' });
    expect(wide.attribs).toMatchObject({ width: '2100', height: '1000', alt: 'The harbour from the hill', loading: 'lazy' });
    // The lead image sits outside the body, the two pictures inside it.
    const [body] = DomUtils.findAll((e) => e.attribs.class === 'story-body', page.doc.children);
    expect(all(body, 'figure')).toHaveLength(2);
    expect(page.html.indexOf('figure--lead')).toBeLessThan(page.html.indexOf('class="story-body"'));
  });

  it('offers AVIF and WebP before JPEG, at the same widths, and every copy offered exists at that width', async () => {
    const cases = [
      [0, leadImage],
      [1, columnImage],
      [2, wideImage],
    ] as const;
    for (const [index, image] of cases) {
      const picture = all(page.doc, 'picture')[index];
      const [img] = all(picture, 'img');
      const sources = all(picture, 'source');
      expect(sources.map((s) => s.attribs.type)).toEqual(['image/avif', 'image/webp']);
      for (const source of sources) {
        const format = source.attribs.type.split('/')[1];
        expect(source.attribs.srcset).toBe(img.attribs.srcset.replaceAll('.jpeg', `.${format}`));
        expect(source.attribs.sizes).toBe(img.attribs.sizes);
      }
      expect(img.attribs.src).toBe(`/media/${image.id}/960.jpeg`);
      await expectEveryCopyServed(img, image);
    }
    // The other formats are served too, to anyone.
    const [avif] = candidates(all(page.doc, 'source')[0].attribs.srcset)[0];
    const [webp] = candidates(all(page.doc, 'source')[1].attribs.srcset)[0];
    expect((await anonymous(avif)).headers.get('content-type')).toBe('image/avif');
    expect((await anonymous(webp)).headers.get('content-type')).toBe('image/webp');
  }, 60_000);

  it('captions each picture with its caption and credit, escaped', () => {
    const captions = all(page.doc, 'figcaption').map((f) => DomUtils.textContent(f));
    expect(captions).toEqual(['The last sailing Photo: Ana <Roe>', `${caption} Photo: ${credit}`, 'The harbour Photo: Sam Ray']);
    expect(page.html).toContain('Passengers &lt;b&gt;board&lt;/b&gt;');
    expect(all(page.doc, 'b')).toEqual([]);
  });

  it('gives link previews the lead image at an absolute address anyone can fetch, as a large card', async () => {
    const image = meta(page.doc, 'og:image')!;
    expect(image).toBe(`${server.url}/media/${leadImage.id}/1280.jpeg`);
    expect([meta(page.doc, 'og:image:width'), meta(page.doc, 'og:image:height')]).toEqual(['1280', '720']);
    expect(meta(page.doc, 'og:image:alt')).toBe('A ferry leaving at dusk');
    expect(meta(page.doc, 'twitter:card')).toBe('summary_large_image');
    const res = await anonymous(image);
    expect([res.status, res.headers.get('content-type')]).toEqual([200, 'image/jpeg']);
    expect((await sharp(Buffer.from(await res.arrayBuffer())).metadata()).width).toBe(1280);
  });

  it('puts the lead image in both feeds, and the Body pictures at absolute addresses', async () => {
    const image = `${server.url}/media/${leadImage.id}/1280.jpeg`;
    const atom = parseDocument(await (await anonymous('/feed.xml')).text(), { xmlMode: true });
    const entry = all(atom, 'entry').find((e) => DomUtils.textContent(all(e, 'id')) === `urn:uuid:${storyId}`)!;
    const enclosure = all(entry, 'link').find((l) => l.attribs.rel === 'enclosure');
    expect(enclosure?.attribs).toEqual({ rel: 'enclosure', type: 'image/jpeg', href: image });
    expect(all(entry, 'media:content')[0].attribs).toMatchObject({ url: image, medium: 'image', width: '1280', height: '720' });

    const json = (await (await anonymous('/feed.json')).json()) as { items: Array<{ id: string; image?: string; content_html: string }> };
    const item = json.items.find((i) => i.id === `urn:uuid:${storyId}`)!;
    expect(item.image).toBe(image);
    const srcs = all(parseDocument(item.content_html), 'img').map((img) => img.attribs.src);
    expect(srcs).toEqual([`${server.url}/media/${columnImage.id}/960.jpeg`, `${server.url}/media/${wideImage.id}/960.jpeg`]);
    expect((await anonymous(srcs[1])).status).toBe(200);
  });

  it('makes exactly its images public, and none of them once it is unpublished', async () => {
    for (const image of [leadImage, columnImage, wideImage])
      expect([image.id, (await anonymous(`/media/${image.id}/original`)).status]).toEqual([image.id, 200]);
    expect((await anonymous(`/media/${unusedImage.id}/original`)).status).toBe(404);

    const unpublished = await call(server, 'POST', `/api/stories/${storyId}/unpublish`, { user: editor });
    expect(unpublished.status).toBe(200);
    expect((await anonymous(`/stories/${slug}`)).status).toBe(410);
    for (const image of [leadImage, columnImage, wideImage]) {
      expect([image.id, (await anonymous(`/media/${image.id}/original`)).status]).toEqual([image.id, 404]);
      expect([image.id, (await anonymous(`/media/${image.id}/640.jpeg`)).status]).toEqual([image.id, 404]);
    }
  });
});

describe('what is never published', () => {
  it('leaves out a picture still uploading, and stops showing an image a new publication dropped', async () => {
    const { storyId, client } = await pictureStory('Uploads under way are not pictures yet', [
      pictureOf(columnImage, { alt: 'Kept' }),
      figure({ media: null, width: null, height: null, alt: '', upload: 'upload-7f3a', uploadBy: 'Ursula Uploader', layout: 'wide' }),
    ]);
    const slug = await publish(storyId);
    const { html, doc } = await publicPage(slug);
    expect(all(doc, 'figure')).toHaveLength(1);
    expect(all(doc, 'img').map((img) => img.attribs.alt)).toEqual(['Kept']);
    expect(html).not.toMatch(/Ursula|upload-7f3a/);
    expect((await anonymous(`/media/${columnImage.id}/original`)).status).toBe(200);

    // The upload finished, the first picture was taken out: republished, only the new one is public.
    client.doc.transact(() => {
      const body = client.doc.getXmlFragment('body');
      const [first, uploading] = [body.get(1) as Y.XmlElement, body.get(2) as Y.XmlElement];
      for (const [key, value] of Object.entries({
        media: unusedImage.id,
        width: 300,
        height: 200,
        alt: 'Done',
        upload: null,
        uploadBy: null,
      })) {
        uploading.setAttribute(key, value as string);
      }
      body.delete(body.toArray().indexOf(first), 1);
    });
    await client.provider.whenSaved();
    await publish(storyId);
    const after = await publicPage(slug);
    expect(all(after.doc, 'img').map((img) => img.attribs.alt)).toEqual(['Done']);
    expect((await anonymous(`/media/${unusedImage.id}/original`)).status).toBe(200);
    expect((await anonymous(`/media/${columnImage.id}/original`)).status).toBe(404);
  });

  it('publishes a hostile figure harmlessly or not at all', async () => {
    const script = '<script>alert(1)</script>';
    const { storyId } = await pictureStory('Hostile figures from a rogue client', [
      figure({ media: '../../../galley.db', width: 100, height: 100, alt: 'traversal' }),
      figure({ media: `${columnImage.id}/../../x`, width: 100, height: 100, alt: 'traversal 2' }),
      pictureOf(columnImage, { width: '1e9', alt: 'absurd width' }),
      pictureOf(columnImage, { height: -5, alt: 'negative height' }),
      pictureOf(wideImage, {
        alt: script,
        caption: script,
        credit: `"><img src=x onerror=alert(2)>`,
        layout: 'javascript:alert(3)',
        onclick: 'alert(4)',
      }),
    ]);
    const slug = await publish(storyId);
    const { html, doc } = await publicPage(slug);
    // Only the one whole picture, in the column, with its words as text.
    expect(all(doc, 'figure').map((f) => f.attribs.class)).toEqual(['figure figure--inline']);
    const [img] = all(doc, 'img');
    expect(img.attribs.alt).toBe(script);
    expect(img.attribs.width).toBe('2100');
    // Only the structured data's data block, never a script the figure brought.
    expect(all(doc, 'script').map((el) => el.attribs.type)).toEqual(['application/ld+json']);
    expect(all(doc, 'img')).toHaveLength(1);
    expect(Object.keys(img.attribs).sort()).toEqual(['alt', 'decoding', 'height', 'loading', 'sizes', 'src', 'srcset', 'width']);
    expect(html).not.toMatch(/javascript:|onclick|galley\.db|traversal|absurd|negative/);
    for (const element of DomUtils.findAll((e) => e.name === 'img' || e.name === 'source', doc.children)) {
      const urls = [...(element.attribs.src ? [element.attribs.src] : []), ...candidates(element.attribs.srcset).map(([url]) => url)];
      for (const url of urls) expect(url).toMatch(/^\/media\/[A-Za-z0-9_-]{22}\/\d+\.(avif|webp|jpeg)$/);
    }
    expect(DomUtils.textContent(all(doc, 'figcaption'))).toBe(`${script} Photo: "><img src=x onerror=alert(2)>`);
  });
});

describe('alt text before publication', () => {
  it('refuses to publish while a picture lacks alt text, naming it, and publishes once it has some', async () => {
    const { storyId, client } = await pictureStory(
      'Pictures need words',
      [pictureOf(columnImage, { alt: 'Described' }), pictureOf(wideImage, { alt: '   ' })],
      { media: leadImage.id, width: 1600, height: 900, alt: '' },
    );
    const message = 'Add alt text to the lead image and picture 2 in the Body: describe each picture for people who cannot see it';
    const checks = await call(server, 'GET', `/api/stories/${storyId}/checks`, { user: editor });
    expect(checks.body.problems).toEqual({ images: message });
    const refused = await call(server, 'POST', `/api/stories/${storyId}/publish`, { user: editor });
    expect([refused.status, refused.body.error.code]).toEqual([422, 'invalid']);
    expect(refused.body.error.fields).toEqual({ images: message });
    expect((await server.store.listRevisions(storyId)).length).toBe(0);
    expect(await server.store.storiesShowingMedia(leadImage.id)).not.toContain(storyId);

    setLead(client.doc, { media: leadImage.id, width: 1600, height: 900, alt: 'A ferry' });
    await client.provider.whenSaved();
    const stillOne = await call(server, 'POST', `/api/stories/${storyId}/publish`, { user: editor });
    expect(stillOne.body.error.fields).toEqual({
      images: 'Add alt text to picture 2 in the Body: describe each picture for people who cannot see it',
    });

    client.doc.transact(() => (client.doc.getXmlFragment('body').get(2) as Y.XmlElement).setAttribute('alt', 'The harbour'));
    await client.provider.whenSaved();
    const slug = await publish(storyId);
    expect(all((await publicPage(slug)).doc, 'img').map((img) => img.attribs.alt)).toEqual(['A ferry', 'Described', 'The harbour']);
  });
});
