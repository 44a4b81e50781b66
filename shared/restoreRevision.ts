import * as Y from 'yjs';
import { textCopies } from './copiedText';
import { LEAD_ROOT, LEAD_TEXT_ROOTS } from './figures';
import type { CopiedText } from './provenanceClaim';
import { STORY_FIELDS } from './story';

/**
 * "Restore this version": makes each field of the live story hold a copy of an
 * old version's content.
 *
 * It is an ordinary Yjs edit in ONE transaction with the caller's origin, so the
 * provider syncs it to everyone like any keystroke, and an UndoManager tracking
 * that origin takes the whole restore back in one step (and nothing else).
 * Returns which new text items copy which of the version's: the copies are
 * written under the restorer's Yjs client id, and the caller claims them
 * (`story:provenance`) so the text stays its first author's.
 * Runs in the browser too, so it imports only yjs and shared code.
 */
export function restoreRevision(target: Y.Doc, source: Y.Doc, origin: unknown): CopiedText[] {
  const texts: TextPair[] = [];
  target.transact(() => {
    for (const field of STORY_FIELDS) {
      copyFragment(source.getXmlFragment(field), target.getXmlFragment(field), texts);
    }
    copyLead(source, target);
  }, origin);
  // The copies are part of the document now, with their item ids.
  return texts.flatMap(([from, to]) => textCopies(from, to));
}

/** The lead image comes back with the version, or goes if the version had none (an upload under way is not copied). */
function copyLead(from: Y.Doc, to: Y.Doc): void {
  const [source, target] = [from.getMap<unknown>(LEAD_ROOT), to.getMap<unknown>(LEAD_ROOT)];
  for (const key of ['media', 'width', 'height'] as const) {
    const value = source.get(key);
    const kept = typeof value === 'string' || typeof value === 'number' ? value : undefined;
    if (kept === undefined) {
      if (target.has(key)) target.delete(key);
    } else if (target.get(key) !== kept) target.set(key, kept);
  }
  for (const root of Object.values(LEAD_TEXT_ROOTS)) {
    const [was, is] = [from.getText(root), to.getText(root)];
    if (was.toString() === is.toString()) continue;
    is.delete(0, is.length);
    is.insert(0, was.toString());
  }
}

/** A text of the version and its copy. */
type TextPair = [from: Y.XmlText, to: Y.XmlText];

/** An unchanged field is left alone, so restoring does not churn it for collaborators. */
function copyFragment(from: Y.XmlFragment, to: Y.XmlFragment, texts: TextPair[]): void {
  const copied = xmlChildren(from);
  if (sameList(copied, xmlChildren(to))) return;
  to.delete(0, to.length);
  to.insert(
    0,
    copied.map((node) => copyNode(node, texts)),
  );
}

type XmlChild = Y.XmlElement | Y.XmlText;

/** What the editor reads; anything else a raw update may have put there is not copied. */
function xmlChildren(parent: Y.XmlFragment): XmlChild[] {
  return parent.toArray().filter((c): c is XmlChild => c instanceof Y.XmlElement || c instanceof Y.XmlText);
}

/**
 * A deep copy, by hand rather than with clone(). clone() does keep attributes
 * and formatting, but it re-inserts any Yjs type embedded in text or set as an
 * attribute as-is, which throws mid-transaction and can move the type out of the
 * source; any client can write such content. Those values mean nothing to the
 * editor, so they are left out; everything else (JSON) is copied.
 */
function copyNode(node: XmlChild, texts: TextPair[]): XmlChild {
  if (node instanceof Y.XmlText) {
    const text = new Y.XmlText();
    text.applyDelta(copiedDelta(node));
    texts.push([node, text]);
    return text;
  }
  const element = new Y.XmlElement(node.nodeName);
  // Typed as strings, but y-prosemirror stores numbers (heading level) and clients anything.
  for (const [key, value] of copiedAttributes(node)) element.setAttribute(key, value as string);
  element.insert(
    0,
    xmlChildren(node).map((child) => copyNode(child, texts)),
  );
  return element;
}

type DeltaOp = { insert: unknown; attributes?: Record<string, unknown> };

function copiedDelta(text: Y.XmlText): DeltaOp[] {
  return (text.toDelta() as DeltaOp[]).filter((op) => !(op.insert instanceof Y.AbstractType));
}

function copiedAttributes(element: Y.XmlElement): Array<[string, unknown]> {
  const attributes: Record<string, unknown> = element.getAttributes();
  return Object.entries(attributes).filter(([, value]) => !(value instanceof Y.AbstractType));
}

// ---------------------------------------------------------------------------
// Structural equality, over exactly what copyNode copies. Not toString()/toJSON():
// those do not escape, so text "<bold>x</bold>" and a bold "x" compare equal and
// a restore would be skipped. A false "different" only costs a redundant copy.

function sameList(left: XmlChild[], right: XmlChild[]): boolean {
  return left.length === right.length && left.every((child, i) => sameNode(child, right[i]));
}

function sameNode(a: XmlChild, b: XmlChild): boolean {
  if (a instanceof Y.XmlText || b instanceof Y.XmlText) {
    return a instanceof Y.XmlText && b instanceof Y.XmlText && canonical(copiedDelta(a)) === canonical(copiedDelta(b));
  }
  return (
    a.nodeName === b.nodeName &&
    canonical(copiedAttributes(a).sort(byKey)) === canonical(copiedAttributes(b).sort(byKey)) &&
    sameList(xmlChildren(a), xmlChildren(b))
  );
}

/** JSON with sorted keys: the order of formatting keys depends on edit history, not content. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(byKey)) : v,
  );
}

function byKey([a]: [string, unknown], [b]: [string, unknown]): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
