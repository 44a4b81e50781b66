import { describe, it, expect } from 'vitest';
import * as Y from 'yjs';
import type { ContentMark, ContentNode, StoryContent } from '../../shared/api';
import { storyContent, contentText, fragmentText } from '../../server/publishing/storyContent';
import { renderContent, renderStory } from '../../server/publishing/renderStory';
import { type Build, docWith, el, p, txt } from '../helpers/yjsBuilders';

// Docs are built by hand, the way any Yjs client (not only our editor) could write them.

const bodyOf = (...builds: Build[]) => storyContent(docWith({ body: builds })).body.content ?? [];
const t = (text: string, ...marks: ContentMark[]): ContentNode => (marks.length ? { type: 'text', text, marks } : { type: 'text', text });
const para = (...content: ContentNode[]): ContentNode => (content.length ? { type: 'paragraph', content } : { type: 'paragraph' });

/** A story the editor could have written, touching every allowed node and mark. */
function fullStory(): Y.Doc {
  return docWith({
    headline: [p(['Council ', {}], ['votes', { bold: true }])],
    standfirst: [p(['The decision came late.'])],
    byline: [p(['Jane Doe'])],
    body: [
      el('heading', { level: 2 }, txt(['What happened'])),
      p(['Read ', {}], ['the report', { link: { href: 'https://example.com/r?a=1&b=2' }, italic: {} }], ['.']),
      el('paragraph', {}, txt(['line one']), el('hardBreak', {}), txt(['line two'])),
      el('blockquote', {}, p(['Quoted ', {}], ['words', { underline: {} }])),
      el('bulletList', {}, el('listItem', {}, p(['a'])), el('listItem', {}, p(['b', { strike: {} }]))),
      el('orderedList', { start: 3 }, el('listItem', {}, p(['third']))),
      el('horizontalRule', {}),
      el('codeBlock', { language: 'js' }, txt(['if (a < b) x();', { bold: {} }])),
      el('paragraph', {}),
    ],
  });
}

describe('storyContent: allowed structure', () => {
  it('gives each field as a ProseMirror-like doc, with exactly the allowed nodes, attrs and marks', () => {
    expect(storyContent(fullStory())).toEqual({
      headline: { type: 'doc', content: [para(t('Council '), t('votes', { type: 'bold' }))] },
      standfirst: { type: 'doc', content: [para(t('The decision came late.'))] },
      byline: { type: 'doc', content: [para(t('Jane Doe'))] },
      body: {
        type: 'doc',
        content: [
          { type: 'heading', attrs: { level: 2 }, content: [t('What happened')] },
          para(t('Read '), t('the report', { type: 'italic' }, { type: 'link', attrs: { href: 'https://example.com/r?a=1&b=2' } }), t('.')),
          para(t('line one'), { type: 'hardBreak' }, t('line two')),
          { type: 'blockquote', content: [para(t('Quoted '), t('words', { type: 'underline' }))] },
          {
            type: 'bulletList',
            content: [
              { type: 'listItem', content: [para(t('a'))] },
              { type: 'listItem', content: [para(t('b', { type: 'strike' }))] },
            ],
          },
          { type: 'orderedList', attrs: { start: 3 }, content: [{ type: 'listItem', content: [para(t('third'))] }] },
          { type: 'horizontalRule' },
          { type: 'codeBlock', content: [t('if (a < b) x();')] },
          para(),
        ],
      },
    } satisfies StoryContent);
  });

  it('gives an empty doc for every field of an empty story', () => {
    expect(storyContent(new Y.Doc())).toEqual({
      headline: { type: 'doc' },
      standfirst: { type: 'doc' },
      byline: { type: 'doc' },
      body: { type: 'doc' },
    });
  });

  it.each([
    [1, 2],
    [2, 2],
    [3, 3],
    [4, 4],
    [6, 4],
    ['3', 3],
    [0, 2],
    [-3, 2],
    ['1; onclick=x', 2],
    [2.5, 2],
    [{ evil: 1 }, 2],
    [undefined, 2],
  ])('clamps heading level %j to %j, as the page renders it', (level, clamped) => {
    const attrs = level === undefined ? {} : { level };
    expect(bodyOf(el('heading', attrs, txt(['T'])))).toEqual([{ type: 'heading', attrs: { level: clamped }, content: [t('T')] }]);
  });

  it.each([
    [3, 3],
    ['7', 7],
    [1, 1],
    [0, undefined],
    [-2, undefined],
    [1.5, undefined],
    ['3" onclick="x', undefined],
    ['abc', undefined],
  ])('keeps orderedList start %j only as a positive integer (%j)', (start, kept) => {
    const [list] = bodyOf(el('orderedList', { start }, el('listItem', {}, p(['x']))));
    expect(list.attrs).toEqual(kept === undefined ? undefined : { start: kept });
  });

  it('reads name--hash mark keys as the mark, true as a value, and skips null/false marks', () => {
    const [paragraph] = bodyOf(p(['x', { 'bold--a1b2': {}, italic: true, strike: null, underline: false }]));
    expect(paragraph.content).toEqual([t('x', { type: 'bold' }, { type: 'italic' })]);
  });

  it('keeps only the href of a link, normalised', () => {
    const link = { href: 'HTTPS://Example.com', target: '_blank', class: 'x', onclick: 'evil()' };
    const [paragraph] = bodyOf(p(['see', { link }]));
    expect(paragraph.content).toEqual([t('see', { type: 'link', attrs: { href: 'https://example.com/' } })]);
  });

  it('writes marks in a fixed order, whatever order the client set them in', () => {
    const [a] = bodyOf(p(['x', { link: { href: 'mailto:desk@example.com' }, code: {}, bold: {} }]));
    const [b] = bodyOf(p(['x', { bold: {}, code: {}, link: { href: 'mailto:desk@example.com' } }]));
    expect(a).toEqual(b);
    expect(JSON.stringify(a)).toBe(
      '{"type":"paragraph","content":[{"type":"text","text":"x","marks":[{"type":"bold"},{"type":"code"},{"type":"link","attrs":{"href":"mailto:desk@example.com"}}]}]}',
    );
  });
});

