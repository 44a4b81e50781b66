import * as Y from 'yjs';
import sanitizeHtml from 'sanitize-html';
import { countWords } from '../../shared/story';

/**
 * Turns a story's Y.Doc into public HTML and plain text.
 *
 * Any Yjs client can write any structure into the fragments, bypassing the editor
 * schema, so nothing here trusts a nodeName, attribute or mark: the structure is
 * walked against allow-lists and every string is escaped. Yjs' own toString() is
 * never used because it does not escape.
 */

export type RenderedStory = {
  headline: string;
  standfirst: string;
  byline: string;
  bodyHtml: string;
  bodyText: string;
  wordCount: number;
};

/** The editor never nests this deep; a hostile doc could, to blow the stack. */
const MAX_DEPTH = 32;

const LINK_REL = 'noopener noreferrer nofollow ugc';
const SAFE_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);

type Child = Y.XmlElement | Y.XmlText;
type Marks = ReadonlyMap<string, unknown>;

export function renderStory(doc: Y.Doc): RenderedStory {
  const body = doc.getXmlFragment('body');
  const bodyText = fragmentText(body);
  return {
    headline: fieldText(doc, 'headline'),
    standfirst: fieldText(doc, 'standfirst'),
    byline: fieldText(doc, 'byline'),
    bodyHtml: sanitizeBody(renderChildren(body, 0)),
    bodyText,
    wordCount: countWords(bodyText),
  };
}

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function fieldText(doc: Y.Doc, name: string): string {
  return fragmentText(doc.getXmlFragment(name)).replace(/\s+/g, ' ').trim();
}

// ---------------------------------------------------------------------------
// Plain text

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
      lines.push(...blockLines(child, depth + 1));
    }
  }
  lines.push(line);
  // A trailing hard break must not read as an extra blank block.
  return lines.map((l) => l.replace(/^\n+|\n+$/g, '')).filter((l) => l.trim() !== '');
}

function plainText(text: Y.XmlText): string {
  return deltaOf(text)
    .map((op) => op.insert)
    .join('');
}

// ---------------------------------------------------------------------------
// HTML

function renderChildren(parent: Y.XmlFragment, depth: number): string {
  if (depth > MAX_DEPTH) return '';
  return children(parent)
    .map((child) =>
      child instanceof Y.XmlText ? renderText(child) : renderElement(child, depth + 1),
    )
    .join('');
}

function renderElement(el: Y.XmlElement, depth: number): string {
  const inner = () => renderChildren(el, depth);
  switch (el.nodeName) {
    case 'paragraph': {
      const html = inner();
      return isBlank(html) ? '' : `<p>${html}</p>`;
    }
    case 'heading': {
      const tag = headingTag(el.getAttribute('level'));
      return `<${tag}>${inner()}</${tag}>`;
    }
    case 'blockquote':
      return `<blockquote>${inner()}</blockquote>`;
    case 'bulletList':
      return `<ul>${inner()}</ul>`;
    case 'orderedList':
      return `<ol${startAttr(el.getAttribute('start'))}>${inner()}</ol>`;
    case 'listItem':
      return `<li>${inner()}</li>`;
    case 'hardBreak':
      return '<br>';
    case 'horizontalRule':
      return '<hr>';
    case 'codeBlock':
      return `<pre><code>${escapeHtml(blockLines(el, depth).join('\n'))}</code></pre>`;
    default:
      // Unknown wrapper: keep what the reporter wrote, never the tag itself.
      return inner();
  }
}

function isBlank(html: string): boolean {
  return html.replace(/<br>/g, '').trim() === '';
}

/** The story headline is the page's h1, so body headings start at h2. */
function headingTag(level: unknown): 'h2' | 'h3' | 'h4' {
  const n = toPositiveInt(level) ?? 1;
  if (n <= 2) return 'h2';
  return n === 3 ? 'h3' : 'h4';
}

function startAttr(start: unknown): string {
  const n = toPositiveInt(start);
  return n === undefined ? '' : ` start="${n}"`;
}

function toPositiveInt(value: unknown): number | undefined {
  const n =
    typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN;
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

// ---------------------------------------------------------------------------
// Marks

function renderText(text: Y.XmlText): string {
  return deltaOf(text)
    .map((op) => wrapMarks(escapeHtml(op.insert), marksOf(op.attributes)))
    .join('');
}

/** Fixed nesting order so the same marks always produce the same HTML. */
const MARK_TAGS: ReadonlyArray<[string, string]> = [
  ['code', 'code'],
  ['strike', 's'],
  ['underline', 'u'],
  ['italic', 'em'],
  ['bold', 'strong'],
];

function wrapMarks(html: string, marks: Marks): string {
  let out = html;
  for (const [mark, tag] of MARK_TAGS) {
    if (marks.has(mark)) out = `<${tag}>${out}</${tag}>`;
  }
  const href = safeHref(marks.get('link'));
  return href ? `<a href="${escapeHtml(href)}" rel="${LINK_REL}">${out}</a>` : out;
}

/** y-prosemirror keys overlapping marks as `name--hash`; both mean `name`. */
function marksOf(attributes: unknown): Marks {
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
// Yjs access

/** Only element and text children count; hooks and foreign types are ignored. */
function children(parent: Y.XmlFragment): Child[] {
  return parent
    .toArray()
    .filter((c): c is Child => c instanceof Y.XmlElement || c instanceof Y.XmlText);
}

type TextOp = { insert: string; attributes?: unknown };

/** Embeds (non-string inserts) carry nothing publishable. */
function deltaOf(text: Y.XmlText): TextOp[] {
  const delta: unknown = text.toDelta();
  if (!Array.isArray(delta)) return [];
  return delta.filter((op): op is TextOp => isRecord(op) && typeof op.insert === 'string');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

// ---------------------------------------------------------------------------
// Defence in depth: the same allow-list again, enforced by a real HTML parser.

const SANITIZE_OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [
    'p', 'h2', 'h3', 'h4', 'blockquote', 'ul', 'ol', 'li', 'br', 'hr',
    'pre', 'code', 'strong', 'em', 's', 'u', 'a',
  ],
  allowedAttributes: { a: ['href', 'rel'], ol: ['start'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
};

function sanitizeBody(html: string): string {
  return sanitizeHtml(html, SANITIZE_OPTIONS);
}
