import { diffArrays, diffWordsWithSpace, wordsWithSpaceDiff, type Change } from 'diff';
import sanitizeHtml from 'sanitize-html';
import type { ContentNode, FieldDiff, StoryContent } from '../../shared/api';
import { FIELD_LABELS, STORY_FIELDS, type StoryField } from '../../shared/story';
import { escapeHtml } from './escapeHtml';
import { headingTag } from './renderStory';
import { MAX_DEPTH, contentFigure, contentText } from './storyContent';

/**
 * What changed between two published versions of a story, as readable HTML with
 * <ins> and <del>.
 *
 * Text only: marks (bold, links…) are not shown, because a diff of formatting is
 * unreadable and the reader-facing change is the words. A body block whose words
 * are the same but whose formatting changed is still flagged (class only), so
 * `changed` never hides an edit.
 *
 * A picture in the body reads as a line of its words, "[Picture: <alt text>]"
 * and its caption and credit, so a new caption shows as words changed; another
 * image or layout with the same words is flagged like formatting.
 *
 * The input is stored content, but every string is escaped anyway and the result
 * goes through sanitize-html with an allow-list of the few tags built here.
 */

type BlockTag = 'p' | 'h2' | 'h3' | 'h4' | 'li' | 'pre' | 'hr';
/** The innermost list or quote a block sits in: blocks sharing one are grouped in it. */
type Box = '' | 'ul' | 'ol' | 'blockquote';
type Block = { tag: BlockTag; box: Box; text: string; key: string; inline: string };
type RowState = 'same' | 'changed' | 'added' | 'removed';
type Row = { block: Block; state: RowState; parts: Change[] };

const CLASSES: Record<RowState, string> = {
  same: '',
  changed: 'diff-changed',
  added: 'diff-added',
  removed: 'diff-removed',
};

/**
 * Both diffs (Myers) cost about D² for D edits: a rewritten 5,000-word paragraph
 * would take seconds. Past these bounds a change is shown whole (all removed, all
 * added), which is what a rewrite that large reads as anyway. The edit bounds
 * keep the result deterministic; the timeout is only a backstop on a loaded server.
 */
const MAX_BLOCK_EDITS = 1_000;
const MAX_WORD_EDITS = 500;
const DIFF_TIMEOUT_MS = 50;

export function revisionDiff(from: StoryContent, to: StoryContent): FieldDiff[] {
  return STORY_FIELDS.map((field) => (field === 'body' ? bodyDiff(from.body, to.body) : lineDiff(field, from[field], to[field])));
}

// ---------------------------------------------------------------------------
// Headline, standfirst, byline: published as one line of plain text, so diffed as that.

