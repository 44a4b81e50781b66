import { randomUUID } from 'node:crypto';
import * as encoding from 'lib0/encoding';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Awareness, encodeAwarenessUpdate } from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { type GalleyClientSocket, closeSocket, connectSocket } from '../../client/lib/sync/socket';
import { LIMITS } from '../../shared/limits';
import { PROVENANCE_ROOT } from '../../shared/provenance';
import { PROTOCOL_VERSION } from '../../shared/protocol';
import { STORY_FIELDS } from '../../shared/story';
import { connectClient, createStory, eventually, setParagraphs, storedDoc, type TestClient } from '../helpers/clients';
import { createUser, startTestServer, type TestServer, type TestUser } from '../helpers/testServer';

let server: TestServer;
let storyId: string;
let otherStoryId: string;
/** A story in the Trash: as good as gone. */
let trashedStoryId: string;
let editorA: TestClient;
let editorB: TestClient;
let attackerUser: TestUser;
let viewerUser: TestUser;
let honestAna: TestUser;

const contents = (doc: Y.Doc) => JSON.stringify(STORY_FIELDS.map((f) => doc.getXmlFragment(f).toJSON()));

beforeAll(async () => {
  server = await startTestServer();
  const a = (honestAna = await createUser(server, 'editor', 'Honest Ana'));
  const b = await createUser(server, 'writer', 'Honest Ben');
  attackerUser = await createUser(server, 'writer', 'Mallory');
  viewerUser = await createUser(server, 'viewer', 'Val Viewer');
  storyId = await createStory(server, a);
  otherStoryId = await createStory(server, a);
  trashedStoryId = await createStory(server, a);
  await server.store.trashStory(trashedStoryId, { id: a.id, name: a.name }, new Date().toISOString());
  editorA = await connectClient(server, a, storyId);
  editorB = await connectClient(server, b, storyId);
  setParagraphs(editorA.doc, 'headline', ['Intact headline']);
  setParagraphs(editorA.doc, 'body', ['Intact body.']);
  editorA.provider.awareness.setLocalStateField('field', 'body');
  await editorA.provider.whenSaved();
  await eventually(() => expect(contents(editorB.doc)).toBe(contents(editorA.doc)));
});

// Also after a setup that failed half-way: its own error is the one to read.
afterAll(async () => {
  editorA?.close();
  editorB?.close();
  await server?.close();
});

/** A raw, joined Socket.IO connection with no client-side guard rails. */
async function attacker(user: TestUser = attackerUser, join = true): Promise<GalleyClientSocket> {
  const socket = connectSocket(server.url, { cookie: user.cookie });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  if (join) {
    const answer = await socket.emitWithAck('story:join', { storyId, protocolVersion: PROTOCOL_VERSION });
    expect(answer.ok).toBe(true);
  }
  return socket;
}

type Answer = { ok: boolean; error?: { code: string; message: string } };

/** Sends through `send` and returns the ack, or the protocol:error event for ack-less messages. */
function answerOf(socket: GalleyClientSocket, send: (ack: (a: Answer) => void) => void): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no answer')), 3_000);
    socket.once('protocol:error', (error) => {
      clearTimeout(timer);
      resolve({ ok: false, error });
    });
    send((answer) => {
      clearTimeout(timer);
      resolve(answer);
    });
  });
}

const syncMessage = (type: number, payload: Uint8Array) => {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, type);
  encoding.writeVarUint8Array(encoder, payload);
  return encoding.toUint8Array(encoder);
};
const updateMessage = (update: Uint8Array) => syncMessage(syncProtocol.messageYjsUpdate, update);

/** An update written by a fresh doc with the given client id. */
function evilUpdate(clientId?: number, v2 = false): Uint8Array {
  const doc = new Y.Doc();
  if (clientId !== undefined) doc.clientID = clientId;
  const p = new Y.XmlElement('paragraph');
  p.insert(0, [new Y.XmlText('EVIL')]);
  doc.getXmlFragment('body').insert(0, [p]);
  return v2 ? Y.encodeStateAsUpdateV2(doc) : Y.encodeStateAsUpdate(doc);
}

