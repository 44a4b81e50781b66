/**
 * How story text is cut into searchable words, the one rule behind the index, the query and the
 * highlights: a word is a run of letters, digits (and private-use characters), compared in lower case with
 * accents removed. It is what SQLite FTS5's `unicode61 remove_diacritics 2` tokenizer does, and Postgres
 * gets its terms from here (pg/tsSearch.ts), so both backends find the same stories for the same words.
 */

/** A word of a text: its comparable form and where it stands in the text. */
export type SearchWord = { word: string; start: number; end: number };

// Marks belong to the word they decorate (a decomposed "é"), as they do for FTS5 once accents are removed.
const WORD = /[\p{L}\p{N}\p{Co}][\p{L}\p{N}\p{Co}\p{M}]*/gu;

/** The comparable form of one word: lower case, accents removed. */
function foldWord(word: string): string {
  // Most words are plain ASCII: no accents to remove (the snippets of a page fold thousands of words).
  return /^[ -~]*$/.test(word) ? word.toLowerCase() : word.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/** The words of `text` one at a time: a reader may stop early. */
export function* eachSearchWord(text: string): Generator<SearchWord> {
  for (const m of text.matchAll(WORD)) yield { word: foldWord(m[0]), start: m.index, end: m.index + m[0].length };
}

export function searchWords(text: string): SearchWord[] {
  return [...eachSearchWord(text)];
}

/**
 * A longer word is kept as its first this many characters wherever Postgres takes it (the newsroom's and the
 * site's search, index and query alike): it refuses a word over 2,047 bytes, and no real word comes near.
 */
const MAX_WORD_CHARS = 100;

export const cappedWord = (word: string) => (word.length <= MAX_WORD_CHARS ? word : Array.from(word).slice(0, MAX_WORD_CHARS).join(''));
