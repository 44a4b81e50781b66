/**
 * The public site's masthead and settings (docs/site.md): its name, description, logo, accent colour,
 * language, time zone, footer and default social image. Admins keep them in Settings → Site; the public
 * pages, feeds and structured data read them. One record for the whole site.
 */
import { z } from 'zod/mini';

export const SITE_LIMITS = {
  nameMaxChars: 80,
  descriptionMaxChars: 300,
  footerTextMaxChars: 500,
  footerLinks: 8,
  linkLabelMaxChars: 60,
  urlMaxChars: 500,
  languageMaxChars: 35,
  timeZoneMaxChars: 64,
} as const;

/** The page's background (story.css `--paper`): the accent colour must read on it as text, WCAG AA (4.5:1). */
const PAGE_BACKGROUND = '#fdfcf9';
const MIN_ACCENT_CONTRAST = 4.5;

/** A picture the site shows (the logo, the default social image): the media id and its size. */
export type SiteImage = { media: string; width: number; height: number };
export type FooterLink = { label: string; url: string };

export type SiteSettings = {
  name: string;
  description: string;
  logo: SiteImage | null;
  /** `#rrggbb`, lower case. */
  accentColor: string;
  /** A canonical BCP 47 tag, e.g. `en-GB`. */
  language: string;
  /** An IANA time zone, e.g. `Europe/London`: the story page's dates and times are in it. */
  timeZone: string;
  footerText: string;
  footerLinks: FooterLink[];
  socialImage: SiteImage | null;
};

/** Until an admin says otherwise: a neutral name (nothing says "Galley"), English, UTC. */
export const DEFAULT_SITE_SETTINGS: SiteSettings = {
  name: 'News',
  description: '',
  logo: null,
  accentColor: '#8a1c1c',
  language: 'en',
  timeZone: 'UTC',
  footerText: '',
  footerLinks: [],
  socialImage: null,
};

/** GET /api/site: the settings, the images with their addresses; `updatedAt` null while never set. */
export type SiteSettingsAnswer = {
  settings: Omit<SiteSettings, 'logo' | 'socialImage'> & { logo: SiteImageAnswer | null; socialImage: SiteImageAnswer | null };
  updatedAt: string | null;
};
export type SiteImageAnswer = SiteImage & { url: string };

const line = (max: number, empty?: string) =>
  z.string().check(
    z.overwrite((value) => value.replace(/\s+/g, ' ').trim()),
    ...(empty ? [z.minLength(1, empty)] : []),
    z.maxLength(max, `At most ${max} characters`),
  );

/** WCAG 2 relative luminance of `#rrggbb`. */
function luminance(hex: string): number {
  const channel = (i: number) => {
    const c = parseInt(hex.slice(1 + 2 * i, 3 + 2 * i), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2);
}

/** WCAG 2 contrast ratio of two `#rrggbb` colours, 1 to 21. */
function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/** A canonical BCP 47 tag, or null when it is not one. */
function canonicalLanguage(tag: string): string | null {
  try {
    const [canonical] = Intl.getCanonicalLocales(tag);
    return canonical ?? null;
  } catch {
    return null;
  }
}

/** The IANA name as Intl knows it, or null when Intl does not know it. */
function canonicalTimeZone(zone: string): string | null {
  if (!/^[A-Za-z0-9_+\-/]+$/.test(zone)) return null;
  try {
    return new Intl.DateTimeFormat('en', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

/** An absolute http(s) address. */
function isWebUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const { protocol } = new URL(value);
  return protocol === 'http:' || protocol === 'https:';
}

const MediaId = z.string().check(z.regex(/^[A-Za-z0-9_-]{22}$/, 'Not a media id'));

const FooterLinkBody = z.strictObject({
  label: line(SITE_LIMITS.linkLabelMaxChars, 'Give the link a label'),
  url: z.string().check(
    z.trim(),
    z.maxLength(SITE_LIMITS.urlMaxChars, `At most ${SITE_LIMITS.urlMaxChars} characters`),
    z.refine(isWebUrl, 'An absolute http:// or https:// address'),
    // Kept as the URL parser writes it: percent-encoded, no quotes or angle brackets left raw.
    z.overwrite((value) => (isWebUrl(value) ? new URL(value).href : value)),
  ),
});

/** PUT /api/site: the whole record; images by media id (null for none). */
export const SiteSettingsBody = z.strictObject({
  name: line(SITE_LIMITS.nameMaxChars, 'Name the site'),
  description: line(SITE_LIMITS.descriptionMaxChars),
  logo: z.nullable(MediaId),
  accentColor: z.string().check(
    z.overwrite((value) => value.trim().toLowerCase()),
    z.regex(/^#[0-9a-f]{6}$/, 'A colour as #rrggbb'),
    z.refine(
      (value) => contrastRatio(value, PAGE_BACKGROUND) >= MIN_ACCENT_CONTRAST,
      `Too light to read on white: links need a contrast of ${MIN_ACCENT_CONTRAST}:1`,
    ),
  ),
  language: z.string().check(
    z.trim(),
    z.maxLength(SITE_LIMITS.languageMaxChars, `At most ${SITE_LIMITS.languageMaxChars} characters`),
    z.refine((value) => canonicalLanguage(value) !== null, 'A language tag such as en, en-GB or fr'),
    z.overwrite((value) => canonicalLanguage(value) ?? value),
  ),
  timeZone: z.string().check(
    z.trim(),
    z.maxLength(SITE_LIMITS.timeZoneMaxChars, `At most ${SITE_LIMITS.timeZoneMaxChars} characters`),
    z.refine((value) => canonicalTimeZone(value) !== null, 'A time zone such as Europe/London or UTC'),
    z.overwrite((value) => canonicalTimeZone(value) ?? value),
  ),
  // Several lines are allowed here: only the length is bounded; the page keeps the text as text.
  footerText: z
    .string()
    .check(z.trim(), z.maxLength(SITE_LIMITS.footerTextMaxChars, `At most ${SITE_LIMITS.footerTextMaxChars} characters`)),
  footerLinks: z.array(FooterLinkBody).check(z.maxLength(SITE_LIMITS.footerLinks, `At most ${SITE_LIMITS.footerLinks} links`)),
  socialImage: z.nullable(MediaId),
});
export type SiteSettingsBody = z.output<typeof SiteSettingsBody>;
