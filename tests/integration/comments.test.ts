import { randomUUID } from 'node:crypto';
import * as encoding from 'lib0/encoding';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { type GalleyClientSocket } from '../../client/lib/sync/socket';
import { COMMENT_LIMITS, COMMENTS_ROOT, type CommentOpInput, readThreads, resolveAnchor, THREAD_KEYS } from '../../shared/comments';
import type { Ack } from '../../shared/errors';
import { connectClient, createStory, eventually, setParagraphs, storedDoc, type TestClient } from '../helpers/clients';
import { call } from '../helpers/http';
import { createUser, startTestServer, type TestServer, type TestUser } from '../helpers/testServer';

const SENTENCE = 'The quick brown fox jumps over the lazy dog';

let server: TestServer;
let clients: TestClient[] = [];
let writer: TestUser;
let editor: TestUser;
let viewer: TestUser;
let storyId: string;

beforeEach(async () => {
  server = await startTestServer();
  writer = await createUser(server, 'writer', 'Ana Writer');
  editor = await createUser(server, 'editor', 'Ben Editor');
  viewer = await createUser(server, 'viewer', 'Vic Viewer');
  storyId = await createStory(server, writer);
  const first = await join(writer);
  setParagraphs(first.doc, 'headline', ['A headline']);
  setParagraphs(first.doc, 'body', [SENTENCE]);
  await first.provider.whenSaved();
});

afterEach(async () => {
  clients.forEach((c) => c.close());
  clients = [];
  await server.close();
});

async function join(user: TestUser, target: { url: string } = server): Promise<TestClient> {
  const client = await connectClient(target, user, storyId);
  clients.push(client);
  return client;
}

const send = (client: TestClient | GalleyClientSocket, op: unknown): Promise<Ack> => {
  const socket = 'provider' in client ? client.provider.socket : client;
  return socket.emitWithAck('story:comment', storyId, op as CommentOpInput);
};

const bodyText = (doc: Y.Doc) => (doc.getXmlFragment('body').get(0) as Y.XmlElement).get(0) as Y.XmlText;

/** A `start` on the word in the body's first paragraph, anchored as the editor anchors a selection. */
function startOn(
  doc: Y.Doc,
  word: string,
  body = `About “${word}”`,
  field: 'body' | 'headline' = 'body',
): Extract<CommentOpInput, { type: 'start' }> {
  const text = field === 'body' ? bodyText(doc) : ((doc.getXmlFragment(field).get(0) as Y.XmlElement).get(0) as Y.XmlText);
  const from = text.toString().indexOf(word);
  const rel = (index: number, assoc: number) => Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(text, index, assoc));
  return {
    type: 'start',
    threadId: randomUUID(),
    messageId: randomUUID(),
    field: 'body',
    start: rel(from, 0),
    end: rel(from + word.length, -1),
    quote: word,
    body,
    mentions: [],
  };
}

/** The text a thread's anchors cover now, or null when detached. */
function anchoredText(doc: Y.Doc, threadId: string): string | null {
  const thread = readThreads(doc).find((t) => t.id === threadId)!;
  const range = resolveAnchor(doc, thread);
  if (!range) return null;
  expect(range.start.type).toBe(range.end.type);
  return (range.start.type as Y.XmlText).toString().slice(range.start.index, range.end.index);
}

const updateMessage = (update: Uint8Array) => {
  const encoder = encoding.createEncoder();
  syncProtocol.writeUpdate(encoder, update);
  return encoding.toUint8Array(encoder);
};

const serverDoc = () => server.app.registry.get(storyId)!.doc;
const commentsJson = (doc: Y.Doc) => JSON.stringify(doc.getMap(COMMENTS_ROOT).toJSON());