function awarenessUpdate(clientId: number, state: unknown): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, 1);
  encoding.writeVarUint(encoder, clientId);
  encoding.writeVarUint(encoder, 99);
  encoding.writeVarString(encoder, JSON.stringify(state));
  return encoding.toUint8Array(encoder);
}

/** The id of the first character of a one-paragraph field's text, in Honest Ana's copy (she wrote it). */
function firstCharacter(field: string): { client: number; clock: number } {
  const text = (editorA.doc.getXmlFragment(field).get(0) as Y.XmlElement).get(0) as Y.XmlText;
  return { client: text._start!.id.client, clock: text._start!.id.clock };
}
const at = (id: { client: number; clock: number }, offset: number) => ({ client: id.client, clock: id.clock + offset });

type Case = [name: string, code: string, send: (socket: GalleyClientSocket, ack: (a: Answer) => void) => void, user?: () => TestUser];

const cases: Case[] = [
  ['an unknown event name', 'bad_request', (s, ack) => (s as any).emit('story:delete', storyId, ack)],
  ['a string instead of binary', 'bad_request', (s, ack) => s.emit('story:sync', storyId, 'hello' as any, ack)],
  ['a number instead of binary', 'bad_request', (s, ack) => s.emit('story:sync', storyId, 42 as any, ack)],
  ['an object instead of binary', 'bad_request', (s, ack) => s.emit('story:sync', storyId, { length: 3 } as any, ack)],
  ['an empty message', 'bad_request', (s, ack) => s.emit('story:sync', storyId, new Uint8Array(0), ack)],
  ['an unknown sync message kind', 'bad_request', (s, ack) => s.emit('story:sync', storyId, Uint8Array.of(7, 1, 0), ack)],
  ['a truncated sync message', 'bad_request', (s, ack) => s.emit('story:sync', storyId, Uint8Array.of(2, 50, 1, 2), ack)],
  ['trailing bytes after a sync message', 'bad_request', (s, ack) => s.emit('story:sync', storyId, Uint8Array.of(0, 0, 9, 9), ack)],
  [
    'an update Yjs cannot decode',
    'invalid',
    (s, ack) => s.emit('story:sync', storyId, updateMessage(Uint8Array.of(1, 200, 200, 200, 1, 0)), ack),
  ],
  ['an update in Yjs v2 format', 'invalid', (s, ack) => s.emit('story:sync', storyId, updateMessage(evilUpdate(4242, true)), ack)],
  [
    'an update missing the updates it depends on',
    'incomplete',
    (s, ack) => {
      const doc = new Y.Doc();
      doc.clientID = 5151;
      doc.getText('scratch').insert(0, 'a');
      const before = Y.encodeStateVector(doc);
      doc.getText('scratch').insert(1, 'EVIL');
      s.emit('story:sync', storyId, updateMessage(Y.encodeStateAsUpdate(doc, before)), ack);
    },
  ],
  [
    'an update inserting next to content the server never had',
    'incomplete',
    (s, ack) => {
      // Its own clocks start at 0 (no gap), but the insert's origin is another doc's item the server lacks.
      const unseen = new Y.Doc();
      unseen.clientID = 7171;
      unseen.getText('scratch').insert(0, 'unseen');
      const doc = new Y.Doc();
      doc.clientID = 7272;
      Y.applyUpdate(doc, Y.encodeStateAsUpdate(unseen));
      const before = Y.encodeStateVector(doc);
      doc.getText('scratch').insert(3, 'EVIL');
      s.emit('story:sync', storyId, updateMessage(Y.encodeStateAsUpdate(doc, before)), ack);
    },
  ],
  [
    'an update deleting content the server never had',
    'incomplete',
    (s, ack) => {
      const doc = new Y.Doc();
      doc.clientID = 6161;
      doc.getText('scratch').insert(0, 'EVIL');
      const before = Y.encodeStateVector(doc);
      doc.getText('scratch').delete(0, 2);
      s.emit('story:sync', storyId, updateMessage(Y.encodeStateAsUpdate(doc, before)), ack);
    },
  ],
  [
    'an update forging another user’s Yjs client id',
    'forbidden',
    (s, ack) => {
      // Claims clocks past Ana's current ones, which would swallow her next edits.
      const doc = new Y.Doc();
      doc.clientID = editorA.doc.clientID;
      const known = Y.getState(server.app.registry.get(storyId)!.doc.store, doc.clientID);
      doc.getText('check').insert(0, `EVIL${'x'.repeat(known + 10)}`);
      s.emit('story:sync', storyId, updateMessage(Y.encodeStateAsUpdate(doc)), ack);
    },
  ],
  [
    'an update over the size limit',
    'too_large',
    (s, ack) => s.emit('story:sync', storyId, new Uint8Array(LIMITS.maxMessageBytes + 10), ack),
  ],
  [
    'a step 1 with a malformed state vector',
    'bad_request',
    (s, ack) => s.emit('story:sync', storyId, syncMessage(0, Uint8Array.of(255, 255, 255)), ack),
  ],
  ['a viewer’s update', 'forbidden', (s, ack) => s.emit('story:sync', storyId, updateMessage(evilUpdate()), ack), () => viewerUser],
  ['a sync for a story not joined', 'not_joined', (s, ack) => s.emit('story:sync', otherStoryId, updateMessage(evilUpdate()), ack)],
  [
    'a sync whose story id is not a string',
    'not_joined',
    (s, ack) => s.emit('story:sync', { id: storyId } as any, updateMessage(evilUpdate()), ack),
  ],
  ['a sync without an ack callback', 'bad_request', (s) => s.emit('story:sync', storyId, 'no ack' as any, undefined as any)],
  ['awareness as a string', 'bad_request', (s) => s.emit('story:awareness', storyId, 'hi' as any)],
  ['awareness garbage bytes', 'bad_request', (s) => s.emit('story:awareness', storyId, Uint8Array.of(200))],
  [
    'awareness with invalid JSON',
    'bad_request',
    (s) => {
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, 1);
      encoding.writeVarUint(encoder, 7);
      encoding.writeVarUint(encoder, 1);
      encoding.writeVarString(encoder, '{"user":');
      s.emit('story:awareness', storyId, encoding.toUint8Array(encoder));
    },
  ],
  [
    'awareness setting another connection’s state',
    'forbidden',
    (s) => s.emit('story:awareness', storyId, awarenessUpdate(editorA.doc.clientID, { field: 'headline', user: { name: 'EVIL' } })),
  ],
  [
    'awareness removing another connection’s state',
    'forbidden',
    (s) => s.emit('story:awareness', storyId, awarenessUpdate(editorA.doc.clientID, null)),
  ],
  ['awareness over the size limit', 'too_large', (s) => s.emit('story:awareness', storyId, new Uint8Array(LIMITS.maxAwarenessBytes + 1))],
  [
    'awareness with too many states',
    'bad_request',
    (s) => {
      const doc = new Y.Doc();
      const awareness = new Awareness(doc);
      const update = encodeAwarenessUpdate(
        awareness,
        Array.from({ length: 65 }, () => doc.clientID),
      );
      awareness.destroy();
      s.emit('story:awareness', storyId, update);
    },
  ],
  [
    'a join with a malformed body',
    'bad_request',
    (s, ack) => s.emit('story:join', { storyId: 'nope', protocolVersion: 1, extra: 1 } as any, ack as any),
  ],
  [
    'a join with a state vector that does not decode',
    'bad_request',
    (s, ack) => s.emit('story:join', { storyId, protocolVersion: PROTOCOL_VERSION, stateVector: Uint8Array.of(255, 255, 255) }, ack as any),
  ],
  [
    'a join with a state vector that is not binary',
    'bad_request',
    (s, ack) => s.emit('story:join', { storyId, protocolVersion: PROTOCOL_VERSION, stateVector: 'abc' as any }, ack as any),
  ],
  [
    'a join with a state vector over the size limit',
    'too_large',
    (s, ack) =>
      s.emit(
        'story:join',
        { storyId, protocolVersion: PROTOCOL_VERSION, stateVector: new Uint8Array(LIMITS.maxMessageBytes + 1) },
        ack as any,
      ),
  ],
  [
    'a join speaking another protocol version',
    'protocol_mismatch',
    (s, ack) => s.emit('story:join', { storyId, protocolVersion: 999 }, ack as any),
  ],
  ['a comment operation that is not one', 'bad_request', (s, ack) => s.emit('story:comment', storyId, { type: 'erase' } as any, ack)],
  [
    'a comment carrying its own author',
    'bad_request',
    (s, ack) =>
      s.emit(
        'story:comment',
        storyId,
        { type: 'reply', threadId: randomUUID(), messageId: randomUUID(), body: 'hi', authorId: randomUUID() } as any,
        ack,
      ),
  ],
  [
    'a comment anchored in garbage',
    'invalid',
    (s, ack) =>
      s.emit(
        'story:comment',
        storyId,
        {
          type: 'start',
          threadId: randomUUID(),
          messageId: randomUUID(),
          field: 'body',
          start: Uint8Array.of(0, 250, 250),
          end: Uint8Array.of(0, 250, 250),
          quote: '',
          body: 'EVIL',
        },
        ack,
      ),
  ],
  [
    'a comment for a story not joined',
    'not_joined',
    (s, ack) => s.emit('story:comment', otherStoryId, { type: 'resolve', threadId: randomUUID() }, ack),
  ],
  [
    'a Yjs update writing into comments',
    'forbidden',
    (s, ack) => {
      const doc = new Y.Doc();
      doc.getMap('comments').set(randomUUID(), 'EVIL');
      s.emit('story:sync', storyId, updateMessage(Y.encodeStateAsUpdate(doc)), ack);
    },
  ],
  [
    'a Yjs update naming itself the author of a suggestion',
    'forbidden',
    (s, ack) => {
      const doc = new Y.Doc();
      doc.getMap('suggestionAuthors').set('body:string:i1', 'someone-else');
      s.emit('story:sync', storyId, updateMessage(Y.encodeStateAsUpdate(doc)), ack);
    },
  ],
  [
    'a Yjs update writing into the provenance record',
    'forbidden',
    (s, ack) => {
      const doc = new Y.Doc();
      doc.getMap(PROVENANCE_ROOT).set(`${doc.clientID}:0`, { length: 4, author: randomUUID() });
      s.emit('story:sync', storyId, updateMessage(Y.encodeStateAsUpdate(doc)), ack);
    },
  ],
  ['a provenance claim that is not one', 'bad_request', (s, ack) => s.emit('story:provenance', storyId, { copies: 'all' } as any, ack)],
  [
    'a provenance claim naming the author itself',
    'bad_request',
    (s, ack) =>
      s.emit(
        'story:provenance',
        storyId,
        { copies: [{ to: firstCharacter('headline'), from: firstCharacter('body'), length: 1, author: randomUUID() }] } as any,
        ack,
      ),
  ],
  [
    'a provenance claim of too many copies',
    'bad_request',
    (s, ack) => {
      const copy = { to: { client: 1, clock: 0 }, from: { client: 2, clock: 0 }, length: 1 };
      s.emit('story:provenance', storyId, { copies: Array.from({ length: LIMITS.copiesPerClaim + 1 }, () => copy) }, ack);
    },
  ],
  [
    'a provenance claim of too much text',
    'too_large',
    (s, ack) => {
      const copy = { to: firstCharacter('headline'), from: firstCharacter('body'), length: LIMITS.copiedCharsPerClaim };
      s.emit('story:provenance', storyId, { copies: [copy, copy] }, ack);
    },
  ],
  [
    'a provenance claim for text someone else wrote',
    'forbidden',
    (s, ack) =>
      s.emit('story:provenance', storyId, { copies: [{ to: firstCharacter('headline'), from: firstCharacter('body'), length: 6 }] }, ack),
  ],
  [
    'a provenance claim for items that do not exist',
    'invalid',
    (s, ack) =>
      s.emit(
        'story:provenance',
        storyId,
        { copies: [{ to: at(firstCharacter('headline'), 100_000), from: firstCharacter('body'), length: 6 }] },
        ack,
      ),
    () => honestAna,
  ],
  [
    'a provenance claim whose copy holds other text than its original',
    'invalid',
    // "headl" is not a copy of "body."
    (s, ack) =>
      s.emit(
        'story:provenance',
        storyId,
        { copies: [{ to: at(firstCharacter('headline'), 7), from: at(firstCharacter('body'), 7), length: 5 }] },
        ack,
      ),
    () => honestAna,
  ],
  [
    'a viewer’s provenance claim',
    'forbidden',
    (s, ack) =>
      s.emit('story:provenance', storyId, { copies: [{ to: firstCharacter('headline'), from: firstCharacter('body'), length: 6 }] }, ack),
    () => viewerUser,
  ],
  [
    'a provenance claim for a story not joined',
    'not_joined',
    (s, ack) =>
      s.emit(
        'story:provenance',
        otherStoryId,
        { copies: [{ to: firstCharacter('headline'), from: firstCharacter('body'), length: 6 }] },
        ack,
      ),
  ],
  [
    'a join for a story that does not exist',
    'not_found',
    (s, ack) => s.emit('story:join', { storyId: '00000000-0000-4000-8000-000000000001', protocolVersion: PROTOCOL_VERSION }, ack as any),
  ],
  [
    'a join for a story in the Trash',
    'not_found',
    (s, ack) => s.emit('story:join', { storyId: trashedStoryId, protocolVersion: PROTOCOL_VERSION }, ack as any),
  ],
];