describe('storyContent: hostile documents', () => {
  it.each([
    'javascript:alert(1)',
    ' JaVaScRiPt:alert(1)',
    'java\tscript:alert(1)',
    'data:text/html,<script>',
    'vbscript:x',
    'file:///etc/passwd',
    '//evil.example.com/',
    '/relative',
    '',
  ])('drops the link %j but keeps its text', (href) => {
    expect(bodyOf(p(['click', { link: { href } }]))).toEqual([para(t('click'))]);
  });

  it('drops links whose href is not a string, and unknown marks', () => {
    expect(
      bodyOf(
        p(['x', { link: { href: ['https://example.com'] }, highlight: { color: 'red' }, textStyle: { style: 'x' } }]),
        p(['y', { link: true }]),
      ),
    ).toEqual([para(t('x')), para(t('y'))]);
  });

  it.each(['script', 'img', 'iframe', 'svg', 'style', 'a', 'div', 'p', 'doc', 'text', '__proto__', 'constructor'])(
    'unwraps a <%s> element: its text stays, the element and its attributes do not',
    (nodeName) => {
      const hostile = el(nodeName, { src: 'x', onerror: 'alert(1)', href: 'javascript:alert(3)' }, txt(['inside']));
      expect(bodyOf(p(['before']), hostile)).toEqual([para(t('before')), t('inside')]);
    },
  );

  it('splices an unknown wrapper’s children into its parent, keeping allowed blocks inside it', () => {
    expect(bodyOf(el('callout', { onclick: 'x' }, p(['Para']), el('aside', {}, txt(['Caption']))))).toEqual([
      para(t('Para')),
      t('Caption'),
    ]);
    expect(bodyOf(el('paragraph', {}, txt(['a']), el('span', {}, txt(['b', { bold: {} }])), txt(['c'])))).toEqual([
      para(t('a'), t('b', { type: 'bold' }), t('c')),
    ]);
  });

  it('drops every attribute of allowed nodes except heading level and list start', () => {
    const builds = [
      el('paragraph', { onclick: 'alert(1)', style: 'color:red', class: 'x' }, txt(['p'])),
      el('heading', { level: 3, id: 'x', onmouseover: 'y' }, txt(['h'])),
      el('bulletList', { type: 'disc" onclick="x' }, el('listItem', { value: 9 }, p(['li']))),
      el('codeBlock', { language: 'js"><script>' }, txt(['code'])),
    ];
    expect(bodyOf(...builds)).toEqual([
      para(t('p')),
      { type: 'heading', attrs: { level: 3 }, content: [t('h')] },
      { type: 'bulletList', content: [{ type: 'listItem', content: [para(t('li'))] }] },
      { type: 'codeBlock', content: [t('code')] },
    ]);
  });

  it('keeps leaves empty, whatever a client nested inside them', () => {
    expect(bodyOf(el('hardBreak', {}, txt(['x'])), el('horizontalRule', {}, p(['y'])))).toEqual([
      { type: 'hardBreak' },
      { type: 'horizontalRule' },
    ]);
  });

  it('flattens a code block to one plain text, nested structure and marks included', () => {
    const code = el('codeBlock', {}, txt(['a', { bold: {} }]), el('hardBreak', {}), txt(['b']), el('paragraph', {}, txt(['c'])));
    expect(bodyOf(code)).toEqual([{ type: 'codeBlock', content: [t('a\nb\nc')] }]);
  });

  it('ignores embeds in text and non-xml children of a fragment', () => {
    const doc = new Y.Doc();
    const fragment = doc.getXmlFragment('body');
    fragment.insert(0, [new Y.XmlHook('image') as unknown as Y.XmlElement]);
    const paragraph = new Y.XmlElement('paragraph');
    fragment.insert(1, [paragraph]);
    const text = new Y.XmlText();
    paragraph.insert(0, [text]);
    text.insert(0, 'before ');
    text.insertEmbed(text.length, { image: { src: 'javascript:alert(1)' } });
    text.insert(text.length, 'after', {});
    expect(storyContent(doc).body).toEqual({ type: 'doc', content: [para(t('before '), t('after'))] });
  });

  it('stops at the depth limit instead of blowing the stack', () => {
    const doc = new Y.Doc();
    let parent: Y.XmlFragment = doc.getXmlFragment('body');
    for (let i = 0; i < 200; i++) {
      const next = new Y.XmlElement('blockquote');
      parent.insert(0, [next]);
      parent = next;
    }
    txt(['buried'])(parent);
    let depth = 0;
    for (let node: ContentNode | undefined = storyContent(doc).body; node; node = node.content?.[0]) depth++;
    expect(depth).toBe(1 + 33); // the doc, then blockquotes down to the limit; the last one empty
    expect(JSON.stringify(storyContent(doc))).not.toContain('buried');
  });

  it('produces plain JSON: nothing from Yjs, prototypes or functions leaks into it', () => {
    const content = storyContent(fullStory());
    expect(JSON.parse(JSON.stringify(content))).toEqual(content);
  });
});