function lineDiff(field: StoryField, from: ContentNode, to: ContentNode): FieldDiff {
  const before = oneLine(contentText(from));
  const after = oneLine(contentText(to));
  const html = before || after ? `<p>${renderParts(wordChanges(before, after), false)}</p>` : '';
  return { field, label: FIELD_LABELS[field], changed: before !== after, html: sanitizeDiff(html) };
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

// ---------------------------------------------------------------------------
// Body: match blocks, then words inside the blocks that were edited

function bodyDiff(from: ContentNode, to: ContentNode): FieldDiff {
  const rows = blockRows(bodyBlocks(from), bodyBlocks(to));
  return {
    field: 'body',
    label: FIELD_LABELS.body,
    changed: rows.some((row) => row.state !== 'same'),
    html: sanitizeDiff(renderRows(rows)),
  };
}

function blockRows(before: Block[], after: Block[]): Row[] {
  const [a, b] = internKeys(before, after);
  const changes = diffArrays(a, b, { maxEditLength: MAX_BLOCK_EDITS, timeout: DIFF_TIMEOUT_MS }) ?? wholesale(a.length, b.length);
  const rows: Row[] = [];
  let removed: Block[] = [];
  let added: Block[] = [];
  let i = 0;
  let j = 0;
  for (const change of changes) {
    if (change.removed) {
      removed = removed.concat(before.slice(i, i + change.count));
      i += change.count;
    } else if (change.added) {
      added = added.concat(after.slice(j, j + change.count));
      j += change.count;
    } else {
      for (const row of pairUp(removed, added)) rows.push(row); // no spread: runs can be huge
      removed = [];
      added = [];
      for (let n = 0; n < change.count; n++) rows.push(sameRow(before[i++], after[j++]));
    }
  }
  return rows.concat(pairUp(removed, added));
}

/** Numbers for keys: the diff compares them over and over, and long texts compare slowly. */
function internKeys(before: Block[], after: Block[]): [number[], number[]] {
  const ids = new Map<string, number>();
  const idOf = (block: Block) => {
    let id = ids.get(block.key);
    if (id === undefined) ids.set(block.key, (id = ids.size));
    return id;
  };
  return [before.map(idOf), after.map(idOf)];
}

/** What an aborted diff means: everything went, everything came. */
function wholesale(removed: number, added: number): Array<{ removed: boolean; added: boolean; count: number }> {
  return [
    { removed: true, added: false, count: removed },
    { removed: false, added: true, count: added },
  ];
}

/** Same words and place; formatting may still differ, which we flag but do not show. */
function sameRow(before: Block, after: Block): Row {
  const state = before.inline === after.inline ? 'same' : 'changed';
  return { block: after, state, parts: [unchanged(after.text)] };
}

/**
 * A run of removed blocks facing a run of added ones. A removed block is paired
 * with one of the next few added blocks only if they share enough words to be
 * the same paragraph edited; word-diffing unrelated paragraphs is just noise.
 */
function pairUp(removed: Block[], added: Block[]): Row[] {
  const rows: Row[] = [];
  const addedWords = added.map((block) => wordSet(block.text));
  let j = 0;
  for (const old of removed) {
    const k = partnerOf(old, wordSet(old.text), added, addedWords, j);
    if (k === -1) {
      rows.push(wholeRow(old, 'removed'));
      continue;
    }
    while (j < k) rows.push(wholeRow(added[j++], 'added'));
    const now = added[j++];
    rows.push({ block: now, state: 'changed', parts: wordChanges(old.text, now.text) });
  }
  return rows.concat(added.slice(j).map((block) => wholeRow(block, 'added')));
}

const LOOKAHEAD = 3;
/** Dice coefficient of the two word sets: 0.4 pairs "two" with "two and a half". */
const MIN_SIMILARITY = 0.4;

function partnerOf(old: Block, oldWords: Set<string>, added: Block[], addedWords: Array<Set<string>>, from: number): number {
  const end = Math.min(added.length, from + LOOKAHEAD);
  for (let k = from; k < end; k++) {
    // Same text: moved into a list, turned into a heading…
    if (old.text === added[k].text || similar(oldWords, addedWords[k])) return k;
  }
  return -1;
}

function similar(a: Set<string>, b: Set<string>): boolean {
  let shared = 0;
  for (const word of a) if (b.has(word)) shared++;
  return shared > 0 && (2 * shared) / (a.size + b.size) >= MIN_SIMILARITY;
}

function wordSet(text: string): Set<string> {
  return new Set(text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []);
}

function wholeRow(block: Block, state: 'added' | 'removed'): Row {
  const part = { value: block.text, added: state === 'added', removed: state === 'removed', count: 1 };
  return { block, state, parts: [part] };
}

function wordChanges(before: string, after: string): Change[] {
  if (before === after) return [unchanged(after)];
  const tokensBefore = wordsWithSpaceDiff.tokenize(before);
  const tokensAfter = wordsWithSpaceDiff.tokenize(after);
  // More edits than the longer side has tokens is a rewrite, not an edit: word
  // confetti would be unreadable, so show it whole, and stop looking early.
  const limit = Math.min(MAX_WORD_EDITS, Math.max(tokensBefore.length, tokensAfter.length));
  const changes =
    editsAtLeast(tokensBefore, tokensAfter) <= limit
      ? diffWordsWithSpace(before, after, { maxEditLength: limit, timeout: DIFF_TIMEOUT_MS })
      : undefined;
  return changes ?? replaced(before, after);
}

/**
 * Each insertion or deletion changes one token's count by one, so the count
 * differences are a lower bound on the edits: a rewrite is recognised in linear
 * time instead of by running the diff up to its limit.
 */
function editsAtLeast(before: string[], after: string[]): number {
  const counts = new Map<string, number>();
  for (const token of before) counts.set(token, (counts.get(token) ?? 0) + 1);
  for (const token of after) counts.set(token, (counts.get(token) ?? 0) - 1);
  let edits = 0;
  for (const count of counts.values()) edits += Math.abs(count);
  return edits;
}

function replaced(before: string, after: string): Change[] {
  const changes: Change[] = [];
  if (before) changes.push({ value: before, removed: true, added: false, count: 1 });
  if (after) changes.push({ value: after, removed: false, added: true, count: 1 });
  return changes;
}

function unchanged(value: string): Change {
  return { value, added: false, removed: false, count: 1 };
}

// ---------------------------------------------------------------------------
// Blocks: the body flattened to the units a reader compares

type Place = { box: Box; tag: BlockTag };

function bodyBlocks(doc: ContentNode): Block[] {
  const blocks: Block[] = [];
  collect(doc, { box: '', tag: 'p' }, 0, blocks);
  return blocks;
}

/** Inline runs (text, hard breaks) form one block; other nodes open their own. */
function collect(node: ContentNode, place: Place, depth: number, out: Block[]): void {
  if (depth > MAX_DEPTH) return;
  let inline: ContentNode[] = [];
  const flush = () => {
    pushBlock(out, place, inline);
    inline = [];
  };
  for (const child of node.content ?? []) {
    if (child.type === 'text' || child.type === 'hardBreak') inline.push(child);
    else {
      flush();
      visit(child, place, depth + 1, out);
    }
  }
  flush();
}

function visit(node: ContentNode, place: Place, depth: number, out: Block[]): void {
  switch (node.type) {
    case 'horizontalRule':
      out.push(makeBlock({ box: place.box, tag: 'hr' }, '', ''));
      return;
    case 'figure':
      return pushFigure(out, place, node);
    case 'bulletList':
      return collect(node, { box: 'ul', tag: 'li' }, depth, out);
    case 'orderedList':
      return collect(node, { box: 'ol', tag: 'li' }, depth, out);
    case 'blockquote':
      return collect(node, { box: 'blockquote', tag: 'p' }, depth, out);
    case 'heading':
    case 'codeBlock': {
      // Inside a list everything reads as an item; elsewhere keep the block's own tag.
      const tag = node.type === 'heading' ? headingTag(node.attrs?.level) : 'pre';
      return collect(node, { box: place.box, tag: place.tag === 'li' ? 'li' : tag }, depth, out);
    }
    default:
      // paragraph, listItem: their text takes the surrounding place's tag.
      return collect(node, place, depth, out);
  }
}

function pushBlock(out: Block[], place: Place, inline: ContentNode[]): void {
  const text = inline.map((node) => (node.type === 'text' ? (node.text ?? '') : '\n')).join('');
  // Blank blocks are not published (renderStory drops them), so they are not a change either.
  if (text.trim() !== '') out.push(makeBlock(place, text, JSON.stringify(inline)));
}

function pushFigure(out: Block[], place: Place, node: ContentNode): void {
  const figure = contentFigure(node);
  if (!figure) return; // never published, so never a change
  const { media, width, height, layout, alt, caption, credit } = figure;
  const words = [`[Picture: ${alt || 'no alt text'}]`, caption, credit && `(${credit})`].filter(Boolean).join(' ');
  const tag = place.tag === 'li' ? 'li' : 'p';
  out.push(makeBlock({ box: place.box, tag }, words, JSON.stringify([media, width, height, layout])));
}

/** No object spread here: this runs once per block, and spread is many times slower. */
function makeBlock({ box, tag }: Place, text: string, inline: string): Block {
  return { box, tag, text, inline, key: box + '\u0000' + tag + '\u0000' + text };
}

// ---------------------------------------------------------------------------
// HTML

function renderRows(rows: Row[]): string {
  let html = '';
  let box: Box = '';
  for (const row of rows) {
    if (row.block.box !== box) {
      html += closeBox(box) + openBox(row.block.box);
      box = row.block.box;
    }
    html += renderRow(row);
  }
  return html + closeBox(box);
}

const openBox = (box: Box) => (box ? `<${box}>` : '');
const closeBox = (box: Box) => (box ? `</${box}>` : '');

function renderRow({ block, state, parts }: Row): string {
  const cls = CLASSES[state] ? ` class="${CLASSES[state]}"` : '';
  if (block.tag === 'hr') return `<hr${cls}>`;
  return `<${block.tag}${cls}>${renderParts(parts, block.tag === 'pre')}</${block.tag}>`;
}

function renderParts(parts: Change[], pre: boolean): string {
  return parts
    .map((part) => {
      const html = textHtml(part.value, pre);
      if (part.added) return `<ins>${html}</ins>`;
      return part.removed ? `<del>${html}</del>` : html;
    })
    .join('');
}

/** Hard breaks are newlines in the text; outside <pre> they must show as breaks. */
function textHtml(text: string, pre: boolean): string {
  const html = escapeHtml(text);
  return pre ? html : html.replace(/\n/g, '<br>');
}

const SANITIZE_OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: ['p', 'h2', 'h3', 'h4', 'ul', 'ol', 'li', 'blockquote', 'pre', 'hr', 'br', 'ins', 'del'],
  allowedAttributes: {},
  // Implies the class attribute, with only these values.
  allowedClasses: { '*': Object.values(CLASSES).filter(Boolean) },
  disallowedTagsMode: 'discard',
};

function sanitizeDiff(html: string): string {
  return sanitizeHtml(html, SANITIZE_OPTIONS);
}
