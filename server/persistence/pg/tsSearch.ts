/**
 * The Postgres side of the one word rule (shared/searchWords.ts): a story's words as a tsvector and a
 * parsed search as a tsquery, both written as literals from words of letters and digits only. Postgres's
 * own parser is not involved, so it finds exactly what FTS5 finds on SQLite, and nothing typed can be
 * read as tsquery syntax. Like the 'simple' configuration: no stemming, no stop words.
 */
import type { SearchClause, SearchQuery, SearchTerm } from '../../../shared/searchQuery';
import { cappedWord, searchWords } from '../../../shared/searchWords';
import { STORY_FIELDS } from '../../../shared/story';
import type { StoryText } from '../StorySearchStore';

/** Postgres keeps at most 256 positions of one word. */
const MAX_POSITIONS = 256;
/** Between fields: a phrase never runs from one field into the next, as in FTS5's columns. */
const FIELD_GAP = 2;

/** The words of the four fields with their positions (from 1), as tsvector input. */
export function tsvectorLiteral(text: StoryText): string {
  const positions = new Map<string, number[]>();
  let position = 0;
  for (const field of STORY_FIELDS) {
    for (const found of searchWords(text[field])) {
      const word = cappedWord(found.word);
      position++;
      const list = positions.get(word) ?? [];
      if (list.length < MAX_POSITIONS) positions.set(word, [...list, position]);
    }
    position += FIELD_GAP;
  }
  return [...positions].map(([word, at]) => `'${word}':${at.join(',')}`).join(' ');
}

/** A parsed search as tsquery input. */
export function tsqueryLiteral(query: SearchQuery): string {
  const wanted = query.clauses.filter((c) => !c.excluded).map(clause);
  const unwanted = query.clauses.filter((c) => c.excluded).map((c) => `!${clause(c)}`);
  return [...wanted, ...unwanted].join(' & ');
}

const term = (t: SearchTerm) =>
  t.words.map((word, i) => `'${cappedWord(word)}'${t.prefix && i === t.words.length - 1 ? ':*' : ''}`).join(' <-> ');
const clause = (c: SearchClause) => `(${c.anyOf.map(term).join(' | ')})`;
