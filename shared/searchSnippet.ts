/**
 * The piece of a found story shown under its headline, with the words that matched marked. It is data
 * (runs of text, each marked or not), never HTML: the page renders each run as text, so nothing in a
 * story can become markup in the newsroom list.
 */
import type { SearchQuery, SearchTerm } from './searchQuery';
import { eachSearchWord, type SearchWord } from './searchWords';
import type { StoryField } from './story';

type SnippetSegment = { text: string; mark: boolean };
/** Where the match is, and the text around it; "…" runs stand for the text left out. */
export type SearchSnippet = { field: StoryField; segments: SnippetSegment[] };

/** The fields a snippet is taken from, in order of preference: the headline is on the row already. */
const SNIPPET_FIELDS: readonly StoryField[] = ['body', 'standfirst', 'byline', 'headline'];
/** About this much text is shown, starting a little before the first match. */
const WINDOW_CHARS = 180;
const LEAD_CHARS = 50;

/** A snippet of the first field (in SNIPPET_FIELDS' order) where a word of the query appears; null if none does. */
export function searchSnippet(text: Record<StoryField, string>, query: SearchQuery): SearchSnippet | null {
  const terms = query.clauses.filter((c) => !c.excluded).flatMap((c) => c.anyOf);
  for (const field of SNIPPET_FIELDS) {
    const marks = matches(text[field], terms);
    if (marks.length > 0) return { field, segments: segments(text[field], marks) };
  }
  return null;
}

/**
 * Character ranges where a term matches, in order, overlaps merged; read only as far as the window after
 * the first match reaches (a page's snippets would otherwise read every word of fifty stories).
 */
function matches(text: string, terms: SearchTerm[]): [number, number][] {
  const words: SearchWord[] = [];
  const ranges: [number, number][] = [];
  let stop = Infinity;
  for (const word of eachSearchWord(text)) {
    if (word.start > stop) break;
    words.push(word);
    for (const term of terms) {
      const from = words.length - term.words.length;
      if (from >= 0 && termAt(words, from, term)) ranges.push([words[from].start, word.end]);
    }
    if (ranges.length > 0 && stop === Infinity) stop = ranges[0][0] + WINDOW_CHARS;
  }
  return merged(ranges);
}

function merged(ranges: [number, number][]): [number, number][] {
  const out: [number, number][] = [];
  for (const [from, to] of ranges.sort((a, b) => a[0] - b[0])) {
    const last = out[out.length - 1];
    if (last && from <= last[1]) last[1] = Math.max(last[1], to);
    else out.push([from, to]);
  }
  return out;
}

function termAt(words: SearchWord[], at: number, term: SearchTerm): boolean {
  return term.words.every((word, k) => {
    const found = words[at + k].word;
    return term.prefix && k === term.words.length - 1 ? found.startsWith(word) : found === word;
  });
}

/** The window around the first match, cut at word boundaries, as marked and unmarked runs. */
function segments(text: string, marks: [number, number][]): SnippetSegment[] {
  const [first] = marks;
  let start = Math.max(0, first[0] - LEAD_CHARS);
  let end = Math.max(first[1], Math.min(text.length, start + WINDOW_CHARS));
  // Whole words only: move the cuts out of any word they fall in.
  if (start > 0) {
    const space = text.slice(start, first[0]).search(/\s/);
    start = space === -1 ? first[0] : start + space + 1;
  }
  if (end < text.length) {
    const space = text.slice(first[1], end).search(/\s\S*$/);
    end = space === -1 ? first[1] : first[1] + space;
  }
  const runs: SnippetSegment[] = start > 0 ? [{ text: '…', mark: false }] : [];
  let at = start;
  for (const [from, to] of marks) {
    if (from >= end) break;
    if (from > at) runs.push({ text: flat(text.slice(at, from)), mark: false });
    runs.push({ text: flat(text.slice(from, to)), mark: true });
    at = to;
  }
  if (end > at) runs.push({ text: flat(text.slice(at, end)), mark: false });
  if (end < text.length) runs.push({ text: '…', mark: false });
  return runs;
}

/** Paragraph breaks read as spaces in one line of snippet. */
const flat = (text: string) => text.replace(/\s+/g, ' ');
