/**
 * Pictures on their way out (issue 17): the Body's `figure` and the lead image read from a Y.Doc as any
 * Yjs client could write them, rendered into the body HTML (and only our own image addresses survive the
 * sanitizer), shown in revision diffs, on the story page with og:image, and in both feeds.
 */
import { DomUtils, parseDocument } from 'htmlparser2';
import { describe, expect, it } from 'vitest';
import type * as Y from 'yjs';
import type { StoryContent } from '../../shared/api';
import { LEAD_ROOT, LEAD_TEXT_ROOTS } from '../../shared/figures';
import { publishedMediaIds } from '../../server/media/publishedMedia';
import { jsonFeed, renderAtomFeed, type FeedStory } from '../../server/publishing/feeds';
import { figureHtml } from '../../server/publishing/pictureMarkup';
import { renderStoryPage, type PublishedStoryView } from '../../server/publishing/publicPages';
import { renderContent, renderStory, sanitizeBody } from '../../server/publishing/renderStory';
import { revisionDiff } from '../../server/publishing/revisionDiff';
import { contentFigures, storyContent } from '../../server/publishing/storyContent';
import { docWith, el, p } from '../helpers/yjsBuilders';

const A = 'AAAAAAAAAAAAAAAAAAAAAA';
const B = 'BBBBBBBBBBBBBBBBBBBBBB';
const C = 'CCCCCCCCCCCCCCCCCCCCCC';
const figure = (attrs: Record<string, unknown>) => el('figure', { width: 1200, height: 800, alt: 'Alt', layout: 'inline', ...attrs });

function withLead(doc: Y.Doc, lead: Record<string, unknown>, texts: Partial<Record<keyof typeof LEAD_TEXT_ROOTS, string>> = {}): Y.Doc {
  doc.transact(() => {
    for (const [key, value] of Object.entries(lead)) doc.getMap(LEAD_ROOT).set(key, value);
    for (const [key, text] of Object.entries(texts)) doc.getText(LEAD_TEXT_ROOTS[key as keyof typeof LEAD_TEXT_ROOTS]).insert(0, text);
  });
  return doc;
}

const imgs = (html: string) => DomUtils.findAll((e) => e.name === 'img', parseDocument(html).children).map((e) => e.attribs);