describe('comment threads', () => {
  it('starts, replies, edits, deletes, resolves and reopens, live for everyone, stamped by the server', async () => {
    const ana = clients[0];
    const ben = await join(editor);
    const start = startOn(ana.doc, 'brown', 'Is it brown?');
    expect(await send(ana, start)).toEqual({ ok: true, data: null });
    await eventually(() => expect(readThreads(ben.doc)).toHaveLength(1));
    const [thread] = readThreads(ben.doc);
    expect(thread).toMatchObject({ id: start.threadId, field: 'body', quote: 'brown', createdBy: writer.id, resolved: null });
    expect(thread.messages).toEqual([
      {
        id: start.messageId,
        authorId: writer.id,
        authorName: 'Ana Writer',
        body: 'Is it brown?',
        mentions: [],
        createdAt: expect.any(String),
      },
    ]);

    const reply = { type: 'reply', threadId: start.threadId, messageId: randomUUID(), body: '@Ana yes, brown', mentions: [writer.id] };
    expect((await send(ben, reply)).ok).toBe(true);
    await eventually(() =>
      expect(readThreads(ana.doc)[0].messages.map((m) => [m.authorName, m.body])).toEqual([
        ['Ana Writer', 'Is it brown?'],
        ['Ben Editor', '@Ana yes, brown'],
      ]),
    );
    expect(readThreads(ana.doc)[0].messages[1].mentions).toEqual([writer.id]);

    expect((await send(ana, { type: 'edit', threadId: start.threadId, messageId: start.messageId, body: 'Is it really brown?' })).ok).toBe(
      true,
    );
    await eventually(() =>
      expect(readThreads(ben.doc)[0].messages[0]).toMatchObject({ body: 'Is it really brown?', editedAt: expect.any(String) }),
    );

    expect((await send(ben, { type: 'resolve', threadId: start.threadId })).ok).toBe(true);
    await eventually(() =>
      expect(readThreads(ana.doc)[0].resolved).toEqual({ by: editor.id, byName: 'Ben Editor', at: expect.any(String) }),
    );
    expect((await send(ana, { type: 'reopen', threadId: start.threadId })).ok).toBe(true);
    await eventually(() => expect(readThreads(ben.doc)[0].resolved).toBeNull());

    expect((await send(ben, { type: 'delete', threadId: start.threadId, messageId: reply.messageId })).ok).toBe(true);
    await eventually(() =>
      expect(readThreads(ana.doc)[0].messages[1]).toMatchObject({ deleted: true, body: '', authorName: 'Ben Editor' }),
    );
    // Once every message is deleted the thread is gone from the list, and from the open count.
    expect((await send(ana, { type: 'delete', threadId: start.threadId, messageId: start.messageId })).ok).toBe(true);
    await eventually(() => expect(readThreads(ben.doc)).toEqual([]));
    expect(await send(ben, { type: 'reply', threadId: start.threadId, messageId: randomUUID(), body: 'too late' })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
  });

  it('acknowledges only what is durable: threads are stored at the ack and survive a restart', async () => {
    const ana = clients[0];
    const start = startOn(ana.doc, 'fox');
    expect((await send(ana, start)).ok).toBe(true);
    expect(readThreads(await storedDoc(server.store, storyId)).map((t) => t.id)).toEqual([start.threadId]);
    const reply = { type: 'reply', threadId: start.threadId, messageId: randomUUID(), body: 'Noted' };
    expect((await send(ana, reply)).ok).toBe(true);
    expect(readThreads(await storedDoc(server.store, storyId))[0].messages).toHaveLength(2);

    clients.forEach((c) => c.close());
    clients = [];
    await server.stop();
    server = await startTestServer({ dataDir: server.dataDir });
    const again = await join(editor);
    const [thread] = readThreads(again.doc);
    expect(thread.messages.map((m) => m.body)).toEqual(['About “fox”', 'Noted']);
    expect(anchoredText(again.doc, thread.id)).toBe('fox');
    // The restarted server writes under a new client id, and its writes are still durable and live.
    expect((await send(again, { type: 'resolve', threadId: thread.id })).ok).toBe(true);
    expect(readThreads(await storedDoc(server.store, storyId))[0].resolved).toMatchObject({ by: editor.id });
  });

  it('treats a resent start or reply (an offline queue flushing twice) as done, once', async () => {
    const ana = clients[0];
    const ben = await join(editor);
    const start = startOn(ana.doc, 'lazy');
    const reply = { type: 'reply', threadId: start.threadId, messageId: randomUUID(), body: 'Once' };
    for (const op of [start, start, reply, reply]) expect((await send(ana, op)).ok).toBe(true);
    expect(readThreads(serverDoc())).toHaveLength(1);
    expect(readThreads(serverDoc())[0].messages).toHaveLength(2);
    // Someone else reusing those ids is not a resend.
    expect(await send(ben, reply)).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(await send(ben, { ...start, body: 'Hijack' })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(readThreads(serverDoc())[0].messages.map((m) => m.body)).toEqual(['About “lazy”', 'Once']);
  });

  it('lets a viewer comment and reply but not resolve, reopen or change the text', async () => {
    const vic = await join(viewer);
    const start = startOn(vic.doc, 'jumps');
    expect((await send(vic, start)).ok).toBe(true);
    expect((await send(vic, { type: 'reply', threadId: start.threadId, messageId: randomUUID(), body: 'And again' })).ok).toBe(true);
    expect(readThreads(serverDoc())[0].messages.map((m) => m.authorName)).toEqual(['Vic Viewer', 'Vic Viewer']);

    expect(await send(vic, { type: 'resolve', threadId: start.threadId })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect((await send(clients[0], { type: 'resolve', threadId: start.threadId })).ok).toBe(true);
    expect(await send(vic, { type: 'reopen', threadId: start.threadId })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(readThreads(serverDoc())[0].resolved).toMatchObject({ by: writer.id });

    const before = Y.encodeStateVector(vic.doc);
    bodyText(vic.doc).insert(0, 'EVIL ');
    const answer = await vic.provider.socket.emitWithAck('story:sync', storyId, updateMessage(Y.encodeStateAsUpdate(vic.doc, before)));
    expect(answer).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(bodyText(serverDoc()).toString()).toBe(SENTENCE);
  });

  it('lets nobody edit or delete someone else’s message, editors included', async () => {
    const ana = clients[0];
    const ben = await join(editor);
    const start = startOn(ana.doc, 'quick');
    expect((await send(ana, start)).ok).toBe(true);
    const before = commentsJson(serverDoc());
    for (const op of [
      { type: 'edit', threadId: start.threadId, messageId: start.messageId, body: 'Rewritten by Ben' },
      { type: 'delete', threadId: start.threadId, messageId: start.messageId },
    ]) {
      expect(await send(ben, op)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
    expect(commentsJson(serverDoc())).toBe(before);
    expect(commentsJson(await storedDoc(server.store, storyId))).toBe(before);
  });

  it('refuses bad operations with a clear error and changes nothing', async () => {
    const ana = clients[0];
    const start = startOn(ana.doc, 'over');
    expect((await send(ana, start)).ok).toBe(true);
    const retired = await createUser(server, 'writer', 'Retired Rita');
    await server.store.updateUser(retired.id, { deactivatedAt: new Date().toISOString() });
    const headlineAnchor = startOn(ana.doc, 'headline', 'x', 'headline');
    const garbage = Uint8Array.of(0, 200, 200, 200, 200);
    const unknownItem = Y.encodeRelativePosition(Y.createRelativePositionFromJSON({ item: { client: 12345, clock: 99 }, assoc: 0 }));
    const reply = (extra: object) => ({ type: 'reply', threadId: start.threadId, messageId: randomUUID(), body: 'Hello', ...extra });
    const cases: [string, unknown, string][] = [
      ['no type', { threadId: start.threadId }, 'bad_request'],
      ['an unknown type', { type: 'erase', threadId: start.threadId }, 'bad_request'],
      ['a thread id that is not a uuid', reply({ threadId: 'nope' }), 'bad_request'],
      ['an author set by the client', reply({ authorId: editor.id }), 'bad_request'],
      ['a resolution set by the client', { type: 'resolve', threadId: start.threadId, by: editor.id }, 'bad_request'],
      ['an empty body', reply({ body: '   ' }), 'bad_request'],
      ['an oversized body', reply({ body: 'x'.repeat(COMMENT_LIMITS.bodyMaxChars + 1) }), 'bad_request'],
      ['a string for an op', 'start', 'bad_request'],
      ['too many mentions', reply({ mentions: Array.from({ length: COMMENT_LIMITS.mentionsMax + 1 }, () => randomUUID()) }), 'bad_request'],
      ['a mention of nobody', reply({ mentions: [randomUUID()] }), 'invalid'],
      ['a mention of a deactivated account', reply({ mentions: [retired.id] }), 'invalid'],
      ['a reply to an unknown thread', reply({ threadId: randomUUID() }), 'not_found'],
      ['a resolve of an unknown thread', { type: 'resolve', threadId: randomUUID() }, 'not_found'],
      ['an edit of an unknown message', { type: 'edit', threadId: start.threadId, messageId: randomUUID(), body: 'x' }, 'not_found'],
      ['an anchor into another field', { ...startOn(ana.doc, 'quick'), start: headlineAnchor.start }, 'invalid'],
      [
        'an anchor naming another root',
        {
          ...startOn(ana.doc, 'quick'),
          end: Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(ana.doc.getMap(COMMENTS_ROOT), 0)),
        },
        'invalid',
      ],
      ['a garbage anchor', { ...startOn(ana.doc, 'quick'), start: garbage }, 'invalid'],
      ['an anchor at text the server does not have', { ...startOn(ana.doc, 'quick'), end: unknownItem }, 'invalid'],
      [
        'an anchor over the size limit',
        { ...startOn(ana.doc, 'quick'), start: new Uint8Array(COMMENT_LIMITS.anchorMaxBytes + 1) },
        'too_large',
      ],
      ['an anchor that is not binary', { ...startOn(ana.doc, 'quick'), start: 'AAEC' }, 'bad_request'],
    ];
    const before = commentsJson(serverDoc());
    for (const [name, op, code] of cases) {
      const answer = await send(ana, op);
      expect(answer, name).toMatchObject({ ok: false, error: { code } });
      if (!answer.ok) expect(answer.error.message.length, name).toBeGreaterThan(5);
    }
    const notJoined = await ana.provider.socket.emitWithAck('story:comment', randomUUID(), reply({}) as CommentOpInput);
    expect(notJoined).toMatchObject({ ok: false, error: { code: 'not_joined' } });
    expect(commentsJson(serverDoc())).toBe(before);
    expect(commentsJson(await storedDoc(server.store, storyId))).toBe(before);
    expect(bodyText(serverDoc()).toString()).toBe(SENTENCE);
  });

  it('keeps threads and messages within their limits', async () => {
    const limits = COMMENT_LIMITS as { -readonly [K in keyof typeof COMMENT_LIMITS]: number };
    const saved = { ...limits };
    Object.assign(limits, { messagesPerThread: 2, threadsPerStory: 2 });
    try {
      const ana = clients[0];
      const start = startOn(ana.doc, 'dog');
      expect((await send(ana, start)).ok).toBe(true);
      expect((await send(ana, { type: 'reply', threadId: start.threadId, messageId: randomUUID(), body: 'two' })).ok).toBe(true);
      expect(await send(ana, { type: 'reply', threadId: start.threadId, messageId: randomUUID(), body: 'three' })).toMatchObject({
        ok: false,
        error: { code: 'conflict' },
      });
      expect((await send(ana, startOn(ana.doc, 'fox'))).ok).toBe(true);
      expect(await send(ana, startOn(ana.doc, 'lazy'))).toMatchObject({ ok: false, error: { code: 'conflict' } });
      expect(readThreads(serverDoc()).map((t) => t.messages.length)).toEqual([2, 1]);
    } finally {
      Object.assign(limits, saved);
    }
  });
});

describe('the comments part of the document', () => {
  /** What a writer's Yjs client sends after making `forge` on a copy of the story as the server has it. */
  function forged(forge: (doc: Y.Doc) => void, step2 = false, keepDeletes = true): Uint8Array {
    const doc = new Y.Doc();
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(serverDoc()));
    const before = Y.encodeStateVector(doc);
    forge(doc);
    const update = Y.encodeStateAsUpdate(doc, before);
    // A v1 update ends with the document's delete set; with no structs, it is all there is after one 0 byte.
    const deletes = Y.encodeStateAsUpdate(doc, Y.encodeStateVector(doc)).length - 1;
    const sent = keepDeletes ? update : Uint8Array.of(...update.subarray(0, update.length - deletes), 0);
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, step2 ? syncProtocol.messageYjsSyncStep2 : syncProtocol.messageYjsUpdate);
    encoding.writeVarUint8Array(encoder, sent);
    return encoding.toUint8Array(encoder);
  }

  it('refuses client Yjs updates that insert into or delete from comments, and changes nothing', async () => {
    const ana = clients[0];
    const start = startOn(ana.doc, 'brown');
    expect((await send(ana, start)).ok).toBe(true);
    const before = commentsJson(serverDoc());
    const thread = (d: Y.Doc) => d.getMap<Y.Map<unknown>>(COMMENTS_ROOT).get(start.threadId)!;
    const messages = (d: Y.Doc) => thread(d).get(THREAD_KEYS.messages) as Y.Map<unknown>;
    const fake = { id: 'x', authorId: editor.id, authorName: 'Ben Editor', body: 'EVIL', mentions: [], createdAt: '' };

    const forgeries: [string, (d: Y.Doc) => void, boolean?, boolean?][] = [
      ['a new thread', (d) => d.getMap(COMMENTS_ROOT).set(randomUUID(), new Y.Map())],
      [
        'a forged resolution',
        (d) => thread(d).set(THREAD_KEYS.resolved, { by: editor.id, byName: 'Ben Editor', at: new Date().toISOString() }),
      ],
      ['a forged message', (d) => messages(d).set(randomUUID(), fake)],
      ['a rewritten message', (d) => messages(d).set(start.messageId, { ...fake, id: start.messageId })],
      ['text typed into a thread', (d) => thread(d).set('note', new Y.Text('EVIL'))],
      ['a deleted message', (d) => messages(d).delete(start.messageId)],
      ['a deleted thread', (d) => d.getMap(COMMENTS_ROOT).delete(start.threadId)],
      [
        'typing with a forged message on the side',
        (d) =>
          d.transact(() => {
            bodyText(d).insert(0, 'EVIL ');
            messages(d).set(randomUUID(), fake);
          }),
      ],
      ['a forged message in a sync step 2', (d) => messages(d).set(randomUUID(), fake), true],
      ['a deleted message in a sync step 2', (d) => messages(d).delete(start.messageId), true],
      // Yjs deletes a map key's old value itself when the new one arrives: the insert alone must be refused.
      ['a forged resolution sent without its deletion', (d) => thread(d).set(THREAD_KEYS.resolved, { by: editor.id }), false, false],
    ];
    for (const [name, forge, step2, keepDeletes] of forgeries) {
      const answer = await ana.provider.socket.emitWithAck('story:sync', storyId, forged(forge, step2, keepDeletes));
      expect(answer, name).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
    expect(commentsJson(serverDoc())).toBe(before);
    expect(commentsJson(await storedDoc(server.store, storyId))).toBe(before);
    expect(bodyText(serverDoc()).toString()).toBe(SENTENCE);
    expect(JSON.stringify(serverDoc().toJSON())).not.toContain('EVIL');
    // Honest typing, and the server's own comment writes, still go through; a client's full
    // delete set (which lists what the server deleted under comments) is no forgery either.
    expect((await send(ana, { type: 'resolve', threadId: start.threadId })).ok).toBe(true);
    expect(
      (
        await ana.provider.socket.emitWithAck(
          'story:sync',
          storyId,
          forged((d) => bodyText(d).insert(0, 'Fine: '), true),
        )
      ).ok,
    ).toBe(true);
    expect(bodyText(serverDoc()).toString()).toBe(`Fine: ${SENTENCE}`);
  });
});

describe('anchoring', () => {
  it('keeps a thread on its word while two people edit before and inside it at the same time', async () => {
    const ana = clients[0];
    const ben = await join(editor);
    const start = startOn(ana.doc, 'brown');
    expect((await send(ana, start)).ok).toBe(true);
    await eventually(() => expect(readThreads(ben.doc)).toHaveLength(1));

    // Concurrent: both edit before either hears of the other.
    const anaText = bodyText(ana.doc);
    const benText = bodyText(ben.doc);
    ana.doc.transact(() => {
      anaText.delete(0, 'The '.length); // before the range
      anaText.insert('quick '.length, 'big '); // right before the word: outside the range
    });
    ben.doc.transact(() => {
      const o = SENTENCE.indexOf('brown') + 2;
      benText.delete(o, 1); // inside the word
      benText.insert(o, 'OO');
      benText.insert(0, 'Look: '); // before the range
    });
    await Promise.all([ana.provider.whenSaved(), ben.provider.whenSaved()]);
    const expected = 'Look: quick big brOOwn fox jumps over the lazy dog';
    await eventually(() => {
      for (const doc of [ana.doc, ben.doc, serverDoc()]) expect(bodyText(doc).toString()).toBe(expected);
    });
    for (const doc of [ana.doc, ben.doc, serverDoc()]) expect(anchoredText(doc, start.threadId)).toBe('brOOwn');

    // Everyone's further typing around it keeps it in place too.
    bodyText(ben.doc).insert(expected.indexOf(' fox'), 'ish');
    bodyText(ana.doc).insert(0, '>> ');
    await Promise.all([ana.provider.whenSaved(), ben.provider.whenSaved()]);
    await eventually(() => expect(anchoredText(ben.doc, start.threadId)).toBe('brOOwn'));
    expect(anchoredText(ana.doc, start.threadId)).toBe('brOOwn');
  });

  it('shows a thread whose text was deleted as detached, not lost', async () => {
    const ana = clients[0];
    const ben = await join(editor);
    const word = startOn(ana.doc, 'quick');
    const paragraph = startOn(ana.doc, 'lazy');
    for (const op of [word, paragraph]) expect((await send(ana, op)).ok).toBe(true);
    await eventually(() => expect(readThreads(ben.doc)).toHaveLength(2));

    bodyText(ben.doc).delete(SENTENCE.indexOf('quick'), 'quick '.length);
    await ben.provider.whenSaved();
    await eventually(() => expect(anchoredText(ana.doc, word.threadId)).toBeNull());
    expect(anchoredText(ana.doc, paragraph.threadId)).toBe('lazy');

    // A whole paragraph replaced (as a paste over it does): its thread is detached too.
    setParagraphs(ben.doc, 'body', ['Something else entirely']);
    await ben.provider.whenSaved();
    await eventually(() => expect(anchoredText(ana.doc, paragraph.threadId)).toBeNull());
    const detached = readThreads(ana.doc).find((t) => t.id === paragraph.threadId)!;
    expect(detached.quote).toBe('lazy');
    expect(detached.messages).toHaveLength(1);
  });
});

describe('the newsroom list', () => {
  it('shows how many threads are open in each story, live, and whom they mention', async () => {
    const ana = clients[0];
    const watcher = clients[0].provider.socket;
    await watcher.emitWithAck('newsroom:watch');
    let changed = 0;
    watcher.on('newsroom:changed', (id) => id === storyId && changed++);
    const listed = async (user: TestUser) => {
      const answer = await call(server, 'GET', '/api/stories', { user });
      return answer.body.stories.find((s: { id: string }) => s.id === storyId);
    };
    const openCount = async () => (await listed(viewer)).openComments;
    const mentioned = async () => [
      (await listed(viewer)).mentionsYou,
      (await listed(editor)).mentionsYou,
      (await listed(writer)).mentionsYou,
    ];
    expect(await openCount()).toBe(0);
    // The text written before has reached the list: its "last edited" is the one comments must leave alone.
    await eventually(async () => expect((await listed(viewer)).headline).toBe('A headline'));
    const lastEdited = (await listed(viewer)).updatedAt;
    const threads = [
      { ...startOn(ana.doc, 'quick'), mentions: [viewer.id] },
      { ...startOn(ana.doc, 'fox'), mentions: [editor.id] },
      startOn(ana.doc, 'dog'),
    ];
    for (const op of threads) expect((await send(ana, op)).ok).toBe(true);
    await eventually(() => expect(openCount()).resolves.toBe(3));
    expect(changed).toBeGreaterThan(0);
    expect(await mentioned()).toEqual([true, true, false]);
    // A resolved thread mentions nobody any more.
    expect((await send(ana, { type: 'resolve', threadId: threads[0].threadId })).ok).toBe(true);
    await eventually(() => expect(openCount()).resolves.toBe(2));
    expect(await mentioned()).toEqual([false, true, false]);
    const detail = await call(server, 'GET', `/api/stories/${storyId}`, { user: editor });
    expect(detail.body.story).toMatchObject({ openComments: 2, mentionsYou: true });
    // Comment activity is not an edit to the story; typing is.
    expect((await listed(viewer)).updatedAt).toBe(lastEdited);
    setParagraphs(ana.doc, 'headline', ['A sharper headline']);
    await eventually(async () => expect((await listed(viewer)).updatedAt).not.toBe(lastEdited));
  });
});
