import * as Y from 'yjs';
import type { ContentMark, ContentNode, StoryContent } from '../../shared/api';
import { FIGURE_NODE, isFigureLayout, type BodyFigure } from '../../shared/figures';
import { STORY_FIELDS } from '../../shared/story';
import { bodyFigure, figureAttrs, readLead } from '../../shared/storyImages';
import { SUGGESTION_ANCHOR, SUGGESTION_MARKS } from '../../shared/suggestions';
import { storedImage } from '../persistence/storedImage';

/**
 * The structured content of a story: each field's Y.XmlFragment walked against
 * the allow-list into a ProseMirror-JSON-like tree. This is the ONE place that
 * decides which nodes, attributes and marks are publishable; renderStory and
 * revisionDiff only ever read its output.
 *
 * Any Yjs client can write any structure into the fragments, bypassing the editor
 * schema, so nothing here trusts a nodeName, attribute or mark: unknown elements
 * are unwrapped (their children kept, the element never), attributes are
 * normalised, links keep only absolute http/https/mailto URLs.
 *
 * Pending suggestions (shared/suggestions.ts) are read as if rejected: text
 * suggested for adding is left out, text suggested for removing stays as
 * ordinary text, and neither mark is ever published.
 *
 * Pictures (shared/figures.ts): a Body `figure` keeps only its checked
 * attributes, and one without a picture (an upload under way, or nonsense) is
 * left out whole; the lead image is read from its own roots.
 */

/** The editor never nests this deep; a hostile doc could, to blow the stack. */
export const MAX_DEPTH = 32;

const SAFE_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);

/** Fixed order so the same marks always give the same JSON (and compare equal). */
const SIMPLE_MARKS = ['bold', 'italic', 'underline', 'strike', 'code'] as const;

type Child = Y.XmlElement | Y.XmlText;

export function storyContent(doc: Y.Doc): StoryContent {
  const fields = STORY_FIELDS.map((field) => [field, fragmentContent(doc.getXmlFragment(field))]);
  const content = Object.fromEntries(fields) as StoryContent;
  // Left out when there is none, so a story without pictures stores the same JSON as before them.
  const lead = readLead(doc);
  return lead ? { ...content, lead } : content;
}

export function fragmentContent(fragment: Y.XmlFragment): ContentNode {
  return withContent({ type: 'doc' }, childNodes(fragment, 0));
}

// ---------------------------------------------------------------------------
// Nodes

function childNodes(parent: Y.XmlFragment, depth: number): ContentNode[] {
  if (depth > MAX_DEPTH) return [];
  return children(parent).flatMap((child) => (child instanceof Y.XmlText ? textNodes(child) : elementNodes(child, depth + 1)));
}

/** An array because an unknown wrapper becomes its children, spliced into the parent. */
function elementNodes(el: Y.XmlElement, depth: number): ContentNode[] {
  const type = el.nodeName;
  switch (type) {
    case 'paragraph':
    case 'blockquote':
    case 'bulletList':
    case 'listItem':
      return [withContent({ type }, childNodes(el, depth))];
    case 'heading':
      return [withContent({ type, attrs: { level: headingLevel(el.getAttribute('level')) } }, childNodes(el, depth))];
    case 'orderedList':
      return [withContent(orderedList(el.getAttribute('start')), childNodes(el, depth))];
    case 'hardBreak':
    case 'horizontalRule':
      return [{ type }]; // leaves: whatever a client put inside is not content
    case 'codeBlock':
      return [codeBlock(el, depth)];
    case FIGURE_NODE:
      return figureNodes(el);
    default:
      // Unknown wrapper: keep what the reporter wrote, never the element itself.
      return childNodes(el, depth);
  }
}

/** A leaf: its checked attributes only, in a fixed order; nothing at all without a picture. */
function figureNodes(el: Y.XmlElement): ContentNode[] {
  const attrs = figureAttrs(el);
  const figure = attrs && bodyFigure(attrs);
  if (!figure) return [];
  const { media, width, height, alt, caption, credit, layout } = figure;
  return [{ type: FIGURE_NODE, attrs: { media, width, height, alt, caption, credit, layout } }];
}

/**
 * The Body's pictures in stored content, in document order, each checked again (stored content is
 * re-read from storage): what the page shows, what becomes public with it, what needs alt text.
 */
export function contentFigures(node: ContentNode, depth = 0): BodyFigure[] {
  if (depth > MAX_DEPTH) return [];
  if (node.type === FIGURE_NODE) {
    const figure = contentFigure(node);
    return figure ? [figure] : [];
  }
  return (node.content ?? []).flatMap((child) => contentFigures(child, depth + 1));
}

/** A stored figure node's picture, or null if it is not a whole one. */
export function contentFigure(node: ContentNode): BodyFigure | null {
  const image = storedImage(node.attrs);
  const layout = node.attrs?.layout;
  return image && { ...image, layout: isFigureLayout(layout) ? layout : 'inline' };
}

/** ProseMirror leaves out empty `content`; so do we, so equal docs give equal JSON. */
function withContent(node: ContentNode, content: ContentNode[]): ContentNode {
  return content.length > 0 ? { ...node, content } : node;
}

