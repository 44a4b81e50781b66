import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as encoding from 'lib0/encoding';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as syncProtocol from 'y-protocols/sync';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { Authenticator } from '../../server/auth/Authenticator';
import { LiveAccess } from '../../server/auth/LiveAccess';
import { loadServerSecret } from '../../server/auth/serverSecret';
import { createLogger } from '../../server/logger';
import { fragmentText } from '../../server/publishing/storyContent';
import { MessageLimits } from '../../server/transport/MessageGate';
import { attachYWebsocket } from '../../server/transport/yWebsocketServer';
import { LIMITS } from '../../shared/limits';
import { STORY_FIELDS } from '../../shared/story';
import { connectClient, createStory, eventually, setParagraphs, storedDoc, type TestClient } from '../helpers/clients';
import { createUser, startTestServer, type TestServer, type TestUser } from '../helpers/testServer';
import { mulberry32, randomEdit } from '../helpers/randomEdits';

let server: TestServer;
let writer: TestUser;
let ioClients: TestClient[];
let ywsClients: YwsClient[];
let rawSockets: WebSocket[];

type YwsClient = { provider: WebsocketProvider; doc: Y.Doc; closeCodes: (number | null)[]; close(): void };

const text = (doc: Y.Doc, field: string) => fragmentText(doc.getXmlFragment(field));
const snapshot = (doc: Y.Doc) => Object.fromEntries(STORY_FIELDS.map((f) => [f, doc.getXmlFragment(f).toJSON()]));
const serverDoc = (storyId: string) => server.app.registry.get(storyId)!.doc;
const wsUrl = (path: string) => `${server.url.replace(/^http/, 'ws')}${path}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `ws` with the session cookie on the upgrade request, as a browser would send it. */
function cookieWebSocket(cookie: string) {
  return class CookieWebSocket extends WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols, { headers: { cookie } });
    }
  };
}

/** A stock y-websocket client (the real WebsocketProvider) on the /yjs endpoint. */
async function connectYws(user: TestUser, storyId: string, doc = new Y.Doc()): Promise<YwsClient> {
  const provider = new WebsocketProvider(wsUrl('/yjs'), storyId, doc, {
    WebSocketPolyfill: cookieWebSocket(user.cookie) as unknown as typeof globalThis.WebSocket,
    // In one process, providers would otherwise sync through BroadcastChannel and bypass the server.
    disableBc: true,
    connect: true,
  });
  const client: YwsClient = { provider, doc, closeCodes: [], close: () => provider.destroy() };
  provider.on('connection-close', (event) => client.closeCodes.push(event?.code ?? null));
  ywsClients.push(client);
  await eventually(() => expect(provider.synced).toBe(true));
  return client;
}

async function connectIo(user: TestUser, storyId: string): Promise<TestClient> {
  const client = await connectClient(server, user, storyId);
  ioClients.push(client);
  return client;
}

/** A plain WebSocket on the endpoint, for sending hand-made frames. */
async function openRaw(user: TestUser, storyId: string): Promise<WebSocket> {
  const ws = new WebSocket(wsUrl(`/yjs/${storyId}`), { headers: { cookie: user.cookie } });
  rawSockets.push(ws);
  ws.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
  });
  return ws;
}

/** The HTTP status an upgrade request is refused with. */
function upgradeStatus(path: string, cookie?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl(path), { headers: cookie ? { cookie } : {} });
    ws.on('error', () => {});
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('open', () => {
      ws.close();
      reject(new Error(`upgrade to ${path} was accepted`));
    });
  });
}

/**
 * Sends a sync step 1 and waits for its step 2. The server handles a
 * connection's frames in order, so everything sent before has been handled.
 */
async function barrier(ws: WebSocket, doc = new Y.Doc()): Promise<void> {
  const answered = new Promise<void>((resolve) => {
    const onMessage = (data: Buffer | ArrayBuffer) => {
      const bytes = new Uint8Array(data);
      if (bytes[0] === 0 && bytes[1] === syncProtocol.messageYjsSyncStep2) {
        ws.off('message', onMessage);
        resolve();
      }
    };
    ws.on('message', onMessage);
  });
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, 0);
  syncProtocol.writeSyncStep1(encoder, doc);
  ws.send(encoding.toUint8Array(encoder));
  await answered;
}

/** One awareness entry in y-protocols' wire format. */
function awarenessUpdate(clientId: number, clock: number, state: unknown): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, 1);
  encoding.writeVarUint(encoder, clientId);
  encoding.writeVarUint(encoder, clock);
  encoding.writeVarString(encoder, JSON.stringify(state));
  return encoding.toUint8Array(encoder);
}

const closeCode = (ws: WebSocket) =>
  new Promise<number>((resolve) => {
    if (ws.readyState === WebSocket.CLOSED) throw new Error('already closed');
    ws.once('close', (code) => resolve(code));
  });

beforeEach(async () => {
  server = await startTestServer();
  writer = await createUser(server, 'writer', 'Sam Socket');
  ioClients = [];
  ywsClients = [];
  rawSockets = [];
});

afterEach(async () => {
  ywsClients.forEach((c) => c.close());
  ioClients.forEach((c) => c.close());
  rawSockets.forEach((ws) => ws.terminate());
  await server.close();
});

describe('the y-websocket endpoint', () => {
  it('a y-websocket client and a Socket.IO client co-edit every field concurrently and converge with what is stored', async () => {
    const storyId = await createStory(server, writer);
    const io = await connectIo(writer, storyId);
    const yws = await connectYws(await createUser(server, 'editor', 'Yan Websocket'), storyId);
    for (const field of STORY_FIELDS) setParagraphs(io.doc, field, ['seed text']);
    await eventually(() => STORY_FIELDS.forEach((f) => expect(text(yws.doc, f)).toBe('seed text')));

    // Both sides type into every field at the same moment, then keep editing at random.
    const inner = (doc: Y.Doc, field: string) => (doc.getXmlFragment(field).get(0) as Y.XmlElement).get(0) as Y.XmlText;
    for (const field of STORY_FIELDS) {
      inner(io.doc, field).insert(0, 'IO ');
      inner(yws.doc, field).insert(inner(yws.doc, field).length, ' YWS');
    }
    await eventually(() => STORY_FIELDS.forEach((f) => [io.doc, yws.doc].forEach((d) => expect(text(d, f)).toBe('IO seed text YWS'))));
    const random = mulberry32(7);
    for (let round = 0; round < 40; round++) {
      randomEdit(io.doc, random);
      randomEdit(yws.doc, random);
      if (round % 8 === 0) await sleep(2);
    }
    await io.provider.whenSaved();
    await eventually(async () => {
      const expected = snapshot(io.doc);
      expect(snapshot(yws.doc)).toEqual(expected);
      expect(snapshot(serverDoc(storyId))).toEqual(expected);
      expect(snapshot(await storedDoc(server.store, storyId))).toEqual(expected);
    }, 10_000);
    expect(yws.closeCodes).toEqual([]);
  });

  it('keeps a y-websocket client’s edits across a server restart', async () => {
    const storyId = await createStory(server, writer);
    const yws = await connectYws(writer, storyId);
    setParagraphs(yws.doc, 'headline', ['Typed over y-websocket']);
    setParagraphs(yws.doc, 'body', ['It survives.', 'Both paragraphs.']);
    await eventually(() => expect(text(serverDoc(storyId), 'body')).toBe('It survives.\nBoth paragraphs.'));
    // Still connected: shutting down closes y-websocket connections (going away) and does not hang.
    await server.stop();
    await eventually(() => expect(yws.closeCodes).toContain(1001));
    yws.close();
    ywsClients = [];

    server = await startTestServer({ dataDir: server.dataDir });
    const fresh = await connectYws(writer, storyId);
    expect(text(fresh.doc, 'headline')).toBe('Typed over y-websocket');
    expect(text(fresh.doc, 'body')).toBe('It survives.\nBoth paragraphs.');
    const io = await connectIo(writer, storyId);
    expect(snapshot(io.doc)).toEqual(snapshot(fresh.doc));
  });

  it('shares presence across protocols, stamped with the account, and removes it when the y-websocket client drops', async () => {
    const storyId = await createStory(server, writer);
    const io = await connectIo(writer, storyId);
    io.provider.awareness.setLocalStateField('field', 'headline');
    const yws = await connectYws(await createUser(server, 'editor', 'Yan Websocket'), storyId);
    yws.provider.awareness.setLocalState({ user: { id: writer.id, name: 'Impostor', color: '#000000' }, field: 'body', cursor: null });

    await eventually(() =>
      expect(io.provider.awareness.getStates().get(yws.doc.clientID)).toMatchObject({ field: 'body', user: { name: 'Yan Websocket' } }),
    );
    await eventually(() =>
      expect(yws.provider.awareness.getStates().get(io.doc.clientID)).toMatchObject({ field: 'headline', user: { name: 'Sam Socket' } }),
    );

    // Stock clients send every state they receive back to the server: that is not bad input.
    for (let i = 0; i < 2 * 10; i++) {
      io.provider.awareness.setLocalStateField('field', STORY_FIELDS[i % STORY_FIELDS.length]);
      await sleep(5);
    }
    io.provider.awareness.setLocalStateField('field', 'byline');
    await eventually(() => expect(yws.provider.awareness.getStates().get(io.doc.clientID)).toMatchObject({ field: 'byline' }));
    yws.provider.awareness.setLocalStateField('field', 'standfirst');
    await eventually(() => expect(io.provider.awareness.getStates().get(yws.doc.clientID)).toMatchObject({ field: 'standfirst' }));
    expect(yws.closeCodes).toEqual([]);
    expect(yws.provider.wsconnected).toBe(true);

    // Dropped without a goodbye: the server notices and tells the others.
    yws.provider.shouldConnect = false;
    (yws.provider.ws as unknown as WebSocket).terminate();
    await eventually(() => expect(io.provider.awareness.getStates().has(yws.doc.clientID)).toBe(false), 3_000);
    await eventually(() =>
      expect(
        server.app.registry
          .get(storyId)!
          .presence()
          .map((p) => p.name),
      ).toEqual(['Sam Socket']),
    );
  });

  it('lets a viewer read over y-websocket but refuses its updates', async () => {
    const storyId = await createStory(server, writer);
    const io = await connectIo(writer, storyId);
    setParagraphs(io.doc, 'headline', ['Original']);
    await io.provider.whenSaved();

    const viewer = await connectYws(await createUser(server, 'viewer'), storyId);
    expect(text(viewer.doc, 'headline')).toBe('Original');
    // The stock client sends local edits as it would for anyone.
    setParagraphs(viewer.doc, 'headline', ['Defaced']);
    setParagraphs(viewer.doc, 'body', ['Injected']);
    await barrier(viewer.provider.ws as unknown as WebSocket);

    expect(text(serverDoc(storyId), 'headline')).toBe('Original');
    expect(text(serverDoc(storyId), 'body')).toBe('');
    const stored = await storedDoc(server.store, storyId);
    expect(text(stored, 'headline')).toBe('Original');
    expect(text(stored, 'body')).toBe('');
    expect(text(io.doc, 'headline')).toBe('Original');
    expect(text(io.doc, 'body')).toBe('');

    // Still connected and still reading live edits.
    setParagraphs(io.doc, 'byline', ['Jo Reporter']);
    await eventually(() => expect(text(viewer.doc, 'byline')).toBe('Jo Reporter'));
    expect(viewer.closeCodes).toEqual([]);
  });

  it('refuses the upgrade without a session (401) and for unknown or malformed story ids (404)', async () => {
    const storyId = await createStory(server, writer);
    expect(await upgradeStatus(`/yjs/${storyId}`)).toBe(401);
    expect(await upgradeStatus(`/yjs/${storyId}`, 'galley_session=not-a-session')).toBe(401);
    expect(await upgradeStatus(`/yjs/${crypto.randomUUID()}`, writer.cookie)).toBe(404);
    expect(await upgradeStatus('/yjs/not-a-uuid', writer.cookie)).toBe(404);
    expect(await upgradeStatus(`/yjs/${storyId}/extra`, writer.cookie)).toBe(404);
    expect(await upgradeStatus('/yjs', writer.cookie)).toBe(404);
    // Upgrades nobody serves are refused rather than left hanging.
    expect(await upgradeStatus('/elsewhere', writer.cookie)).toBe(404);
    // Socket.IO still upgrades.
    const io = await connectIo(writer, storyId);
    expect(io.provider.status).toBe('connected');
  });

  it('survives garbage frames without changing the document, and closes a connection that keeps sending them', async () => {
    const storyId = await createStory(server, writer);
    const io = await connectIo(writer, storyId);
    const yws = await connectYws(await createUser(server, 'editor'), storyId);
    setParagraphs(io.doc, 'headline', ['Before the garbage']);
    await io.provider.whenSaved();
    await eventually(() => expect(text(yws.doc, 'headline')).toBe('Before the garbage'));
    const before = snapshot(serverDoc(storyId));
    io.provider.awareness.setLocalStateField('field', 'headline');
    await eventually(() => expect(yws.provider.awareness.getStates().get(io.doc.clientID)).toMatchObject({ user: { name: 'Sam Socket' } }));

    const raw = await openRaw(writer, storyId);
    const garbage: (Buffer | string)[] = [
      Buffer.from([99]), // unknown message type
      Buffer.from([0x80]), // truncated message type
      Buffer.from([0, 2]), // sync update without its payload
      Buffer.from([0, 2, 5, 1, 2]), // sync update shorter than its length
      Buffer.from([0, 2, 3, 1, 2, 3]), // sync update that is not a Yjs update
      Buffer.from([1, 3, 1, 2, 3]), // awareness update that does not decode
      'hello', // a text frame
    ];
    garbage.forEach((frame) => raw.send(frame));
    // A forged presence for the Socket.IO client's id (with a newer clock) is dropped, not applied.
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, 1);
    encoding.writeVarUint8Array(encoder, awarenessUpdate(io.doc.clientID, 1_000, { user: { name: 'Impostor' }, field: 'body' }));
    raw.send(encoding.toUint8Array(encoder));
    await barrier(raw);
    expect(raw.readyState).toBe(WebSocket.OPEN);

    expect(snapshot(serverDoc(storyId))).toEqual(before);
    expect(snapshot(await storedDoc(server.store, storyId))).toEqual(before);
    expect(server.app.registry.get(storyId)!.awareness.getStates().get(io.doc.clientID)).toMatchObject({ user: { name: 'Sam Socket' } });
    expect(yws.provider.awareness.getStates().get(io.doc.clientID)).toMatchObject({ user: { name: 'Sam Socket' } });

    // Everyone else carries on.
    setParagraphs(io.doc, 'byline', ['From Socket.IO']);
    setParagraphs(yws.doc, 'standfirst', ['From y-websocket']);
    await eventually(() => {
      expect(text(yws.doc, 'byline')).toBe('From Socket.IO');
      expect(text(io.doc, 'standfirst')).toBe('From y-websocket');
    });

    // Four more bad messages make eleven, past the ten a minute allowed: closed as a policy violation.
    const closed = closeCode(raw);
    for (let i = 0; i < 4; i++) raw.send(Buffer.from([42]));
    expect(await closed).toBe(1008);

    // A frame over the size limit is refused by ws itself (1009).
    const big = await openRaw(writer, storyId);
    const bigClosed = closeCode(big);
    big.send(Buffer.alloc(LIMITS.maxMessageBytes + 1_000));
    expect(await bigClosed).toBe(1009);

    expect(snapshot(serverDoc(storyId))).toEqual(snapshot(io.doc));
    expect(yws.closeCodes).toEqual([]);
    setParagraphs(yws.doc, 'body', ['Still working']);
    await eventually(() => expect(text(io.doc, 'body')).toBe('Still working'));
  });

  it('slows a fast stock client by backpressure: every edit of a burst arrives, none is dropped, and it is not taken for a bad sender', async () => {
    // A faster rate than the default keeps this short; the burst is still ten times the server's backlog.
    await server.close();
    server = await startTestServer({ env: { SYNC_MESSAGES_PER_SECOND: '2000' } });
    writer = await createUser(server, 'writer', 'Sam Socket');
    const storyId = await createStory(server, writer);
    const reader = await connectIo(writer, storyId);
    const fast = await connectYws(writer, storyId);
    const EDITS = 5_000;
    const typed = fast.doc.getText('import');
    // One transaction, so one message, per character: as a script importing copy sends them.
    for (let i = 0; i < EDITS; i++) typed.insert(i, String.fromCharCode(97 + (i % 26)));
    const expected = typed.toString();
    await eventually(() => expect(reader.doc.getText('import').toString()).toBe(expected), 60_000, 100);
    await eventually(async () => expect((await storedDoc(server.store, storyId)).getText('import').toString()).toBe(expected), 10_000);
    expect(fast.closeCodes).toEqual([]);
    expect(fast.provider.wsconnected).toBe(true);
  }, 90_000);

  it('terminates a connection that stops answering pings', async () => {
    const storyId = await createStory(server, writer);
    // A second endpoint on the same store and registry, with a fast heartbeat.
    const http = createServer();
    const endpoint = attachYWebsocket(http, {
      store: server.store,
      registry: server.app.registry,
      log: createLogger('silent'),
      limits: new MessageLimits({ syncPerSecond: 100, awarenessPerSecond: 30, badPerMinute: 10 }),
      auth: new Authenticator(server.store, loadServerSecret(server.dataDir, undefined), 60_000),
      access: new LiveAccess(),
      allowedOrigins: [],
      heartbeatMs: 50,
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    try {
      const port = (http.address() as AddressInfo).port;
      const silent = new WebSocket(`ws://127.0.0.1:${port}/yjs/${storyId}`, { headers: { cookie: writer.cookie }, autoPong: false });
      rawSockets.push(silent);
      silent.on('error', () => {});
      await new Promise((resolve) => silent.once('open', resolve));
      expect(
        server.app.registry
          .get(storyId)!
          .presence()
          .map((p) => p.name),
      ).toEqual(['Sam Socket']);
      expect(await closeCode(silent)).toBe(1006);
      await eventually(() => expect(server.app.registry.get(storyId)!.presence()).toEqual([]));
    } finally {
      await endpoint.close();
      await new Promise((resolve) => http.close(resolve));
    }
  });
});