describe('reading figures and the lead image from the document', () => {
  it('keeps a figure with its picture as a leaf of checked attributes, whatever else was written on it', () => {
    const doc = docWith({
      body: [
        p(['Before.']),
        el(
          'figure',
          { media: A, width: '1200', height: 800, alt: ' A ferry ', caption: 'Cap', credit: 'Jo', layout: 'wide', onclick: 'x' },
          p(['hidden words']),
        ),
      ],
    });
    expect(storyContent(doc).body.content?.[1]).toEqual({
      type: 'figure',
      attrs: { media: A, width: 1200, height: 800, alt: 'A ferry', caption: 'Cap', credit: 'Jo', layout: 'wide' },
    });
  });

  it('leaves out whole a figure still uploading, and one that names no picture, attributes and all', () => {
    const doc = docWith({
      body: [
        figure({ media: null, upload: 'u1', uploadBy: 'Ana', alt: 'never <b>shown</b>' }),
        figure({ media: '../../../etc/passwd' }),
        figure({ media: `${A}/../x` }),
        figure({ media: A, width: '1e9' }),
        figure({ media: A, height: -4 }),
        p(['Text.']),
      ],
    });
    expect(storyContent(doc).body.content).toEqual([{ type: 'paragraph', content: [{ type: 'text', text: 'Text.' }] }]);
    const rendered = renderStory(doc);
    expect(rendered.bodyHtml).toBe('<p>Text.</p>');
    expect(rendered.missingAlt).toEqual([]);
  });

  it('turns an unknown layout into the column, and never lets it into a class', () => {
    const doc = docWith({ body: [figure({ media: A, layout: 'javascript:alert(1)' }), figure({ media: B, layout: 'wide" onclick="x' })] });
    const html = renderStory(doc).bodyHtml;
    const classes = DomUtils.findAll((e) => e.name === 'figure', parseDocument(html).children).map((e) => e.attribs.class);
    expect(classes).toEqual(['figure figure--inline', 'figure figure--inline']);
    expect(html).not.toMatch(/javascript|onclick/);
  });

  it('reads the lead image from its roots, into the content and the rendering, never into the body HTML', () => {
    const doc = withLead(
      docWith({ body: [p(['Body.'])] }),
      { media: C, width: 2400, height: 1600 },
      { alt: 'Harbour', caption: 'At noon' },
    );
    const lead = { media: C, width: 2400, height: 1600, alt: 'Harbour', caption: 'At noon', credit: '' };
    expect(storyContent(doc).lead).toEqual(lead);
    const rendered = renderStory(doc);
    expect(rendered.lead).toEqual(lead);
    expect(rendered.bodyHtml).toBe('<p>Body.</p>');
    // No lead image: the content is as it was before lead images existed.
    expect('lead' in storyContent(docWith({ body: [p(['x'])] }))).toBe(false);
    expect(renderStory(docWith({ body: [p(['x'])] })).lead).toBeNull();
  });

  it('names every picture without alt text, the lead image first, counting only pictures', () => {
    const doc = withLead(
      docWith({ body: [figure({ media: A, alt: 'Fine' }), figure({ media: null, upload: 'u' }), figure({ media: B, alt: '   ' })] }),
      { media: C, width: 100, height: 100 },
    );
    expect(renderStory(doc).missingAlt).toEqual(['the lead image', 'picture 2 in the Body']);
  });

  it('renders stored content the same way, checking its pictures again', () => {
    const doc = withLead(docWith({ body: [figure({ media: A, caption: 'Cap', credit: 'AP' })] }), { media: C, width: 10, height: 10 });
    const stored = JSON.parse(JSON.stringify(storyContent(doc))) as StoryContent;
    expect(renderContent(stored)).toEqual(renderStory(doc));
    // A revision stored before lead images has no `lead`; a damaged one has nonsense there.
    const { lead: _lead, ...old } = stored;
    expect(renderContent(old).lead).toBeNull();
    expect(renderContent({ ...stored, lead: { media: '../x', width: 1, height: 1 } as never }).lead).toBeNull();
    const forged = {
      ...stored,
      body: { type: 'doc', content: [{ type: 'figure', attrs: { media: 'x"><script>', width: 5, height: 5 } }] },
    };
    expect(renderContent(forged).bodyHtml).toBe('');
  });

  it('lists the images a page makes public: the lead image and the figures, each once', () => {
    const doc = withLead(docWith({ body: [figure({ media: A }), figure({ media: B }), figure({ media: A })] }), {
      media: C,
      width: 10,
      height: 10,
    });
    const content = storyContent(doc);
    expect(publishedMediaIds(content.lead ?? null, contentFigures(content.body))).toEqual([C, A, B]);
    expect(publishedMediaIds(null, [])).toEqual([]);
  });
});

describe('the sanitizer, should the markup ever go wrong', () => {
  const ours = `/media/${A}/320.jpeg`;

  it('keeps every element and attribute of our own picture markup', () => {
    const built = figureHtml({ media: A, width: 1200, height: 800, alt: 'Alt', caption: 'C', credit: 'D', layout: 'full' }, 'lazy');
    const html = renderStory(docWith({ body: [figure({ media: A, caption: 'C', credit: 'D', layout: 'full' })] })).bodyHtml;
    const shape = (markup: string) =>
      DomUtils.findAll(() => true, parseDocument(markup).children).map((e) => [e.name, e.attribs, DomUtils.textContent(e)]);
    expect(shape(html)).toEqual(shape(built));
    expect(shape(html).map(([name]) => name)).toEqual(['figure', 'picture', 'source', 'source', 'img', 'figcaption', 'span']);
    expect(sanitizeBody(html)).toBe(html);
  });

  it.each([
    `<img src="https://evil.example/x.jpeg" srcset="${ours} 320w">`,
    `<img src="${ours}" srcset="https://evil.example/x.jpeg 320w">`,
    `<img src="${ours}" srcset="${ours} 320w, //evil.example/x 640w">`,
    `<img src="${ours}" srcset="${ours} 320w, javascript:alert(1) 640w">`,
    `<img src="/media/${A}/original" srcset="${ours} 320w">`,
    `<img src="/media/../../galley.db" srcset="${ours} 320w">`,
    `<img src="${ours}">`,
    `<img src="data:image/png;base64,AAAA" srcset="${ours} 320w">`,
  ])('lets no image load anything but our copies: %s', (markup) => {
    const left = imgs(sanitizeBody(`<figure class="figure"><picture>${markup}</picture></figure>`));
    const urls = left.flatMap((img) => [img.src, ...(img.srcset ?? '').split(',').map((c) => c.trim().split(' ')[0])]);
    expect(urls.filter((url) => url !== ours)).toEqual([]);
    // Dropped whole unless all that is left of it is ours (sanitize-html takes a bad candidate out of a srcset itself).
    if (!markup.startsWith(`<img src="${ours}" srcset="${ours} 320w,`)) expect(left).toEqual([]);
  });

  it('drops a source that does, and any class or attribute it does not know', () => {
    const html = sanitizeBody(
      `<figure class="figure evil" onclick="x"><picture><source type="image/webp" srcset="https://evil.example/a 1w">` +
        `<img src="${ours}" srcset="${ours} 320w" alt="x" onerror="y" style="z"></picture>` +
        `<figcaption><span class="figure__credit other" style="a">Photo</span></figcaption></figure><span class="x">t</span>`,
    );
    expect(html).toBe(
      `<figure class="figure"><picture><img src="${ours}" srcset="${ours} 320w" alt="x" /></picture>` +
        '<figcaption><span class="figure__credit">Photo</span></figcaption></figure><span>t</span>',
    );
  });
});

