import { describe, it, expect } from 'vitest';
import * as Y from 'yjs';
import { escapeHtml } from '../../server/publishing/escapeHtml';
import { renderStory } from '../../server/publishing/renderStory';
import { fragmentText } from '../../server/publishing/storyContent';
import { type Build, docWith, el, p, txt } from '../helpers/yjsBuilders';

const body = (...builds: Build[]) => renderStory(docWith({ body: builds })).bodyHtml;

const REL = 'rel="noopener noreferrer nofollow ugc"';

describe('renderStory: allowed nodes', () => {
  it('renders paragraphs', () => {
    expect(body(p(['One.']), p(['Two.']))).toBe('<p>One.</p><p>Two.</p>');
  });

  it('drops empty and whitespace-only paragraphs', () => {
    expect(body(el('paragraph', {}), p(['   ']), p(['Kept']))).toBe('<p>Kept</p>');
  });

  it.each([
    [1, 'h2'],
    [2, 'h2'],
    [3, 'h3'],
    [4, 'h4'],
    [5, 'h4'],
    [6, 'h4'],
    ['3', 'h3'],
    ['6', 'h4'],
  ])('maps heading level %j to %s', (level, tag) => {
    expect(body(el('heading', { level }, txt(['Title'])))).toBe(`<${tag}>Title</${tag}>`);
  });

  it.each([[undefined], [0], [-3], ['1; onclick=x'], [{ evil: 1 }], [2.5]])('falls back to h2 for a bad heading level %j', (level) => {
    const attrs = level === undefined ? {} : { level };
    expect(body(el('heading', attrs, txt(['T'])))).toBe('<h2>T</h2>');
  });

  it('renders blockquotes', () => {
    expect(body(el('blockquote', {}, p(['Quoted'])))).toBe('<blockquote><p>Quoted</p></blockquote>');
  });

  it('renders bullet lists', () => {
    const list = el('bulletList', {}, el('listItem', {}, p(['a'])), el('listItem', {}, p(['b'])));
    expect(body(list)).toBe('<ul><li><p>a</p></li><li><p>b</p></li></ul>');
  });

  it.each([
    [3, ' start="3"'],
    ['7', ' start="7"'],
    [1, ' start="1"'],
    [0, ''],
    [-2, ''],
    [1.5, ''],
    ['3" onclick="x', ''],
    ['abc', ''],
    [undefined, ''],
  ])('orderedList start %j renders as <ol%s>', (start, attr) => {
    const attrs = start === undefined ? {} : { start };
    expect(body(el('orderedList', attrs, el('listItem', {}, p(['x']))))).toBe(`<ol${attr}><li><p>x</p></li></ol>`);
  });

  it('renders hard breaks and horizontal rules', () => {
    const para = el('paragraph', {}, txt(['line 1']), el('hardBreak', {}), txt(['line 2']));
    expect(body(para, el('horizontalRule', {}))).toBe('<p>line 1<br />line 2</p><hr />');
  });

  it('renders code blocks as escaped text only', () => {
    const code = el('codeBlock', { language: 'js"><script>' }, txt(['if (a < b) {\n  x();\n}', { bold: {} }]));
    expect(body(code)).toBe('<pre><code>if (a &lt; b) {\n  x();\n}</code></pre>');
  });
});

