/**
 * One describe per threat. Each test drives the real server (HTTP, Socket.IO, y-websocket, the CLI and
 * the server process) and fails if the defence it names is missing.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import * as encoding from 'lib0/encoding';
import type { Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { createAccount } from '../../server/auth/accounts';
import type { ErrorBody } from '../../shared/errors';
import { type ClientToServerEvents, PROTOCOL_VERSION, type ServerToClientEvents } from '../../shared/protocol';
import { API_PREFIX, discoverApiRoutes } from '../helpers/apiRoutes';
import { connectClient, createStory, eventually, setParagraphs, storedDoc, type TestClient, rawSocket } from '../helpers/clients';
import { createUser, signIn, startTestServer, tempDataDir, type TestServer, type TestUser } from '../helpers/testServer';

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
type Answer = { status: number; body: any; headers: Headers };

const run = promisify(execFile);
const TSX = path.resolve('node_modules/.bin/tsx');
const EVIL = 'https://evil.example';
const NIL_UUID = '00000000-0000-4000-8000-000000000000';

let server: TestServer;
/** Servers, clients and sockets a test opened; closed after it. */
let servers: TestServer[] = [];
let clients: TestClient[] = [];
let sockets: ClientSocket[] = [];
let webSockets: WebSocket[] = [];
let children: ChildProcess[] = [];
let dirs: string[] = [];

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});
afterEach(async () => {
  clients.forEach((c) => c.close());
  sockets.forEach((s) => s.disconnect());
  webSockets.forEach((ws) => ws.terminate());
  children.forEach((c) => c.kill('SIGKILL'));
  await Promise.all(servers.map((s) => s.close()));
  dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true }));
  servers = [];
  clients = [];
  sockets = [];
  webSockets = [];
  children = [];
  dirs = [];
});

async function startServer(options: Parameters<typeof startTestServer>[0] = {}): Promise<TestServer> {
  const started = await startTestServer(options);
  servers.push(started);
  return started;
}

async function api(
  method: string,
  path: string,
  options: { on?: { url: string }; cookie?: string; token?: string; headers?: Record<string, string>; body?: unknown } = {},
): Promise<Answer> {
  const res = await fetch((options.on ?? server).url + path, {
    method,
    headers: {
      ...(options.cookie ? { cookie: options.cookie } : {}),
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...options.headers,
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // HTML or empty
  }
  return { status: res.status, body, headers: res.headers };
}

/** This process's environment without the settings a test must control (a server secret from outside would change what is tested). */
function environment(): NodeJS.ProcessEnv {
  const { SESSION_SECRET: _secret, DATA_DIR: _dir, LOG_LEVEL: _level, ...rest } = process.env;
  return rest;
}

const sessionOf = (cookie: string, on: { url: string } = server) => api('GET', '/api/session', { cookie, on });
const cookieValue = (cookie: string) => cookie.slice(cookie.indexOf('=') + 1);

/** The same account, holding another of its sessions. */
const withCookie = (user: TestUser, cookie: string): TestUser => ({ ...user, cookie });

async function createToken(user: TestUser, on: { url: string } = server): Promise<{ token: string; id: string }> {
  const answer = await api('POST', '/api/tokens', { on, cookie: user.cookie, body: { name: 'security test' } });
  expect(answer.status).toBe(201);
  return { token: answer.body.token, id: answer.body.summary.id };
}

/** A raw Socket.IO connection (no reconnection); resolves once connected or refused. */
function openSocket(
  on: { url: string },
  options: { headers?: Record<string, string>; token?: string },
): Promise<{ socket: ClientSocket; refused?: string }> {
  const socket: ClientSocket = rawSocket(on.url, {
    extraHeaders: options.headers ?? {},
    auth: options.token ? { token: options.token } : {},
  });
  sockets.push(socket);
  return new Promise((resolve) => {
    socket.once('connect', () => resolve({ socket }));
    socket.once('connect_error', (error) => resolve({ socket, refused: error.message }));
  });
}

/** Opens a y-websocket connection; resolves with it once open, or with the HTTP status it was refused with. */
function openYws(on: { url: string }, storyId: string, options: WebSocket.ClientOptions): Promise<{ ws: WebSocket; refused?: number }> {
  const ws = new WebSocket(`${on.url.replace(/^http/, 'ws')}/yjs/${storyId}`, options);
  webSockets.push(ws);
  ws.on('error', () => {});
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws }));
    ws.once('unexpected-response', (_req, res) => {
      resolve({ ws, refused: res.statusCode });
      ws.terminate();
    });
    ws.once('close', () => reject(new Error('closed before an answer')));
  });
}

const closeCode = (ws: WebSocket) => new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));

/** The rule (docs/security.md): an access change takes effect on open connections within 2 seconds. */
const ACCESS_CHANGE_MS = 2_000;

/** Waits for something that must happen promptly; fails naming it instead of hanging until the test timeout. */
function within<T>(promise: Promise<T>, what: string, ms = ACCESS_CHANGE_MS): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what}: did not happen within ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

function updateMessage(text: string): Uint8Array {
  const doc = new Y.Doc();
  doc.getText('security').insert(0, text);
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, syncProtocol.messageYjsUpdate);
  encoding.writeVarUint8Array(encoder, Y.encodeStateAsUpdate(doc));
  return encoding.toUint8Array(encoder);
}