/** Varied docs, well-formed and hostile, for the "stored content renders like the live doc" checks. */
const VARIED: Array<[string, () => Y.Doc]> = [
  ['a full story', fullStory],
  [
    'marks and links',
    () =>
      docWith({
        body: [p(['a '], ['b', { bold: {}, italic: {}, link: { href: 'https://x.example/"><script>' } }], [' <c> & d'])],
      }),
  ],
  [
    'nested lists and quotes',
    () =>
      docWith({
        body: [
          el(
            'blockquote',
            {},
            el('bulletList', {}, el('listItem', {}, p(['q']), el('orderedList', { start: '2' }, el('listItem', {}, p(['n']))))),
          ),
        ],
      }),
  ],
  [
    'blank and break-only paragraphs',
    () =>
      docWith({
        body: [el('paragraph', {}), p(['  ']), el('paragraph', {}, el('hardBreak', {})), p(['kept'])],
      }),
  ],
  [
    'hostile nodes',
    () =>
      docWith({
        body: [
          el('script', {}, txt(['alert(1)'])),
          el('paragraph', { onclick: 'x' }, txt(['<svg onload=alert(1)>', { link: { href: 'javascript:alert(1)' } }])),
          el('iframe', { src: 'https://evil.example' }),
          el('img', { src: 'x', onerror: 'alert(1)' }),
          el('paragraph', {}, el('blockquote', {}, p(['block in a paragraph']))),
        ],
      }),
  ],
  [
    'code blocks',
    () =>
      docWith({
        body: [el('codeBlock', {}, txt(['</code></pre><script>x</script>']), el('hardBreak', {}), txt(['y']))],
      }),
  ],
];

