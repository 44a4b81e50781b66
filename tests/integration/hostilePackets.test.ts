/**
 * Packets no Galley client sends, aimed at a real server process (so that a crash is a dead process,
 * not a dead test runner): each one was reproduced against the server before the transport was
 * hardened (issue 14), and each must now cost nothing but a refusal.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAccount } from '../../server/auth/accounts';
import { SqliteStore } from '../../server/persistence/sqlite/SqliteStore';
import { PROTOCOL_VERSION } from '../../shared/protocol';
import { connectClient, createStory, eventually, storedDoc, type TestClient } from '../helpers/clients';
import { PacketType, RawSocketIO } from '../helpers/rawSocketIO';
import { killAllServerProcesses, type ServerProcess, startServerProcess } from '../helpers/serverProcess';
import { signIn, tempDataDir, type TestUser } from '../helpers/testServer';

const dataDir = tempDataDir();
let server: ServerProcess;
let writer: TestUser;
let storyId: string;
let honestA: TestClient;
let honestB: TestClient;

beforeAll(async () => {
  const setup = SqliteStore.open(dataDir);
  await createAccount(setup, { email: 'writer@example.test', name: 'Honest Writer', role: 'writer', password: 'long enough password' });
  await setup.close();
  await startServer();
  storyId = await createStory(server, writer);
  await connectHonestEditors();
}, 60_000);

/** A server killed by the previous test is started again, so that each test stands on its own. */
beforeEach(async () => {
  const alive = await fetch(`${server.url}/api/setup`, { signal: AbortSignal.timeout(20_000) }).then(
    () => true,
    () => false,
  );
  if (alive) return;
  honestA.close();
  honestB.close();
  await server.kill();
  await startServer();
  await connectHonestEditors();
}, 60_000);

async function startServer(): Promise<void> {
  // Few bad messages allowed, so the "disconnect" dodge shows within a short test.
  server = await startServerProcess({ DATA_DIR: dataDir, BAD_MESSAGES_PER_MINUTE: '3' });
  writer = { cookie: await signIn(server.url, 'writer@example.test', 'long enough password') } as TestUser;
}

async function connectHonestEditors(): Promise<void> {
  honestA = await connectClient(server, writer, storyId);
  honestB = await connectClient(server, writer, storyId);
}

afterAll(() => {
  honestA?.close();
  honestB?.close();
  killAllServerProcesses();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** The server is alive and quick, and two honest editors still reach each other and storage. */
async function stillServing(marker: string): Promise<void> {
  expect(server.child.exitCode, server.output()).toBeNull();
  const started = Date.now();
  expect((await fetch(`${server.url}/api/setup`, { signal: AbortSignal.timeout(5_000) })).status).toBe(200);
  expect(Date.now() - started).toBeLessThan(1_000);
  honestA.doc.getText('check').insert(0, marker);
  await honestA.provider.whenSaved();
  await eventually(() => expect(honestB.doc.getText('check').toString()).toContain(marker));
  const disk = SqliteStore.open(dataDir);
  try {
    expect((await storedDoc(disk, storyId)).getText('check').toString()).toContain(marker);
  } finally {
    await disk.close();
  }
}

const connected = () => RawSocketIO.connected(server.url, { cookie: writer.cookie });

describe('hostile Socket.IO packets', () => {
  it('answers an EVENT packet with an empty data array as a bad request, and stays up', async () => {
    const socket = await connected();
    socket.sendPacket({ type: PacketType.EVENT, nsp: '/', data: [], id: 7 });
    const ack = await socket.nextPacket((p) => p.type === PacketType.ACK && p.id === 7);
    expect(ack.data).toMatchObject([{ ok: false, error: { code: 'bad_request' } }]);
    socket.sendPacket({ type: PacketType.EVENT, nsp: '/', data: [] });
    await stillServing('after empty events');
    socket.close();
  });

  it('refuses a frame declaring a 1 GiB msgpack payload before sign-in, without allocating it', async () => {
    const socket = await RawSocketIO.open(server.url);
    const before = Date.now();
    socket.sendBytes(Uint8Array.from([0xc9, 0x40, 0x00, 0x00, 0x00, 0x00]));
    await socket.closed;
    expect(Date.now() - before).toBeLessThan(2_000);
    await stillServing('after a 1 GiB ext32');
  });

  it('refuses the same frame after sign-in too, and any length past the frame', async () => {
    for (const frame of [
      [0xc9, 0x40, 0x00, 0x00, 0x00, 0x00], // ext32, 1 GiB
      [0xc6, 0x7f, 0xff, 0xff, 0xff], // bin32, 2 GiB
      [0xdb, 0x7f, 0xff, 0xff, 0xff], // str32
      [0xdd, 0xff, 0xff, 0xff, 0xff], // array32 of 4 billion
      [0xdf, 0xff, 0xff, 0xff, 0xff], // map32
    ]) {
      const socket = await connected();
      const before = Date.now();
      socket.sendBytes(Uint8Array.from(frame));
      await socket.closed;
      expect(Date.now() - before).toBeLessThan(2_000);
    }
    await stillServing('after oversized declarations');
  });

  it('accepts nothing but a small CONNECT packet before the connection is signed in', async () => {
    const early = await RawSocketIO.open(server.url, { cookie: writer.cookie });
    early.emit(['story:join', { storyId, protocolVersion: PROTOCOL_VERSION }], 1);
    await early.closed;

    const huge = await RawSocketIO.open(server.url, { cookie: writer.cookie });
    huge.sendPacket({ type: PacketType.CONNECT, nsp: '/', data: { token: 'x'.repeat(100_000) } });
    await huge.closed;
    await stillServing('after early packets');
  });

  it.each([
    'error',
    'disconnect',
    'disconnecting',
    'newListener',
    'removeListener',
    'connect',
    'connect_error',
    '__proto__',
    'story:delete',
  ])('never lets an event named %s reach a handler: it is a bad request', async (name) => {
    const socket = await connected();
    const ack = await socket.emitWithAck([name, storyId], 11);
    expect(ack).toMatchObject([{ ok: false, error: { code: 'bad_request' } }]);
    socket.emit([name, storyId]);
    await stillServing(`after ${name}`);
    socket.close();
  });

  it('counts every bad message: sending "disconnect" between them does not reset the count', async () => {
    const socket = await connected();
    for (let i = 0; i < 12 && socket.open; i++) {
      socket.emit(['story:sync', storyId, 'not binary'], 100 + i);
      socket.emit(['disconnect', 'io client disconnect']);
      await new Promise((r) => setTimeout(r, 20));
    }
    await socket.closed;
    expect(socket.packets.some((p) => p.type === PacketType.EVENT && JSON.stringify(p.data).includes('rate_limited'))).toBe(true);
    await stillServing('after the disconnect dodge');
  });

  it('closes a connection that sends a frame that is not a packet, and stays up', async () => {
    for (const send of [
      (s: RawSocketIO) => s.sendText('{"type":2,"nsp":"/","data":["error"]}'),
      (s: RawSocketIO) => s.sendBytes(Uint8Array.from([0x93, 0x01, 0x02])),
      (s: RawSocketIO) => s.sendPacket({ type: PacketType.EVENT, nsp: '/', data: 'story:join' }),
      (s: RawSocketIO) => s.sendPacket({ type: 9, nsp: '/', data: [] }),
      (s: RawSocketIO) => s.sendPacket({ type: PacketType.ACK, nsp: '/', id: 1, data: 5 }),
    ]) {
      const socket = await connected();
      send(socket);
      await socket.closed;
    }
    await stillServing('after frames that are not packets');
  });
});
