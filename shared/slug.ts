import { LIMITS } from './limits';

/** URL slugs for published stories: /stories/<slug>. */

const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** A headline wanting a thousand siblings is a bug or abuse, not a newsroom. */
const MAX_ATTEMPTS = 1000;

/** Letters that NFKD does not decompose into an ASCII base plus a diacritic. */
const LETTER_FOLDS: Readonly<Record<string, string>> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  đ: 'd',
  ð: 'd',
  ł: 'l',
  þ: 'th',
};

export function slugify(headline: string): string {
  const slug = headline
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[ßæœøđðłþ]/g, (c) => LETTER_FOLDS[c] ?? '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return truncateAtWord(slug, LIMITS.slugMaxChars);
}

export function isValidSlug(slug: string): boolean {
  return slug.length <= LIMITS.slugMaxChars && SLUG_PATTERN.test(slug);
}

export async function uniqueSlug(base: string, isTaken: (slug: string) => boolean | Promise<boolean>): Promise<string> {
  const root = slugify(base) || 'story';
  if (!(await isTaken(root))) return root;
  for (let n = 2; n <= MAX_ATTEMPTS; n++) {
    const suffix = `-${n}`;
    const candidate = truncate(root, LIMITS.slugMaxChars - suffix.length) + suffix;
    if (!(await isTaken(candidate))) return candidate;
  }
  throw new Error(`No free slug for "${root}" after ${MAX_ATTEMPTS} attempts`);
}

/** Cuts between words when it can, so a slug never ends mid-word. */
function truncateAtWord(slug: string, max: number): string {
  if (slug.length <= max) return slug;
  const cut = slug.slice(0, max);
  if (slug[max] === '-') return cut;
  const lastDash = cut.lastIndexOf('-');
  return lastDash > 0 ? cut.slice(0, lastDash) : cut;
}

function truncate(slug: string, max: number): string {
  return slug.slice(0, max).replace(/-+$/, '');
}