describe('bad input', () => {
  it('covers at least 25 distinct bad inputs', () => {
    expect(new Set(cases.map(([name]) => name)).size).toBeGreaterThanOrEqual(25);
  });

  it.each(cases)('refuses %s with a clear error, and nothing else changes', async (_name, code, send, user) => {
    const before = contents(server.app.registry.get(storyId)!.doc);
    const provenance = (doc: Y.Doc) => JSON.stringify(doc.getMap(PROVENANCE_ROOT).toJSON());
    const provenanceBefore = provenance(server.app.registry.get(storyId)!.doc);
    const socket = await attacker(user?.());
    try {
      const answer = await answerOf(socket, (ack) => send(socket, ack));
      expect(answer).toMatchObject({ ok: false, error: { code } });
      expect(answer.error!.message.length).toBeGreaterThan(5);

      // The server is alive and the document unchanged, in memory and in storage.
      expect((await fetch(`${server.url}/api/setup`)).status).toBe(200);
      const live = server.app.registry.get(storyId)!.doc;
      expect(contents(live)).toBe(before);
      expect(contents(await storedDoc(server.store, storyId))).toBe(before);
      expect(provenance(live)).toBe(provenanceBefore);
      expect(JSON.stringify(live.toJSON())).not.toContain('EVIL');
      // Nothing is left waiting in the server's copy either (held-back parts are never kept as Yjs pending state).
      expect(live.store.pendingStructs).toBeNull();
      expect(live.store.pendingDs).toBeNull();
      expect(editorB.provider.awareness.getStates().get(editorA.doc.clientID)?.user?.name).toBe('Honest Ana');

      // The other editors are unaffected: an honest edit still goes through to everyone.
      const marker = `ok ${Math.random().toString(36).slice(2, 8)}`;
      editorA.doc.getText('check').insert(0, marker);
      await eventually(() => expect(editorB.doc.getText('check').toString()).toContain(marker));
      await editorA.provider.whenSaved();
      expect((await storedDoc(server.store, storyId)).getText('check').toString()).toContain(marker);
    } finally {
      closeSocket(socket);
    }
  });

  it('changes nothing for an update that repeats another’s known clocks with an origin inside an emoji', async () => {
    setParagraphs(editorA.doc, 'standfirst', ['a😀zzzz']);
    await editorA.provider.whenSaved();
    await eventually(() => expect(editorB.doc.getXmlFragment('standfirst').toString()).toContain('😀'));
    const live = server.app.registry.get(storyId)!.doc;
    const before = contents(live);
    const ana = editorA.doc.clientID;
    // Where Ana's emoji sits in her clocks: Yjs counts it as two units, and a split between them breaks it.
    const item = live.store.clients
      .get(ana)!
      .find((s) => s instanceof Y.Item && s.content instanceof Y.ContentString && s.content.str.includes('😀')) as Y.Item;
    const emojiAt = item.id.clock + (item.content as Y.ContentString).str.indexOf('😀');
    expect(emojiAt + 2).toBeLessThan(Y.getState(live.store, ana));
    // Under Ana's id and within clocks she already has: characters, then one anchored between the emoji's halves.
    const forged = new Y.Doc();
    forged.clientID = ana;
    forged.getText('forged').insert(0, 'x'.repeat(emojiAt + 2));
    forged.getText('forged').insert(emojiAt + 1, 'X');
    const socket = await attacker();
    try {
      const answer = await answerOf(socket, (ack) => socket.emit('story:sync', storyId, updateMessage(Y.encodeStateAsUpdate(forged)), ack));
      expect(answer.ok).toBe(true);
      // Nothing in it was new, so nothing changed: not in memory, not for someone joining, not in storage.
      expect(contents(live)).toBe(before);
      const joiner = await connectClient(server, viewerUser, storyId);
      try {
        expect(joiner.doc.getXmlFragment('standfirst').toString()).toContain('a😀zzzz');
        expect(contents(joiner.doc)).toBe(contents(await storedDoc(server.store, storyId)));
      } finally {
        joiner.close();
      }
    } finally {
      closeSocket(socket);
    }
  });

  it('refuses an item placed after its right neighbour, which would put replays of the story out of order', async () => {
    setParagraphs(editorA.doc, 'byline', ['abcdefgh']);
    await editorA.provider.whenSaved();
    const live = server.app.registry.get(storyId)!.doc;
    await eventually(() => expect(live.getXmlFragment('byline').toString()).toContain('abcdefgh'));
    const before = contents(live);
    // A copy of the story, then one character typed into the byline under the attacker's own new id,
    // whose right origin is rewritten to a character before its origin: "after the f, before the c".
    const forged = new Y.Doc();
    Y.applyUpdate(forged, Y.encodeStateAsUpdate(live));
    const text = (forged.getXmlFragment('byline').get(0) as Y.XmlElement).get(0) as Y.XmlText;
    expect(text.toString()).toBe('abcdefgh');
    text.insert(6, 'X');
    const item = forged.store.clients.get(forged.clientID)![0] as Y.Item;
    const c = Y.createID(item.origin!.client, item.origin!.clock - 3);
    item.rightOrigin = c;
    const socket = await attacker();
    try {
      const update = Y.encodeStateAsUpdate(forged, Y.encodeStateVector(live));
      const answer = await answerOf(socket, (ack) => socket.emit('story:sync', storyId, updateMessage(update), ack));
      expect(answer).toMatchObject({ ok: false, error: { code: 'invalid' } });
      expect(contents(live)).toBe(before);
      // Replays agree: someone joining sees what storage holds, and both what memory holds.
      const joiner = await connectClient(server, viewerUser, storyId);
      try {
        expect(contents(joiner.doc)).toBe(before);
        expect(contents(await storedDoc(server.store, storyId))).toBe(before);
      } finally {
        joiner.close();
      }
    } finally {
      closeSocket(socket);
    }
  });

  it('refuses an item placed after its right neighbour when both are new in the same update', async () => {
    const live = server.app.registry.get(storyId)!.doc;
    const before = contents(live);
    // New text in the standfirst under the attacker's own new id, then a character "after the b, before the a" of it.
    const forged = new Y.Doc();
    Y.applyUpdate(forged, Y.encodeStateAsUpdate(live));
    const paragraph = new Y.XmlElement('paragraph');
    const fragment = forged.getXmlFragment('standfirst');
    fragment.insert(fragment.length, [paragraph]);
    const text = new Y.XmlText();
    paragraph.insert(0, [text]);
    text.insert(0, 'abcd');
    text.insert(2, 'X');
    const own = forged.store.clients.get(forged.clientID)!;
    const x = own.find((s) => s instanceof Y.Item && s.content instanceof Y.ContentString && s.content.str === 'X') as Y.Item;
    expect(x.origin!.client).toBe(forged.clientID);
    x.rightOrigin = Y.createID(x.origin!.client, x.origin!.clock - 1);
    const socket = await attacker();
    try {
      const update = Y.encodeStateAsUpdate(forged, Y.encodeStateVector(live));
      const answer = await answerOf(socket, (ack) => socket.emit('story:sync', storyId, updateMessage(update), ack));
      expect(answer).toMatchObject({ ok: false, error: { code: 'invalid' } });
      expect(contents(live)).toBe(before);
    } finally {
      closeSocket(socket);
    }
  });

  it('refuses new text written with a client id whose earlier edits the writer does not know (a forked id)', async () => {
    setParagraphs(editorA.doc, 'byline', ['ac']);
    await editorA.provider.whenSaved();
    const live = server.app.registry.get(storyId)!.doc;
    await eventually(() => expect(live.getXmlFragment('byline').toString()).toContain('ac'));
    const story = Y.encodeStateAsUpdate(live);
    const textOf = (doc: Y.Doc) => (doc.getXmlFragment('byline').get(0) as Y.XmlElement).get(0) as Y.XmlText;
    // The attacker's own id writes "b" between the a and the c…
    const first = new Y.Doc();
    Y.applyUpdate(first, story);
    textOf(first).insert(1, 'b');
    const socket = await attacker();
    try {
      const own = Y.encodeStateAsUpdate(first, Y.encodeStateVector(live));
      expect(await answerOf(socket, (ack) => socket.emit('story:sync', storyId, updateMessage(own), ack))).toMatchObject({ ok: true });
      await eventually(() => expect(live.getXmlFragment('byline').toString()).toContain('abc'));
      const before = contents(live);
      // …then a second document under the same id, from the story as it was before: it never saw its "b",
      // writes one character elsewhere (the clock the server has) and an "X" between the a and the c.
      const fork = new Y.Doc();
      Y.applyUpdate(fork, story);
      fork.clientID = first.clientID;
      fork.getText('check').insert(0, 'z');
      textOf(fork).insert(1, 'X');
      const update = Y.encodeStateAsUpdate(fork, Y.encodeStateVector(live));
      const answer = await answerOf(socket, (ack) => socket.emit('story:sync', storyId, updateMessage(update), ack));
      expect(answer).toMatchObject({ ok: false, error: { code: 'invalid' } });
      expect(contents(live)).toBe(before);
      const joiner = await connectClient(server, viewerUser, storyId);
      try {
        expect(contents(joiner.doc)).toBe(before);
        expect(contents(await storedDoc(server.store, storyId))).toBe(before);
      } finally {
        joiner.close();
      }
    } finally {
      closeSocket(socket);
    }
  });

  it('refuses bytes where an event takes none before any schema reads them (a schema takes them for an object with a key per byte)', async () => {
    const socket = await attacker();
    try {
      const megabyte = new Uint8Array(1_000_000).fill(0x68);
      for (const send of [
        (ack: (a: Answer) => void) => socket.emit('story:provenance', storyId, megabyte as any, ack),
        (ack: (a: Answer) => void) => socket.emit('story:comment', storyId, { type: 'resolve', threadId: megabyte } as any, ack),
        (ack: (a: Answer) => void) => socket.emit('story:join', megabyte as any, ack as any),
      ]) {
        const answer = await answerOf(socket, send);
        // Refused as bytes, before a schema could try them as an object (the fuzz suite saw 100 MB spent on one).
        expect(answer).toMatchObject({
          ok: false,
          error: { code: 'bad_request', message: expect.stringMatching(/carries bytes where it takes none$/) },
        });
      }
    } finally {
      closeSocket(socket);
    }
  });

  it('closes a connection that keeps sending bad input, and only that one', async () => {
    const socket = await attacker();
    const closed = new Promise<string>((resolve) => socket.once('disconnect', resolve));
    for (let i = 0; i < 12; i++) socket.emit('story:sync', storyId, 'bad' as any, () => {});
    expect(await closed).toBe('io server disconnect');
    expect(editorA.provider.status).toBe('connected');
    editorA.doc.getText('check').insert(0, 'still fine');
    await eventually(() => expect(editorB.doc.getText('check').toString()).toContain('still fine'));
  });

  it('slows a flooding sender down without slowing the other editors', async () => {
    const flood = await attacker();
    const doc = new Y.Doc();
    const sends: Promise<unknown>[] = [];
    const started = Date.now();
    doc.on('update', (update: Uint8Array) => sends.push(flood.emitWithAck('story:sync', storyId, updateMessage(update))));
    for (let i = 0; i < 450; i++) doc.getText('flood').insert(0, 'x');

    // Meanwhile an honest edit crosses at normal speed.
    await new Promise((r) => setTimeout(r, 50));
    const crossing = Date.now();
    editorA.doc.getText('check').insert(0, 'during the flood');
    await eventually(() => expect(editorB.doc.getText('check').toString()).toContain('during the flood'), 2_000, 5);
    expect(Date.now() - crossing).toBeLessThan(500);

    const answers = await Promise.all(sends);
    expect(answers.every((a) => (a as Answer).ok)).toBe(true);
    // 450 messages at 200 per second cannot all be through in much under two seconds.
    expect(Date.now() - started).toBeGreaterThan(1_500);
    closeSocket(flood);
  }, 20_000);
});

