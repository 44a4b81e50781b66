import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { Store } from '../../server/persistence/Store';
import { SqliteStore } from '../../server/persistence/sqlite/SqliteStore';
import { fragmentText } from '../../server/publishing/storyContent';
import { readThreads } from '../../shared/comments';
import { LIMITS } from '../../shared/limits';
import { STORY_FIELDS } from '../../shared/story';
import { connectClient, createStory, eventually, setParagraphs, storedDoc, type TestClient } from '../helpers/clients';
import { createUser, startTestServer, type TestServer } from '../helpers/testServer';

let server: TestServer;
let clients: TestClient[] = [];

afterEach(async () => {
  clients.forEach((c) => c.close());
  clients = [];
  await server.close();
});

const text = (doc: Y.Doc, field: string) => fragmentText(doc.getXmlFragment(field));
const paragraph = (content: string) => {
  const element = new Y.XmlElement('paragraph');
  element.insert(0, [new Y.XmlText(content)]);
  return element;
};
const contents = (doc: Y.Doc) => Object.fromEntries(STORY_FIELDS.map((f) => [f, doc.getXmlFragment(f).toJSON()]));

/** Both clients have written (so each owns its Yjs client id) and hold "Saved." in the body, stored. */
async function bothSaved(a: TestClient, b: TestClient): Promise<void> {
  setParagraphs(a.doc, 'body', ['Saved']);
  await a.provider.whenSaved();
  await eventually(() => expect(text(b.doc, 'body')).toBe('Saved'));
  ((b.doc.getXmlFragment('body').get(0) as Y.XmlElement).get(0) as Y.XmlText).insert(5, '.');
  await b.provider.whenSaved();
  await eventually(() => expect(text(a.doc, 'body')).toBe('Saved.'));
}

/**
 * Offline, the documents take turns appending to the body's first paragraph, each turn forwarded to the
 * others as the server would have: every author's text sits right after another author's.
 */
function chainEdits(docs: Y.Doc[], words: string[]): void {
  words.forEach((word, i) => {
    const doc = docs[i % docs.length];
    const before = Y.encodeStateVector(doc);
    const words = (doc.getXmlFragment('body').get(0) as Y.XmlElement).get(0) as Y.XmlText;
    words.insert(words.length, word);
    const update = Y.encodeStateAsUpdate(doc, before);
    for (const other of docs) if (other !== doc) Y.applyUpdate(other, update);
  });
}