describe('renderStory: marks', () => {
  it.each([
    ['bold', 'strong'],
    ['italic', 'em'],
    ['strike', 's'],
    ['underline', 'u'],
    ['code', 'code'],
  ])('renders %s as <%s>', (mark, tag) => {
    expect(body(p(['a '], ['marked', { [mark]: {} }], [' b']))).toBe(`<p>a <${tag}>marked</${tag}> b</p>`);
  });

  it('accepts true as a mark value', () => {
    expect(body(p(['x', { bold: true }]))).toBe('<p><strong>x</strong></p>');
  });

  it('nests several marks in a fixed order', () => {
    expect(body(p(['x', { italic: {}, bold: {} }]))).toBe('<p><strong><em>x</em></strong></p>');
  });

  it('treats name--hash keys as the mark name', () => {
    expect(body(p(['x', { 'bold--a1b2': {}, 'link--zz9': { href: 'https://example.com/' } }]))).toBe(
      `<p><a href="https://example.com/" ${REL}><strong>x</strong></a></p>`,
    );
  });

  it.each([
    ['https://example.com/news?a=1&b=2', 'https://example.com/news?a=1&amp;b=2'],
    ['http://example.com', 'http://example.com/'],
    ['mailto:desk@example.com', 'mailto:desk@example.com'],
  ])('links %s with a fixed rel', (href, rendered) => {
    expect(body(p(['see', { link: { href, target: '_blank', class: 'x', onclick: 'evil()' } }]))).toBe(
      `<p><a href="${rendered}" ${REL}>see</a></p>`,
    );
  });

  it('drops unknown marks and keeps their text', () => {
    expect(body(p(['kept', { highlight: { color: 'red' }, textStyle: { style: 'x' } }]))).toBe('<p>kept</p>');
  });

  it('ignores embeds in text', () => {
    const doc = new Y.Doc();
    const para = new Y.XmlElement('paragraph');
    doc.getXmlFragment('body').insert(0, [para]);
    const text = new Y.XmlText();
    para.insert(0, [text]);
    text.insert(0, 'before ');
    text.insertEmbed(text.length, { image: { src: 'javascript:alert(1)' } });
    text.insert(text.length, 'after', {});
    const out = renderStory(doc);
    expect(out.bodyHtml).toBe('<p>before after</p>');
    expect(out.bodyText).toBe('before after');
  });
});

