import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { documentText } from '../../server/documents/StoryHistory';
import { authorRevert } from '../../server/workflow/authorRevert';
import { docWith, p } from '../helpers/yjsBuilders';

/** A server copy (garbage-collecting, as the real one) with two writers whose deletions are recorded. */
function newsroom() {
  const server = new Y.Doc();
  const writers = { a: new Y.Doc(), b: new Y.Doc() };
  const deletions: Record<'a' | 'b', Uint8Array[]> = { a: [], b: [] };
  const log: Uint8Array[] = [];
  const sync = () => {
    for (const [name, doc] of Object.entries(writers) as ['a' | 'b', Y.Doc][]) {
      const update = Y.encodeStateAsUpdate(doc, Y.encodeStateVector(server));
      const record = (_u: Uint8Array, _o: unknown, _d: Y.Doc, tr: Y.Transaction) => {
        if (tr.deleteSet.clients.size > 0) deletions[name].push(Y.encodeSnapshot(Y.createSnapshot(tr.deleteSet, new Map())));
      };
      server.on('update', record);
      Y.applyUpdate(server, update);
      server.off('update', record);
      log.push(update);
    }
    for (const doc of Object.values(writers)) Y.applyUpdate(doc, Y.encodeStateAsUpdate(server));
  };
  const body = (doc: Y.Doc) => (doc.getXmlFragment('body').get(0) as Y.XmlElement).get(0) as Y.XmlText;
  const restored: Uint8Array[] = [];
  const revert = (version: Uint8Array, who: 'a' | 'b', history = log) =>
    authorRevert({
      version,
      history,
      current: Y.encodeStateAsUpdate(server),
      authorClients: new Set([writers[who].clientID]),
      authorDeletions: deletions[who],
      restored,
      clientId: 4242,
    });
  /** Reverts and applies, remembering what it restored as the server does. */
  const revertNow = (version: Uint8Array, who: 'a' | 'b') => {
    const result = revert(version, who);
    if (result) {
      Y.applyUpdate(server, result.update);
      restored.push(result.restored);
    }
    return result;
  };
  return { server, writers, sync, body, revert, revertNow };
}

describe('authorRevertUpdate', () => {
  it("takes back one author's insertions and deletions in a shared paragraph and keeps the other's", () => {
    const { server, writers, sync, body, revert, revertNow } = newsroom();
    docWith({ body: [p(['The quick brown fox jumps'])] }, writers.b);
    sync();
    const version = Y.encodeStateAsUpdate(server);
    // A: deletes "quick " and adds " high"; B: deletes "brown " and adds "The end. " at the start.
    body(writers.a).delete(4, 6);
    body(writers.a).insert(body(writers.a).length, ' high');
    sync();
    body(writers.b).delete(4, 6);
    body(writers.b).insert(0, 'Look: ');
    sync();
    expect(body(server).toString()).toBe('Look: The fox jumps high');

    // The same from the version's state alone (the log compacted away): what A deleted was in it.
    expect(revert(version, 'a', [])).toEqual(revert(version, 'a'));
    const done = revertNow(version, 'a');
    expect(body(server).toString()).toBe('Look: The quick fox jumps');
    // What it brought back is written again under its own client id: it says which of B's items each copies.
    expect(done?.copies).toEqual([
      { to: { client: 4242, clock: expect.any(Number) }, from: { client: writers.b.clientID, clock: expect.any(Number) }, length: 6 },
    ]);
    const [copy] = done!.copies;
    expect(documentText(server, copy.to.client, copy.to.clock, copy.length)).toBe('quick ');
    // Reverting again changes nothing: "quick " is not restored twice.
    revertNow(version, 'a');
    expect(body(server).toString()).toBe('Look: The quick fox jumps');
  });

  it('restores a whole paragraph the author deleted, and not text someone else deleted', () => {
    const { server, writers, sync, revertNow } = newsroom();
    docWith({ body: [p(['First.']), p(['Second.']), p(['Third.'])] }, writers.b);
    sync();
    const version = Y.encodeStateAsUpdate(server);
    writers.a.getXmlFragment('body').delete(1, 1);
    sync();
    writers.b.getXmlFragment('body').delete(1, 1);
    sync();
    const text = () =>
      server
        .getXmlFragment('body')
        .toArray()
        .map((e) => (e as Y.XmlElement).toString());
    expect(text()).toEqual(['<paragraph>First.</paragraph>']);
    revertNow(version, 'a');
    expect(text()).toEqual(['<paragraph>First.</paragraph>', '<paragraph>Second.</paragraph>']);
  });

  it('leaves the document alone when the author changed nothing since the version', () => {
    const { server, writers, sync, revert } = newsroom();
    docWith({ body: [p(['Hello'])] }, writers.a);
    sync();
    const version = Y.encodeStateAsUpdate(server);
    (writers.b.getXmlFragment('body').get(0) as Y.XmlElement).insert(1, [new Y.XmlText(' there')]);
    sync();
    expect(revert(version, 'a')).toBeNull();
  });
});
