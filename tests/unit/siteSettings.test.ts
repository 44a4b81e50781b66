import { describe, expect, it } from 'vitest';
import { z } from 'zod/mini';
import type { SiteContext } from '../../server/publishing/pageLayout';
import { renderStoryPage } from '../../server/publishing/publicPages';
import { siteStylesheet } from '../../server/publishing/siteStylesheet';
import { DEFAULT_SITE_SETTINGS, SiteSettingsBody, type SiteSettings } from '../../shared/siteSettings';

const body = (over: Record<string, unknown> = {}) => ({ ...DEFAULT_SITE_SETTINGS, logo: null, socialImage: null, ...over });
const parse = (over: Record<string, unknown>) => z.safeParse(SiteSettingsBody, body(over));

describe('the site settings body', () => {
  it('takes the defaults as they are', () => {
    expect(parse({}).success).toBe(true);
  });

  it('keeps a language, a time zone and a link address in their canonical spelling', () => {
    const result = parse({
      language: 'EN-gb',
      timeZone: 'america/new_york',
      footerLinks: [{ label: ' About ', url: 'HTTPS://X.example/a b' }],
    });
    expect(result.data).toMatchObject({
      language: 'en-GB',
      timeZone: 'America/New_York',
      footerLinks: [{ label: 'About', url: 'https://x.example/a%20b' }],
    });
  });

  it.each([
    ['#8a1c1c', true],
    ['#1F4FBF', true],
    ['#000000', true],
    // Readable as a fill, not as link text on the page: refused.
    ['#ff8800', false],
    ['#777777', false],
    ['#ffffff', false],
    ['8a1c1c', false],
    ['#8a1c1', false],
    ['#8a1c1cff', false],
  ])('takes the accent colour %s: %s', (accentColor, ok) => {
    expect(parse({ accentColor }).success).toBe(ok);
  });

  it.each([['not a tag!'], ['en_GB_x_y_z_'], ['x'.repeat(36)]])('refuses the language %j', (language) => {
    expect(parse({ language }).success).toBe(false);
  });

  it.each([['Mars/Base'], ['../etc/passwd'], ['Europe/Lon don'], ['x'.repeat(65)]])('refuses the time zone %j', (timeZone) => {
    expect(parse({ timeZone }).success).toBe(false);
  });

  it.each([['javascript:alert(1)'], ['data:text/html,x'], ['//evil.example/'], ['/about'], ['mailto:a@b.example']])(
    'refuses the footer link %j',
    (url) => {
      expect(parse({ footerLinks: [{ label: 'x', url }] }).success).toBe(false);
    },
  );
});

describe('the site stylesheet', () => {
  it('holds the accent colour and nothing else, whatever is stored', () => {
    expect(siteStylesheet({ accentColor: '#0b5d1e' })).toBe(':root {\n  --accent: #0b5d1e;\n}\n');
    expect(siteStylesheet({ accentColor: 'red; } body { display: none' })).toBe('');
  });
});

describe('the story page with the site’s settings', () => {
  const story = {
    slug: 'x',
    headline: '</script><script>alert(1)</script> & more',
    standfirst: '',
    byline: '',
    bodyHtml: '<p>Body.</p>',
    publishedAt: '2026-07-01T12:00:00.000Z',
    updatedAt: '2026-07-01T12:00:00.000Z',
  };
  const settings: SiteSettings = {
    ...DEFAULT_SITE_SETTINGS,
    name: 'Le Quotidien',
    language: 'fr',
    timeZone: 'Europe/Paris',
    logo: { media: 'A'.repeat(22), width: 200, height: 50 },
  };
  const site: SiteContext = { settings, version: '1767225600000' };
  const html = renderStoryPage(story, [], 'https://news.example/stories/x', undefined, site);

  it('is in the site’s language and time zone, under its masthead, with its stylesheet', () => {
    expect(html).toContain('<html lang="fr">');
    expect(html).toContain('<time datetime="2026-07-01T12:00:00.000Z">1 juillet 2026 à 14:00 UTC+2</time>');
    expect(html).toContain(
      `<img class="site-logo" src="/media/${'A'.repeat(22)}/320.webp" width="200" height="50" alt=""> Le Quotidien</a>`,
    );
    expect(html).toContain('<link rel="stylesheet" href="/public/site.css?v=1767225600000">');
    // No footer words or links set: an empty footer, and no "Galley".
    expect(html).toContain('<footer class="site-footer"></footer>');
    expect(html).not.toMatch(/galley/i);
  });

  it('writes the JSON-LD so that no headline can end its element, and it parses back to the headline', () => {
    const block = /<script type="application\/ld\+json">(.*?)<\/script>/s.exec(html)![1];
    expect(block).not.toMatch(/[<>&]/);
    expect(block).toContain('\\u003c/script\\u003e');
    const data = JSON.parse(block);
    expect(data.headline).toBe(story.headline);
    // No byline, no credited authors: the site is the author.
    expect(data.author).toEqual([{ '@type': 'Organization', name: 'Le Quotidien', url: 'https://news.example/stories' }]);
    expect(data.publisher.logo.url).toBe(`https://news.example/media/${'A'.repeat(22)}/1280.jpeg`);
    expect(html.match(/<script/g)).toHaveLength(1);
  });
});