describe('renderStory: hostile documents', () => {
  it.each([
    'javascript:alert(1)',
    ' JaVaScRiPt:alert(1)',
    'java\tscript:alert(1)',
    'java\nscript:alert(1)',
    '\u0001javascript:alert(1)',
    '&#106;avascript:alert(1)',
    '&#x6A;avascript:alert(1)',
    'javascript&colon;alert(1)',
    'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
    ' DATA:text/html,<script>alert(1)</script>',
    'vbscript:msgbox(1)',
    'VbScRiPt:msgbox(1)',
    'file:///etc/passwd',
    '//evil.example.com/',
    '/relative/path',
    '',
  ])('drops the link %j but keeps its text', (href) => {
    const html = body(p(['click', { link: { href } }]));
    expect(html).toBe('<p>click</p>');
  });

  it('drops links whose href is not a string', () => {
    expect(body(p(['x', { link: { href: ['https://example.com'] } }]), p(['y', { link: true }]))).toBe('<p>x</p><p>y</p>');
  });

  it('cannot break out of the href attribute', () => {
    const href = 'https://example.com/"onmouseover="alert(1)"x=\'<script>';
    const html = body(p(['x', { link: { href } }]));
    expect(html).not.toMatch(/onmouseover="/);
    expect(html).not.toContain('<script');
    expect(html).toMatch(/^<p><a href="https:\/\/example\.com\/[^"]*" rel="noopener noreferrer nofollow ugc">x<\/a><\/p>$/);
  });

  it('escapes markup in text', () => {
    const html = body(p(['<script>alert(1)</script> & <img src=x onerror=alert(1)>']));
    expect(html).toBe('<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;img src=x onerror=alert(1)&gt;</p>');
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
  });

  it.each(['script', 'img', 'iframe', 'svg', 'style', 'object', 'a', 'div', 'p', 'h1', '__proto__', 'constructor'])(
    'never emits the tag of a <%s> nodeName, but keeps its text',
    (nodeName) => {
      const hostile = el(nodeName, { src: 'x', onerror: 'alert(1)', onclick: 'alert(2)', href: 'javascript:alert(3)' }, txt(['inside']));
      const html = body(hostile);
      expect(html).toBe('inside');
    },
  );

  it('keeps the text of unknown wrappers around allowed blocks', () => {
    const html = body(el('callout', { onclick: 'x' }, p(['Para']), el('aside', {}, txt(['Caption']))));
    expect(html).toBe('<p>Para</p>Caption');
  });

  it('drops attributes on allowed nodes', () => {
    const html = body(el('paragraph', { onclick: 'alert(1)', style: 'color:red', class: 'x' }, txt(['p'])));
    expect(html).toBe('<p>p</p>');
  });

  it('stops descending into absurdly nested documents instead of blowing the stack', () => {
    const doc = new Y.Doc();
    let parent: Y.XmlFragment = doc.getXmlFragment('body');
    for (let i = 0; i < 1500; i++) {
      const next = new Y.XmlElement('blockquote');
      parent.insert(0, [next]);
      parent = next;
    }
    txt(['buried'])(parent);
    const out = renderStory(doc);
    expect(out.bodyHtml.startsWith('<blockquote><blockquote>')).toBe(true);
    expect(out.bodyHtml.length).toBeLessThan(2000);
    expect(out.bodyText).toBe('');
  });

  it('ignores non-xml content inside a fragment', () => {
    const doc = new Y.Doc();
    const fragment = doc.getXmlFragment('body');
    // The typings forbid it, but a raw Yjs update can put any type here.
    fragment.insert(0, [new Y.XmlHook('image') as unknown as Y.XmlElement]);
    p(['after'])(fragment);
    expect(renderStory(doc).bodyHtml).toBe('<p>after</p>');
  });

  it('never lets hostile input through a mixed document', () => {
    const html = body(
      el('script', {}, txt(['alert(1)'])),
      el('paragraph', { onclick: 'x' }, txt(['<svg onload=alert(1)>', { link: { href: 'javascript:alert(1)' } }])),
      el('iframe', { src: 'https://evil.example' }),
      el('img', { src: 'x', onerror: 'alert(1)' }),
    );
    expect(html).not.toMatch(/<(script|svg|iframe|img)/i);
    expect(html).not.toMatch(/<[^>]*\son\w+=/i);
    expect(html).not.toMatch(/href="javascript:/i);
    expect(html).toBe('alert(1)<p>&lt;svg onload=alert(1)&gt;</p>');
  });
});

describe('renderStory: plain text fields', () => {
  it('collapses whitespace in headline, standfirst and byline', () => {
    const doc = docWith({
      headline: [p(['  Big   ', { bold: {} }], ['news\t today  '])],
      standfirst: [p(['First line']), p(['second  line'])],
      byline: [p(['\n Jane  Doe '])],
    });
    const out = renderStory(doc);
    expect(out.headline).toBe('Big news today');
    expect(out.standfirst).toBe('First line second line');
    expect(out.byline).toBe('Jane Doe');
  });

  it('keeps markup in plain text fields as plain text (escaped later by the page)', () => {
    const out = renderStory(docWith({ headline: [p(['<script>x</script>'])] }));
    expect(out.headline).toBe('<script>x</script>');
  });

  it('gives body text with blocks on separate lines and counts words', () => {
    const doc = docWith({
      body: [
        el('heading', { level: 2 }, txt(['The heading'])),
        p(['One ', { bold: {} }], ['two three.']),
        el('paragraph', {}),
        el('bulletList', {}, el('listItem', {}, p(['four'])), el('listItem', {}, p(['five six']))),
        el('paragraph', {}, txt(['seven']), el('hardBreak', {}), txt(['eight'])),
        el('horizontalRule', {}),
      ],
    });
    const out = renderStory(doc);
    expect(out.bodyText).toBe('The heading\nOne two three.\nfour\nfive six\nseven\neight');
    expect(out.wordCount).toBe(10);
  });

  it('returns empty strings and zero words for an empty doc', () => {
    expect(renderStory(new Y.Doc())).toEqual({
      headline: '',
      standfirst: '',
      byline: '',
      bodyHtml: '',
      bodyText: '',
      wordCount: 0,
      lead: null,
      missingAlt: [],
    });
  });

  it('fragmentText joins blocks with newlines and keeps unknown nodes’ text', () => {
    const doc = docWith({ body: [p(['a']), el('mystery', {}, txt(['b'])), p(['c'])] });
    expect(fragmentText(doc.getXmlFragment('body'))).toBe('a\nb\nc');
  });
});

describe('escapeHtml', () => {
  it('escapes the five significant characters', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });
});
