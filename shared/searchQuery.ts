/**
 * What a person types into "Search stories", read into a query both backends can run safely
 * (docs/newsroom.md, *Search and filters*). Nothing typed is ever passed to a search engine as syntax:
 * the words are cut out by the index's own rule (searchWords.ts) and each backend builds its query from
 * them (sqlite/fts5Match.ts, pg/tsSearch.ts). Understood:
 * - words: every one must appear (any field, any order), case and accents ignored;
 * - "quoted words": those words next to each other, in that order, in one field;
 * - -word, -"quoted words": stories without them;
 * - a OR b: either (OR in capitals, between two words or quotes);
 * - word*: words starting with it (two characters at least).
 * Anything else (parentheses, colons, NEAR(, AND, ^…) is punctuation between words, or a plain word.
 */
import { searchWords } from './searchWords';

/** One word, or several in a row (a phrase); `prefix`: the last one may go on. */
export type SearchTerm = { words: string[]; prefix: boolean };
/** Any one of `anyOf` must appear; or, `excluded`, none of them. */
export type SearchClause = { anyOf: SearchTerm[]; excluded: boolean };
/** Every clause must hold; at least one is not excluded. */
export type SearchQuery = { clauses: SearchClause[] };

/** Terms read from one query, at most: the rest is left out (a 200-character query holds fewer real ones). */
const MAX_TERMS = 32;
/** A shorter prefix would match most of the index. */
const MIN_PREFIX_CHARS = 2;

type Item = { or: true } | { or: false; excluded: boolean; term: SearchTerm | null };

// An optional minus, then a quoted run (its closing quote optional) or a run of anything but spaces, quotes and
// parentheses: grouping is not understood, and "NEAR(a b)" is three words, not the phrase "near a".
const ITEM = /(-?)(?:"([^"]*)"?|([^\s"()]+))/g;

function* items(input: string): Generator<Item> {
  for (const [, minus, quoted, bare] of input.matchAll(ITEM)) {
    if (bare === 'OR' && !minus) yield { or: true };
    else yield { or: false, excluded: minus === '-', term: quoted === undefined ? bareTerm(bare) : phrase(quoted, false) };
  }
}

function phrase(text: string, prefix: boolean): SearchTerm | null {
  const words = searchWords(text).map((w) => w.word);
  if (words.length === 0) return null;
  return { words, prefix: prefix && words[words.length - 1].length >= MIN_PREFIX_CHARS };
}

/** A word as typed: "e-mail" is the phrase "e mail", as the index cut it. */
const bareTerm = (text: string) => phrase(text, text.endsWith('*'));

/** The query in `input`; null when it holds no word to look for (only punctuation, or only excluded words). */
export function parseSearchQuery(input: string): SearchQuery | null {
  const clauses: SearchClause[] = [];
  let terms = 0;
  let either = false;
  for (const item of items(input)) {
    if (item.or) {
      either = clauses.length > 0;
      continue;
    }
    if (!item.term || terms >= MAX_TERMS) continue;
    terms++;
    const last = clauses[clauses.length - 1];
    if (either && last.excluded === item.excluded) last.anyOf.push(item.term);
    else clauses.push({ anyOf: [item.term], excluded: item.excluded });
    either = false;
  }
  return clauses.some((c) => !c.excluded) ? { clauses } : null;
}