/** The story headline is the page's h1, so body headings are clamped to h2–h4. */
function headingLevel(level: unknown): 2 | 3 | 4 {
  const n = toPositiveInt(level) ?? 1;
  if (n <= 2) return 2;
  return n === 3 ? 3 : 4;
}

function orderedList(start: unknown): ContentNode {
  const n = toPositiveInt(start);
  return n === undefined ? { type: 'orderedList' } : { type: 'orderedList', attrs: { start: n } };
}

function toPositiveInt(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN;
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

/** Code is plain text: marks, attributes (language) and nested structure are flattened away. */
function codeBlock(el: Y.XmlElement, depth: number): ContentNode {
  const text = blockLines(el, depth).join('\n');
  return withContent({ type: 'codeBlock' }, text ? [{ type: 'text', text }] : []);
}

// ---------------------------------------------------------------------------
// Text and marks

function textNodes(text: Y.XmlText): ContentNode[] {
  return deltaOf(text)
    .filter((op) => op.insert !== '') // ProseMirror has no empty text nodes
    .map((op) => {
      const marks = contentMarks(op.attributes);
      return marks.length > 0 ? { type: 'text', text: op.insert, marks } : { type: 'text', text: op.insert };
    });
}

function contentMarks(attributes: unknown): ContentMark[] {
  const present = marksOf(attributes);
  const marks: ContentMark[] = SIMPLE_MARKS.filter((mark) => present.has(mark)).map((type) => ({ type }));
  const href = safeHref(present.get('link'));
  if (href) marks.push({ type: 'link', attrs: { href } });
  return marks;
}

/** y-prosemirror keys overlapping marks as `name--hash`; both mean `name`. */
function marksOf(attributes: unknown): ReadonlyMap<string, unknown> {
  const marks = new Map<string, unknown>();
  if (!isRecord(attributes)) return marks;
  for (const [key, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    marks.set(key.split('--')[0], value);
  }
  return marks;
}

function safeHref(link: unknown): string | undefined {
  if (!isRecord(link) || typeof link.href !== 'string') return undefined;
  let url: URL;
  try {
    url = new URL(link.href);
  } catch {
    return undefined; // relative or malformed: nothing a reader could safely follow
  }
  return SAFE_PROTOCOLS.has(url.protocol) ? url.href : undefined;
}

// ---------------------------------------------------------------------------
// Plain text, of a fragment and of content, with the same line rules

/**
 * Text of any fragment, structure ignored. Unlike the content, unknown elements
 * count as their own lines here (callers index and count words with it).
 */
export function fragmentText(fragment: Y.XmlFragment): string {
  return blockLines(fragment, 0).join('\n');
}

/** Inline runs (text, hard breaks) join into one line; every other element is its own block. */
function blockLines(parent: Y.XmlFragment, depth: number): string[] {
  if (depth > MAX_DEPTH) return [];
  const lines: string[] = [];
  let line = '';
  for (const child of children(parent)) {
    if (child instanceof Y.XmlText) line += plainText(child);
    else if (child.nodeName === 'hardBreak') line += '\n';
    else {
      lines.push(line);
      line = '';
      for (const l of blockLines(child, depth + 1)) lines.push(l);
    }
  }
  lines.push(line);
  return tidyLines(lines);
}

/** Text of stored content, by the same rules as fragmentText. */
export function contentText(node: ContentNode): string {
  return contentLines(node, 0).join('\n');
}

function contentLines(node: ContentNode, depth: number): string[] {
  if (depth > MAX_DEPTH) return [];
  const lines: string[] = [];
  let line = '';
  for (const child of node.content ?? []) {
    if (child.type === 'text') line += child.text ?? '';
    else if (child.type === 'hardBreak') line += '\n';
    else {
      lines.push(line);
      line = '';
      for (const l of contentLines(child, depth + 1)) lines.push(l);
    }
  }
  lines.push(line);
  return tidyLines(lines);
}

/** A trailing hard break must not read as an extra blank block. */
function tidyLines(lines: string[]): string[] {
  return lines.map((l) => l.replace(/^\n+|\n+$/g, '')).filter((l) => l.trim() !== '');
}

function plainText(text: Y.XmlText): string {
  return deltaOf(text)
    .map((op) => op.insert)
    .join('');
}

// ---------------------------------------------------------------------------
// Yjs access

/** Only element and text children count; hooks and foreign types are ignored. */
function children(parent: Y.XmlFragment): Child[] {
  return parent.toArray().filter((c): c is Child => c instanceof Y.XmlElement || c instanceof Y.XmlText);
}

type TextOp = { insert: string; attributes?: unknown };

/** Embeds (non-string inserts) carry nothing publishable; nor do pending suggestions. */
function deltaOf(text: Y.XmlText): TextOp[] {
  const delta: unknown = text.toDelta();
  if (!Array.isArray(delta)) return [];
  return delta.filter((op): op is TextOp => isRecord(op) && typeof op.insert === 'string').flatMap(withoutSuggestions);
}

/** The text as it stands before anyone accepts the suggestions in it. */
function withoutSuggestions(op: TextOp): TextOp[] {
  const marks = marksOf(op.attributes);
  if (marks.has(SUGGESTION_MARKS.insertion)) return [];
  if (marks.has(SUGGESTION_MARKS.deletion)) return [{ ...op, insert: op.insert.replaceAll(SUGGESTION_ANCHOR, '') }];
  return [op];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