describe('renderContent: stored content renders like the live doc', () => {
  it.each(VARIED)('gives renderStory’s body HTML for %s, after a JSON round trip', (_name, build) => {
    const doc = build();
    const stored = JSON.parse(JSON.stringify(storyContent(doc))) as StoryContent;
    expect(renderContent(stored).bodyHtml).toBe(renderStory(doc).bodyHtml);
  });

  it('gives the whole rendered story for a well-formed doc', () => {
    const doc = fullStory();
    const rendered = renderContent(storyContent(doc));
    expect(rendered).toEqual(renderStory(doc));
    expect(rendered).toEqual({
      headline: 'Council votes',
      standfirst: 'The decision came late.',
      byline: 'Jane Doe',
      bodyHtml:
        '<h2>What happened</h2>' +
        '<p>Read <a href="https://example.com/r?a=1&amp;b=2" rel="noopener noreferrer nofollow ugc"><em>the report</em></a>.</p>' +
        '<p>line one<br />line two</p>' +
        '<blockquote><p>Quoted <u>words</u></p></blockquote>' +
        '<ul><li><p>a</p></li><li><p><s>b</s></p></li></ul>' +
        '<ol start="3"><li><p>third</p></li></ol>' +
        '<hr />' +
        '<pre><code>if (a &lt; b) x();</code></pre>',
      bodyText: 'What happened\nRead the report.\nline one\nline two\nQuoted words\na\nb\nthird\nif (a < b) x();',
      wordCount: 18,
      lead: null,
      missingAlt: [],
    });
  });

  it('reads text by the same line rules as fragmentText', () => {
    const doc = fullStory();
    for (const field of ['headline', 'standfirst', 'byline', 'body'] as const) {
      expect(contentText(storyContent(doc)[field])).toBe(fragmentText(doc.getXmlFragment(field)));
    }
  });

  it('still never emits a tag or attribute that is not allowed, even from tampered stored content', () => {
    const tampered = {
      headline: { type: 'doc' },
      standfirst: { type: 'doc' },
      byline: { type: 'doc' },
      body: {
        type: 'doc',
        content: [
          { type: 'script', content: [{ type: 'text', text: 'alert(1)' }] },
          { type: 'heading', attrs: { level: 1 }, content: [{ type: 'text', text: '<h1>' }] },
          { type: 'heading', attrs: { level: '3" onclick="x' }, content: [{ type: 'text', text: 'h' }] },
          { type: 'orderedList', attrs: { start: '2" onclick="x' }, content: [{ type: 'listItem' }] },
          {
            type: 'paragraph',
            content: [{ type: 'text', text: 'x', marks: [{ type: 'link', attrs: { href: 'javascript:alert(1)' } }, { type: 'blink' }] }],
          },
          { type: 'paragraph', content: [{ type: 'text' }, { type: 'image', attrs: { src: 'x' } }] },
        ],
      },
    } as StoryContent;
    expect(renderContent(tampered).bodyHtml).toBe(
      'alert(1)<h2>&lt;h1&gt;</h2><h2>h</h2><ol><li></li></ol><p><a rel="noopener noreferrer nofollow ugc">x</a></p>',
    );
  });

  it('bounds its recursion on stored content too', () => {
    let node: ContentNode = { type: 'text', text: 'deep' };
    for (let i = 0; i < 5000; i++) node = { type: 'blockquote', content: [node] };
    const content = {
      headline: { type: 'doc' },
      standfirst: { type: 'doc' },
      byline: { type: 'doc' },
      body: { type: 'doc', content: [node] },
    };
    const rendered = renderContent(content);
    expect(rendered.bodyHtml.startsWith('<blockquote><blockquote>')).toBe(true);
    expect(rendered.bodyHtml).not.toContain('deep');
    expect(rendered.bodyText).toBe('');
  });
});
