import type * as Y from 'yjs';
import sanitizeHtml from 'sanitize-html';
import type { ContentMark, ContentNode, StoryContent } from '../../shared/api';
import { FIGURE_LAYOUTS, missingAltText, type StoryImage } from '../../shared/figures';
import { countWords, type StoryField } from '../../shared/story';
import { readLead } from '../../shared/storyImages';
import { storedImage } from '../persistence/storedImage';
import { escapeHtml } from './escapeHtml';
import { figureHtml } from './pictureMarkup';
import { MAX_DEPTH, contentFigure, contentFigures, contentText, fragmentContent, fragmentText } from './storyContent';

/**
 * Turns a story into public HTML and plain text: live from its Y.Doc
 * (renderStory) or from the structured content stored with a revision
 * (renderContent). Either way the HTML is rendered from the allow-listed content
 * of storyContent.ts, so there is one allow-list; this module only maps content
 * nodes to tags and escapes every string. Yjs' own toString() is never used
 * because it does not escape.
 */

export type RenderedStory = {
  headline: string;
  standfirst: string;
  byline: string;
  bodyHtml: string;
  bodyText: string;
  wordCount: number;
  /** Shown above the body by the page itself (publicPages), never inside bodyHtml. */
  lead: StoryImage | null;
  /** The pictures without alt text, as the pre-publish check names them. */
  missingAlt: string[];
};

/** What the HTML is rendered from: the Body's content and the lead image. */
type Pictured = { body: ContentNode; lead: StoryImage | null };

const LINK_REL = 'noopener noreferrer nofollow ugc';

/**
 * Plain text comes from the doc itself, not from the content: fragmentText keeps
 * an unknown element's text on its own line where the content unwraps it, and the
 * published text (search, word count) must not change with this refactor.
 */
export function renderStory(doc: Y.Doc): RenderedStory {
  const pictured = { body: fragmentContent(doc.getXmlFragment('body')), lead: readLead(doc) };
  return rendered(pictured, (field) => fragmentText(doc.getXmlFragment(field)));
}

/** The same, for content stored with a revision (already allow-listed when stored; its lead checked again). */
export function renderContent(content: StoryContent): RenderedStory {
  return rendered({ body: content.body, lead: storedImage(content.lead) }, (field) => contentText(content[field]));
}

