/**
 * What the SQL backends share of the public site's search (PublicationStore.searchPublications): the words a
 * publication is found by, and the query a reader's words make. Both come from the one word rule
 * (shared/searchWords.ts) and each backend indexes the words as written here (FTS5 cuts them again the same
 * way; Postgres takes them as a tsvector literal), so both backends find the same stories.
 */
import { LIMITS } from '../../shared/limits';
import type { SearchQuery } from '../../shared/searchQuery';
import { cappedWord, searchWords } from '../../shared/searchWords';
import { STORY_FIELDS } from '../../shared/story';
import type { PublicationRecord, PublicationSearchResult } from './PublicationStore';
import type { StoryText } from './StorySearchStore';

/** A reader's words looked for at once, at most: the rest are left out. */
const MAX_QUERY_WORDS = 32;
/** A one-letter word is looked for whole: as a prefix it would match most of the index. */
const MIN_PREFIX_CHARS = 2;

type Searchable = Pick<PublicationRecord, 'headline' | 'standfirst' | 'byline' | 'bodyHtml'>;

/**
 * The words each field of a publication is found by, in order, separated by spaces: the body's text without its
 * markup, at most LIMITS.searchIndexMaxWords words in all.
 */
export function publicationWords(p: Searchable): StoryText {
  const text: StoryText = { headline: p.headline, standfirst: p.standfirst, byline: p.byline, body: bodyText(p.bodyHtml) };
  let room: number = LIMITS.searchIndexMaxWords;
  const words = {} as StoryText;
  for (const field of STORY_FIELDS) {
    const kept = searchWords(text[field])
      .slice(0, room)
      .map((w) => cappedWord(w.word));
    words[field] = kept.join(' ');
    room -= kept.length;
  }
  return words;
}

/** What a search for no word finds, without asking the index. */
export const noResults = (): PublicationSearchResult => ({ total: 0, stories: [] });

/** What a reader typed as a query: every word must appear, each as a prefix (two letters or more); null for none. */
export function siteSearchQuery(text: string): SearchQuery | null {
  const words = [...new Set(searchWords(text).map((w) => cappedWord(w.word)))].slice(0, MAX_QUERY_WORDS);
  if (words.length === 0) return null;
  return { clauses: words.map((word) => ({ anyOf: [{ words: [word], prefix: word.length >= MIN_PREFIX_CHARS }], excluded: false })) };
}

/**
 * Inline elements sit inside a word as readers see it ("un<em>like</em>ly"); every other tag, a block or a
 * picture, ends one.
 */
const INLINE = new Set(['a', 'abbr', 'b', 'cite', 'code', 'em', 'i', 'mark', 'q', 's', 'small', 'span', 'strong', 'sub', 'sup', 'u']);
// The body is sanitize-html's output: every `<` and `>` inside text and attribute values is escaped.
const TAG = /<!--[\s\S]*?-->|<\/?([A-Za-z][A-Za-z0-9]*)[^>]*>/g;
const ENTITY = /&(?:#(\d{1,7})|#[xX]([0-9A-Fa-f]{1,6})|(amp|lt|gt|quot|apos|nbsp));/g;
const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

/** The published body as text: tags and attributes (alt text, addresses) left out, entities read. */
function bodyText(html: string): string {
  return html
    .replace(TAG, (_tag, name: string | undefined) => (name !== undefined && INLINE.has(name.toLowerCase()) ? '' : ' '))
    .replace(ENTITY, (entity, decimal: string | undefined, hex: string | undefined, named: string | undefined) => {
      if (named !== undefined) return NAMED[named];
      const code = decimal !== undefined ? Number(decimal) : parseInt(hex!, 16);
      return code <= 0x10ffff && (code < 0xd800 || code > 0xdfff) ? String.fromCodePoint(code) : entity;
    });
}
