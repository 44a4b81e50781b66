/**
 * Access changes reach every open connection within 2 s, whichever process made them: `npm run user`
 * run as a process of its own (on SQLite beside one server; on Postgres beside two nodes joined by
 * Redis), the app on another node. And `npm run user` works on the store the server uses.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { Client } from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as syncProtocol from 'y-protocols/sync';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { createAccount } from '../../server/auth/accounts';
import { PgStore } from '../../server/persistence/pg/PgStore';
import { SqliteStore } from '../../server/persistence/sqlite/SqliteStore';
import type { AccessChanged } from '../../server/persistence/Store';
import { fragmentText } from '../../server/publishing/storyContent';
import { connectClient, createStory, eventually, setParagraphs, type TestClient } from '../helpers/clients';
import { call } from '../helpers/http';
import { createTestDatabase, freshSchemaStore, queryPostgres, requirePostgres } from '../helpers/postgres';
import { requireRedisServer, startRedis, type TestRedis } from '../helpers/redisServer';
import { killAllServerProcesses, type ServerProcess, startServerProcess } from '../helpers/serverProcess';
import { createUser, signIn, startTestServer, tempDataDir, type TestServer, type TestUser } from '../helpers/testServer';

/** The rule: an access change reaches open connections within this long of the command reporting success. */
const DEADLINE_MS = 2_000;
/**
 * How long a test waits for it at all, so a miss fails with the time it did take (or this). Generous:
 * the wait starts before the command's process does, whose start-up a busy machine can stretch to
 * seconds; the rule itself is measured from the command's report (DEADLINE_MS).
 */
const GIVE_UP_MS = 20_000;
const TSX = path.resolve('node_modules/.bin/tsx');
const SECRET = 'access-changes-test-secret-0123456789abcdef';

const ioClients: TestClient[] = [];
const ywsClients: WebsocketProvider[] = [];
const dirs: string[] = [];

afterEach(() => {
  ywsClients.splice(0).forEach((p) => p.destroy());
  ioClients.splice(0).forEach((c) => c.close());
});

afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function scratchDir(): string {
  const dir = tempDataDir();
  dirs.push(dir);
  return dir;
}

type CliResult = { code: number | null; stdout: string; stderr: string; reportedAt: number };

/** `npm run user -- …` as its own process, run to the end. */
async function cli(env: Record<string, string>, ...args: string[]): Promise<CliResult> {
  return startCli(env, ...args).finished;
}

/**
 * `npm run user -- …` as its own process. `reported`: when its answer arrived on stdout (printed only
 * once the change is committed): the moment the 2-second rule counts from, before the process exits.
 */
