import { describe, it, expect } from 'vitest';
import { Parser } from 'htmlparser2';
import type { ContentMark, ContentNode, FieldDiff, StoryContent } from '../../shared/api';
import { revisionDiff } from '../../server/publishing/revisionDiff';
import { cpuMsOf } from '../helpers/cpuTime';

// Content is written as stored revisions hold it (storyContent's output shape).

const t = (text: string, ...marks: ContentMark[]): ContentNode => (marks.length ? { type: 'text', text, marks } : { type: 'text', text });
const para = (...content: Array<ContentNode | string>): ContentNode => ({
  type: 'paragraph',
  content: content.map((c) => (typeof c === 'string' ? t(c) : c)),
});
const heading = (level: number, text: string): ContentNode => ({ type: 'heading', attrs: { level }, content: [t(text)] });
const item = (text: string): ContentNode => ({ type: 'listItem', content: [para(text)] });
const bullets = (...items: string[]): ContentNode => ({ type: 'bulletList', content: items.map(item) });
const numbered = (...items: string[]): ContentNode => ({ type: 'orderedList', content: items.map(item) });
const quote = (...content: ContentNode[]): ContentNode => ({ type: 'blockquote', content });
const doc = (...content: ContentNode[]): ContentNode => (content.length ? { type: 'doc', content } : { type: 'doc' });
const line = (text: string) => doc(para(text));

function story(body: ContentNode[], fields: Partial<Record<'headline' | 'standfirst' | 'byline', string>> = {}): StoryContent {
  return {
    headline: line(fields.headline ?? 'Council votes'),
    standfirst: line(fields.standfirst ?? 'A late decision.'),
    byline: line(fields.byline ?? 'Jane Doe'),
    body: doc(...body),
  };
}

const field = (diffs: FieldDiff[], name: FieldDiff['field']) => diffs.find((d) => d.field === name)!;
const bodyHtml = (from: ContentNode[], to: ContentNode[]) => field(revisionDiff(story(from), story(to)), 'body').html;

const ALLOWED_TAGS = new Set(['p', 'h2', 'h3', 'h4', 'ul', 'ol', 'li', 'blockquote', 'pre', 'hr', 'br', 'ins', 'del']);
const ALLOWED_CLASSES = new Set(['diff-added', 'diff-removed', 'diff-changed']);

/** Every tag and attribute in the html, read by a real HTML parser. */
function markupOf(html: string): { tags: Set<string>; attributes: string[] } {
  const tags = new Set<string>();
  const attributes: string[] = [];
  const parser = new Parser({
    onopentag(name, attrs) {
      tags.add(name);
      for (const [key, value] of Object.entries(attrs)) attributes.push(`${key}=${value}`);
    },
  });
  parser.write(html);
  parser.end();
  return { tags, attributes };
}

function expectOnlyAllowedMarkup(html: string): void {
  const { tags, attributes } = markupOf(html);
  for (const tag of tags) expect(ALLOWED_TAGS, `tag <${tag}>`).toContain(tag);
  for (const attribute of attributes) {
    const [key, value] = attribute.split('=');
    expect(key).toBe('class');
    expect(ALLOWED_CLASSES).toContain(value);
  }
}

describe('revisionDiff: fields', () => {
  it('gives one entry per field, in STORY_FIELDS order, with labels', () => {
    const diffs = revisionDiff(story([para('Same.')]), story([para('Same.')]));
    expect(diffs.map((d) => [d.field, d.label])).toEqual([
      ['headline', 'Headline'],
      ['standfirst', 'Standfirst'],
      ['byline', 'Byline'],
      ['body', 'Body'],
    ]);
  });

  it('reports unchanged fields as changed:false, with their text as is', () => {
    expect(revisionDiff(story([para('Same.')]), story([para('Same.')]))).toEqual([
      { field: 'headline', label: 'Headline', changed: false, html: '<p>Council votes</p>' },
      { field: 'standfirst', label: 'Standfirst', changed: false, html: '<p>A late decision.</p>' },
      { field: 'byline', label: 'Byline', changed: false, html: '<p>Jane Doe</p>' },
      { field: 'body', label: 'Body', changed: false, html: '<p>Same.</p>' },
    ]);
  });

  it('diffs the words of headline, standfirst and byline', () => {
    const from = story([], { headline: 'Council votes to close library', byline: 'Jane Doe' });
    const to = story([], { headline: 'Council votes to keep library', byline: 'Jane Doe and John Roe' });
    const diffs = revisionDiff(from, to);
    expect(field(diffs, 'headline')).toEqual({
      field: 'headline',
      label: 'Headline',
      changed: true,
      html: '<p>Council votes to <del>close</del><ins>keep</ins> library</p>',
    });
    expect(field(diffs, 'byline').html).toBe('<p>Jane Doe<ins> and John Roe</ins></p>');
    expect(field(diffs, 'standfirst').changed).toBe(false);
  });

  it('compares short fields as the one line they are published as', () => {
    const from = { ...story([]), standfirst: doc(para('First  line'), para('second')) };
    const to = { ...story([]), standfirst: line('First line second') };
    expect(field(revisionDiff(from, to), 'standfirst')).toMatchObject({ changed: false, html: '<p>First line second</p>' });
  });

  it('gives empty html for a field empty on both sides, and whole insertions for a new one', () => {
    const empty = { ...story([]), standfirst: doc() };
    expect(field(revisionDiff(empty, empty), 'standfirst')).toMatchObject({ changed: false, html: '' });
    expect(field(revisionDiff(empty, story([])), 'standfirst')).toMatchObject({
      changed: true,
      html: '<p><ins>A late decision.</ins></p>',
    });
  });
});

