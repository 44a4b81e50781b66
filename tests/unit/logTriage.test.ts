/**
 * logTriage: which rows of a stored log a story can be built from. Real Yjs documents and updates;
 * damaged rows are made the way a disk or a person damages them (cut short, left out, out of order).
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { catchUpWith, DAMAGE_REASONS, loadWhole, StoredLogDamaged, triageLog } from '../../server/documents/logTriage';
import type { StoredLog } from '../../server/persistence/Store';

/** A writer whose every transaction is one stored row, as the server stores a client's updates. */
function writer(clientID: number) {
  const doc = new Y.Doc();
  doc.clientID = clientID;
  const rows: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array) => rows.push(update));
  const text = doc.getText('body');
  return {
    doc,
    rows,
    type: (words: string) => text.insert(text.length, words),
    erase: (index: number, length: number) => text.delete(index, length),
  };
}

const logOf = (updates: Uint8Array[], snapshot: Uint8Array | null = null, firstSeq = 1): StoredLog => ({
  snapshot,
  updates,
  seqs: updates.map((_, i) => firstSeq + i),
  updateBytes: updates.reduce((sum, u) => sum + u.byteLength, 0),
});

/** What a document built from the log holds (loadWhole must then load it whole, without fault). */
function built(log: StoredLog): { text: string; doc: Y.Doc } {
  const doc = new Y.Doc();
  loadWhole(doc, log, null);
  expect(doc.store.pendingStructs).toBeNull();
  expect(doc.store.pendingDs).toBeNull();
  return { text: doc.getText('body').toString(), doc };
}

const cut = (update: Uint8Array, bytes = 1) => update.slice(0, update.byteLength - bytes);

describe('triageLog', () => {
  it('keeps a healthy log whole, and loadWhole loads it', () => {
    const ana = writer(1);
    ana.type('one ');
    ana.type('two ');
    ana.erase(0, 4);
    const log = logOf(ana.rows);
    expect(triageLog(log)).toEqual({ loadable: log, damaged: [] });
    expect(built(log).text).toBe('two ');
  });

  it('leaves out a torn row entirely, though Yjs would apply its structs before failing on its delete set', () => {
    const ana = writer(1);
    ana.type('kept ');
    ana.type('torn');
    const torn = cut(ana.rows[1]);
    // The hazard: applied as it is, the torn row's text gets in before Yjs throws.
    const naive = new Y.Doc();
    Y.applyUpdate(naive, ana.rows[0]);
    expect(() => Y.applyUpdate(naive, torn)).toThrow();
    expect(naive.getText('body').toString()).toBe('kept torn');

    const log = logOf([ana.rows[0], torn]);
    expect(() => loadWhole(new Y.Doc(), log, null)).toThrow(StoredLogDamaged);
    const { loadable, damaged } = triageLog(log);
    expect(damaged).toEqual([{ kind: 'update', seq: 2, reason: expect.stringMatching(/^Does not decode \(.+\)$/) }]);
    expect(loadable.seqs).toEqual([1]);
    expect(loadable.updateBytes).toBe(ana.rows[0].byteLength);
    expect(built(loadable).text).toBe('kept ');
  });

  it('quarantines the rows that build on a damaged one, and only those; no pending state is left', () => {
    const ana = writer(1);
    const ben = writer(2);
    ana.type('a1 ');
    ana.type('a2 ');
    ana.type('a3 ');
    ben.doc.getText('headline').insert(0, 'ben');
    const rows = [ana.rows[0], cut(ana.rows[1], 3), ana.rows[2], ben.rows[0]];
    const { loadable, damaged } = triageLog(logOf(rows));
    expect(damaged).toEqual([
      { kind: 'update', seq: 2, reason: expect.stringMatching(/^Does not decode/) },
      { kind: 'update', seq: 3, reason: DAMAGE_REASONS.unplaceable },
    ]);
    const { text, doc } = built(loadable);
    expect(text).toBe('a1 ');
    expect(doc.getText('headline').toString()).toBe('ben');
  });

  it('places a row stored before what it builds on (several writers), and reports nothing', () => {
    const ana = writer(1);
    ana.type('first ');
    const ben = writer(2);
    Y.applyUpdate(ben.doc, Y.encodeStateAsUpdate(ana.doc));
    ben.type('second');
    // Ben's row, which builds on Ana's, comes first in the log.
    const log = logOf([ben.rows[ben.rows.length - 1], ana.rows[0]]);
    const { loadable, damaged } = triageLog(log);
    expect(damaged).toEqual([]);
    expect(built(loadable).text).toBe('first second');
  });

  it('quarantines a row whose deletions refer to content the store does not have', () => {
    const ana = writer(1);
    ana.type('hello ');
    ana.type('world');
    ana.erase(6, 5);
    // The row that inserted "world" is lost: the deletion has nothing to delete.
    const { loadable, damaged } = triageLog(logOf([ana.rows[0], ana.rows[2]]));
    expect(damaged).toEqual([{ kind: 'update', seq: 2, reason: DAMAGE_REASONS.unplaceable }]);
    expect(built(loadable).text).toBe('hello ');
  });

  it('without its snapshot, quarantines every row that builds on it', () => {
    const ana = writer(1);
    ana.type('folded ');
    const snapshot = Y.encodeStateAsUpdate(ana.doc);
    ana.rows.length = 0;
    ana.type('after ');
    ana.type('more');
    const { loadable, damaged } = triageLog(logOf(ana.rows, null, 10));
    expect(damaged.map((d) => [d.kind === 'update' && d.seq, d.reason])).toEqual([
      [10, DAMAGE_REASONS.unplaceable],
      [11, DAMAGE_REASONS.unplaceable],
    ]);
    expect(built(loadable).text).toBe('');
    // With it, the same rows load.
    expect(triageLog(logOf(ana.rows, snapshot, 10)).damaged).toEqual([]);
  });

  it('keeps the readable part of a snapshot that was folded with content it cannot place', () => {
    const ana = writer(1);
    ana.type('alpha ');
    const ben = writer(2);
    Y.applyUpdate(ben.doc, ana.rows[0]);
    ana.type('lost ');
    Y.applyUpdate(ben.doc, ana.rows[1]);
    ben.type('beta');
    // A compaction folded the log while Ana's second row was missing: Yjs kept Ben's row as pending and encoded it too.
    const folding = new Y.Doc();
    Y.applyUpdate(folding, ana.rows[0]);
    Y.applyUpdate(folding, ben.rows[ben.rows.length - 1]);
    expect(folding.store.pendingStructs).not.toBeNull();
    const snapshot = Y.encodeStateAsUpdate(folding);

    const { loadable, damaged } = triageLog(logOf([], snapshot));
    expect(damaged).toEqual([
      { kind: 'snapshot', data: snapshot, replacement: loadable.snapshot, reason: DAMAGE_REASONS.partlyUnplaceable },
    ]);
    expect(built(loadable).text).toBe('alpha ');
  });

  it('quarantines a snapshot that does not decode, and the rows that need it', () => {
    const ana = writer(1);
    ana.type('folded ');
    const snapshot = cut(Y.encodeStateAsUpdate(ana.doc), 2);
    ana.rows.length = 0;
    ana.type('tail');
    const { loadable, damaged } = triageLog(logOf(ana.rows, snapshot, 5));
    expect(damaged).toEqual([
      { kind: 'snapshot', data: snapshot, replacement: null, reason: expect.stringMatching(/^Does not decode/) },
      { kind: 'update', seq: 5, reason: DAMAGE_REASONS.unplaceable },
    ]);
    expect(loadable).toEqual(logOf([]));
  });

  it('reports nothing for a snapshot newer than its tail, deleted and garbage-collected content included', () => {
    const ana = writer(1);
    ana.type('typo ');
    ana.erase(0, 5);
    ana.type('kept ');
    ana.type('later');
    // Folded (and garbage-collected) from every row, yet the first three are still in the log.
    const folded = new Y.Doc();
    ana.rows.slice(0, 3).forEach((u) => Y.applyUpdate(folded, u));
    const log = logOf(ana.rows, Y.encodeStateAsUpdate(folded));
    expect(triageLog(log)).toEqual({ loadable: log, damaged: [] });
    expect(built(log).text).toBe('kept later');
  });
});

