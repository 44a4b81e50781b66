import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { storyColor } from '../../shared/personColors';
import { SOCKET_PARSER } from '../../shared/socketParser';
import { fragmentText } from '../../server/publishing/storyContent';
import { STORY_FIELDS } from '../../shared/story';
import { connectClient, createStory, eventually, setParagraphs, storedDoc, type TestClient } from '../helpers/clients';
import { createUser, startTestServer, type TestServer, type TestUser } from '../helpers/testServer';
import { mulberry32, randomEdit } from '../helpers/randomEdits';
import { startTcpProxy } from '../helpers/tcpProxy';

let server: TestServer;
let writer: TestUser;
let clients: TestClient[];

const text = (doc: Y.Doc, field: string) => fragmentText(doc.getXmlFragment(field));
const snapshot = (doc: Y.Doc) => Object.fromEntries(STORY_FIELDS.map((f) => [f, doc.getXmlFragment(f).toJSON()]));

async function join(user: TestUser, storyId: string) {
  const client = await connectClient(server, user, storyId);
  clients.push(client);
  return client;
}

beforeEach(async () => {
  server = await startTestServer();
  writer = await createUser(server, 'writer');
  clients = [];
});

afterEach(async () => {
  clients.forEach((c) => c.close());
  await server.close();
});

