import { describe, expect, it } from 'vitest';
import { entryId, escapeXml, jsonFeed, renderAtomFeed, renderJsonFeed, storyUrl, type FeedStory } from '../../server/publishing/feeds';

const SITE = { origin: 'https://news.example.com' };

let n = 0;
function story(over: Partial<FeedStory> = {}): FeedStory {
  n++;
  const id = `10000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
  return {
    storyId: id,
    slug: `story-${n}`,
    headline: `Headline ${n}`,
    standfirst: `Standfirst ${n}`,
    byline: `Reporter ${n}`,
    bodyHtml: `<p>Body ${n} with <strong>bold</strong> &amp; <a href="https://example.com/?a=1&amp;b=2" rel="noopener noreferrer nofollow ugc">a link</a>.</p>`,
    publishedAt: '2026-03-01T10:00:00.000Z',
    updatedAt: '2026-03-01T10:00:00.000Z',
    ...over,
  };
}

// ---------------------------------------------------------------------------
// A tiny, strict XML reader, written without regular expressions so that it checks
// the structure independently of how the feed was produced. It accepts only what a
// feed needs (declaration, elements, double-quoted attributes, text, the five
// predefined entities and numeric references) and throws on anything else.

type XmlElement = { name: string; attrs: Record<string, string>; children: XmlElement[]; text: string };

const NAME_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789:_-.';
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function isXmlChar(code: number): boolean {
  return (
    code === 0x9 ||
    code === 0xa ||
    code === 0xd ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff)
  );
}

function parseXml(xml: string): XmlElement {
  for (const ch of xml) {
    if (!isXmlChar(ch.codePointAt(0)!)) throw new Error(`character U+${ch.codePointAt(0)!.toString(16)} is not allowed in XML`);
  }
  if (xml.includes(']]>')) throw new Error('"]]>" must not appear in XML text');
  let i = 0;
  const DECL = '<?xml version="1.0" encoding="utf-8"?>';
  if (!xml.startsWith(DECL)) throw new Error('missing XML declaration');
  i = DECL.length;

  const skipSpace = () => {
    while (i < xml.length && ' \n\r\t'.includes(xml[i])) i++;
  };
  const readName = () => {
    const start = i;
    while (i < xml.length && NAME_CHARS.includes(xml[i])) i++;
    if (i === start) throw new Error(`expected a name at ${i}`);
    return xml.slice(start, i);
  };
  /** Decodes text up to the next "<" (or a closing quote for attributes). */
  const readText = (stop: string) => {
    let out = '';
    while (i < xml.length && xml[i] !== stop) {
      const ch = xml[i];
      if (ch === '<' || (stop === '"' && ch === '>')) throw new Error(`raw "${ch}" at ${i}`);
      if (ch === '&') {
        const end = xml.indexOf(';', i);
        if (end < 0 || end - i > 10) throw new Error(`bad entity at ${i}`);
        const ref = xml.slice(i + 1, end);
        if (ref.startsWith('#x')) out += String.fromCodePoint(parseInt(ref.slice(2), 16));
        else if (ref.startsWith('#')) out += String.fromCodePoint(parseInt(ref.slice(1), 10));
        else if (ref in ENTITIES) out += ENTITIES[ref];
        else throw new Error(`unknown entity &${ref};`);
        i = end + 1;
      } else {
        out += ch;
        i++;
      }
    }
    return out;
  };
  const readElement = (): XmlElement => {
    if (xml[i] !== '<') throw new Error(`expected "<" at ${i}`);
    i++;
    const el: XmlElement = { name: readName(), attrs: {}, children: [], text: '' };
    for (;;) {
      skipSpace();
      if (xml.startsWith('/>', i)) {
        i += 2;
        return el;
      }
      if (xml[i] === '>') {
        i++;
        break;
      }
      const attr = readName();
      if (xml[i] !== '=' || xml[i + 1] !== '"') throw new Error(`attribute ${attr} must be ="quoted"`);
      i += 2;
      if (attr in el.attrs) throw new Error(`duplicate attribute ${attr}`);
      el.attrs[attr] = readText('"');
      i++;
    }
    for (;;) {
      el.text += readText('<');
      if (i >= xml.length) throw new Error(`<${el.name}> is never closed`);
      if (xml.startsWith('</', i)) {
        i += 2;
        const closing = readName();
        if (closing !== el.name) throw new Error(`</${closing}> closes <${el.name}>`);
        skipSpace();
        if (xml[i] !== '>') throw new Error(`expected ">" at ${i}`);
        i++;
        return el;
      }
      if (xml.startsWith('<!', i) || xml.startsWith('<?', i)) throw new Error(`unexpected markup at ${i}`);
      el.children.push(readElement());
    }
  };
  skipSpace();
  const root = readElement();
  skipSpace();
  if (i !== xml.length) throw new Error('content after the root element');
  return root;
}

const child = (el: XmlElement, name: string) => el.children.find((c) => c.name === name);
const children = (el: XmlElement, name: string) => el.children.filter((c) => c.name === name);
const textOf = (el: XmlElement, name: string) => {
  const found = child(el, name);
  if (!found) throw new Error(`<${el.name}> has no <${name}>`);
  return found.text;
};

describe('XML reader (self-test)', () => {
  it.each([
    ['raw <', '<?xml version="1.0" encoding="utf-8"?><a>x < y</a>'],
    ['bare &', '<?xml version="1.0" encoding="utf-8"?><a>x & y</a>'],
    ['CDATA end', '<?xml version="1.0" encoding="utf-8"?><a>]]></a>'],
    ['unclosed', '<?xml version="1.0" encoding="utf-8"?><a><b></a>'],
    ['control char', '<?xml version="1.0" encoding="utf-8"?><a>\u0001</a>'],
    ['unquoted attribute', '<?xml version="1.0" encoding="utf-8"?><a href=x></a>'],
    ['injected element', '<?xml version="1.0" encoding="utf-8"?><a><title></title><script>x</script></a>'],
  ])('refuses %s', (_what, xml) => {
    expect(() => {
      const root = parseXml(xml);
      if (child(root, 'script')) throw new Error('script element');
    }).toThrow();
  });

  it('decodes entities', () => {
    expect(parseXml('<?xml version="1.0" encoding="utf-8"?><a b="&quot;x&quot;">&lt;p&gt; &amp; &#39;&#x41;</a>')).toEqual({
      name: 'a',
      attrs: { b: '"x"' },
      children: [],
      text: "<p> & 'A",
    });
  });
});

// ---------------------------------------------------------------------------

const HOSTILE = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  ']]><script>alert(2)</script>',
  '</title><script>alert(3)</script>',
  `Tom & Jerry's "quote"`,
  'control \u0000\u0001\u0008\u000B\u000C\u001F\u007F\u0085\uFFFE\uFFFF chars',
  'lone \uD800 surrogate',
];