describe('bad input to a story’s activity timeline', () => {
  const activity = (query: string, id = storyId) => `${server.url}/api/stories/${id}/activity${query}`;
  const get = (url: string) => fetch(url, { headers: { cookie: viewerUser.cookie } });

  it.each([
    ['a cursor that is not one', '?before=yesterday'],
    ['a negative cursor', '?before=-5'],
    ['a cursor of zero', '?before=0'],
    ['a cursor too long to be an id', `?before=${'9'.repeat(40)}`],
    ['a repeated cursor', '?before=1&before=2'],
    ['a cursor as an object', '?before[id]=1'],
    ['an unknown query key', '?limit=1000'],
  ])('refuses %s with a 400 naming it', async (_name, query) => {
    const answer = await get(activity(query));
    expect(answer.status).toBe(400);
    const { error } = (await answer.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe('bad_request');
    expect(error.message.length).toBeGreaterThan(5);
  });

  it('refuses a story id that is not one (400) and answers 404 for an unknown story', async () => {
    expect((await get(activity('', 'not-a-story'))).status).toBe(400);
    expect((await get(activity('', randomUUID()))).status).toBe(404);
  });

  it('refuses a restore report with a body, a bad version number or an unknown version, recording nothing', async () => {
    const before = await server.store.listStoryActivity(storyId, { limit: 1 });
    const report = (number: string, body?: string) =>
      fetch(`${server.url}/api/stories/${storyId}/revisions/${number}/restored`, {
        method: 'POST',
        headers: { cookie: honestAna.cookie, origin: server.url, ...(body ? { 'content-type': 'application/json' } : {}) },
        body,
      });
    expect((await report('1', '{"number":2}')).status).toBe(400);
    expect((await report('zero')).status).toBe(400);
    expect((await report('-1')).status).toBe(400);
    expect((await report('999999')).status).toBe(404);
    expect(await server.store.listStoryActivity(storyId, { limit: 1 })).toEqual(before);
  });
});