describe('revisionDiff: body blocks', () => {
  it('marks words added and removed inside an edited paragraph', () => {
    expect(bodyHtml([para('The council met on Tuesday.')], [para('The council met late on Wednesday.')])).toBe(
      '<p class="diff-changed">The council met <ins>late </ins>on <del>Tuesday</del><ins>Wednesday</ins>.</p>',
    );
  });

  it('shows whole added and removed blocks in their own tags', () => {
    const from = [para('Intro.'), para('Dropped paragraph.'), para('Outro.')];
    const to = [heading(2, 'New heading'), para('Intro.'), para('Outro.'), heading(3, 'Sub')];
    expect(bodyHtml(from, to)).toBe(
      '<h2 class="diff-added"><ins>New heading</ins></h2>' +
        '<p>Intro.</p>' +
        '<p class="diff-removed"><del>Dropped paragraph.</del></p>' +
        '<p>Outro.</p>' +
        '<h3 class="diff-added"><ins>Sub</ins></h3>',
    );
  });

  it('pairs an edited block inside a replaced run, and shows the unrelated one whole', () => {
    const from = [para('Keep.'), para('Completely different words here.'), para('The mayor resigned on Monday.')];
    const to = [para('Keep.'), para('The mayor resigned on Monday night.')];
    expect(bodyHtml(from, to)).toBe(
      '<p>Keep.</p>' +
        '<p class="diff-removed"><del>Completely different words here.</del></p>' +
        '<p class="diff-changed">The mayor resigned on Monday<ins> night</ins>.</p>',
    );
  });

  it('groups list items in their lists and quoted paragraphs in their quote', () => {
    const from = [bullets('one', 'two'), quote(para('He said no.')), numbered('first')];
    const to = [bullets('one', 'two and a half', 'three'), quote(para('He said yes.')), numbered('first')];
    expect(bodyHtml(from, to)).toBe(
      '<ul><li>one</li><li class="diff-changed">two<ins> and a half</ins></li><li class="diff-added"><ins>three</ins></li></ul>' +
        '<blockquote><p class="diff-changed">He said <del>no</del><ins>yes</ins>.</p></blockquote>' +
        '<ol><li>first</li></ol>',
    );
  });

  it('flags a block whose only change is its kind or its formatting, without inventing text changes', () => {
    const from = [para('Breaking'), para('Plain words')];
    const to = [heading(2, 'Breaking'), para('Plain ', t('words', { type: 'bold' }))];
    const diff = field(revisionDiff(story(from), story(to)), 'body');
    expect(diff.changed).toBe(true);
    expect(diff.html).toBe('<h2 class="diff-changed">Breaking</h2><p class="diff-changed">Plain words</p>');
  });

  it('ignores blank paragraphs, which are not published', () => {
    const diff = field(revisionDiff(story([para('A')]), story([{ type: 'paragraph' }, para('A'), para('  ')])), 'body');
    expect(diff).toMatchObject({ changed: false, html: '<p>A</p>' });
  });

  it('shows hard breaks as breaks and keeps code as preformatted text', () => {
    const from = [para('line one', { type: 'hardBreak' }, 'line two'), { type: 'codeBlock', content: [t('a = 1\nb = 2')] }];
    const to = [para('line one', { type: 'hardBreak' }, 'line 2'), { type: 'codeBlock', content: [t('a = 1\nb = 3')] }];
    expect(bodyHtml(from, to)).toBe(
      '<p class="diff-changed">line one<br />line <del>two</del><ins>2</ins></p>' +
        '<pre class="diff-changed">a = 1\nb = <del>2</del><ins>3</ins></pre>',
    );
  });

  it('shows added and removed horizontal rules', () => {
    expect(bodyHtml([para('a'), { type: 'horizontalRule' }], [para('a')])).toBe('<p>a</p><hr class="diff-removed" />');
  });
});