/** What a hostile string may legitimately read as once the unrepresentable characters are gone. */
const readable = (s: string) =>
  s
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF]/g, '')
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');

/** No markup, CDATA end, C0 control or lone surrogate in the bytes sent. */
function expectNothingRaw(text: string): void {
  expect(text).not.toMatch(/<script|<img|<\/title><script|]]>/i);
  expect(text).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/);
  expect(text).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
}

describe('escapeXml', () => {
  it('escapes the five markup characters', () => {
    expect(escapeXml(`<a href="x">Tom & 'Jerry'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;Tom &amp; &apos;Jerry&apos;&lt;/a&gt;');
  });

  it('makes "]]>" impossible', () => {
    expect(escapeXml(']]>')).toBe(']]&gt;');
  });

  it('drops characters XML cannot carry and keeps tab, newlines and astral characters', () => {
    expect(escapeXml('a\u0000b\u0001c\u000Bd\u001Fe\uFFFEf\uFFFFg\u007Fh\u0085i')).toBe('abcdefghi');
    expect(escapeXml('tab\there\nline\r')).toBe('tab\there\nline\r');
    expect(escapeXml('emoji 📰 ok')).toBe('emoji 📰 ok');
  });

  it('replaces lone surrogates', () => {
    expect(escapeXml('x\uD800y\uDC00z')).toBe('x\uFFFDy\uFFFDz');
  });
});

describe('Atom feed', () => {
  const stories = [
    story({ publishedAt: '2026-03-03T10:00:00.000Z', updatedAt: '2026-03-04T08:15:00.000Z' }),
    story({ publishedAt: '2026-03-02T10:00:00.000Z', updatedAt: '2026-03-02T10:00:00.000Z' }),
    story({ publishedAt: '2026-03-01T10:00:00.000Z', updatedAt: '2026-03-05T12:00:00.000Z', byline: 'By Jane Doe' }),
  ];
  const xml = renderAtomFeed(stories, SITE);
  const feed = parseXml(xml);

  it('is well-formed Atom 1.0 with the feed metadata', () => {
    expect(feed.name).toBe('feed');
    expect(feed.attrs.xmlns).toBe('http://www.w3.org/2005/Atom');
    expect(textOf(feed, 'id')).toBe('https://news.example.com/feed.xml');
    expect(textOf(feed, 'title')).toBe('News: latest stories');
    // The feed changed when its latest entry did.
    expect(textOf(feed, 'updated')).toBe('2026-03-05T12:00:00.000Z');
    const links = children(feed, 'link').map((l) => l.attrs);
    expect(links).toContainEqual({ rel: 'self', type: 'application/atom+xml', href: 'https://news.example.com/feed.xml' });
    expect(links).toContainEqual({ rel: 'alternate', type: 'text/html', href: 'https://news.example.com/stories' });
    expect(textOf(child(feed, 'author')!, 'name')).toBe('News');
  });

  it('has one entry per story, in the given order, with every field', () => {
    const entries = children(feed, 'entry');
    expect(entries).toHaveLength(3);
    entries.forEach((entry, k) => {
      const s = stories[k];
      expect(textOf(entry, 'id')).toBe(`urn:uuid:${s.storyId}`);
      expect(textOf(entry, 'title')).toBe(s.headline);
      expect(textOf(entry, 'summary')).toBe(s.standfirst);
      expect(child(entry, 'link')!.attrs).toEqual({
        rel: 'alternate',
        type: 'text/html',
        href: `https://news.example.com/stories/${s.slug}`,
      });
      expect(textOf(entry, 'published')).toBe(s.publishedAt);
      expect(textOf(entry, 'updated')).toBe(s.updatedAt);
      const content = child(entry, 'content')!;
      expect(content.attrs).toEqual({ type: 'html' });
      // The sanitized body, exactly, once the XML escaping is undone.
      expect(content.text).toBe(s.bodyHtml);
      expect(content.children).toEqual([]);
    });
  });

  it('names the author without a leading "By"', () => {
    const entries = children(feed, 'entry');
    expect(textOf(child(entries[0], 'author')!, 'name')).toBe(stories[0].byline);
    expect(textOf(child(entries[2], 'author')!, 'name')).toBe('Jane Doe');
  });

  it('leaves out an empty byline and standfirst (the feed author covers the entry)', () => {
    const entry = children(parseXml(renderAtomFeed([story({ byline: '', standfirst: '', headline: '' })], SITE)), 'entry')[0];
    expect(child(entry, 'author')).toBeUndefined();
    expect(child(entry, 'summary')).toBeUndefined();
    expect(textOf(entry, 'title')).toBe('Untitled story');
  });

  it('is valid with no stories, and never uses the current time', () => {
    const empty = parseXml(renderAtomFeed([], SITE));
    expect(children(empty, 'entry')).toEqual([]);
    expect(textOf(empty, 'updated')).toBe('1970-01-01T00:00:00.000Z');
    expect(renderAtomFeed(stories, SITE)).toBe(xml);
  });

  it('keeps entry ids stable when the slug, headline or host change', () => {
    const s = stories[0];
    const moved = renderAtomFeed([{ ...s, slug: 'renamed', headline: 'Renamed' }], { origin: 'https://other.example' });
    expect(textOf(children(parseXml(moved), 'entry')[0], 'id')).toBe(entryId(s.storyId));
  });

  it('percent-encodes the slug in links', () => {
    expect(storyUrl(SITE, 'a b"<\uD800')).toBe('https://news.example.com/stories/a%20b%22%3C%EF%BF%BD');
  });

  it.each(HOSTILE)('escapes %j in every text field and attribute', (evil) => {
    const hostile = story({
      headline: evil,
      standfirst: evil,
      byline: evil,
      slug: evil,
      bodyHtml: `<p>${evil}</p>`,
    });
    const out = renderAtomFeed([hostile], { origin: `https://x.example/${evil}` });
    expectNothingRaw(out);
    expect(out).not.toMatch(/[\u007F-\u009F\uFFFE\uFFFF]/);
    const entries = children(parseXml(out), 'entry');
    expect(entries).toHaveLength(1);
    const entry = entries[0];
    expect(entry.children.map((c) => c.name)).toEqual(['id', 'title', 'link', 'published', 'updated', 'author', 'summary', 'content']);
    expect(textOf(entry, 'title')).toBe(readable(evil));
    expect(textOf(entry, 'summary')).toBe(readable(evil));
    expect(textOf(child(entry, 'author')!, 'name')).toBe(readable(evil));
    expect(textOf(entry, 'content')).toBe(readable(`<p>${evil}</p>`));
  });
});