function rendered({ body, lead }: Pictured, textOf: (field: StoryField) => string): RenderedStory {
  const bodyText = textOf('body');
  return {
    headline: oneLine(textOf('headline')),
    standfirst: oneLine(textOf('standfirst')),
    byline: oneLine(textOf('byline')),
    bodyHtml: renderBody(body),
    bodyText,
    wordCount: countWords(bodyText),
    lead,
    missingAlt: missingAltText(lead, contentFigures(body)),
  };
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

// ---------------------------------------------------------------------------
// Nodes

function renderBody(doc: ContentNode): string {
  return sanitizeBody(renderNodes(doc.content, 0));
}

/** Stored content is ours, but it is re-read from storage: bound the recursion anyway. */
function renderNodes(nodes: ContentNode[] | undefined, depth: number): string {
  if (depth > MAX_DEPTH || !nodes) return '';
  return nodes.map((node) => renderNode(node, depth + 1)).join('');
}

function renderNode(node: ContentNode, depth: number): string {
  const inner = () => renderNodes(node.content, depth);
  switch (node.type) {
    case 'text':
      return renderText(node);
    case 'paragraph': {
      const html = inner();
      return isBlank(html) ? '' : `<p>${html}</p>`;
    }
    case 'heading': {
      const tag = headingTag(node.attrs?.level);
      return `<${tag}>${inner()}</${tag}>`;
    }
    case 'blockquote':
      return `<blockquote>${inner()}</blockquote>`;
    case 'bulletList':
      return `<ul>${inner()}</ul>`;
    case 'orderedList':
      return `<ol${startAttr(node.attrs?.start)}>${inner()}</ol>`;
    case 'listItem':
      return `<li>${inner()}</li>`;
    case 'hardBreak':
      return '<br>';
    case 'horizontalRule':
      return '<hr>';
    case 'codeBlock':
      return `<pre><code>${escapeHtml(contentText(node))}</code></pre>`;
    case 'figure': {
      const figure = contentFigure(node);
      return figure ? figureHtml(figure, 'lazy') : '';
    }
    default:
      // storyContent never produces other types; if one is stored anyway, its tag is never emitted.
      return inner();
  }
}

function isBlank(html: string): boolean {
  return html.replace(/<br>/g, '').trim() === '';
}

/** storyContent clamps levels to 2–4; anything else stored falls back to h2. */
export function headingTag(level: unknown): 'h2' | 'h3' | 'h4' {
  if (level === 3) return 'h3';
  return level === 4 ? 'h4' : 'h2';
}

function startAttr(start: unknown): string {
  return Number.isSafeInteger(start) && (start as number) > 0 ? ` start="${start as number}"` : '';
}

// ---------------------------------------------------------------------------
// Marks

function renderText(node: ContentNode): string {
  return typeof node.text === 'string' ? wrapMarks(escapeHtml(node.text), node.marks ?? []) : '';
}

/** Fixed nesting order so the same marks always produce the same HTML. */
const MARK_TAGS: ReadonlyArray<[string, string]> = [
  ['code', 'code'],
  ['strike', 's'],
  ['underline', 'u'],
  ['italic', 'em'],
  ['bold', 'strong'],
];

function wrapMarks(html: string, marks: ContentMark[]): string {
  const types = new Set(marks.map((mark) => mark.type));
  let out = html;
  for (const [mark, tag] of MARK_TAGS) {
    if (types.has(mark)) out = `<${tag}>${out}</${tag}>`;
  }
  const href = marks.find((mark) => mark.type === 'link')?.attrs?.href;
  return typeof href === 'string' ? `<a href="${escapeHtml(href)}" rel="${LINK_REL}">${out}</a>` : out;
}

// ---------------------------------------------------------------------------
// Defence in depth: the same allow-list again, enforced by a real HTML parser.

const TEXT_TAGS = ['p', 'h2', 'h3', 'h4', 'blockquote', 'ul', 'ol', 'li', 'br', 'hr', 'pre', 'code', 'strong', 'em', 's', 'u', 'a'];
const PICTURE_TAGS = ['figure', 'picture', 'source', 'img', 'figcaption', 'span'];

const SANITIZE_OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [...TEXT_TAGS, ...PICTURE_TAGS],
  allowedAttributes: {
    a: ['href', 'rel'],
    ol: ['start'],
    source: ['type', 'srcset', 'sizes'],
    img: ['src', 'srcset', 'sizes', 'width', 'height', 'alt', 'loading', 'decoding', 'fetchpriority'],
  },
  // Implies the class attribute, with only these values.
  allowedClasses: { figure: ['figure', ...FIGURE_LAYOUTS.map((layout) => `figure--${layout}`)], span: ['figure__credit'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  selfClosing: [...sanitizeHtml.defaults.selfClosing, 'source'],
  // An image or source loading anything but one of our own copies is left out whole.
  exclusiveFilter: (frame) => (frame.tag === 'img' || frame.tag === 'source') && !loadsOnlyOurImages(frame.tag, frame.attribs),
};

/** `/media/<id>/<width>.<format>`: the copies the media routes serve (server/http/mediaFiles.ts). */
const OUR_IMAGE = /^\/media\/[A-Za-z0-9_-]{22}\/\d{3,4}\.(avif|webp|jpeg)$/;

function loadsOnlyOurImages(tag: string, attribs: Record<string, string>): boolean {
  if (tag === 'img' && !OUR_IMAGE.test(attribs.src ?? '')) return false;
  const candidates = (attribs.srcset ?? '').split(',').map((candidate) => candidate.trim().split(/\s+/));
  return candidates.every(([url, descriptor, ...rest]) => OUR_IMAGE.test(url) && /^\d+w$/.test(descriptor ?? '') && rest.length === 0);
}

/** Exported for its tests: what reaches readers even if the markup above went wrong. */
export function sanitizeBody(html: string): string {
  return sanitizeHtml(html, SANITIZE_OPTIONS);
}
