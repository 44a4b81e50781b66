import * as Y from 'yjs';
import { STORY_FIELDS } from './story';

/**
 * "Restore this version": makes each field of the live story hold a copy of an
 * old version's content.
 *
 * It is an ordinary Yjs edit in ONE transaction with the caller's origin, so the
 * provider syncs it to everyone like any keystroke, and an UndoManager tracking
 * that origin takes the whole restore back in one step (and nothing else).
 * Runs in the browser too, so it imports only yjs and shared code.
 */
export function restoreRevision(target: Y.Doc, source: Y.Doc, origin: unknown): void {
  target.transact(() => {
    for (const field of STORY_FIELDS) {
      copyFragment(source.getXmlFragment(field), target.getXmlFragment(field));
    }
  }, origin);
}

/** An unchanged field is left alone, so restoring does not churn it for collaborators. */
function copyFragment(from: Y.XmlFragment, to: Y.XmlFragment): void {
  const copied = xmlChildren(from);
  if (sameList(copied, xmlChildren(to))) return;
  to.delete(0, to.length);
  to.insert(0, copied.map(copyNode));
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
function copyNode(node: XmlChild): XmlChild {
  if (node instanceof Y.XmlText) {
    const text = new Y.XmlText();
    text.applyDelta(copiedDelta(node));
    return text;
  }
  const element = new Y.XmlElement(node.nodeName);
  // Typed as strings, but y-prosemirror stores numbers (heading level) and clients anything.
  for (const [key, value] of copiedAttributes(node)) element.setAttribute(key, value as string);
  element.insert(0, xmlChildren(node).map(copyNode));
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