describe('JSON Feed', () => {
  const stories = [
    story({ publishedAt: '2026-03-02T10:00:00.000Z', updatedAt: '2026-03-03T10:00:00.000Z' }),
    story({ byline: '', standfirst: '' }),
  ];
  const text = renderJsonFeed(stories, SITE);
  const feed = JSON.parse(text);

  it('is JSON Feed 1.1 with the top-level fields', () => {
    expect(feed).toMatchObject({
      version: 'https://jsonfeed.org/version/1.1',
      title: 'News: latest stories',
      home_page_url: 'https://news.example.com/stories',
      feed_url: 'https://news.example.com/feed.json',
      authors: [{ name: 'News' }],
    });
    expect(feed.items).toHaveLength(2);
  });

  it('has every item field', () => {
    const [first, second] = feed.items;
    const s = stories[0];
    expect(first).toEqual({
      id: `urn:uuid:${s.storyId}`,
      url: `https://news.example.com/stories/${s.slug}`,
      title: s.headline,
      summary: s.standfirst,
      content_html: s.bodyHtml,
      date_published: '2026-03-02T10:00:00.000Z',
      date_modified: '2026-03-03T10:00:00.000Z',
      authors: [{ name: s.byline }],
    });
    expect(second).not.toHaveProperty('summary');
    expect(second).not.toHaveProperty('authors');
    for (const item of feed.items) {
      for (const field of ['id', 'url', 'title', 'content_html', 'date_published', 'date_modified']) {
        expect(typeof item[field], field).toBe('string');
      }
      expect(new Date(item.date_published).toISOString()).toBe(item.date_published);
    }
  });

  it('matches the object it serializes and is deterministic', () => {
    expect(feed).toEqual(JSON.parse(JSON.stringify(jsonFeed(stories, SITE))));
    expect(renderJsonFeed(stories, SITE)).toBe(text);
  });

  it('is valid with no stories', () => {
    expect(JSON.parse(renderJsonFeed([], SITE)).items).toEqual([]);
  });

  it.each(HOSTILE)('carries %j intact as data but never raw in the bytes', (evil) => {
    const out = renderJsonFeed([story({ headline: evil, standfirst: evil, byline: evil, bodyHtml: `<p>${evil}</p>` })], SITE);
    expectNothingRaw(out.replace(/\\u[0-9a-f]{4}/gi, ''));
    expect(out).not.toMatch(/[<>&\u2028\u2029]/);
    const item = JSON.parse(out).items[0];
    expect(item.title).toBe(evil);
    expect(item.summary).toBe(evil);
    expect(item.authors).toEqual([{ name: evil }]);
    expect(item.content_html).toBe(`<p>${evil}</p>`);
  });

  it('escapes the JavaScript line separators', () => {
    const out = renderJsonFeed([story({ headline: 'a\u2028b\u2029c' })], SITE);
    expect(out).toContain('a\\u2028b\\u2029c');
    expect(JSON.parse(out).items[0].title).toBe('a\u2028b\u2029c');
  });
});
