/**
 * What the honest story must contain: its known starting text plus the acknowledged honest edits,
 * and nothing else. Compared field by field (as Yjs renders them), with the comments map, and by
 * the Yjs client ids that wrote the document: only the honest editors' may appear.
 */
import * as Y from 'yjs';
import { COMMENTS_ROOT } from '../../shared/comments';
import { STORY_COLORS_ROOT } from '../../shared/personColors';
import { SUGGESTION_AUTHORS_ROOT } from '../../shared/suggestions';
import { STORY_FIELDS, type StoryField } from '../../shared/story';
import { rootOf } from '../../server/documents/updateGuard';
import { setParagraphs } from '../helpers/clients';

const KNOWN_CONTENT: Record<StoryField, string[]> = {
  headline: ['A story nobody else may change'],
  standfirst: ['Thousands of hostile frames arrive; this text stays as it is.'],
  byline: ['Honest Ana'],
  body: ['First paragraph, written before the fuzzing starts.', 'Second paragraph.'],
};

export class ContentModel {
  readonly #fields: Record<StoryField, string[]> = structuredClone(KNOWN_CONTENT);
  /** Yjs client ids of the honest editors' documents: the only writers the honest story may have. */
  readonly writers = new Set<number>();

  /** Writes the known content into an honest editor's document. */
  seed(doc: Y.Doc): void {
    this.writers.add(doc.clientID);
    doc.transact(() => {
      for (const field of STORY_FIELDS) setParagraphs(doc, field, this.#fields[field]);
    });
  }

  /**
   * An honest editor writes the body's last paragraph anew (in `doc`): appended after the known ones
   * the first time, replaced after that, so the story stays the same size however long the run.
   */
  rewriteLast(doc: Y.Doc, text: string): void {
    this.writers.add(doc.clientID);
    const body = doc.getXmlFragment('body');
    const at = KNOWN_CONTENT.body.length;
    const paragraph = new Y.XmlElement('paragraph');
    paragraph.insert(0, [new Y.XmlText(text)]);
    doc.transact(() => {
      if (body.length > at) body.delete(at, body.length - at);
      body.insert(at, [paragraph]);
    });
    this.#fields.body[at] = text;
  }

  /** Every way `doc` differs from the model (empty when it matches). */
  differences(doc: Y.Doc): string[] {
    const expected = new Y.Doc();
    for (const field of STORY_FIELDS) setParagraphs(expected, field, this.#fields[field]);
    const problems: string[] = [];
    for (const field of STORY_FIELDS) {
      const want = expected.getXmlFragment(field).toJSON();
      const got = doc.getXmlFragment(field).toJSON();
      if (got !== want) problems.push(`${field} is ${JSON.stringify(clip(got))}, expected ${JSON.stringify(clip(want))}`);
    }
    const comments = doc.getMap(COMMENTS_ROOT);
    if (comments.size > 0) problems.push(`comments appeared: ${JSON.stringify(clip(JSON.stringify(comments.toJSON())))}`);
    // The server's own bookkeeping (people's colours, suggestion authors) is not content; anything else is.
    const bookkeeping = new Set<unknown>([STORY_COLORS_ROOT, SUGGESTION_AUTHORS_ROOT].map((root) => doc.getMap(root)));
    const strangers = [...doc.store.clients]
      .filter(([client]) => !this.writers.has(client))
      .filter(([, structs]) => structs.some((struct) => !(struct instanceof Y.Item && bookkeeping.has(rootOf(struct)))))
      .map(([client]) => client);
    if (strangers.length > 0) problems.push(`content written by Yjs client(s) ${strangers.join(', ')}, not an honest editor`);
    const pending = doc.store.pendingStructs !== null || doc.store.pendingDs !== null;
    if (pending) problems.push('holds pending (unapplied) updates');
    return problems;
  }
}

const clip = (s: string) => (s.length > 300 ? `${s.slice(0, 300)}…` : s);