/** Rows of a table in a server's SQLite database, read beside the running server. */
function dbRows(on: TestServer, sql: string): Record<string, unknown>[] {
  const db = new Database(path.join(on.dataDir, 'galley.db'), { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all() as Record<string, unknown>[];
  } finally {
    db.close();
  }
}

/** Every byte the database keeps on disk (main file and write-ahead log), as text. */
function dbBytes(on: TestServer): string {
  return ['galley.db', 'galley.db-wal']
    .map((f) => path.join(on.dataDir, f))
    .filter((f) => fs.existsSync(f))
    .map((f) => fs.readFileSync(f).toString('latin1'))
    .join('');
}

/** Parses a Content-Security-Policy header into directive → sources. */
function csp(header: string | null): Record<string, string[]> {
  expect(header, 'Content-Security-Policy header').toBeTruthy();
  return Object.fromEntries(
    header!
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((parts) => parts[0])
      .map(([name, ...sources]) => [name.toLowerCase(), sources]),
  );
}

async function writeStory(author: TestUser, headline: string, body: string, on: TestServer = server): Promise<string> {
  const storyId = await createStory(on, author);
  const client = await connectClient(on, author, storyId);
  setParagraphs(client.doc, 'headline', [headline]);
  setParagraphs(client.doc, 'standfirst', ['A standfirst.']);
  setParagraphs(client.doc, 'byline', ['A reporter']);
  setParagraphs(client.doc, 'body', [body]);
  await client.provider.whenSaved();
  client.close();
  return storyId;
}

// ---------------------------------------------------------------------------------------------

describe('session fixation', () => {
  it('never promotes a planted session id: sign-in issues a new one, and the planted one does not work', async () => {
    const victim = await createUser(server, 'editor');
    const planted = 'galley_session=attacker-chosen-session-id';
    const res = await api('POST', '/api/session', { cookie: planted, body: { email: victim.email, password: victim.password } });
    expect(res.status).toBe(200);
    const issued = res.headers.get('set-cookie')!.split(';')[0];
    expect(cookieValue(issued)).not.toBe(cookieValue(planted));
    expect(cookieValue(issued).length).toBeGreaterThanOrEqual(43);
    expect((await sessionOf(issued)).body.user.email).toBe(victim.email);
    expect((await sessionOf(planted)).status).toBe(401);
  });

  it('ends a planted id that was a real session (the attacker’s own) when the victim signs in over it', async () => {
    const attacker = await createUser(server, 'viewer');
    const victim = await createUser(server, 'editor');
    expect((await sessionOf(attacker.cookie)).status).toBe(200);
    // The attacker plants their own session cookie in the victim's browser; the victim signs in.
    const res = await api('POST', '/api/session', { cookie: attacker.cookie, body: { email: victim.email, password: victim.password } });
    expect(res.status).toBe(200);
    const issued = res.headers.get('set-cookie')!.split(';')[0];
    expect(issued).not.toBe(attacker.cookie);
    // The planted session is over: it neither became the victim's nor stays the attacker's.
    expect((await sessionOf(attacker.cookie)).status).toBe(401);
    expect((await sessionOf(issued)).body.user.email).toBe(victim.email);
  });
});

describe('sessions', () => {
  it('sets the cookie HttpOnly, SameSite=Lax, for the whole site, and not Secure over plain http', async () => {
    const user = await createUser(server, 'writer');
    const res = await api('POST', '/api/session', { body: { email: user.email, password: user.password } });
    const [pair, ...attributes] = res.headers
      .get('set-cookie')!
      .split(';')
      .map((a) => a.trim());
    expect(pair).toMatch(/^galley_session=[\w-]{43}$/);
    const flags = attributes.map((a) => a.toLowerCase());
    expect(flags).toContain('httponly');
    expect(flags).toContain('samesite=lax');
    expect(flags).toContain('path=/');
    expect(flags.some((f) => f.startsWith('secure'))).toBe(false);
    const expires = attributes.find((a) => /^expires=/i.test(a));
    expect(Date.parse(expires!.slice('expires='.length))).toBeGreaterThan(Date.now() + 24 * 3_600_000);
  });

  it('stores sessions under a keyed hash, never the cookie value', async () => {
    const user = await createUser(server, 'writer');
    const raw = cookieValue(user.cookie);
    const rows = dbRows(server, `SELECT * FROM sessions WHERE user_id = '${user.id}'`);
    expect(rows.length).toBeGreaterThanOrEqual(1);
    for (const row of rows) expect(Object.values(row)).not.toContain(raw);
    expect(dbBytes(server)).not.toContain(raw);
  });

  it('signing out ends the session', async () => {
    const user = await createUser(server, 'writer');
    const before = dbRows(server, `SELECT id_hash FROM sessions WHERE user_id = '${user.id}'`).length;
    const res = await api('DELETE', '/api/session', { cookie: user.cookie });
    expect(res.status).toBe(204);
    expect(res.headers.get('set-cookie')).toMatch(/galley_session=;.*Expires=Thu, 01 Jan 1970/i);
    expect((await sessionOf(user.cookie)).status).toBe(401);
    expect(dbRows(server, `SELECT id_hash FROM sessions WHERE user_id = '${user.id}'`).length).toBe(before - 1);
  });

  it('"sign out everywhere" ends every session of the account and disconnects its live sockets', async () => {
    const user = await createUser(server, 'writer');
    const other = await signIn(server.url, user.email, user.password);
    const bystander = await createUser(server, 'writer');
    const storyId = await createStory(server, user);
    const client = await connectClient(server, withCookie(user, other), storyId);
    clients.push(client);
    const errors: string[] = [];
    client.provider.on('error', (e) => errors.push(e.code));
    const yws = await openYws(server, storyId, { headers: { cookie: other } });
    const ywsClosed = closeCode(yws.ws);
    const bystanderClient = await connectClient(server, bystander, storyId);
    clients.push(bystanderClient);

    const res = await api('DELETE', '/api/sessions', { cookie: user.cookie });
    expect(res.status).toBe(204);
    expect((await sessionOf(user.cookie)).status).toBe(401);
    expect((await sessionOf(other)).status).toBe(401);
    await eventually(() => {
      expect(client.provider.status).toBe('disconnected');
      expect(errors).toContain('unauthenticated');
    }, ACCESS_CHANGE_MS);
    expect(await within(ywsClosed, 'the y-websocket connection closing')).toBe(4401);
    // Someone else in the same story is not affected.
    expect(bystanderClient.provider.status).toBe('connected');
    expect((await sessionOf(bystander.cookie)).status).toBe(200);
  });

  it('changing the password needs the current one, keeps this session and ends the others (and their sockets)', async () => {
    const user = await createUser(server, 'writer');
    const other = await signIn(server.url, user.email, user.password);
    const storyId = await createStory(server, user);
    const client = await connectClient(server, withCookie(user, other), storyId);
    clients.push(client);
    const hashBefore = (await server.store.getUserById(user.id))!.passwordHash;

    const wrong = await api('PUT', '/api/session/password', {
      cookie: user.cookie,
      body: { currentPassword: 'not my password', newPassword: 'a brand new password' },
    });
    expect(wrong.status).toBe(403);
    expect(wrong.body.error.fields).toHaveProperty('currentPassword');
    expect((await server.store.getUserById(user.id))!.passwordHash).toBe(hashBefore);
    expect((await sessionOf(other)).status).toBe(200);
    expect(client.provider.status).toBe('connected');

    const changed = await api('PUT', '/api/session/password', {
      cookie: user.cookie,
      body: { currentPassword: user.password, newPassword: 'a brand new password' },
    });
    expect(changed.status).toBe(204);
    expect((await sessionOf(user.cookie)).status).toBe(200);
    expect((await sessionOf(other)).status).toBe(401);
    await eventually(() => expect(client.provider.status).toBe('disconnected'), ACCESS_CHANGE_MS);
    expect((await api('POST', '/api/session', { body: { email: user.email, password: user.password } })).status).toBe(401);
    expect((await api('POST', '/api/session', { body: { email: user.email, password: 'a brand new password' } })).status).toBe(200);
  });

  it('an expired session stops working, over HTTP and for sockets', async () => {
    // About 2 seconds.
    const shortLived = await startServer({ env: { SESSION_TTL_HOURS: '0.0006' } });
    const user = await createUser(shortLived, 'writer');
    expect((await sessionOf(user.cookie, shortLived)).status).toBe(200);
    await eventually(async () => expect((await sessionOf(user.cookie, shortLived)).status).toBe(401), 10_000, 100);
    expect((await openSocket(shortLived, { headers: { cookie: user.cookie } })).refused).toBe('unauthenticated');
    expect(dbRows(shortLived, `SELECT id_hash FROM sessions WHERE user_id = '${user.id}'`)).toEqual([]);
  });
});

describe('cross-site request forgery', () => {
  let writer: TestUser;
  let admin: TestUser;

  beforeAll(async () => {
    writer = await createUser(server, 'writer');
    admin = await createUser(server, 'admin');
  });

  const foreign = [
    ['a foreign Origin', { origin: EVIL }],
    ['only a foreign Referer', { referer: `${EVIL}/x` }],
    ['Origin: null (a sandboxed page)', { origin: 'null' }],
  ] as const;

  it.each(foreign)('refuses POST, PATCH, PUT and DELETE from %s, and changes nothing', async (_name, headers) => {
    const stories = (await server.store.listStories()).length;
    const token = await createToken(writer);
    const hash = (await server.store.getUserById(writer.id))!.passwordHash;
    const answers = [
      await api('POST', '/api/stories', { cookie: writer.cookie, headers, body: {} }),
      await api('PATCH', `/api/users/${writer.id}`, { cookie: admin.cookie, headers, body: { role: 'admin' } }),
      await api('PUT', '/api/session/password', {
        cookie: writer.cookie,
        headers,
        body: { currentPassword: writer.password, newPassword: 'chosen by the attacker' },
      }),
      await api('DELETE', `/api/tokens/${token.id}`, { cookie: writer.cookie, headers }),
      await api('DELETE', '/api/session', { cookie: writer.cookie, headers }),
      await api('POST', '/api/session', { headers, body: { email: writer.email, password: writer.password } }),
    ];
    for (const answer of answers) expect(answer).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
    expect(answers.at(-1)!.headers.get('set-cookie')).toBeNull();
    expect((await server.store.listStories()).length).toBe(stories);
    expect((await server.store.getUserById(writer.id))!.role).toBe('writer');
    expect((await server.store.getUserById(writer.id))!.passwordHash).toBe(hash);
    expect((await api('GET', '/api/session', { token: token.token })).status).toBe(200);
    expect((await sessionOf(writer.cookie)).status).toBe(200);
  });

  it('accepts the same requests from the server’s own origin (Origin or Referer)', async () => {
    const own = { origin: server.url };
    const token = await createToken(writer);
    expect((await api('POST', '/api/stories', { cookie: writer.cookie, headers: own, body: {} })).status).toBe(201);
    expect(
      (await api('POST', '/api/stories', { cookie: writer.cookie, headers: { referer: `${server.url}/story/x` }, body: {} })).status,
    ).toBe(201);
    expect(
      (await api('PATCH', `/api/users/${writer.id}`, { cookie: admin.cookie, headers: own, body: { name: writer.name } })).status,
    ).toBe(200);
    expect((await api('DELETE', `/api/tokens/${token.id}`, { cookie: writer.cookie, headers: own })).status).toBe(204);
  });

  it('accepts an origin listed in ALLOWED_ORIGINS, and still refuses others', async () => {
    const behindProxy = await startServer({ env: { ALLOWED_ORIGINS: 'https://news.example' } });
    const user = await createUser(behindProxy, 'writer');
    const create = (headers: Record<string, string>) =>
      api('POST', '/api/stories', { on: behindProxy, cookie: user.cookie, headers, body: {} });
    expect((await create({ origin: 'https://news.example' })).status).toBe(201);
    expect((await create({ referer: 'https://news.example/desk' })).status).toBe(201);
    expect((await create({ origin: EVIL })).status).toBe(403);
    expect((await create({ origin: 'https://news.example.evil.example' })).status).toBe(403);
    expect(await behindProxy.store.listStories()).toHaveLength(2);
  });
});

describe('cross-site WebSocket hijacking', () => {
  let writer: TestUser;
  let storyId: string;

  beforeAll(async () => {
    writer = await createUser(server, 'writer');
    storyId = await createStory(server, writer);
  });

  it('refuses a Socket.IO handshake from a foreign Origin, and accepts the server’s own', async () => {
    const evil = await openSocket(server, { headers: { cookie: writer.cookie, origin: EVIL } });
    expect(evil.refused).toBeDefined();
    expect(evil.socket.connected).toBe(false);
    const own = await openSocket(server, { headers: { cookie: writer.cookie, origin: server.url } });
    expect(own.refused).toBeUndefined();
    const joined = await own.socket.timeout(5_000).emitWithAck('story:join', { storyId, protocolVersion: PROTOCOL_VERSION });
    expect(joined.ok).toBe(true);
  });

  it('refuses a y-websocket upgrade from a foreign Origin with 403, and accepts the server’s own', async () => {
    expect((await openYws(server, storyId, { headers: { cookie: writer.cookie }, origin: EVIL })).refused).toBe(403);
    const own = await openYws(server, storyId, { headers: { cookie: writer.cookie }, origin: server.url });
    expect(own.refused).toBeUndefined();
    expect(own.ws.readyState).toBe(WebSocket.OPEN);
  });
});

describe('brute-force sign-in', () => {
  it('locks an account after 5 failures (even the right password then gets 429), answering exactly as for an unknown email', async () => {
    const guarded = await startServer();
    const user = await createUser(guarded, 'editor');
    const bystander = await createUser(guarded, 'viewer');
    const attempt = async (email: string, password: string) => {
      const answer = await api('POST', '/api/session', { on: guarded, body: { email, password } });
      return { status: answer.status, body: answer.body, cookie: answer.headers.get('set-cookie') };
    };
    const known: Awaited<ReturnType<typeof attempt>>[] = [];
    const unknown: Awaited<ReturnType<typeof attempt>>[] = [];
    for (let i = 0; i < 5; i++) {
      known.push(await attempt(user.email, `wrong password ${i}`));
      unknown.push(await attempt('nobody@example.test', `wrong password ${i}`));
    }
    expect(known.map((a) => a.status)).toEqual([401, 401, 401, 401, 401]);
    expect(unknown).toEqual(known);

    const locked = await attempt(user.email, user.password);
    expect(locked.status).toBe(429);
    expect(locked.body.error).toMatchObject({ code: 'rate_limited', message: expect.stringMatching(/try again in \d+ minutes?/) });
    expect(locked.cookie).toBeNull();
    expect(await attempt('nobody@example.test', 'any password')).toEqual(locked);
    // Other accounts are not locked by it.
    expect(await signIn(guarded.url, bystander.email, bystander.password)).toMatch(/^galley_session=/);
  });

  it('locks an IP that spreads its failures over several emails (SIGN_IN_FAILURES_PER_IP)', async () => {
    const guarded = await startServer({ env: { SIGN_IN_FAILURES_PER_IP: '8' } });
    const accounts = await Promise.all(
      [1, 2, 3, 4].map((n) =>
        createAccount(guarded.store, {
          email: `spread${n}@example.test`,
          name: `Spread ${n}`,
          role: 'writer',
          password: `right password ${n}`,
        }),
      ),
    );
    const attempt = (n: number, password: string) =>
      api('POST', '/api/session', { on: guarded, body: { email: `spread${n}@example.test`, password } });
    // 7 failures, no account past 2 of them.
    for (const n of [1, 1, 2, 2, 3, 3, 4]) expect((await attempt(n, 'wrong')).status).toBe(401);
    expect((await attempt(4, 'right password 4')).status).toBe(200);
    // The 8th failure from this address locks it, for every account.
    expect((await attempt(4, 'wrong')).status).toBe(401);
    for (const n of [1, 2, 3, 4]) {
      const answer = await attempt(n, `right password ${n}`);
      expect(answer.status).toBe(429);
      expect(answer.body.error.code).toBe('rate_limited');
    }
    expect(accounts).toHaveLength(4);
  });
});

describe('role changes on a live socket', () => {
  let admin: TestUser;
  beforeAll(async () => {
    admin = await createUser(server, 'admin');
  });
  const patchUser = (id: string, body: unknown) => api('PATCH', `/api/users/${id}`, { cookie: admin.cookie, body });

  it('a writer made viewer loses editing at once, and a following update is refused and changes nothing; writer again restores it', async () => {
    const writer = await createUser(server, 'writer');
    const storyId = await createStory(server, writer);
    const client = await connectClient(server, writer, storyId);
    clients.push(client);
    const access: unknown[] = [];
    client.provider.socket.on('story:access', (id, a) => access.push({ id, ...a }));
    expect(client.provider.canEdit).toBe(true);

    expect((await patchUser(writer.id, { role: 'viewer' })).status).toBe(200);
    await eventually(() => expect(client.provider.canEdit).toBe(false), ACCESS_CHANGE_MS);
    expect(client.provider.role).toBe('viewer');
    expect(access).toEqual([{ id: storyId, role: 'viewer', canEdit: false }]);

    const refused = await client.provider.socket.timeout(5_000).emitWithAck('story:sync', storyId, updateMessage('written as a viewer'));
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(server.app.registry.get(storyId)!.doc.getText('security').toString()).toBe('');
    expect((await storedDoc(server.store, storyId)).getText('security').toString()).toBe('');
    expect(client.provider.status).toBe('connected');

    // The editor typed just as the role changed: refused, kept in the doc, counted as unsaved.
    setParagraphs(client.doc, 'byline', ['Typed during the downgrade']);
    await eventually(() => expect(client.provider.pendingOffline).toBe(true));
    expect((await storedDoc(server.store, storyId)).getXmlFragment('byline').toString()).not.toContain('Typed during');

    expect((await patchUser(writer.id, { role: 'writer' })).status).toBe(200);
    await eventually(() => expect(client.provider.canEdit).toBe(true), ACCESS_CHANGE_MS);
    // Editing is back: what was refused reaches the server by itself.
    await client.provider.whenSaved();
    expect((await storedDoc(server.store, storyId)).getXmlFragment('byline').toString()).toContain('Typed during the downgrade');
    setParagraphs(client.doc, 'headline', ['Writing again']);
    await client.provider.whenSaved();
    expect(server.app.registry.get(storyId)!.doc.getXmlFragment('headline').toString()).toContain('Writing again');
  });

  it('a deactivated account’s socket is disconnected at once and cannot reconnect; reactivation does not revive its sessions', async () => {
    const writer = await createUser(server, 'writer');
    const storyId = await createStory(server, writer);
    const client = await connectClient(server, writer, storyId);
    clients.push(client);
    const errors: ErrorBody[] = [];
    client.provider.socket.on('protocol:error', (e) => errors.push(e));

    expect((await patchUser(writer.id, { active: false })).status).toBe(200);
    await eventually(() => {
      expect(client.provider.status).toBe('disconnected');
      expect(errors.map((e) => e.code)).toContain('unauthenticated');
    }, ACCESS_CHANGE_MS);
    expect((await openSocket(server, { headers: { cookie: writer.cookie } })).refused).toBe('unauthenticated');
    expect((await openYws(server, storyId, { headers: { cookie: writer.cookie } })).refused).toBe(401);
    expect((await sessionOf(writer.cookie)).status).toBe(401);
    expect((await api('POST', '/api/session', { body: { email: writer.email, password: writer.password } })).status).toBe(401);

    expect((await patchUser(writer.id, { active: true })).status).toBe(200);
    expect((await sessionOf(writer.cookie)).status).toBe(401);
  });
});

describe('token revocation on live connections', () => {
  it('disconnects the token’s Socket.IO and y-websocket connections (4401), not the owner’s other sessions; the token then gets 401', async () => {
    const editor = await createUser(server, 'editor');
    const storyId = await createStory(server, editor);
    const { token, id } = await createToken(editor);

    const viaToken = await openSocket(server, { token });
    expect(viaToken.refused).toBeUndefined();
    expect((await viaToken.socket.timeout(5_000).emitWithAck('story:join', { storyId, protocolVersion: PROTOCOL_VERSION })).ok).toBe(true);
    const viaHeader = await openSocket(server, { headers: { authorization: `Bearer ${token}` } });
    expect(viaHeader.refused).toBeUndefined();
    const yws = await openYws(server, storyId, { headers: { authorization: `Bearer ${token}` } });
    expect(yws.refused).toBeUndefined();
    const owner = await connectClient(server, editor, storyId);
    clients.push(owner);

    const errors: string[] = [];
    viaToken.socket.on('protocol:error', (e) => errors.push(e.code));
    const dropped = Promise.all(
      [viaToken.socket, viaHeader.socket].map((s) => new Promise<string>((resolve) => s.once('disconnect', (reason) => resolve(reason)))),
    );
    const ywsClosed = closeCode(yws.ws);

    expect((await api('DELETE', `/api/tokens/${id}`, { cookie: editor.cookie })).status).toBe(204);
    expect(await within(dropped, 'the token’s sockets disconnecting')).toEqual(['io server disconnect', 'io server disconnect']);
    expect(errors).toContain('unauthenticated');
    expect(await within(ywsClosed, 'the token’s y-websocket connection closing')).toBe(4401);
    expect((await api('GET', '/api/session', { token })).status).toBe(401);
    expect((await openSocket(server, { token })).refused).toBe('unauthenticated');
    expect(owner.provider.status).toBe('connected');
    expect((await sessionOf(editor.cookie)).status).toBe(200);
  });
});

describe('personal API tokens', () => {
  it('are shown once: never listed again, and stored only as a hash', async () => {
    const editor = await createUser(server, 'editor');
    const created = await api('POST', '/api/tokens', { cookie: editor.cookie, body: { name: 'newsletter script' } });
    expect(created.status).toBe(201);
    const { token, summary } = created.body;
    expect(token).toMatch(/^glt_[\w-]{43}$/);
    expect(summary).toEqual({
      id: expect.any(String),
      name: 'newsletter script',
      // Made without a scope: full, as every token was before scopes.
      scope: 'full',
      createdAt: expect.any(String),
      lastUsedAt: null,
      revokedAt: null,
    });

    const listed = await api('GET', '/api/tokens', { cookie: editor.cookie });
    expect(listed.body.tokens).toEqual([summary]);
    expect(JSON.stringify(listed.body)).not.toContain(token.slice(4));
    const rows = dbRows(server, `SELECT * FROM api_tokens WHERE user_id = '${editor.id}'`);
    expect(rows).toHaveLength(1);
    expect(Object.values(rows[0])).not.toContain(token);
    expect(dbBytes(server)).not.toContain(token.slice(4));
  });

  it('work as a bearer credential on /api, and record their last use', async () => {
    const writer = await createUser(server, 'writer');
    const { token } = await createToken(writer);
    expect((await api('GET', '/api/session', { token })).body.user.email).toBe(writer.email);
    expect((await api('POST', '/api/stories', { token, body: {} })).status).toBe(201);
    expect((await api('GET', '/api/tokens', { cookie: writer.cookie })).body.tokens[0].lastUsedAt).toEqual(expect.any(String));
    expect((await api('GET', '/api/session', { token: `glt_${'A'.repeat(43)}` })).status).toBe(401);
    expect((await api('GET', '/api/session', { token: 'not-a-galley-token' })).status).toBe(401);
  });

  it('may not create tokens, change the password or sign out everywhere (403), and nothing changes', async () => {
    const editor = await createUser(server, 'editor');
    const { token } = await createToken(editor);
    const hash = (await server.store.getUserById(editor.id))!.passwordHash;
    const answers = [
      await api('POST', '/api/tokens', { token, body: { name: 'another' } }),
      await api('PUT', '/api/session/password', { token, body: { currentPassword: editor.password, newPassword: 'chosen by a script' } }),
      await api('DELETE', '/api/sessions', { token }),
    ];
    for (const answer of answers) expect(answer).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
    expect(await server.store.listTokens(editor.id)).toHaveLength(1);
    expect((await server.store.getUserById(editor.id))!.passwordHash).toBe(hash);
    expect((await sessionOf(editor.cookie)).status).toBe(200);
  });

  it('`npm run user -- token --email E` prints a token that works on the server sharing its data dir', async () => {
    const tokenServer = await startServer();
    const user = await createUser(tokenServer, 'writer');
    const env = { ...environment(), DATA_DIR: tokenServer.dataDir };
    const printed = await run(TSX, ['server/cli/user.ts', 'token', '--email', user.email, '--name', 'cron job'], { env });
    const token = printed.stdout.trim();
    expect(token).toMatch(/^glt_[\w-]{43}$/);
    expect((await api('GET', '/api/session', { on: tokenServer, token })).body.user.email).toBe(user.email);
    expect(
      (await api('GET', '/api/tokens', { on: tokenServer, cookie: user.cookie })).body.tokens.map((t: { name: string }) => t.name),
    ).toEqual(['cron job']);
  }, 60_000);
});

describe('the user command', () => {
  const cli = (on: TestServer, ...args: string[]) =>
    run(TSX, ['server/cli/user.ts', ...args], { env: { ...environment(), DATA_DIR: on.dataDir } }).then(
      (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
    );

  it('`role` and `deactivate` change the account, and the running server follows', async () => {
    const newsroom = await startServer();
    await createUser(newsroom, 'admin');
    const writer = await createUser(newsroom, 'writer');

    const promoted = await cli(newsroom, 'role', '--email', writer.email, '--role', 'editor');
    expect(promoted).toMatchObject({ code: 0, stdout: expect.stringContaining('Role changed') });
    expect((await newsroom.store.getUserById(writer.id))!.role).toBe('editor');
    expect((await sessionOf(writer.cookie, newsroom)).body.user.role).toBe('editor');

    const deactivated = await cli(newsroom, 'deactivate', '--email', writer.email);
    expect(deactivated).toMatchObject({ code: 0, stdout: expect.stringContaining('Deactivated') });
    expect((await newsroom.store.getUserById(writer.id))!.deactivatedAt).toEqual(expect.any(String));
    expect((await sessionOf(writer.cookie, newsroom)).status).toBe(401);
    expect((await api('POST', '/api/session', { on: newsroom, body: { email: writer.email, password: writer.password } })).status).toBe(
      401,
    );
  }, 60_000);

  it('refuses to demote or deactivate the last active admin (409 over the API, exit 1 from the command line)', async () => {
    const newsroom = await startServer();
    const admin = await createUser(newsroom, 'admin');
    const patch = (body: unknown) => api('PATCH', `/api/users/${admin.id}`, { on: newsroom, cookie: admin.cookie, body });
    expect(await patch({ role: 'editor' })).toMatchObject({ status: 409, body: { error: { code: 'conflict' } } });
    expect(await patch({ active: false })).toMatchObject({ status: 409, body: { error: { code: 'conflict' } } });

    const demoted = await cli(newsroom, 'role', '--email', admin.email, '--role', 'viewer');
    expect(demoted.code).toBe(1);
    expect(demoted.stderr).toMatch(/last active admin/i);
    const deactivated = await cli(newsroom, 'deactivate', '--email', admin.email);
    expect(deactivated.code).toBe(1);
    expect(deactivated.stderr).toMatch(/last active admin/i);
    expect(await newsroom.store.getUserById(admin.id)).toMatchObject({ role: 'admin', deactivatedAt: null });

    // With a second active admin, the first may step down.
    await createUser(newsroom, 'admin');
    expect((await patch({ role: 'editor' })).status).toBe(200);
  }, 60_000);
});

describe('security headers', () => {
  it('serves the app with a strict CSP: no inline script or style elements, no framing, nosniff', async () => {
    const page = await api('GET', '/');
    const policy = csp(page.headers.get('content-security-policy'));
    const scriptSrc = policy['script-src'] ?? policy['default-src'];
    expect(scriptSrc).toBeDefined();
    expect(scriptSrc).not.toContain("'unsafe-inline'");
    expect(scriptSrc).not.toContain("'unsafe-eval'");
    expect(policy['style-src'] ?? policy['default-src']).not.toContain("'unsafe-inline'");
    expect(policy['frame-ancestors']).toEqual(["'none'"]);
    expect(policy['object-src']).toEqual(["'none'"]);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect((await api('GET', '/api/setup')).headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('serves public story pages with default-src none and no script at all', async () => {
    const editor = await createUser(server, 'editor');
    const storyId = await writeStory(editor, 'Headers for the public', 'Read without script.');
    const { slug } = (await api('POST', `/api/stories/${storyId}/publish`, { cookie: editor.cookie })).body.publication;
    for (const url of [`/stories/${slug}`, '/stories']) {
      const page = await api('GET', url);
      expect(page.status).toBe(200);
      const policy = csp(page.headers.get('content-security-policy'));
      expect(policy['default-src'], url).toEqual(["'none'"]);
      expect(policy['script-src'] ?? policy['default-src'], url).toEqual(["'none'"]);
      expect(policy['frame-ancestors'], url).toEqual(["'none'"]);
      expect(page.headers.get('x-content-type-options'), url).toBe('nosniff');
      // The one script element allowed is the story page's structured data: JSON, not script, holding no "<".
      const withoutData = page.body.replace(/<script type="application\/ld\+json">[^<]*<\/script>/, '');
      expect(withoutData, url).not.toMatch(/<script/i);
    }
  });
});

describe('bad bodies and query strings', () => {
  let admin: TestUser;
  let writer: TestUser;
  beforeAll(async () => {
    admin = await createUser(server, 'admin');
    writer = await createUser(server, 'writer');
  });

  it('refuses an unknown field in every JSON body with 400, naming it, and changes nothing', async () => {
    const bodies: [method: string, path: string, cookie: string | undefined, body: Record<string, unknown>][] = [
      ['POST', '/api/setup', undefined, { email: 'setup@example.test', name: 'Setup', password: 'long enough password' }],
      ['POST', '/api/session', undefined, { email: writer.email, password: writer.password }],
      ['PUT', '/api/session/password', writer.cookie, { currentPassword: writer.password, newPassword: 'another long password' }],
      [
        'POST',
        '/api/users',
        admin.cookie,
        { email: 'extra@example.test', name: 'Extra', password: 'long enough password', role: 'viewer' },
      ],
      ['PATCH', `/api/users/${writer.id}`, admin.cookie, { name: 'Renamed' }],
      ['POST', '/api/tokens', writer.cookie, { name: 'script' }],
      ['POST', '/api/stories', writer.cookie, {}],
    ];
    const stories = (await server.store.listStories()).length;
    const hash = (await server.store.getUserById(writer.id))!.passwordHash;
    for (const [method, path, cookie, body] of bodies) {
      const answer = await api(method, path, { cookie, body: { ...body, isAdmin: true } });
      expect(answer.status, `${method} ${path}`).toBe(400);
      expect(answer.body.error.code).toBe('bad_request');
      expect(answer.body.error.message, `${method} ${path}`).toContain('isAdmin');
      expect(answer.headers.get('set-cookie'), `${method} ${path}`).toBeNull();
    }
    expect((await server.store.listStories()).length).toBe(stories);
    expect(await server.store.getUserByEmail('extra@example.test')).toBeUndefined();
    expect(await server.store.getUserById(writer.id)).toMatchObject({ name: writer.name, passwordHash: hash });
    expect(await server.store.listTokens(writer.id)).toEqual([]);
  });

  it('refuses any field sent to a route that takes no body, with 400, changing nothing', async () => {
    const withBodies = [
      'POST /api/setup',
      'POST /api/session',
      'PUT /api/session/password',
      'POST /api/users',
      'PATCH /api/users/:id',
      'POST /api/tokens',
      'POST /api/stories',
      'POST /api/media',
      'PATCH /api/media/:id',
      'PUT /api/notifications/preferences',
    ];
    // GET requests cannot carry a body from fetch; every other route that takes none is tried.
    const bodiless = discoverApiRoutes().filter((r) => !r.startsWith('ALL ') && !r.startsWith('GET ') && !withBodies.includes(r));
    expect(bodiless.length).toBeGreaterThanOrEqual(5);
    const sessions = (await server.store.listUsers()).length;
    for (const route of bodiless) {
      const [method, pattern] = route.split(' ');
      const answer = await api(method, pattern.replace(/:id/g, NIL_UUID), { cookie: admin.cookie, body: { isAdmin: true } });
      expect(answer.status, route).toBe(400);
      expect(answer.body.error.message, route).toContain('isAdmin');
    }
    expect((await server.store.listUsers()).length).toBe(sessions);
    expect((await api('GET', '/api/session', { cookie: admin.cookie })).status).toBe(200);
  });

  it('refuses unknown query parameters on every route with 400', async () => {
    const routes = discoverApiRoutes().filter((r) => !r.startsWith('ALL '));
    expect(routes.length).toBeGreaterThanOrEqual(18);
    for (const route of routes) {
      const [method, pattern] = route.split(' ');
      const url = `${pattern.replace(/:id/g, NIL_UUID)}?x=1`;
      expect(url.startsWith(API_PREFIX)).toBe(true);
      const answer = await api(method, url, { cookie: admin.cookie, body: method === 'GET' ? undefined : {} });
      expect(answer.status, route).toBe(400);
      expect(answer.body.error.code, route).toBe('bad_request');
    }
    expect((await sessionOf(admin.cookie)).status).toBe(200);
  });
});

describe('the server secret', () => {
  it('is created in the data dir (0600) on first start and reused after a restart: sessions survive', async () => {
    const dataDir = tempDataDir();
    dirs.push(dataDir);
    let first = await startServer({ dataDir });
    const file = path.join(dataDir, 'secret.key');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const secret = fs.readFileSync(file, 'utf8');
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    const user = await createUser(first, 'writer');
    await first.stop();

    first = await startServer({ dataDir });
    expect(fs.readFileSync(file, 'utf8')).toBe(secret);
    expect((await sessionOf(user.cookie, first)).status).toBe(200);
  });

  it('SESSION_SECRET overrides the file: it keys the stored credentials, and no file is written', async () => {
    const dataDir = tempDataDir();
    dirs.push(dataDir);
    const fileKeyed = await startServer({ dataDir });
    const user = await createUser(fileKeyed, 'writer');
    const fileSecret = fs.readFileSync(path.join(dataDir, 'secret.key'), 'utf8');
    await fileKeyed.stop();

    const env = { SESSION_SECRET: 'an environment secret of more than 32 chars' };
    const envKeyed = await startServer({ dataDir, env });
    // A session stored under the file's key does not match under the environment's.
    expect((await sessionOf(user.cookie, envKeyed)).status).toBe(401);
    const cookie = await signIn(envKeyed.url, user.email, user.password);
    await envKeyed.stop();
    const again = await startServer({ dataDir, env });
    expect((await sessionOf(cookie, again)).status).toBe(200);
    await again.stop();
    expect(fs.readFileSync(path.join(dataDir, 'secret.key'), 'utf8')).toBe(fileSecret);

    const fresh = tempDataDir();
    dirs.push(fresh);
    await (await startServer({ dataDir: fresh, env })).stop();
    expect(fs.existsSync(path.join(fresh, 'secret.key'))).toBe(false);
  });

  /** Runs server/main.ts as a process; resolves with its URL once it logs its port. */
  async function startMain(env: Record<string, string>): Promise<{ child: ChildProcess; url: string; output: () => string }> {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      env: { ...environment(), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk));
    const url = await new Promise<string>((resolve, reject) => {
      // tsx compiles the server as it starts: seconds when idle, tens of seconds on a busy 2-core machine.
      const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 60_000);
      child.stdout!.on('data', () => {
        const match = /"port":(\d+)/.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(`http://127.0.0.1:${match[1]}`);
        }
      });
      child.on('exit', (code) => reject(new Error(`server exited with ${code}:\n${output}`)));
    });
    return { child, url, output: () => output };
  }

  /** Signs up, signs in (right and wrong), makes a token, opens a socket: everything that touches credentials. */
  async function exercise(url: string): Promise<string[]> {
    const setup = await api('POST', '/api/setup', {
      on: { url },
      body: { email: 'chief@example.test', name: 'Chief', password: 'the chief password' },
    });
    expect(setup.status).toBe(201);
    const cookie = setup.headers.get('set-cookie')!.split(';')[0];
    expect(
      (await api('POST', '/api/session', { on: { url }, body: { email: 'chief@example.test', password: 'a wrong password' } })).status,
    ).toBe(401);
    const token = (await api('POST', '/api/tokens', { on: { url }, cookie, body: { name: 'log check' } })).body.token as string;
    expect((await api('GET', '/api/session', { on: { url }, token })).status).toBe(200);
    const { socket, refused } = await openSocket({ url }, { headers: { cookie } });
    expect(refused).toBeUndefined();
    socket.disconnect();
    // A y-websocket client joining is logged at debug level: proof that verbose logging is on.
    const storyId = (await api('POST', '/api/stories', { on: { url }, cookie, body: {} })).body.id as string;
    const yws = await openYws({ url }, storyId, { headers: { authorization: `Bearer ${token}` } });
    expect(yws.refused).toBeUndefined();
    yws.ws.close();
    return [cookieValue(cookie), token, 'the chief password', 'a wrong password'];
  }

  async function stopMain(child: ChildProcess): Promise<void> {
    const exited = new Promise((resolve) => child.on('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }

  it('never appears in the logs, even at trace level (nor do passwords, session ids or tokens)', async () => {
    const dataDir = tempDataDir();
    dirs.push(dataDir);
    const { child, url, output } = await startMain({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'trace' });
    const credentials = await exercise(url);
    await stopMain(child);
    const secretHex = fs.readFileSync(path.join(dataDir, 'secret.key'), 'utf8');
    const log = output();
    expect(log).toContain('"level":20'); // debug lines really are written
    for (const form of [secretHex, Buffer.from(secretHex, 'hex').toString('base64'), Buffer.from(secretHex, 'hex').toString('base64url')]) {
      expect(log).not.toContain(form);
    }
    for (const credential of credentials) expect(log).not.toContain(credential);
  }, 120_000);

  it('never appears in the logs when given as SESSION_SECRET', async () => {
    const secret = 'an environment secret that must stay out of logs';
    const dataDir = tempDataDir();
    dirs.push(dataDir);
    const { child, url, output } = await startMain({
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'trace',
      SESSION_SECRET: secret,
    });
    await exercise(url);
    await stopMain(child);
    expect(output()).toContain('"level":20');
    expect(output()).not.toContain(secret);
    expect(output()).not.toContain(Buffer.from(secret).toString('base64'));
  }, 120_000);
});