describe('co-editing over Socket.IO', () => {
  it('sends each Yjs update as one WebSocket frame each way (no separate binary attachment)', async () => {
    const storyId = await createStory(server, writer);
    const a = await join(writer, storyId);
    const editor = await createUser(server, 'editor');
    const b = await join(editor, storyId);
    // The server's own update giving each a colour (on join) has reached both: only the edit's frames follow.
    await eventually(() => [a, b].forEach((c) => expect(storyColor(c.doc, editor.id)).toBeDefined()));
    // Each WebSocket frame, with the Socket.IO packet it decodes to on its own (so a packet is one frame).
    const framesIn: Frame[] = [];
    const framesOut: Frame[] = [];
    for (const socket of await server.app.io.fetchSockets()) {
      const conn = server.app.io.sockets.sockets.get(socket.id)!.conn;
      conn.on('packet', (packet: { type: string; data?: unknown }) => packet.type === 'message' && framesIn.push(decodeFrame(packet.data)));
      conn.on(
        'packetCreate',
        (packet: { type: string; data?: unknown }) => packet.type === 'message' && framesOut.push(decodeFrame(packet.data)),
      );
    }
    setParagraphs(a.doc, 'headline', ['One frame']);
    await eventually(() => expect(text(b.doc, 'headline')).toBe('One frame'));
    await a.provider.whenSaved();
    // In: the update. Out: its acknowledgement to the sender and the update to the other client.
    // (The sync that follows each join may also cross meanwhile: its frames are left out.)
    const isUpdate = (f: Frame) => f.packet?.data?.[0] === 'story:sync' && f.packet.data[2]?.[0] === syncProtocol.messageYjsUpdate;
    const updatesIn = framesIn.filter(isUpdate);
    expect(updatesIn).toHaveLength(1);
    expect(framesOut.filter(isUpdate)).toHaveLength(1);
    expect(framesOut.filter((f) => f.packet?.type === ACK_PACKET && f.packet.id === updatesIn[0].packet!.id)).toHaveLength(1);
    expect([...framesIn, ...framesOut].every((f) => f.binary && f.packet !== undefined)).toBe(true);
  });

  it('two clients converge on each other’s edits in every field', async () => {
    const storyId = await createStory(server, writer);
    const a = await join(writer, storyId);
    const b = await join(await createUser(server, 'editor'), storyId);
    setParagraphs(a.doc, 'headline', ['Council votes to reopen the lido']);
    setParagraphs(b.doc, 'body', ['First paragraph.', 'Second paragraph.']);
    await eventually(() => {
      expect(text(b.doc, 'headline')).toBe('Council votes to reopen the lido');
      expect(text(a.doc, 'body')).toBe('First paragraph.\nSecond paragraph.');
    });
  });

  it('ten clients making random concurrent edits to all fields converge to identical content', async () => {
    const storyId = await createStory(server, writer);
    const ten = await Promise.all(Array.from({ length: 10 }, () => join(writer, storyId)));
    const seed = ten[0];
    for (const field of STORY_FIELDS) setParagraphs(seed.doc, field, ['seed text']);
    await eventually(() => ten.forEach((c) => expect(text(c.doc, 'body')).toBe('seed text')));

    const random = mulberry32(42);
    for (let round = 0; round < 30; round++) {
      for (const client of ten) randomEdit(client.doc, random);
    }
    await Promise.all(ten.map((c) => c.provider.whenSaved()));
    await eventually(() => {
      const expected = snapshot(ten[0].doc);
      ten.forEach((c) => expect(snapshot(c.doc)).toEqual(expected));
      expect(snapshot(server.app.registry.get(storyId)!.doc)).toEqual(expected);
    }, 10_000);
    expect(text(ten[0].doc, 'body').length).toBeGreaterThan('seed text'.length);
  });

  it('a late joiner receives the full state', async () => {
    const storyId = await createStory(server, writer);
    const a = await join(writer, storyId);
    setParagraphs(a.doc, 'headline', ['Late joiner headline']);
    setParagraphs(a.doc, 'standfirst', ['What happened, briefly.']);
    await a.provider.whenSaved();
    const late = await join(await createUser(server, 'viewer'), storyId);
    expect(text(late.doc, 'headline')).toBe('Late joiner headline');
    expect(text(late.doc, 'standfirst')).toBe('What happened, briefly.');
  });

  it('keeps acknowledged content across a server restart', async () => {
    const storyId = await createStory(server, writer);
    const a = await join(writer, storyId);
    setParagraphs(a.doc, 'body', ['Survives a restart.']);
    setParagraphs(a.doc, 'byline', ['Jo Reporter']);
    await a.provider.whenSaved();
    a.close();
    clients = [];
    await server.stop();

    server = await startTestServer({ dataDir: server.dataDir });
    const cookieHolder = { ...writer, cookie: writer.cookie }; // sessions are stored, so the cookie still works
    const fresh = await join(cookieHolder, storyId);
    expect(text(fresh.doc, 'body')).toBe('Survives a restart.');
    expect(text(fresh.doc, 'byline')).toBe('Jo Reporter');
  });

  it('removes a disconnected client’s presence from the others', async () => {
    const storyId = await createStory(server, writer);
    const a = await join(writer, storyId);
    const b = await join(await createUser(server, 'editor'), storyId);
    b.provider.awareness.setLocalStateField('field', 'headline');
    await eventually(() => expect(a.provider.awareness.getStates().get(b.doc.clientID)).toMatchObject({ field: 'headline' }));
    b.provider.socket.disconnect();
    await eventually(() => expect(a.provider.awareness.getStates().has(b.doc.clientID)).toBe(false), 3_000);
    expect(
      server.app.registry
        .get(storyId)!
        .presence()
        .map((p) => p.name),
    ).toEqual([writer.name]);
  });

  it('sends edits made while disconnected once the connection is back, and both sides converge', async () => {
    const storyId = await createStory(server, writer);
    const a = await join(writer, storyId);
    const b = await join(await createUser(server, 'editor'), storyId);
    setParagraphs(a.doc, 'body', ['Shared start.']);
    await eventually(() => expect(text(b.doc, 'body')).toBe('Shared start.'));

    a.provider.socket.disconnect();
    await eventually(() => expect(a.provider.status).toBe('disconnected'));
    ((a.doc.getXmlFragment('body').get(0) as Y.XmlElement).get(0) as Y.XmlText).insert(0, 'Offline: ');
    setParagraphs(b.doc, 'headline', ['Typed while A was away']);
    await b.provider.whenSaved();
    expect(a.provider.pendingOffline).toBe(true);

    a.provider.socket.connect();
    await a.provider.whenSaved();
    await eventually(() => {
      expect(text(a.doc, 'headline')).toBe('Typed while A was away');
      expect(text(b.doc, 'body')).toBe('Offline: Shared start.');
    });
    const stored = await storedDoc(server.store, storyId);
    expect(snapshot(stored)).toEqual(snapshot(a.doc));
  });

  it('sends the awareness changes that arrive in one turn to each other person as one message', async () => {
    const storyId = await createStory(server, writer);
    const a = await join(writer, storyId);
    const b = await join(await createUser(server, 'editor'), storyId);
    b.provider.awareness.setLocalStateField('field', 'headline');
    await eventually(() => expect(a.provider.awareness.getStates().get(b.doc.clientID)).toMatchObject({ field: 'headline' }));
    let messages = 0;
    a.provider.socket.on('story:awareness', () => messages++);
    // Twenty caret moves written back to back (under the awareness rate limit): they reach the server
    // together, and used to go out as twenty messages.
    for (let i = 1; i <= 20; i++) b.provider.awareness.setLocalStateField('caret', i);
    await eventually(() => expect(a.provider.awareness.getStates().get(b.doc.clientID)).toMatchObject({ caret: 20 }));
    expect(messages).toBeGreaterThan(0);
    expect(messages).toBeLessThan(20);
  });

  it('shows a newcomer everyone already present as soon as it joins', async () => {
    const storyId = await createStory(server, writer);
    const a = await join(writer, storyId);
    a.provider.awareness.setLocalStateField('field', 'byline');
    await eventually(() => expect(server.app.registry.get(storyId)!.awareness.getStates().size).toBe(1));
    const b = await join(await createUser(server, 'viewer'), storyId);
    // No further awareness traffic from A (its client renews its state 15 s after the last change): B must
    // learn of A from the join itself.
    await eventually(
      () => expect(b.provider.awareness.getStates().get(a.doc.clientID)).toMatchObject({ field: 'byline', user: { name: writer.name } }),
      5_000,
    );
  });

  it('stamps awareness with the authenticated user, whatever name the client claims', async () => {
    const storyId = await createStory(server, writer);
    const a = await join(writer, storyId);
    const b = await join(await createUser(server, 'editor', 'Real Name'), storyId);
    b.provider.awareness.setLocalStateField('user', { id: writer.id, name: 'Impostor', color: '#000000' });
    await eventually(() => expect(a.provider.awareness.getStates().get(b.doc.clientID)?.user?.name).toBe('Real Name'));
  });

  it('notices a connection that dies silently within DEAD_CONNECTION_MS (5 s): its person leaves the others’ presence, and it knows itself offline', async () => {
    const storyId = await createStory(server, writer);
    const a = await join(writer, storyId);
    const proxy = await startTcpProxy(server.port);
    try {
      const b = await connectClient({ url: `http://127.0.0.1:${proxy.port}` }, await createUser(server, 'editor'), storyId);
      clients.push(b);
      b.provider.awareness.setLocalStateField('field', 'body');
      await eventually(() => expect(a.provider.awareness.getStates().get(b.doc.clientID)).toMatchObject({ field: 'body' }));
      // The proxy takes new connections, so B may be back online soon after it noticed: every status it goes through counts.
      let wentOffline = false;
      const offStatus = b.provider.on('change', () => {
        if (b.provider.status === 'disconnected') wentOffline = true;
      });
      const cut = Date.now();
      proxy.freeze(); // no FIN, no RST: neither end is told
      await eventually(() => expect(a.provider.awareness.getStates().has(b.doc.clientID)).toBe(false), 8_000, 50);
      const noticed = Date.now() - cut;
      expect(noticed).toBeLessThan(6_500);
      // Its own side runs on this test process's timers, which a busy machine delays: only bounded loosely.
      await eventually(() => expect(wentOffline).toBe(true), 15_000, 50);
      offStatus();
    } finally {
      await proxy.close();
    }
  }, 40_000);

  it('tells every joiner who is in the story, even when nobody else is (so the client knows its roster is complete)', async () => {
    const storyId = await createStory(server, writer);
    const alone = await join(writer, storyId);
    await eventually(() => expect(alone.provider.rosterKnown).toBe(true));
    expect([...alone.provider.awareness.getStates().keys()]).toEqual([alone.doc.clientID]);
  });

  it('passes on presence fields only in the shapes Galley knows (field, typing claim, away)', async () => {
    const storyId = await createStory(server, writer);
    const a = await join(writer, storyId);
    const b = await join(await createUser(server, 'editor'), storyId);
    const seen = () => a.provider.awareness.getStates().get(b.doc.clientID) as Record<string, unknown> | undefined;
    b.provider.awareness.setLocalState({ field: 'body', typing: 'headline', away: true });
    await eventually(() => expect(seen()).toMatchObject({ field: 'body', typing: 'headline', away: true }));
    b.provider.awareness.setLocalState({ field: '<img src=x>', typing: 'comments', away: 'yes' });
    await eventually(() => expect(seen()).toMatchObject({ field: null, typing: null, away: false }));
  });

  it('refuses a viewer’s edit and changes nothing', async () => {
    const storyId = await createStory(server, writer);
    const a = await join(writer, storyId);
    setParagraphs(a.doc, 'headline', ['Original']);
    await a.provider.whenSaved();
    const viewer = await join(await createUser(server, 'viewer'), storyId);
    expect(viewer.provider.canEdit).toBe(false);

    const errors: string[] = [];
    viewer.provider.on('error', (e) => errors.push(e.code));
    // A hostile viewer sends an update directly, bypassing the read-only editor.
    const hostile = new Y.Doc();
    Y.applyUpdate(hostile, Y.encodeStateAsUpdate(viewer.doc));
    setParagraphs(hostile, 'headline', ['Defaced']);
    const { writeUpdate } = await import('y-protocols/sync');
    const encoding = await import('lib0/encoding');
    const encoder = encoding.createEncoder();
    writeUpdate(encoder, Y.encodeStateAsUpdate(hostile, Y.encodeStateVector(viewer.doc)));
    const answer = await viewer.provider.socket.emitWithAck('story:sync', storyId, encoding.toUint8Array(encoder));
    expect(answer).toMatchObject({ ok: false, error: { code: 'forbidden' } });

    const stored = await storedDoc(server.store, storyId);
    expect(text(stored, 'headline')).toBe('Original');
    expect(text(server.app.registry.get(storyId)!.doc, 'headline')).toBe('Original');
    expect(text(a.doc, 'headline')).toBe('Original');
  });
});

/** Socket.IO's packet type for acknowledgements (socket.io-parser's PacketType.ACK). */
const ACK_PACKET = 3;

type Frame = { binary: boolean; packet?: { type: number; id?: number; data?: any[] } };

/** Decodes one frame as a whole Socket.IO packet; `packet` is undefined if the frame is not one. */
function decodeFrame(data: unknown): Frame {
  const decoder = new SOCKET_PARSER.Decoder();
  let packet: Frame['packet'];
  decoder.on('decoded', (decoded: Frame['packet']) => (packet = decoded));
  try {
    decoder.add(data);
  } catch {
    packet = undefined;
  }
  return { binary: typeof data !== 'string', packet };
}