function startCli(env: Record<string, string>, ...args: string[]): { reported: Promise<number>; finished: Promise<CliResult> } {
  // Only what the test gives: an inherited DATABASE_URL or DATA_DIR would point it elsewhere.
  const { DATABASE_URL: _url, DATA_DIR: _dir, SESSION_SECRET: _secret, REDIS_URL: _redis, ...inherited } = process.env;
  const child = spawn(TSX, ['server/cli/user.ts', ...args], { env: { ...inherited, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let reportedAt = Number.NaN;
  let report = (_at: number) => {};
  const reported = new Promise<number>((resolve) => (report = resolve));
  child.stdout.on('data', (chunk: Buffer) => {
    if (stdout === '') report((reportedAt = performance.now()));
    stdout += chunk;
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
  const finished = new Promise<CliResult>((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr, reportedAt })));
  // A command that fails reports nothing: stop waiting for it then.
  void finished.then(() => report(Number.NaN));
  return { reported, finished };
}

/** The time `event` first happens, or a rejection naming it after GIVE_UP_MS. */
function firstTime(what: string, listen: (happened: () => void) => void): Promise<number> {
  const time = new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what}: did not happen within ${GIVE_UP_MS} ms`)), GIVE_UP_MS);
    listen(() => {
      clearTimeout(timer);
      resolve(performance.now());
    });
  });
  // Awaited later; a test that fails before then must not leave it unhandled.
  time.catch(() => {});
  return time;
}

/** Milliseconds from the command's report to `at` (0 when the change arrived before the report did). */
function latency(result: CliResult, at: number): number {
  return Math.max(0, Math.round(at - result.reportedAt));
}

/** How the command names a Postgres store: host, port and database, never the credentials. */
function postgresAt(url: string): string {
  const { hostname, port, pathname } = new URL(url);
  return `Postgres at ${hostname}${port ? `:${port}` : ''}${pathname}`;
}

/** The tables of the public schema of the database at `url`. */
async function tablesIn(url: string): Promise<string[]> {
  const client = new Client({ connectionString: url });
  client.on('error', () => {});
  await client.connect();
  try {
    return (await client.query<{ name: string }>("SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'")).rows.map(
      (r) => r.name,
    );
  } finally {
    await client.end();
  }
}

/** A stock y-websocket client (the real WebsocketProvider) with the session cookie on its upgrade request. */
async function connectYws(url: string, user: TestUser, storyId: string): Promise<WebsocketProvider> {
  class CookieWebSocket extends WebSocket {
    constructor(address: string | URL, protocols?: string | string[]) {
      super(address, protocols, { headers: { cookie: user.cookie } });
    }
  }
  const provider = new WebsocketProvider(`${url.replace(/^http/, 'ws')}/yjs`, storyId, new Y.Doc(), {
    WebSocketPolyfill: CookieWebSocket as unknown as typeof globalThis.WebSocket,
    // In one process, providers would otherwise sync through BroadcastChannel and bypass the server.
    disableBc: true,
  });
  ywsClients.push(provider);
  await eventually(() => expect(provider.synced).toBe(true));
  return provider;
}

/**
 * What the server holds of the story's standfirst, read over the y-websocket connection itself: a sync
 * step 1 with an empty state vector, answered with everything. The server handles a connection's frames
 * in order, so the answer reflects every edit sent before it: kept, or refused.
 */
async function standfirstOnServer(provider: WebsocketProvider): Promise<string> {
  const ws = provider.ws as unknown as WebSocket;
  const answer = new Promise<Uint8Array>((resolve, reject) => {
    setTimeout(() => reject(new Error('no answer to a sync step 1')), GIVE_UP_MS).unref();
    const onMessage = (data: Buffer | ArrayBuffer) => {
      const decoder = decoding.createDecoder(new Uint8Array(data));
      if (decoding.readVarUint(decoder) !== 0 || decoding.readVarUint(decoder) !== syncProtocol.messageYjsSyncStep2) return;
      ws.off('message', onMessage);
      resolve(decoding.readVarUint8Array(decoder));
    };
    ws.on('message', onMessage);
  });
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, 0);
  syncProtocol.writeSyncStep1(encoder, new Y.Doc());
  ws.send(encoding.toUint8Array(encoder));
  const doc = new Y.Doc();
  Y.applyUpdate(doc, await answer);
  return fragmentText(doc.getXmlFragment('standfirst'));
}

/** Keeps editing over y-websocket until an edit is refused; resolves with when that was known. */
async function firstRefusedEdit(provider: WebsocketProvider): Promise<number> {
  const deadline = performance.now() + GIVE_UP_MS;
  for (let probe = 1; performance.now() < deadline; probe++) {
    setParagraphs(provider.doc, 'standfirst', [`Probe ${probe}`]);
    if ((await standfirstOnServer(provider)) !== `Probe ${probe}`) return performance.now();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`y-websocket edits were still accepted ${GIVE_UP_MS} ms later`);
}

/** A person connected both ways to one story: the app's Socket.IO provider and a stock y-websocket client. */
async function connectBothWays(url: string, user: TestUser, storyId: string) {
  const io = await connectClient({ url }, user, storyId);
  ioClients.push(io);
  const yws = await connectYws(url, user, storyId);
  // Its first edit claims its Yjs client id; later probes then go straight in or are refused.
  setParagraphs(yws.doc, 'standfirst', ['Warm-up']);
  await eventually(async () => expect(await standfirstOnServer(yws)).toBe('Warm-up'));
  expect(io.provider.canEdit).toBe(true);
  return { io, yws };
}

/** Demotes over the command line; the Socket.IO connection hears `story:access`, the y-websocket one is refused edits. */
async function demoteAndMeasure(env: Record<string, string>, person: TestUser, io: TestClient, yws: WebsocketProvider, label: string) {
  const access = firstTime('story:access on the Socket.IO connection', (happened) =>
    io.provider.socket.on('story:access', (_id, a) => !a.canEdit && happened()),
  );
  const command = startCli(env, 'role', '--email', person.email, '--role', 'viewer');
  if (Number.isNaN(await command.reported)) expect(await command.finished).toMatchObject({ code: 0 });
  const refusedAt = await firstRefusedEdit(yws);
  const demoted = await command.finished;
  expect(demoted).toMatchObject({ code: 0, stdout: expect.stringContaining('Role changed') });
  const accessAt = await access;
  expect(io.provider.canEdit).toBe(false);
  const measured = { socketIO: latency(demoted, accessAt), yWebsocket: latency(demoted, refusedAt) };
  console.log(
    `[access changes] ${label}: role → viewer reached Socket.IO in ${measured.socketIO} ms, y-websocket in ${measured.yWebsocket} ms`,
  );
  expect(measured.socketIO).toBeLessThan(DEADLINE_MS);
  expect(measured.yWebsocket).toBeLessThan(DEADLINE_MS);
}

/** Deactivates over the command line; both connections are closed. */
async function deactivateAndMeasure(env: Record<string, string>, person: TestUser, io: TestClient, yws: WebsocketProvider, label: string) {
  const ioClosed = firstTime('Socket.IO connection closed', (happened) => io.provider.socket.once('disconnect', happened));
  const ywsClosed = firstTime('y-websocket connection closed as unauthorised', (happened) =>
    yws.on('connection-close', (event) => event?.code === 4401 && happened()),
  );
  const deactivated = await cli(env, 'deactivate', '--email', person.email);
  expect(deactivated).toMatchObject({ code: 0, stdout: expect.stringContaining('Deactivated') });
  const measured = { socketIO: latency(deactivated, await ioClosed), yWebsocket: latency(deactivated, await ywsClosed) };
  console.log(
    `[access changes] ${label}: deactivation closed Socket.IO in ${measured.socketIO} ms, y-websocket in ${measured.yWebsocket} ms`,
  );
  expect(measured.socketIO).toBeLessThan(DEADLINE_MS);
  expect(measured.yWebsocket).toBeLessThan(DEADLINE_MS);
}

describe('access changes from the command line, on SQLite', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it('reach a running server’s Socket.IO and y-websocket connections within 2 s: role, then deactivation', async () => {
    const writer = await createUser(server, 'writer', 'Rae Remote');
    const storyId = await createStory(server, writer);
    const { io, yws } = await connectBothWays(server.url, writer, storyId);
    const env = { DATA_DIR: server.dataDir };

    await demoteAndMeasure(env, writer, io, yws, 'SQLite');
    await deactivateAndMeasure(env, writer, io, yws, 'SQLite');
    expect((await call(server, 'GET', '/api/session', { user: writer })).status).toBe(401);
  }, 40_000);

  it('tells a watcher that fell behind further than the kept changes to re-check everyone', async () => {
    const store = SqliteStore.open(':memory:');
    try {
      const people = await Promise.all(
        [1, 2].map((n) =>
          createAccount(store, {
            email: `behind${n}@example.test`,
            name: `Behind ${n}`,
            role: 'writer',
            password: 'a long enough password',
          }),
        ),
      );
      const heard: AccessChanged[] = [];
      store.watchAccessChanges(
        (changed) => heard.push(changed),
        (error) => heard.push([`failed: ${String(error)}`]),
      );
      // Without yielding to timers, the watcher cannot look in between: 1,200 changes go by, more than the store keeps.
      for (let i = 0; i < 1_200; i++) await store.updateUser(people[i % 2].id, { role: i % 4 < 2 ? 'viewer' : 'writer' });
      await eventually(() => expect(heard).toEqual(['everyone']));
      await store.updateUser(people[0].id, { role: 'editor' });
      await eventually(() => expect(heard).toEqual(['everyone', [people[0].id]]));
    } finally {
      await store.close();
    }
  });
});

const postgresAndRedis = (await requirePostgres()) && (await requireRedisServer());

describe.skipIf(!postgresAndRedis)('access changes and accounts from the command line, on Postgres and Redis', () => {
  let database: { url: string; drop: () => Promise<void> };
  let redis: TestRedis;
  let store: PgStore;
  const nodes: ServerProcess[] = [];
  const cliEnv = () => ({ DATABASE_URL: database.url, SESSION_SECRET: SECRET, DATA_DIR: scratchDir() });

  async function account(role: 'writer' | 'admin', email: string): Promise<TestUser> {
    const password = 'a long enough password';
    const user = await createAccount(store, { email, name: `${role} ${email}`, role, password });
    return { id: user.id, email, password, name: user.name, role, cookie: await signIn(nodes[0].url, email, password) };
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    redis = await startRedis();
    const env = { DATABASE_URL: database.url, REDIS_URL: redis.url, SESSION_SECRET: SECRET };
    nodes.push(...(await Promise.all([startServerProcess(env), startServerProcess(env)])));
    store = await PgStore.open(database.url);
  }, 60_000);

  afterAll(async () => {
    killAllServerProcesses();
    await store?.close();
    await redis?.stop();
    await database?.drop();
  });

  it('`user add` with DATABASE_URL puts the account in Postgres, where the nodes sign it in, and nothing in DATA_DIR', async () => {
    const env = cliEnv();
    const added = await cli(
      env,
      'add',
      '--email',
      'pg-cli@example.test',
      '--name',
      'Pat Postgres',
      '--role',
      'writer',
      '--password',
      'a long password',
    );
    expect(added).toMatchObject({ code: 0, stdout: expect.stringContaining('Added writer Pat Postgres <pg-cli@example.test>') });
    expect(await signIn(nodes[1].url, 'pg-cli@example.test', 'a long password')).toMatch(/^galley_session=/);
    expect(fs.readdirSync(env.DATA_DIR)).toEqual([]);
    expect(added.stderr).toContain(postgresAt(database.url));
    const listed = await cli(cliEnv(), 'list');
    expect(listed.stdout).toContain('pg-cli@example.test');
  }, 30_000);

  it('a node that loses its LISTEN connection reconnects by itself and then re-checks everyone', async () => {
    const { store: watched, schema, cleanup } = await freshSchemaStore({ max: 2 });
    try {
      const heard: string[] = [];
      const errors: unknown[] = [];
      const stop = watched.watchAccessChanges(
        (changed) => heard.push(...(changed === 'everyone' ? ['everyone'] : changed)),
        (error) => errors.push(error),
      );
      await eventually(() => expect(heard).toEqual(['everyone']));
      const killed = await queryPostgres(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND query LIKE 'LISTEN%'",
        [`galley:${schema}`],
      );
      expect(killed).toHaveLength(1);
      await eventually(() => expect(heard).toEqual(['everyone', 'everyone']), 10_000);
      expect(errors.length).toBeGreaterThan(0);
      const person = await createAccount(watched, {
        email: 'relisten@example.test',
        name: 'Re Listen',
        role: 'writer',
        password: 'a long enough password',
      });
      await watched.updateUser(person.id, { role: 'viewer' });
      await eventually(() => expect(heard).toEqual(['everyone', 'everyone', person.id]));
      await stop();
    } finally {
      await cleanup();
    }
  });

  it('refuses a database without Galley’s tables unless told --init, naming it', async () => {
    const empty = await createTestDatabase();
    try {
      const env = { ...cliEnv(), DATABASE_URL: empty.url };
      const refused = await cli(
        env,
        'add',
        '--email',
        'first@example.test',
        '--name',
        'First',
        '--role',
        'admin',
        '--password',
        'a long password',
      );
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(postgresAt(empty.url));
      expect(refused.stderr).toMatch(/DATABASE_URL/);
      expect(refused.stderr).toMatch(/--init/);
      expect(await tablesIn(empty.url)).toEqual([]);

      const created = await cli(
        env,
        'add',
        '--init',
        '--email',
        'first@example.test',
        '--name',
        'First',
        '--role',
        'admin',
        '--password',
        'a long password',
      );
      expect(created).toMatchObject({ code: 0, stdout: expect.stringContaining('Added admin First') });
      expect(await tablesIn(empty.url)).toContain('users');
    } finally {
      await empty.drop();
    }
  }, 30_000);

  it('reach connections on a node that did not make the change within 2 s: the command line’s, and another node’s', async () => {
    const admin = await account('admin', 'pg-admin@example.test');
    const writer = await account('writer', 'pg-writer@example.test');
    const storyId = await createStory(nodes[0], writer);
    const { io, yws } = await connectBothWays(nodes[1].url, writer, storyId);
    const env = cliEnv();

    await demoteAndMeasure(env, writer, io, yws, 'Postgres, command line');

    // Made by the app on node 0, heard on node 1.
    const regained = firstTime('story:access (may edit again)', (happened) =>
      io.provider.socket.on('story:access', (_id, a) => a.canEdit && happened()),
    );
    const patched = await call(nodes[0], 'PATCH', `/api/users/${writer.id}`, { user: admin, body: { role: 'writer' } });
    expect(patched.status).toBe(200);
    const answeredAt = performance.now();
    const fromNode = Math.max(0, Math.round((await regained) - answeredAt));
    console.log(`[access changes] Postgres, node 0's app: role → writer reached node 1 in ${fromNode} ms`);
    expect(fromNode).toBeLessThan(DEADLINE_MS);

    await deactivateAndMeasure(env, writer, io, yws, 'Postgres, command line');
    expect((await call(nodes[1], 'GET', '/api/session', { user: writer })).status).toBe(401);
  }, 60_000);
});