describe('revision diffs', () => {
  const story = (...body: StoryContent['body'][]): StoryContent => ({
    headline: { type: 'doc' },
    standfirst: { type: 'doc' },
    byline: { type: 'doc' },
    body: { type: 'doc', content: body },
  });
  const fig = (attrs: Record<string, unknown>) => ({
    type: 'figure',
    attrs: { media: A, width: 800, height: 600, alt: 'A ferry', caption: 'The 6pm', credit: 'Jo', layout: 'inline', ...attrs },
  });
  const bodyDiff = (from: StoryContent, to: StoryContent) => revisionDiff(from, to).find((d) => d.field === 'body')!;

  it('shows a picture as its words, and a new caption as words changed', () => {
    const diff = bodyDiff(story(fig({})), story(fig({ caption: 'The 7pm' })));
    expect(diff.changed).toBe(true);
    expect(diff.html).toBe('<p class="diff-changed">[Picture: A ferry] The <del>6pm</del><ins>7pm</ins> (Jo)</p>');
  });

  it('flags another image or layout with the same words, and shows a picture added whole', () => {
    expect(bodyDiff(story(fig({})), story(fig({ media: B }))).html).toBe('<p class="diff-changed">[Picture: A ferry] The 6pm (Jo)</p>');
    expect(bodyDiff(story(fig({})), story(fig({ layout: 'full' }))).changed).toBe(true);
    expect(bodyDiff(story(fig({})), story(fig({}))).changed).toBe(false);
    expect(bodyDiff(story(), story(fig({ alt: '', caption: '', credit: '' }))).html).toBe(
      '<p class="diff-added"><ins>[Picture: no alt text]</ins></p>',
    );
  });
});

describe('the story page', () => {
  const lead = { media: C, width: 2400, height: 1600, alt: 'Harbour "at" dusk', caption: 'The <quay>', credit: 'Jo & Co' };
  const view = (over: Partial<PublishedStoryView> = {}): PublishedStoryView => ({
    slug: 'ferry',
    headline: 'Ferry fares rise',
    standfirst: 'Tickets cost more.',
    byline: 'Jane Doe',
    bodyHtml: '<p>Body.</p>',
    publishedAt: '2026-03-01T10:00:00.000Z',
    updatedAt: '2026-03-01T10:00:00.000Z',
    ...over,
  });
  const URL_ = 'https://news.example.com/stories/ferry';
  const metas = (html: string) =>
    Object.fromEntries(
      DomUtils.findAll((e) => e.name === 'meta', parseDocument(html).children).map((e) => [
        e.attribs.property ?? e.attribs.name,
        e.attribs.content,
      ]),
    );

  it('shows the lead image under the standfirst, above the body, at once and with its words', () => {
    const html = renderStoryPage(view({ lead }), [], URL_);
    const doc = parseDocument(html);
    const [figureEl] = DomUtils.findAll((e) => e.name === 'figure', doc.children);
    expect(figureEl.attribs.class).toBe('figure figure--wide figure--lead');
    expect(html.indexOf('class="standfirst"')).toBeLessThan(html.indexOf('<figure'));
    expect(html.indexOf('<figure')).toBeLessThan(html.indexOf('class="story-body"'));
    const [img] = imgs(html);
    expect(img).toMatchObject({ width: '2400', height: '1600', alt: lead.alt, fetchpriority: 'high', src: `/media/${C}/960.jpeg` });
    expect(img.loading).toBeUndefined();
    expect(DomUtils.textContent(DomUtils.findAll((e) => e.name === 'figcaption', doc.children))).toBe('The <quay> Photo: Jo & Co');
    expect(html).toContain('The &lt;quay&gt;');
  });

  it('gives shared links the 1280 JPEG as og:image at an absolute address, and a large card', () => {
    const meta = metas(renderStoryPage(view({ lead }), [], URL_));
    expect(meta).toMatchObject({
      'og:image': `https://news.example.com/media/${C}/1280.jpeg`,
      'og:image:type': 'image/jpeg',
      'og:image:width': '1280',
      'og:image:height': '853',
      'og:image:alt': lead.alt,
      'twitter:card': 'summary_large_image',
    });
  });

  it('has no picture and no image card without a lead image', () => {
    for (const story of [view(), view({ lead: null })]) {
      const html = renderStoryPage(story, [], URL_);
      expect(html).not.toMatch(/<figure|og:image|twitter:image|summary_large_image/);
    }
  });
});