describe('catchUpWith (a live document reads storage again)', () => {
  it('applies what it lacks and can place, leaves out damaged rows entirely, and keeps relayed pending state', () => {
    const ana = writer(1);
    ana.type('one ');
    ana.type('two ');
    ana.type('three');
    const live = new Y.Doc();
    Y.applyUpdate(live, ana.rows[0]);
    // Relayed meanwhile: a later edit of Ben's that waits for what this catch-up brings.
    const ben = writer(2);
    Y.applyUpdate(ben.doc, Y.encodeStateAsUpdate(ana.doc));
    ben.type(' four');
    Y.applyUpdate(live, ben.rows[ben.rows.length - 1]);
    expect(live.store.pendingStructs).not.toBeNull();

    const forwarded: Uint8Array[] = [];
    live.on('update', (u: Uint8Array, origin: unknown) => origin === 'remote' && forwarded.push(u));
    const damaged = catchUpWith(live, logOf([ana.rows[0], ana.rows[1], cut(ana.rows[2])]), 'remote');
    expect(damaged).toEqual([{ kind: 'update', seq: 3, reason: expect.stringMatching(/^Does not decode/) }]);
    expect(live.getText('body').toString()).toBe('one two ');
    // Ben's relayed edit still waits (for Ana's third row), and nothing of the torn row got in.
    expect(live.store.pendingStructs).not.toBeNull();
    const client = new Y.Doc();
    Y.applyUpdate(client, ana.rows[0]);
    forwarded.forEach((u) => Y.applyUpdate(client, u));
    expect(client.getText('body').toString()).toBe('one two ');

    // Once the third row arrives whole, Ben's edit goes in too.
    expect(catchUpWith(live, logOf(ana.rows), 'remote')).toEqual([]);
    expect(live.getText('body').toString()).toBe('one two three four');
    expect(live.store.pendingStructs).toBeNull();
  });

  it('reports rows it cannot place and applies nothing of them', () => {
    const ana = writer(1);
    ana.type('one ');
    ana.type('two ');
    ana.type('three');
    const live = new Y.Doc();
    Y.applyUpdate(live, ana.rows[0]);
    const damaged = catchUpWith(live, logOf([ana.rows[0], ana.rows[2]]), null);
    expect(damaged).toEqual([{ kind: 'update', seq: 2, reason: DAMAGE_REASONS.unplaceable }]);
    expect(live.getText('body').toString()).toBe('one ');
    expect(live.store.pendingStructs).toBeNull();
    expect(live.store.pendingDs).toBeNull();
  });
});