/** A store whose update writes can be held back or made to fail, to watch what the server does meanwhile. */
function controllableStore() {
  const control = { hold: null as Promise<void> | null, failing: false, loadDelayMs: 0, loads: 0 };
  const wrap = (store: Store): Store =>
    new Proxy(store, {
      get(target, key, receiver) {
        if (key === 'appendUpdates') {
          return async (...args: Parameters<Store['appendUpdates']>) => {
            if (control.hold) await control.hold;
            if (control.failing) throw new Error('disk unavailable');
            return target.appendUpdates(...args);
          };
        }
        if (key === 'loadLog') {
          return async (storyId: string) => {
            control.loads++;
            await new Promise((r) => setTimeout(r, control.loadDelayMs));
            return target.loadLog(storyId);
          };
        }
        const value = Reflect.get(target, key, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  return { control, wrap };
}

async function twoClients() {
  const writer = await createUser(server, 'writer');
  const storyId = await createStory(server, writer);
  const editor = await createUser(server, 'editor');
  const a = await connectClient(server, writer, storyId);
  const b = await connectClient(server, editor, storyId);
  clients.push(a, b);
  return { writer, editor, storyId, a, b };
}

describe('acknowledged means committed', () => {
  it('has an edit in storage by the time its sender is acknowledged', async () => {
    server = await startTestServer();
    const { storyId, a } = await twoClients();
    const reader = SqliteStore.open(server.dataDir); // a second connection sees only what is committed
    try {
      setParagraphs(a.doc, 'body', ['Committed before the ack.']);
      await a.provider.whenSaved();
      expect(text(await storedDoc(reader, storyId), 'body')).toBe('Committed before the ack.');
    } finally {
      await reader.close();
    }
  });

  it('forwards an edit to the others at once, and acknowledges its sender only once it is committed', async () => {
    const { control, wrap } = controllableStore();
    server = await startTestServer({ wrapStore: wrap });
    const { storyId, a, b } = await twoClients();
    let release!: () => void;
    control.hold = new Promise((r) => (release = r));
    setParagraphs(a.doc, 'headline', ['Not yet durable']);
    await eventually(() => expect(text(b.doc, 'headline')).toBe('Not yet durable'));
    await new Promise((r) => setTimeout(r, 100));
    expect(a.provider.unacknowledged).toBeGreaterThan(0);
    expect(text(await storedDoc(server.store, storyId), 'headline')).toBe('');
    control.hold = null;
    release();
    await a.provider.whenSaved();
    expect(text(await storedDoc(server.store, storyId), 'headline')).toBe('Not yet durable');
  });

  it('forwards the server’s own change (a comment) only once it is committed: no author could resend it after a crash', async () => {
    const { control, wrap } = controllableStore();
    server = await startTestServer({ wrapStore: wrap });
    const { storyId, a, b } = await twoClients();
    setParagraphs(a.doc, 'body', ['Council votes today.']);
    await a.provider.whenSaved();
    await eventually(() => expect(text(b.doc, 'body')).toBe('Council votes today.'));
    const words = (b.doc.getXmlFragment('body').get(0) as Y.XmlElement).get(0) as Y.XmlText;
    const at = (index: number, assoc: number) => Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(words, index, assoc));
    let release!: () => void;
    control.hold = new Promise((r) => (release = r));
    const ack = b.provider.socket.emitWithAck('story:comment', storyId, {
      type: 'start',
      threadId: crypto.randomUUID(),
      messageId: crypto.randomUUID(),
      field: 'body',
      start: at(0, 0),
      end: at(7, -1),
      quote: 'Council',
      body: 'Which council?',
      mentions: [],
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(readThreads(a.doc)).toEqual([]);
    expect(readThreads(b.doc)).toEqual([]);
    control.hold = null;
    release();
    expect((await ack).ok).toBe(true);
    await eventually(() => expect(readThreads(a.doc).map((t) => t.quote)).toEqual(['Council']));
  });

  it('after a crash between forward and commit, takes a resync’s own part, drops the author’s lost part, and converges once the author resends it', async () => {
    server = await startTestServer();
    const { writer, editor, storyId, a, b } = await twoClients();
    setParagraphs(a.doc, 'body', ['Saved first.']);
    await a.provider.whenSaved();
    await eventually(() => expect(text(b.doc, 'body')).toBe('Saved first.'));
    // What a crash leaves: the author's edit reached the other client, never storage.
    a.close();
    b.close();
    a.doc.getXmlFragment('body').insert(1, [paragraph('Lost in the crash.')]);
    Y.applyUpdate(b.doc, Y.encodeStateAsUpdate(a.doc, Y.encodeStateVector(b.doc)));
    b.doc.getXmlFragment('headline').insert(0, [paragraph('Own headline')]);

    // Its resync carries both: its own part is taken, the author's is not (it cannot be told from a forgery).
    const rejoined = await connectClient(server, editor, storyId, b.doc);
    clients.push(rejoined);
    await rejoined.provider.whenSaved();
    const live = server.app.registry.get(storyId)!.doc;
    expect(text(live, 'headline')).toBe('Own headline');
    expect(text(live, 'body')).toBe('Saved first.');

    // An edit that builds on the lost text waits (refused, kept, retried) until the author is back.
    const errors: string[] = [];
    rejoined.provider.on('error', (e) => errors.push(e.code));
    ((b.doc.getXmlFragment('body').get(1) as Y.XmlElement).get(0) as Y.XmlText).insert(0, 'Depends: ');
    await eventually(() => expect(errors).toContain('incomplete'));
    // Kept, never taken for saved: waiting for a retry, or sent again and not yet answered.
    expect(rejoined.provider.pendingOffline || rejoined.provider.unacknowledged > 0).toBe(true);
    expect(text(live, 'body')).toBe('Saved first.');

    const author = await connectClient(server, writer, storyId, a.doc);
    clients.push(author);
    await author.provider.whenSaved();
    await eventually(() => expect(text(live, 'body')).toBe('Saved first.\nDepends: Lost in the crash.'), 15_000);
    await rejoined.provider.whenSaved();
    const stored = await storedDoc(server.store, storyId);
    await eventually(() => expect(contents(author.doc)).toEqual(contents(live)));
    for (const doc of [stored, rejoined.doc]) expect(contents(doc)).toEqual(contents(live));
  }, 30_000);

  it('after a crash that lost interleaved edits of two authors, saves each author’s edits once and locks nobody out', async () => {
    server = await startTestServer();
    const { writer, editor, storyId, a, b } = await twoClients();
    await bothSaved(a, b);
    a.close();
    b.close();
    // What the crash leaves: each typed next to the other's unsaved text, forwarded to the other, never stored.
    chainEdits([a.doc, b.doc], ['A1', 'B1', 'A2', 'B2', 'A3']);
    const expected = 'Saved.A1B1A2B2A3';
    expect(text(a.doc, 'body')).toBe(expected);

    const errors: string[] = [];
    const editorBack = await connectClient(server, editor, storyId, b.doc);
    const writerBack = await connectClient(server, writer, storyId, a.doc);
    clients.push(editorBack, writerBack);
    for (const client of [editorBack, writerBack]) client.provider.on('error', (e) => errors.push(e.code));
    await Promise.all([editorBack.provider.whenSaved(), writerBack.provider.whenSaved()]);
    const live = server.app.registry.get(storyId)!.doc;
    expect(text(live, 'body')).toBe(expected);
    expect(text(await storedDoc(server.store, storyId), 'body')).toBe(expected);
    expect(errors.every((code) => code === 'incomplete')).toBe(true);
    // Each author's text is still theirs: nobody took over the other's Yjs client id.
    const owners = await server.store.loadClientOwners(storyId);
    expect([owners.get(a.doc.clientID), owners.get(b.doc.clientID)]).toEqual([writer.id, editor.id]);
    // Nothing is left waiting in the server's copy, and both editors carry on normally.
    expect(server.app.registry.get(storyId)!.missingUpdates).toBe(false);
    setParagraphs(writerBack.doc, 'headline', ['After the crash']);
    await eventually(() => expect(text(editorBack.doc, 'headline')).toBe('After the crash'));
  }, 30_000);

  it('converges the same way with three authors whose lost edits build on each other in a chain', async () => {
    server = await startTestServer();
    const users = [await createUser(server, 'writer'), await createUser(server, 'editor'), await createUser(server, 'writer')];
    const storyId = await createStory(server, users[0]);
    const before = await Promise.all(users.map((user) => connectClient(server, user, storyId)));
    setParagraphs(before[0].doc, 'body', ['Saved']);
    await before[0].provider.whenSaved();
    for (const [i, client] of before.entries()) {
      await eventually(() => expect(text(client.doc, 'body')).toContain('Saved'));
      ((client.doc.getXmlFragment('body').get(0) as Y.XmlElement).get(0) as Y.XmlText).insert(0, `${i}`);
      await client.provider.whenSaved();
    }
    await eventually(() => before.forEach((c) => expect(text(c.doc, 'body')).toBe(text(before[2].doc, 'body'))));
    const saved = text(before[0].doc, 'body');
    before.forEach((c) => c.close());
    const docs = before.map((c) => c.doc);
    chainEdits(docs, ['1', '2', '3', '4', '5', '6', '7', '8', '9']);
    const back = await Promise.all(docs.map((doc, i) => connectClient(server, users[i], storyId, doc)));
    clients.push(...back);
    await Promise.all(back.map((c) => c.provider.whenSaved()));
    expect(text(await storedDoc(server.store, storyId), 'body')).toBe(`${saved}123456789`);
  }, 30_000);

  it('tells the person when some of their changes keep being refused, instead of retrying in silence', async () => {
    server = await startTestServer();
    const { writer, editor, storyId, a, b } = await twoClients();
    await bothSaved(a, b);
    a.close();
    b.close();
    // The writer's lost text will never come back (that tab is gone); the editor built on it.
    chainEdits([a.doc, b.doc], ['LOST', 'BUILT ON IT']);
    const editorBack = await connectClient(server, editor, storyId, b.doc);
    clients.push(editorBack);
    await eventually(() => expect(editorBack.provider.held).toEqual({ since: expect.any(Number), code: 'incomplete' }), 20_000, 100);
    expect(editorBack.provider.pendingOffline).toBe(true);
    expect(text(server.app.registry.get(storyId)!.doc, 'body')).toBe('Saved.');
    // The writer comes back after all: everything is saved and the editor is told so.
    const writerBack = await connectClient(server, writer, storyId, a.doc);
    clients.push(writerBack);
    await editorBack.provider.whenSaved();
    expect(editorBack.provider.held).toBeNull();
    expect(text(await storedDoc(server.store, storyId), 'body')).toBe('Saved.LOSTBUILT ON IT');
  }, 40_000);

  it('does not acknowledge a failed write, keeps it, and saves it once storage is back', async () => {
    const { control, wrap } = controllableStore();
    server = await startTestServer({ wrapStore: wrap });
    const { storyId, a, b } = await twoClients();
    const errors: string[] = [];
    a.provider.on('error', (e) => errors.push(e.code));
    control.failing = true;
    setParagraphs(a.doc, 'body', ['Written while the disk was away.']);
    await eventually(() => expect(errors).toContain('storage_failed'));
    expect(text(server.app.registry.get(storyId)!.doc, 'body')).toBe('Written while the disk was away.');
    expect(text(await storedDoc(server.store, storyId), 'body')).toBe('');

    expect(a.provider.pendingOffline).toBe(true); // the sender still counts it as unsaved

    control.failing = false;
    await eventually(
      async () => expect(text(await storedDoc(server.store, storyId), 'body')).toBe('Written while the disk was away.'),
      5_000,
    );
    await eventually(() => expect(text(b.doc, 'body')).toBe('Written while the disk was away.'));
    // The sender resyncs by itself and gets its acknowledgement.
    await a.provider.whenSaved();
  });

  it('stops with a clear error, rather than resending forever, an edit too large ever to be saved', async () => {
    server = await startTestServer();
    const { storyId, a, b } = await twoClients();
    const errors: string[] = [];
    a.provider.on('error', (e) => errors.push(e.code));
    a.doc.getText('pasted').insert(0, 'x'.repeat(LIMITS.maxMessageBytes + 100));
    expect(a.provider.failure?.code).toBe('too_large');
    expect(errors).toEqual(['too_large']);
    await new Promise((r) => setTimeout(r, 200));
    expect(server.app.registry.get(storyId)!.doc.getText('pasted').length).toBe(0);
    expect(b.doc.getText('pasted').length).toBe(0);
  });

  it('group-commits the edits of many clients typing at once', async () => {
    server = await startTestServer();
    const writer = await createUser(server, 'writer');
    const storyId = await createStory(server, writer);
    const many = await Promise.all(Array.from({ length: 20 }, () => connectClient(server, writer, storyId)));
    clients.push(...many);
    const before = { ...server.app.registry.commits.stats };
    for (let round = 0; round < 5; round++) {
      many.forEach((c, i) => c.doc.getText(`scratch`).insert(0, `${i}`));
    }
    await Promise.all(many.map((c) => c.provider.whenSaved()));
    const updates = server.app.registry.commits.stats.updates - before.updates;
    const transactions = server.app.registry.commits.stats.transactions - before.transactions;
    expect(updates).toBe(100);
    expect(transactions).toBeLessThan(updates);
  });
});

describe('compaction and memory', () => {
  it('folds the log into a snapshot past the threshold, and a restart loads snapshot + tail intact', async () => {
    server = await startTestServer({ env: { COMPACT_AFTER_UPDATES: '50' } });
    const { storyId, a } = await twoClients();
    setParagraphs(a.doc, 'body', ['']);
    const body = (a.doc.getXmlFragment('body').get(0) as Y.XmlElement).get(0) as Y.XmlText;
    for (let i = 0; i < 130; i++) body.insert(body.length, String.fromCharCode(97 + (i % 26)));
    await a.provider.whenSaved();
    await server.app.registry.get(storyId)!.flushed();
    const log = await server.store.loadLog(storyId);
    expect(log.snapshot).not.toBeNull();
    expect(log.updates.length).toBeLessThan(50);
    const expected = contents(a.doc);
    expect(contents(await storedDoc(server.store, storyId))).toEqual(expected);

    clients.forEach((c) => c.close());
    clients = [];
    await server.stop();
    server = await startTestServer({ dataDir: server.dataDir });
    const viewer = await createUser(server, 'viewer');
    const fresh = await connectClient(server, viewer, storyId);
    clients.push(fresh);
    expect(contents(fresh.doc)).toEqual(expected);
  });

  it('unloads stories nobody is in after the idle timeout, so memory does not grow with stories opened', async () => {
    server = await startTestServer({ env: { IDLE_UNLOAD_MS: '50' } });
    const writer = await createUser(server, 'writer');
    const storyIds: string[] = [];
    for (let i = 0; i < 30; i++) {
      const storyId = await createStory(server, writer);
      storyIds.push(storyId);
      const client = await connectClient(server, writer, storyId);
      setParagraphs(client.doc, 'headline', [`Story ${i}`]);
      await client.provider.whenSaved();
      client.close();
    }
    await eventually(() => expect(server.app.registry.size).toBe(0), 5_000);
    // Unloading lost nothing: every story reads back from storage.
    for (const [i, storyId] of storyIds.entries()) {
      expect(text(await storedDoc(server.store, storyId), 'headline')).toBe(`Story ${i}`);
    }
  }, 30_000);

  it('keeps a story in memory while someone is in it', async () => {
    server = await startTestServer({ env: { IDLE_UNLOAD_MS: '50' } });
    const { storyId } = await twoClients();
    await new Promise((r) => setTimeout(r, 300));
    expect(server.app.registry.get(storyId)).toBeDefined();
  });
});

describe('loading', () => {
  it('loads a story once for clients joining together, and none of them sees it empty', async () => {
    const { control, wrap } = controllableStore();
    server = await startTestServer({ wrapStore: wrap, env: { IDLE_UNLOAD_MS: '20' } });
    const writer = await createUser(server, 'writer');
    const storyId = await createStory(server, writer);
    const first = await connectClient(server, writer, storyId);
    setParagraphs(first.doc, 'headline', ['Already written']);
    await first.provider.whenSaved();
    first.close();
    await eventually(() => expect(server.app.registry.size).toBe(0));

    control.loads = 0;
    control.loadDelayMs = 300;
    const joiners = await Promise.all(Array.from({ length: 3 }, () => connectClient(server, writer, storyId)));
    clients.push(...joiners);
    joiners.forEach((c) => expect(text(c.doc, 'headline')).toBe('Already written'));
    expect(control.loads).toBe(1);
  });
});