describe('the feeds', () => {
  const lead = { media: C, width: 800, height: 600, alt: 'Harbour <b>', caption: '', credit: 'Jo' };
  const SITE = { origin: 'https://news.example.com' };
  const entry = (over: Partial<FeedStory> = {}): FeedStory => ({
    storyId: '10000000-0000-4000-8000-000000000001',
    slug: 'ferry',
    headline: 'Ferry',
    standfirst: '',
    byline: '',
    bodyHtml: renderStory(docWith({ body: [p(['See /media/ in "/media/x".']), figure({ media: A })] })).bodyHtml,
    publishedAt: '2026-03-01T10:00:00.000Z',
    updatedAt: '2026-03-01T10:00:00.000Z',
    ...over,
  });

  it('carry the lead image in Atom as an enclosure and as Media RSS content, at absolute addresses', () => {
    const xml = parseDocument(renderAtomFeed([entry({ lead })], SITE), { xmlMode: true });
    const [feed] = DomUtils.findAll((e) => e.name === 'feed', xml.children);
    expect(feed.attribs['xmlns:media']).toBe('http://search.yahoo.com/mrss/');
    const url = `https://news.example.com/media/${C}/1280.jpeg`;
    const links = DomUtils.findAll((e) => e.name === 'link' && e.attribs.rel === 'enclosure', xml.children).map((e) => e.attribs);
    expect(links).toEqual([{ rel: 'enclosure', type: 'image/jpeg', href: url }]);
    const [content] = DomUtils.findAll((e) => e.name === 'media:content', xml.children);
    expect(content.attribs).toEqual({ url, medium: 'image', type: 'image/jpeg', width: '800', height: '600' });
    expect(DomUtils.textContent(DomUtils.findAll((e) => e.name === 'media:description', [content]))).toBe('Harbour <b>');
    expect(DomUtils.textContent(DomUtils.findAll((e) => e.name === 'media:credit', [content]))).toBe('Jo');
  });

  it('carry it in JSON Feed as the item image, and nothing of the kind without one', () => {
    const [item] = jsonFeed([entry({ lead })], SITE).items;
    expect(item.image).toBe(`https://news.example.com/media/${C}/1280.jpeg`);
    expect('image' in jsonFeed([entry()], SITE).items[0]).toBe(false);
    expect(renderAtomFeed([entry()], SITE)).not.toMatch(/enclosure|media:content/);
  });

  it('make the body’s picture addresses absolute, and only those: the words stay as written', () => {
    const html = jsonFeed([entry()], SITE).items[0].content_html;
    const [img] = imgs(html);
    expect(img.src).toBe(`https://news.example.com/media/${A}/960.jpeg`);
    expect(img.srcset.split(', ').every((c) => c.startsWith(`https://news.example.com/media/${A}/`))).toBe(true);
    const sources = DomUtils.findAll((e) => e.name === 'source', parseDocument(html).children);
    expect(sources.every((s) => s.attribs.srcset.split(', ').every((c) => c.startsWith('https://news.example.com/media/')))).toBe(true);
    expect(DomUtils.textContent(parseDocument(html))).toContain('See /media/ in "/media/x".');
  });
});