describe('revisionDiff: hostile text', () => {
  const SCRIPT = '<script>alert(1)</script>';
  const IMG = '<img src=x onerror=alert(1)>';
  const OTHER = '<img src=x onerror=prompt()>'; // no word in common with SCRIPT

  it('escapes markup in removed and added text alike', () => {
    const html = bodyHtml([para(`Old ${SCRIPT} text`)], [para(`New ${IMG} text`)]);
    expect(html).toBe(
      '<p class="diff-changed"><del>Old</del><ins>New</ins> &lt;<del>script&gt;</del><ins>img src=x onerror=</ins>alert(1)<del>&lt;/script</del>&gt; text</p>',
    );
    expectOnlyAllowedMarkup(html);
  });

  it('escapes markup in whole added and removed blocks and in short fields', () => {
    const diffs = revisionDiff(story([para(SCRIPT)], { headline: SCRIPT }), story([para(OTHER)], { headline: IMG }));
    expect(field(diffs, 'body').html).toBe(
      '<p class="diff-removed"><del>&lt;script&gt;alert(1)&lt;/script&gt;</del></p>' +
        '<p class="diff-added"><ins>&lt;img src=x onerror=prompt()&gt;</ins></p>',
    );
    expect(field(diffs, 'headline').html).toBe(
      '<p>&lt;<del>script&gt;</del><ins>img src=x onerror=</ins>alert(1)<del>&lt;/script</del>&gt;</p>',
    );
    for (const diff of diffs) expectOnlyAllowedMarkup(diff.html);
  });

  it('never emits a tag, attribute or class outside the allow-list, whatever the stored content', () => {
    const tampered: ContentNode[] = [
      { type: 'script', content: [t('alert(1)')] },
      { type: 'heading', attrs: { level: '2" onclick="x' }, content: [t('"><iframe src=javascript:alert(1)>')] },
      para(t('x', { type: 'link', attrs: { href: 'javascript:alert(1)' } }), '</p><p class="diff-added evil">'),
      { type: 'img', attrs: { src: 'x', onerror: 'alert(1)' } },
      { type: 'bulletList', content: [{ type: 'listItem', content: [t('\'"&<>')] }] },
    ];
    const html = bodyHtml([para('before')], tampered);
    expectOnlyAllowedMarkup(html);
    expect(html).not.toMatch(/<(script|iframe|img|a)\b/i);
    expect(html).toBe(
      '<p class="diff-removed"><del>before</del></p>' +
        '<p class="diff-added"><ins>alert(1)</ins></p>' +
        '<h2 class="diff-added"><ins>"&gt;&lt;iframe src=javascript:alert(1)&gt;</ins></h2>' +
        '<p class="diff-added"><ins>x&lt;/p&gt;&lt;p class="diff-added evil"&gt;</ins></p>' +
        '<ul><li class="diff-added"><ins>\'"&amp;&lt;&gt;</ins></li></ul>',
    );
  });
});

describe('revisionDiff: size', () => {
  /** Deterministic filler prose: 25-word paragraphs, drawn from 400 words like real copy is from thousands. */
  const VOCABULARY = Array.from({ length: 400 }, (_, i) => `w${i.toString(36)}`);
  function prose(paragraphs: number, seed: number): string[] {
    let state = seed;
    const next = () => (state = (state * 1103515245 + 12345) % 2147483648) >>> 8;
    return Array.from(
      { length: paragraphs },
      () => Array.from({ length: 25 }, () => VOCABULARY[next() % VOCABULARY.length]).join(' ') + '.',
    );
  }

  const timed = (from: string[], to: string[]) => {
    const { ms, result } = cpuMsOf(() => revisionDiff(story(from.map((p) => para(p))), story(to.map((p) => para(p)))));
    return { ms, body: field(result, 'body') };
  };

  it('diffs a 5,000-word body with edits all through it quickly', () => {
    const from = prose(200, 1);
    const to = from.map((p, i) => (i % 4 === 0 ? p.replace(/^\w+/, 'EDITED') : p));
    to.splice(50, 3, 'A new paragraph.');
    const { ms, body } = timed(from, to);
    expect(ms).toBeLessThan(500);
    expect(body.html.match(/<ins>EDITED<\/ins>/g)).toHaveLength(49);
    expect(body.html).toContain('<p class="diff-added"><ins>A new paragraph.</ins></p>');
  });

  it('diffs a 5,000-word body rewritten from end to end quickly', () => {
    const { ms, body } = timed(prose(200, 1), prose(200, 2));
    expect(ms).toBeLessThan(500);
    expect(body.changed).toBe(true);
  });

  it('gives up word-diffing a huge rewritten block, showing it whole instead of stalling', () => {
    const [from, to] = [prose(200, 1).join(' '), prose(200, 2).join(' ')];
    const { ms, body } = timed([from], [to]);
    expect(ms).toBeLessThan(500);
    expect(body.html).toBe(`<p class="diff-changed"><del>${from}</del><ins>${to}</ins></p>`);
  });

  it('still word-diffs a huge block with a few edits', () => {
    const from = prose(200, 1).join(' ');
    const to = from.replace(/^\w+/, 'EDITED').replace(/\w+\.$/, 'END.');
    const { ms, body } = timed([from], [to]);
    expect(ms).toBeLessThan(500);
    expect(body.html).toMatch(/^<p class="diff-changed"><del>\w+<\/del><ins>EDITED<\/ins> .* <del>\w+<\/del><ins>END<\/ins>\.<\/p>$/);
  });
});
