/**
 * One authorisation matrix for the whole server: every /api route (discovered from the real Express
 * router) and every Socket.IO client event (from CLIENT_EVENTS), called as every kind of principal,
 * with a request that is valid in every other respect, so "allowed" means the route's success status
 * and a refusal can only come from authentication (401) or authorisation (403).
 *
 * A route or event without a row fails the suite, and so does a row for one that no longer exists.
 */
import { randomUUID } from 'node:crypto';
import * as encoding from 'lib0/encoding';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { readThreads } from '../../shared/comments';
import { DEFAULT_PREFERENCES } from '../../shared/notifications';
import { PROVENANCE_ROOT } from '../../shared/provenance';
import { DEFAULT_SITE_SETTINGS } from '../../shared/siteSettings';
import { CLIENT_EVENTS, type ClientToServerEvents, PROTOCOL_VERSION, type ServerToClientEvents } from '../../shared/protocol';
import { type Action, can, type Role } from '../../shared/roles';
import { STORY_STATUSES, type StoryStatus } from '../../shared/workflow';
import { discoverApiRoutes } from '../helpers/apiRoutes';
import { png } from '../helpers/images';
import { connectClient, createStory, eventually, setParagraphs, storedDoc, rawSocket } from '../helpers/clients';
import { createUser, signIn, startTestServer, type TestServer, type TestUser } from '../helpers/testServer';

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const PRINCIPALS = [
  'anonymous',
  'viewer',
  'writer',
  'editor',
  'admin',
  'deactivated',
  'revokedToken',
  'editorToken',
  'contentToken',
] as const;
type PrincipalName = (typeof PRINCIPALS)[number];

type Principal = {
  name: PrincipalName;
  /** The role the server must see; null when the credential must not authenticate at all. */
  role: Role | null;
  via: 'none' | 'session' | 'token';
  /** The account behind the credential. */
  account?: TestUser;
  /** A live account of this principal whose session can make tokens for it (the token's owner for token principals). */
  owner?: TestUser;
  token?: string;
  /** A content token: no credential at all (role null) anywhere but the content API, which it may read. */
  contentReader?: boolean;
  /** The principal's long-lived credential, as request headers. */
  headers(): Record<string, string>;
  /** A credential of the same kind for rows that use one up (signing out, signing in over it). */
  disposable(): Promise<Record<string, string>>;
  /** Makes the long-lived credential valid again after a row ended every session of the account. */
  renew(): Promise<void>;
};

let server: TestServer;
let admin: TestUser;
let editor: TestUser;
let writer: TestUser;
let viewer: TestUser;
let deactivated: TestUser;
/** The account rows act on: renamed, its sessions ended, signed in to by people without an account of their own. */
let target: TestUser;
let storyId: string;
let deactivatedTokenId: string;
const principals = {} as Record<PrincipalName, Principal>;
const openSockets: ClientSocket[] = [];
let counter = 0;
/** What a row's call saw before acting, for its `after` check. */
let lastTokenId = '';
let storiesBefore = 0;
let revisionsBefore = 0;
let storySlugBefore = '';

type Answer = { status: number; body: any };

async function api(method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<Answer> {
  const res = await fetch(server.url + path, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

async function createToken(owner: TestUser, name = 'matrix'): Promise<{ token: string; id: string }> {
  const answer = await api('POST', '/api/tokens', { cookie: owner.cookie }, { name });
  if (answer.status !== 201) throw new Error(`token creation failed: ${answer.status} ${JSON.stringify(answer.body)}`);
  return { token: answer.body.token, id: answer.body.summary.id };
}

function sessionPrincipal(name: PrincipalName, account: TestUser, alive = true): Principal {
  return {
    name,
    role: alive ? account.role : null,
    via: 'session',
    account,
    owner: alive ? account : undefined,
    headers: () => ({ cookie: account.cookie }),
    disposable: async () => ({ cookie: alive ? await signIn(server.url, account.email, account.password) : account.cookie }),
    renew: async () => {
      if (alive) account.cookie = await signIn(server.url, account.email, account.password);
    },
  };
}

function tokenPrincipal(name: PrincipalName, owner: TestUser, token: string, alive: boolean): Principal {
  return {
    name,
    role: alive ? owner.role : null,
    via: 'token',
    account: owner,
    owner,
    token,
    headers: () => ({ authorization: `Bearer ${token}` }),
    // A revoked token stays revoked; a live one is replaced by a fresh token of the same owner.
    disposable: async () => ({ authorization: `Bearer ${alive ? (await createToken(owner)).token : token}` }),
    renew: async () => {},
  };
}

beforeAll(async () => {
  server = await startTestServer();
  admin = await createUser(server, 'admin', 'Ada Admin');
  editor = await createUser(server, 'editor', 'Eddie Editor');
  writer = await createUser(server, 'writer', 'Wren Writer');
  viewer = await createUser(server, 'viewer', 'Vic Viewer');
  deactivated = await createUser(server, 'writer', 'Dee Activated');
  target = await createUser(server, 'writer', 'Tara Target');

  // A story every role may read and the publishers may publish (it passes the pre-publish checks).
  storyId = await createStory(server, editor);
  const author = await connectClient(server, editor, storyId);
  setParagraphs(author.doc, 'headline', ['Matrix story']);
  setParagraphs(author.doc, 'standfirst', ['Who may do what.']);
  setParagraphs(author.doc, 'byline', ['Eddie Editor']);
  setParagraphs(author.doc, 'body', ['Every route, every principal.']);
  await author.provider.whenSaved();
  author.close();

  const editorToken = await createToken(editor, 'editor script');
  const revoked = await createToken(editor, 'revoked script');
  const contentAnswer = await api('POST', '/api/tokens', { cookie: editor.cookie }, { name: 'front-end', scope: 'content' });
  expect(contentAnswer).toMatchObject({ status: 201, body: { summary: { scope: 'content' } } });
  expect((await api('DELETE', `/api/tokens/${revoked.id}`, { cookie: editor.cookie })).status).toBe(204);
  deactivatedTokenId = (await createToken(deactivated)).id;
  const deactivation = await api('PATCH', `/api/users/${deactivated.id}`, { cookie: admin.cookie }, { active: false });
  expect(deactivation).toMatchObject({ status: 200, body: { user: { active: false } } });

  principals.anonymous = {
    name: 'anonymous',
    role: null,
    via: 'none',
    headers: () => ({}),
    disposable: async () => ({}),
    renew: async () => {},
  };
  principals.viewer = sessionPrincipal('viewer', viewer);
  principals.writer = sessionPrincipal('writer', writer);
  principals.editor = sessionPrincipal('editor', editor);
  principals.admin = sessionPrincipal('admin', admin);
  principals.deactivated = sessionPrincipal('deactivated', deactivated, false);
  principals.revokedToken = tokenPrincipal('revokedToken', editor, revoked.token, false);
  principals.editorToken = tokenPrincipal('editorToken', editor, editorToken.token, true);
  // No account outside the content API: rows that check what "its account" did must find nothing of it.
  principals.contentToken = {
    ...tokenPrincipal('contentToken', editor, contentAnswer.body.token, false),
    account: undefined,
    contentReader: true,
  };
});

afterAll(async () => {
  openSockets.forEach((s) => s.disconnect());
  await server?.close();
});

/**
 * Who may call: anyone; any authenticated principal; a signed-in person but no API token
 * (account changes need a password at a browser); or the holders of a role action.
 */
type Access = 'public' | 'authenticated' | 'session only' | 'content reader' | Action;

type Expected = number | string;

function expectedFor(access: Access, ok: Expected, p: Principal, refusal: { unauthenticated: Expected; forbidden: Expected }): Expected {
  if (access === 'public') return ok;
  if (access === 'content reader' && p.contentReader) return ok;
  if (p.role === null) return refusal.unauthenticated;
  if (access === 'authenticated' || access === 'content reader') return ok;
  if (access === 'session only') return p.via === 'session' ? ok : refusal.forbidden;
  return can(p.role, access) ? ok : refusal.forbidden;
}

type HttpRow = {
  route: string;
  access: Access;
  /** The answer when allowed. */
  ok: number;
  /** Cells that differ from what `access` implies, each with its reason in a comment. */
  except?: Partial<Record<PrincipalName, number>>;
  call(p: Principal): Promise<Answer>;
  /** Checks the effect (present iff allowed), and puts back what an allowed call changed. */
  after?(p: Principal, answer: Answer, allowed: boolean): Promise<void>;
};

const story = () => `/api/stories/${storyId}`;

/** A story with one quarantined row not yet reviewed (a damaged row, as a load would have moved it), for the damaged-stories rows. */
let damagedStoryId = '';
async function damageStory(): Promise<void> {
  damagedStoryId ||= await createStory(server, editor);
  const [seq] = await server.store.appendUpdates([{ storyId: damagedStoryId, update: Uint8Array.of(1, 2, 3) }]);
  await server.store.quarantine(damagedStoryId, [{ kind: 'update', seq, reason: 'Does not decode (matrix)' }], new Date().toISOString());
}

/** Puts the matrix story in a workflow state straight in the store, so a row's call starts from a known one. */
async function setStatus(status: StoryStatus, scheduledFor: string | null = null): Promise<void> {
  const change = { status, at: new Date().toISOString(), by: 'matrix', scheduledFor, scheduledById: scheduledFor ? editor.id : null };
  expect(await server.store.changeStatus(storyId, change, STORY_STATUSES)).toBe(true);
}

/** Makes sure the matrix story is live (published by the editor, outside the row's principal). */
async function ensureLive(): Promise<void> {
  if ((await server.store.getStory(storyId))!.live) return;
  const answer = await api('POST', `${story()}/publish`, { cookie: editor.cookie });
  if (answer.status !== 200) throw new Error(`publishing the matrix story failed: ${answer.status} ${JSON.stringify(answer.body)}`);
}

let matrixImageId: string | undefined;
/** An image uploaded by the writer (outside the row's principal), for the media rows. */
async function matrixImage(): Promise<string> {
  if (matrixImageId) return matrixImageId;
  const answer = await upload({ cookie: writer.cookie }, await png(33, 22));
  if (answer.status !== 201) throw new Error(`uploading the matrix image failed: ${answer.status}`);
  return (matrixImageId = answer.body.media.id as string);
}

async function upload(headers: Record<string, string>, bytes: Uint8Array): Promise<Answer> {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)], { type: 'image/png' }), 'matrix.png');
  const res = await fetch(`${server.url}/api/media`, { method: 'POST', headers, body: form });
  return { status: res.status, body: await res.json() };
}

/** A fresh unread notification of `account`'s (its only unread one), made straight in the store. */
async function ownNotification(account: TestUser): Promise<string> {
  await server.store.markAllNotificationsRead(account.id, new Date().toISOString());
  const id = randomUUID();
  const record = { id, userId: account.id, kind: 'mention' as const, storyId, actorId: admin.id, actorName: admin.name };
  await server.store.addNotifications(
    [{ ...record, createdAt: new Date().toISOString(), readAt: null, data: {}, inApp: true, dedupeKey: null }],
    [],
  );
  return id;
}

/** A story of the row's own, for the Trash rows: made by the editor, outside the row's principal. */
let throwawayId = '';
/** A fresh story, put in the Trash straight in the store. */
async function trashedStory(): Promise<string> {
  throwawayId = await createStory(server, editor);
  expect(await server.store.trashStory(throwawayId, { id: editor.id, name: editor.name }, new Date().toISOString())).toBe(true);
  return throwawayId;
}

/** Far enough ahead that no scheduler run picks it up during the suite. */
const scheduleAt = () => new Date(Date.now() + 86_400_000).toISOString();

const HTTP_ROWS: HttpRow[] = [
  { route: 'GET /api/setup', access: 'public', ok: 200, call: (p) => api('GET', '/api/setup', p.headers()) },
  {
    route: 'POST /api/setup',
    access: 'public',
    // Setup only exists while there are no accounts: once done, it is refused to everyone alike
    // (conflict, never a sign-in prompt). tests/integration/api.test.ts shows it succeeding on an empty server.
    ok: 409,
    call: (p) =>
      api('POST', '/api/setup', p.headers(), {
        email: `setup${++counter}@example.test`,
        name: 'Second Setup',
        password: 'long enough password',
      }),
    after: async () => expect(await server.store.getUserByEmail(`setup${counter}@example.test`)).toBeUndefined(),
  },
  { route: 'GET /api/session', access: 'authenticated', ok: 200, call: (p) => api('GET', '/api/session', p.headers()) },
  {
    route: 'POST /api/session',
    access: 'public',
    ok: 200,
    // People sign in with their own account (a deactivated one is refused, with the same answer as a
    // wrong password); callers without a password of their own sign in as the target account.
    except: { deactivated: 401 },
    call: async (p) => {
      const who = p.via === 'session' ? p.account! : target;
      return api('POST', '/api/session', await p.disposable(), { email: who.email, password: who.password });
    },
  },
  { route: 'DELETE /api/session', access: 'public', ok: 204, call: async (p) => api('DELETE', '/api/session', await p.disposable()) },
  {
    route: 'DELETE /api/sessions',
    access: 'session only',
    ok: 204,
    call: async (p) => api('DELETE', '/api/sessions', await p.disposable()),
    after: async (p, _answer, allowed) => {
      if (!allowed || !p.owner) return;
      // Every session of the account ended, the long-lived one too.
      const ended = (await api('GET', '/api/session', { cookie: p.owner.cookie })).status;
      p.owner.cookie = await signIn(server.url, p.owner.email, p.owner.password);
      expect(ended).toBe(401);
    },
  },
  {
    route: 'PUT /api/session/password',
    access: 'session only',
    ok: 204,
    // The same password again: a valid change that leaves the account as it was.
    call: (p) => {
      const password = p.account?.password ?? 'some long password';
      return api('PUT', '/api/session/password', p.headers(), { currentPassword: password, newPassword: password });
    },
    after: async (p, _answer, allowed) => {
      if (allowed) expect((await api('GET', '/api/session', p.headers())).status).toBe(200);
    },
  },
  { route: 'GET /api/users', access: 'users:manage', ok: 200, call: (p) => api('GET', '/api/users', p.headers()) },
  {
    route: 'POST /api/users',
    access: 'users:manage',
    ok: 201,
    call: (p) =>
      api('POST', '/api/users', p.headers(), {
        email: `added${++counter}@example.test`,
        name: 'Added Person',
        password: 'long enough password',
        role: 'viewer',
      }),
    after: async (_p, _answer, allowed) => expect(Boolean(await server.store.getUserByEmail(`added${counter}@example.test`))).toBe(allowed),
  },
  {
    route: 'PATCH /api/users/:id',
    access: 'users:manage',
    ok: 200,
    call: (p) => api('PATCH', `/api/users/${target.id}`, p.headers(), { name: `Renamed by ${p.name}` }),
    after: async (p, _answer, allowed) => {
      expect((await server.store.getUserById(target.id))!.name).toBe(allowed ? `Renamed by ${p.name}` : target.name);
      await server.store.updateUser(target.id, { name: target.name });
    },
  },
  {
    route: 'DELETE /api/users/:id/sessions',
    access: 'users:manage',
    ok: 204,
    call: async (p) => {
      target.cookie = await signIn(server.url, target.email, target.password);
      return api('DELETE', `/api/users/${target.id}/sessions`, p.headers());
    },
    after: async (_p, _answer, allowed) =>
      expect((await api('GET', '/api/session', { cookie: target.cookie })).status).toBe(allowed ? 401 : 200),
  },
  { route: 'GET /api/tokens', access: 'authenticated', ok: 200, call: (p) => api('GET', '/api/tokens', p.headers()) },
  {
    route: 'POST /api/tokens',
    access: 'session only',
    ok: 201,
    call: (p) => api('POST', '/api/tokens', p.headers(), { name: `made by ${p.name}` }),
  },
  {
    route: 'DELETE /api/tokens/:id',
    access: 'authenticated',
    ok: 204,
    // Revokes one of the caller's own tokens (a fresh one, so the principal's own credential survives).
    call: async (p) => {
      const id = p.owner ? (await createToken(p.owner)).id : p.name === 'deactivated' ? deactivatedTokenId : (await createToken(admin)).id;
      lastTokenId = id;
      return api('DELETE', `/api/tokens/${id}`, p.headers());
    },
    after: async (_p, _answer, allowed) => {
      const owners = [admin, editor, writer, viewer, deactivated];
      const tokens = (await Promise.all(owners.map((o) => server.store.listTokens(o.id)))).flat();
      expect(tokens.find((t) => t.id === lastTokenId)!.revokedAt !== null).toBe(allowed);
    },
  },
  { route: 'GET /api/stories', access: 'story:read', ok: 200, call: (p) => api('GET', '/api/stories', p.headers()) },
  {
    route: 'POST /api/stories',
    access: 'story:create',
    ok: 201,
    call: async (p) => {
      storiesBefore = (await server.store.listStories()).length;
      return api('POST', '/api/stories', p.headers(), {});
    },
    after: async (_p, _answer, allowed) => expect((await server.store.listStories()).length).toBe(storiesBefore + (allowed ? 1 : 0)),
  },
  { route: 'GET /api/stories/:id', access: 'story:read', ok: 200, call: (p) => api('GET', story(), p.headers()) },
  {
    route: 'POST /api/stories/:id/publish',
    access: 'story:publish',
    ok: 200,
    call: async (p) => {
      revisionsBefore = (await server.store.listRevisions(storyId)).length;
      return api('POST', `${story()}/publish`, p.headers());
    },
    after: async (_p, _answer, allowed) =>
      expect((await server.store.listRevisions(storyId)).length).toBe(revisionsBefore + (allowed ? 1 : 0)),
  },
  { route: 'GET /api/stories/:id/checks', access: 'story:read', ok: 200, call: (p) => api('GET', `${story()}/checks`, p.headers()) },
  {
    route: 'POST /api/stories/:id/submit',
    access: 'story:edit',
    ok: 200,
    call: async (p) => {
      await setStatus('draft');
      return api('POST', `${story()}/submit`, p.headers());
    },
    after: async (_p, _answer, allowed) => {
      const after = (await server.store.getStory(storyId))!;
      await setStatus('draft');
      expect(after.status).toBe(allowed ? 'in_review' : 'draft');
    },
  },
  {
    route: 'POST /api/stories/:id/return',
    access: 'story:publish',
    ok: 200,
    call: async (p) => {
      await setStatus('in_review');
      return api('POST', `${story()}/return`, p.headers(), { note: `Sent back by ${p.name}` });
    },
    after: async (p, _answer, allowed) => {
      const after = (await server.store.getStory(storyId))!;
      await setStatus('draft');
      expect([after.status, after.statusNote]).toEqual(allowed ? ['draft', `Sent back by ${p.name}`] : ['in_review', null]);
    },
  },
  {
    route: 'POST /api/stories/:id/schedule',
    access: 'story:publish',
    ok: 200,
    call: async (p) => {
      await setStatus('draft');
      return api('POST', `${story()}/schedule`, p.headers(), { at: scheduleAt() });
    },
    after: async (_p, _answer, allowed) => {
      const after = (await server.store.getStory(storyId))!;
      await setStatus('draft');
      expect(after.status).toBe(allowed ? 'scheduled' : 'draft');
    },
  },
  {
    route: 'DELETE /api/stories/:id/schedule',
    access: 'story:publish',
    ok: 200,
    call: async (p) => {
      await setStatus('scheduled', scheduleAt());
      return api('DELETE', `${story()}/schedule`, p.headers());
    },
    after: async (_p, _answer, allowed) => {
      const after = (await server.store.getStory(storyId))!;
      await setStatus('draft');
      expect([after.status === 'scheduled', after.scheduledFor === null]).toEqual([!allowed, allowed]);
    },
  },
  {
    route: 'POST /api/stories/:id/unpublish',
    access: 'story:publish',
    ok: 200,
    call: async (p) => {
      await ensureLive();
      return api('POST', `${story()}/unpublish`, p.headers());
    },
    after: async (_p, _answer, allowed) => {
      const after = (await server.store.getStory(storyId))!;
      expect(after.live).toBe(!allowed);
      expect((await fetch(`${server.url}/stories/${after.slug}`)).status).toBe(allowed ? 410 : 200);
    },
  },
  {
    route: 'PUT /api/stories/:id/slug',
    // After first publication, only those who may publish (before it, writers may too: see
    // tests/integration/workflow.test.ts); the old address then redirects to the new one.
    access: 'story:publish',
    ok: 200,
    call: async (p) => {
      await ensureLive();
      storySlugBefore = (await server.store.getStory(storyId))!.slug!;
      return api('PUT', `${story()}/slug`, p.headers(), { slug: `matrix-${p.name.toLowerCase()}-${++counter}` });
    },
    after: async (p, _answer, allowed) => {
      const slug = (await server.store.getStory(storyId))!.slug;
      expect(slug).toBe(allowed ? `matrix-${p.name.toLowerCase()}-${counter}` : storySlugBefore);
      if (allowed) expect(await server.store.findRedirect(storySlugBefore)).toBe(slug);
    },
  },
  {
    route: 'GET /api/members',
    access: 'story:read',
    ok: 200,
    call: (p) => api('GET', '/api/members', p.headers()),
    after: async (_p, answer, allowed) => expect(answer.body.members?.length > 0).toBe(allowed),
  },
  {
    route: 'GET /api/stories/:id/authors',
    access: 'story:read',
    ok: 200,
    call: async (p) => {
      await ensureLive();
      return api('GET', `${story()}/authors`, p.headers());
    },
    after: async (_p, answer, allowed) => expect(answer.body.authors?.length > 0).toBe(allowed),
  },
  {
    route: 'GET /api/stories/:id/revisions',
    access: 'story:read',
    ok: 200,
    call: async (p) => {
      await ensureLive();
      return api('GET', `${story()}/revisions`, p.headers());
    },
    after: async (_p, answer, allowed) => expect(answer.body.revisions?.length > 0).toBe(allowed),
  },
  {
    route: 'GET /api/stories/:id/revisions/:number',
    access: 'story:read',
    ok: 200,
    call: async (p) => {
      await ensureLive();
      return api('GET', `${story()}/revisions/1`, p.headers());
    },
    after: async (_p, answer, allowed) => expect(answer.body.revision?.number === 1).toBe(allowed),
  },
  {
    route: 'GET /api/stories/:id/revisions/:number/diff',
    access: 'story:read',
    ok: 200,
    call: async (p) => {
      await ensureLive();
      return api('GET', `${story()}/revisions/1/diff`, p.headers());
    },
    after: async (_p, answer, allowed) => expect(Array.isArray(answer.body.fields)).toBe(allowed),
  },
  {
    route: 'GET /api/stories/:id/revisions/:number/diff/:to',
    access: 'story:read',
    ok: 200,
    call: async (p) => {
      await ensureLive();
      return api('GET', `${story()}/revisions/1/diff/1`, p.headers());
    },
    after: async (_p, answer, allowed) => expect(Array.isArray(answer.body.fields)).toBe(allowed),
  },
  {
    route: 'POST /api/stories/:id/versions',
    access: 'story:edit',
    ok: 201,
    call: async (p) => {
      revisionsBefore = (await server.store.listRevisions(storyId)).length;
      return api('POST', `${story()}/versions`, p.headers(), { name: `Matrix ${p.name}` });
    },
    after: async (_p, _answer, allowed) =>
      expect((await server.store.listRevisions(storyId)).length).toBe(revisionsBefore + (allowed ? 1 : 0)),
  },
  {
    route: 'GET /api/stories/:id/revisions/:number/changed-by',
    access: 'story:read',
    ok: 200,
    call: async (p) => {
      await ensureLive();
      return api('GET', `${story()}/revisions/1/changed-by`, p.headers());
    },
    after: async (_p, answer, allowed) => expect(Array.isArray(answer.body.authors)).toBe(allowed),
  },
  {
    route: 'POST /api/stories/:id/revisions/:number/revert',
    access: 'story:edit',
    ok: 200,
    call: async (p) => {
      await ensureLive();
      return api('POST', `${story()}/revisions/1/revert`, p.headers(), { userId: target.id });
    },
    after: async (_p, answer, allowed) => expect(typeof answer.body.reverted === 'boolean').toBe(allowed),
  },
  {
    route: 'POST /api/stories/:id/revisions/:number/restored',
    access: 'story:edit',
    ok: 204,
    call: async (p) => {
      await ensureLive();
      return api('POST', `${story()}/revisions/1/restored`, p.headers());
    },
    after: async (p, _answer, allowed) => {
      const [latest] = await server.store.listStoryActivity(storyId, { limit: 1 });
      expect(latest.kind === 'restored' && latest.actor?.id === p.account?.id).toBe(allowed);
    },
  },
  {
    route: 'GET /api/stories/:id/activity',
    access: 'story:read',
    ok: 200,
    call: (p) => api('GET', `${story()}/activity`, p.headers()),
    after: async (_p, answer, allowed) => expect(Array.isArray(answer.body.activity)).toBe(allowed),
  },
  {
    route: 'GET /api/damaged-stories',
    access: 'users:manage',
    ok: 200,
    call: async (p) => {
      await damageStory();
      return api('GET', '/api/damaged-stories', p.headers());
    },
    after: async (_p, answer, allowed) =>
      expect(answer.body.stories?.some((d: { storyId: string }) => d.storyId === damagedStoryId) === true).toBe(allowed),
  },
  {
    route: 'POST /api/damaged-stories/:id/review',
    access: 'users:manage',
    ok: 200,
    call: async (p) => {
      await damageStory();
      return api('POST', `/api/damaged-stories/${damagedStoryId}/review`, p.headers());
    },
    // Reviewed (the rows stay in quarantine) exactly when allowed.
    after: async (_p, _answer, allowed) => {
      expect((await server.store.storyDamage(damagedStoryId)) === null).toBe(allowed);
      expect((await server.store.listQuarantine()).some((q) => q.storyId === damagedStoryId)).toBe(true);
    },
  },
  {
    route: 'POST /api/media',
    access: 'story:edit',
    ok: 201,
    // A new image each call (its own size), so an allowed upload is a new one.
    call: async (p) => upload(p.headers(), await png(40 + ++counter, 30)),
    after: async (_p, answer, allowed) => expect(answer.body?.media?.id !== undefined).toBe(allowed),
  },
  {
    route: 'GET /api/media',
    access: 'story:read',
    ok: 200,
    call: async (p) => api('GET', `/api/media?q=${await matrixImage()}`, p.headers()),
  },
  {
    route: 'GET /api/media/:id',
    access: 'story:read',
    ok: 200,
    call: async (p) => api('GET', `/api/media/${await matrixImage()}`, p.headers()),
  },
  {
    route: 'PATCH /api/media/:id',
    access: 'story:edit',
    ok: 200,
    call: async (p) => api('PATCH', `/api/media/${await matrixImage()}`, p.headers(), { caption: `caption ${++counter}` }),
    after: async (_p, _answer, allowed) =>
      expect((await server.store.getMedia(await matrixImage()))?.caption === `caption ${counter}`).toBe(allowed),
  },
  // Notifications: everyone signed in has their own (tests/integration/notifications.test.ts: never anyone else's).
  { route: 'GET /api/notifications', access: 'authenticated', ok: 200, call: (p) => api('GET', '/api/notifications', p.headers()) },
  {
    route: 'GET /api/notifications/unread-count',
    access: 'authenticated',
    ok: 200,
    call: (p) => api('GET', '/api/notifications/unread-count', p.headers()),
  },
  {
    route: 'POST /api/notifications/read-all',
    access: 'authenticated',
    ok: 204,
    call: (p) => api('POST', '/api/notifications/read-all', p.headers()),
  },
  {
    route: 'POST /api/notifications/:id/read',
    access: 'authenticated',
    ok: 204,
    // One of the account's own, made for the call (anonymous callers try the target's: refused before it matters).
    call: async (p) => api('POST', `/api/notifications/${await ownNotification(p.account ?? target)}/read`, p.headers()),
    // Read exactly when allowed.
    after: async (p, _answer, allowed) => {
      if (p.account) expect((await server.store.countUnread(p.account.id)) === 0).toBe(allowed);
    },
  },
  {
    route: 'GET /api/notifications/preferences',
    access: 'authenticated',
    ok: 200,
    call: (p) => api('GET', '/api/notifications/preferences', p.headers()),
  },
  {
    route: 'PUT /api/notifications/preferences',
    access: 'authenticated',
    ok: 200,
    call: (p) => api('PUT', '/api/notifications/preferences', p.headers(), { ...DEFAULT_PREFERENCES, emailMode: 'digest' }),
    after: async (p, _answer, allowed) => {
      if (p.account) expect((await server.store.getNotificationPreferences(p.account.id))?.emailMode === 'digest').toBe(allowed);
      if (p.account) await server.store.setNotificationPreferences(p.account.id, DEFAULT_PREFERENCES);
    },
  },
  // The API's catch-all: an unknown route is 404 whoever asks (it reveals nothing and does nothing).
  {
    route: 'POST /api/stories/:id/archive',
    // Any story for editors; writers only their own (tests/integration/trash.test.ts): the matrix story is the editor's.
    access: 'story:archive',
    ok: 200,
    call: (p) => api('POST', `${story()}/archive`, p.headers()),
    after: async (_p, _answer, allowed) => {
      const archived = (await server.store.getStory(storyId))!.archivedAt !== null;
      await server.store.archiveStory(storyId, null);
      expect(archived).toBe(allowed);
    },
  },
  {
    route: 'POST /api/stories/:id/unarchive',
    access: 'story:archive',
    ok: 200,
    call: async (p) => {
      await server.store.archiveStory(storyId, new Date().toISOString());
      return api('POST', `${story()}/unarchive`, p.headers());
    },
    after: async (_p, _answer, allowed) => {
      const archived = (await server.store.getStory(storyId))!.archivedAt !== null;
      await server.store.archiveStory(storyId, null);
      expect(archived).toBe(!allowed);
    },
  },
  {
    route: 'DELETE /api/stories/:id',
    access: 'story:delete',
    ok: 204,
    call: async (p) => {
      throwawayId = await createStory(server, editor);
      return api('DELETE', `/api/stories/${throwawayId}`, p.headers());
    },
    after: async (_p, _answer, allowed) => expect((await server.store.getStory(throwawayId)) === undefined).toBe(allowed),
  },
  {
    route: 'POST /api/stories/:id/restore',
    access: 'story:delete',
    ok: 200,
    call: async (p) => api('POST', `/api/stories/${await trashedStory()}/restore`, p.headers()),
    after: async (_p, _answer, allowed) => expect((await server.store.getStory(throwawayId)) !== undefined).toBe(allowed),
  },
  {
    route: 'GET /api/trash',
    access: 'story:delete',
    ok: 200,
    call: (p) => api('GET', '/api/trash', p.headers()),
    after: async (_p, answer, allowed) => expect(Array.isArray(answer.body.stories)).toBe(allowed),
  },
  {
    route: 'DELETE /api/trash/:id',
    access: 'story:delete',
    ok: 204,
    call: async (p) => api('DELETE', `/api/trash/${await trashedStory()}`, p.headers()),
    after: async (_p, _answer, allowed) => expect((await server.store.trashedStories()).some((s) => s.id === throwawayId)).toBe(!allowed),
  },
  { route: 'ALL /api/{*rest}', access: 'public', ok: 404, call: (p) => api('GET', '/api/no-such-route', p.headers()) },
  ...(['sections', 'tags'] as const).flatMap(termRows),
  ...webhookRows(),
  ...contentRows(),
  {
    route: 'GET /api/site',
    access: 'story:read',
    ok: 200,
    call: (p) => api('GET', '/api/site', p.headers()),
    after: async (_p, answer, allowed) => expect(typeof answer.body.settings?.name === 'string').toBe(allowed),
  },
  {
    route: 'PUT /api/site',
    access: 'site:manage',
    ok: 200,
    call: (p) => api('PUT', '/api/site', p.headers(), { ...DEFAULT_SITE_SETTINGS, name: `Site ${p.name} ${++counter}` }),
    after: async (p, _answer, allowed) =>
      expect((await server.store.getSiteSettings())?.settings.name === `Site ${p.name} ${counter}`).toBe(allowed),
  },
];

/**
 * Webhook endpoints (docs/webhooks.md): each row on an endpoint of its own, made disabled in the store, so that
 * nothing is ever sent to its (public, unreachable) address.
 */
function webhookRows(): HttpRow[] {
  const url = 'https://8.8.8.8/galley-matrix';
  const endpoint = async () => {
    const id = randomUUID();
    const e = { id, url, description: '', events: ['story.deleted' as const], secret: 'whsec_matrix', active: false };
    await server.store.addWebhookEndpoint({ ...e, createdAt: new Date().toISOString(), createdBy: 'matrix' }, 1_000);
    return id;
  };
  let endpointId = '';
  return [
    {
      route: 'GET /api/webhooks',
      access: 'webhooks:manage',
      ok: 200,
      call: async (p) => ((endpointId = await endpoint()), api('GET', '/api/webhooks', p.headers())),
      after: async (_p, answer, allowed) =>
        expect(answer.body.endpoints?.some((e: { id: string }) => e.id === endpointId) ?? false).toBe(allowed),
    },
    {
      route: 'POST /api/webhooks',
      access: 'webhooks:manage',
      ok: 201,
      call: (p) => api('POST', '/api/webhooks', p.headers(), { url: `${url}/${p.name}-${++counter}`, events: ['story.deleted'] }),
      after: async (p, answer, allowed) => {
        const made = (await server.store.listWebhookEndpoints()).filter((e) => e.url === `${url}/${p.name}-${counter}`);
        for (const e of made) await server.store.removeWebhookEndpoint(e.id);
        expect(made.length === 1 && answer.body.secret === made[0].secret).toBe(allowed);
      },
    },
    {
      route: 'PATCH /api/webhooks/:id',
      access: 'webhooks:manage',
      ok: 200,
      call: async (p) => api('PATCH', `/api/webhooks/${(endpointId = await endpoint())}`, p.headers(), { description: `by ${p.name}` }),
      after: async (p, _answer, allowed) =>
        expect((await server.store.getWebhookEndpoint(endpointId))?.description === `by ${p.name}`).toBe(allowed),
    },
    {
      route: 'DELETE /api/webhooks/:id',
      access: 'webhooks:manage',
      ok: 204,
      call: async (p) => api('DELETE', `/api/webhooks/${(endpointId = await endpoint())}`, p.headers()),
      after: async (_p, _answer, allowed) => expect((await server.store.getWebhookEndpoint(endpointId)) === undefined).toBe(allowed),
    },
    {
      route: 'GET /api/webhooks/:id/deliveries',
      access: 'webhooks:manage',
      ok: 200,
      call: async (p) => api('GET', `/api/webhooks/${(endpointId = await endpoint())}/deliveries`, p.headers()),
      after: async (_p, answer, allowed) => expect(Array.isArray(answer.body.deliveries)).toBe(allowed),
    },
    {
      route: 'POST /api/webhooks/:id/ping',
      access: 'webhooks:manage',
      ok: 201,
      call: async (p) => api('POST', `/api/webhooks/${(endpointId = await endpoint())}/ping`, p.headers()),
      after: async (_p, _answer, allowed) => expect((await server.store.listWebhookDeliveries(endpointId, 5)).length === 1).toBe(allowed),
    },
    {
      route: 'POST /api/webhooks/:id/deliveries/:deliveryId/redeliver',
      access: 'webhooks:manage',
      ok: 200,
      call: async (p) => {
        endpointId = await endpoint();
        const event = { id: randomUUID(), type: 'ping' as const, payload: '{}', createdAt: '2026-01-01T00:00:00.000Z' };
        const delivery = await server.store.addWebhookDelivery(endpointId, randomUUID(), event, '2026-01-02T00:00:00.000Z');
        return api('POST', `/api/webhooks/${endpointId}/deliveries/${delivery!.id}/redeliver`, p.headers());
      },
      after: async (_p, _answer, allowed) =>
        expect((await server.store.listWebhookDeliveries(endpointId, 5))[0].nextAttemptAt > '2026-01-01T00:00:00.000Z').toBe(allowed),
    },
  ];
}

/**
 * The content API (docs/distribution.md): read by sessions and full tokens of every role, and by content tokens,
 * which count nowhere else (every other row expects them refused as no credential).
 */
function contentRows(): HttpRow[] {
  const content = '/api/content/v1';
  const read = (route: string, path: () => Promise<string>, ok = 200): HttpRow => ({
    route: `GET ${content}${route}`,
    access: 'content reader',
    ok,
    call: async (p) => {
      await ensureLive();
      return api('GET', content + (await path()), p.headers());
    },
    after: async (_p, answer, allowed) => {
      if (allowed && route.startsWith('/stories')) expect(JSON.stringify(answer.body)).toContain(storyId);
    },
  });
  const slug = async () => (await server.store.getStory(storyId))!.slug!;
  return [
    read('/stories', async () => '/stories'),
    read('/stories/by-slug/:slug', async () => `/stories/by-slug/${await slug()}`),
    read('/stories/:id', async () => `/stories/${storyId}`),
    read('/sections', async () => '/sections'),
    read('/tags', async () => '/tags'),
    read('/authors', async () => '/authors'),
    // Past its credential check, an unknown path is not found.
    { ...read('/{*rest}', async () => '/no-such-route', 404), route: `ALL ${content}/{*rest}` },
  ];
}

/** The four routes of a managed list (sections or tags): each call on a name of its own. */
function termRows(kind: 'sections' | 'tags'): HttpRow[] {
  const add = async () => (await server.store.addTerm(matrixTerm(kind), 1_000), lastTerm);
  return [
    {
      route: `GET /api/${kind}`,
      access: 'story:read',
      ok: 200,
      call: async (p) => {
        await add();
        return api('GET', `/api/${kind}`, p.headers());
      },
      after: async (_p, answer, allowed) => expect(answer.body.terms?.length > 0).toBe(allowed),
    },
    {
      route: `POST /api/${kind}`,
      access: 'taxonomy:manage',
      ok: 201,
      call: (p) => api('POST', `/api/${kind}`, p.headers(), { name: `Matrix ${p.name} ${++counter}` }),
      after: async (p, _answer, allowed) =>
        expect((await server.store.listTerms(kind)).some((t) => t.name === `Matrix ${p.name} ${counter}`)).toBe(allowed),
    },
    {
      route: `PATCH /api/${kind}/:id`,
      access: 'taxonomy:manage',
      ok: 200,
      call: async (p) => api('PATCH', `/api/${kind}/${(await add()).id}`, p.headers(), { name: `Renamed ${p.name} ${++counter}` }),
      after: async (p, _answer, allowed) =>
        expect((await server.store.listTerms(kind)).some((t) => t.name === `Renamed ${p.name} ${counter}`)).toBe(allowed),
    },
    {
      route: `DELETE /api/${kind}/:id`,
      access: 'taxonomy:manage',
      ok: 204,
      call: async (p) => api('DELETE', `/api/${kind}/${(await add()).id}`, p.headers()),
      after: async (_p, _answer, allowed) => expect((await server.store.listTerms(kind)).some((t) => t.id === lastTerm.id)).toBe(!allowed),
    },
  ];
}

let lastTerm = { id: '', name: '' };
function matrixTerm(kind: 'sections' | 'tags') {
  const name = `Term ${++counter}`;
  lastTerm = { id: randomUUID(), name };
  return { ...lastTerm, kind, key: name.toLowerCase(), createdAt: new Date().toISOString() };
}

describe('the matrix covers the whole API', () => {
  const discovered = discoverApiRoutes();

  it('discovers the routes from the real router', () => {
    expect(discovered).toContain('GET /api/stories');
    expect(discovered).toContain('PATCH /api/users/:id');
    expect(discovered.length).toBeGreaterThanOrEqual(19);
  });

  it('has a row for every route, and no row for a route that does not exist', () => {
    const rows = HTTP_ROWS.map((r) => r.route);
    expect(new Set(rows).size, 'one row per route').toBe(rows.length);
    expect(
      discovered.filter((r) => !rows.includes(r)),
      'routes without a row in HTTP_ROWS',
    ).toEqual([]);
    expect(
      rows.filter((r) => !discovered.includes(r)),
      'rows naming a route that no longer exists',
    ).toEqual([]);
  });

  it('has a row for every socket event, and no row for an event that does not exist', () => {
    const rows = SOCKET_ROWS.map((r) => r.event);
    expect(new Set(rows).size).toBe(rows.length);
    expect(
      [...CLIENT_EVENTS].filter((e) => !rows.includes(e)),
      'events without a row in SOCKET_ROWS',
    ).toEqual([]);
    expect(
      rows.filter((e) => !CLIENT_EVENTS.has(e)),
      'rows naming an event that no longer exists',
    ).toEqual([]);
  });
});

/**
 * Keeps rows independent even when one fails: a call wrongly allowed may have ended the sessions
 * of an account (sign out everywhere, password change by a token…); sign those in again.
 */
async function healSessions(): Promise<void> {
  for (const p of Object.values(principals)) {
    if (p.via === 'session' && p.role !== null && (await api('GET', '/api/session', p.headers())).status !== 200) await p.renew();
  }
}

describe('every /api route, as every principal', () => {
  it.each(HTTP_ROWS.map((row) => [row.route, row] as const))('%s', async (_route, row) => {
    const actual = {} as Record<PrincipalName, number>;
    const expected = {} as Record<PrincipalName, number>;
    const refusal = { unauthenticated: 401, forbidden: 403 };
    const effects: string[] = [];
    for (const name of PRINCIPALS) {
      const p = principals[name];
      expected[name] = row.except?.[name] ?? (expectedFor(row.access, row.ok, p, refusal) as number);
      const answer = await row.call(p);
      actual[name] = answer.status;
      if (answer.status >= 400) expect(answer.body?.error?.code, `${row.route} as ${name}: error body`).toEqual(expect.any(String));
      // Effect checks run for every principal; their failures are reported after the matrix itself.
      await Promise.resolve(row.after?.(p, answer, answer.status === row.ok && row.ok < 400)).catch((error: Error) =>
        effects.push(`as ${name}: ${error.message}`),
      );
    }
    await healSessions();
    expect(actual).toEqual(expected);
    expect(effects).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// Socket.IO: the handshake, then every client event.

type SocketRow = {
  event: string;
  access: Access;
  /** Performs the event on a connected socket; 'ok' or the error code the server answered with. */
  run(socket: ClientSocket, p: Principal): Promise<string>;
};

const message = (type: number, payload: Uint8Array) => {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, type);
  encoding.writeVarUint8Array(encoder, payload);
  return encoding.toUint8Array(encoder);
};
const step1 = () => message(syncProtocol.messageYjsSyncStep1, Y.encodeStateVector(new Y.Doc()));

function awarenessUpdate(clientId: number, state: unknown): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, 1);
  encoding.writeVarUint(encoder, clientId);
  encoding.writeVarUint(encoder, 1);
  encoding.writeVarString(encoder, JSON.stringify(state));
  return encoding.toUint8Array(encoder);
}

const liveDocument = () => server.app.registry.get(storyId)!;

/** Connects as the principal: session cookie, or token in `auth` (or in the Authorization header). */
function openSocket(p: Principal, tokenIn: 'auth' | 'header' = 'auth'): Promise<{ socket: ClientSocket; refused?: string }> {
  const socket: ClientSocket = rawSocket(server.url, {
    extraHeaders: p.token && tokenIn === 'auth' ? {} : p.headers(),
    auth: p.token && tokenIn === 'auth' ? { token: p.token } : {},
  });
  openSockets.push(socket);
  return new Promise((resolve) => {
    socket.once('connect', () => resolve({ socket }));
    socket.once('connect_error', (error) => {
      socket.disconnect();
      resolve({ socket, refused: error.message });
    });
  });
}

async function joinOrThrow(socket: ClientSocket): Promise<void> {
  const answer = await socket.timeout(5_000).emitWithAck('story:join', { storyId, protocolVersion: PROTOCOL_VERSION });
  if (!answer.ok) throw new Error(`join refused: ${answer.error.code}`);
}

const SOCKET_ROWS: SocketRow[] = [
  {
    event: 'story:join',
    access: 'story:read',
    run: async (socket, p) => {
      const answer = await socket.timeout(5_000).emitWithAck('story:join', { storyId, protocolVersion: PROTOCOL_VERSION });
      if (!answer.ok) return answer.error.code;
      // The join answer carries the story's workflow state as well.
      const { status, live } = (await server.store.getStory(storyId))!;
      expect(answer.data).toEqual({
        role: p.role,
        canEdit: can(p.role!, 'story:edit'),
        workflow: expect.objectContaining({ status, live }),
      });
      expect(liveDocument().connections.has(socket.id!)).toBe(true);
      return 'ok';
    },
  },
  {
    event: 'story:sync',
    access: 'story:edit',
    run: async (socket, p) => {
      await joinOrThrow(socket);
      const doc = new Y.Doc();
      const marker = `sync by ${p.name} ${++counter}`;
      doc.getText('matrix').insert(0, marker);
      const answer = await socket
        .timeout(5_000)
        .emitWithAck('story:sync', storyId, message(syncProtocol.messageYjsUpdate, Y.encodeStateAsUpdate(doc)));
      // Changed, in memory and in storage, exactly when accepted.
      expect(liveDocument().doc.getText('matrix').toString().includes(marker)).toBe(answer.ok);
      expect((await storedDoc(server.store, storyId)).getText('matrix').toString().includes(marker)).toBe(answer.ok);
      return answer.ok ? 'ok' : answer.error.code;
    },
  },
  {
    event: 'story:awareness',
    access: 'story:read',
    run: async (socket, p) => {
      await joinOrThrow(socket);
      const errors: string[] = [];
      socket.on('protocol:error', (error) => errors.push(error.code));
      const clientId = new Y.Doc().clientID;
      socket.emit('story:awareness', storyId, awarenessUpdate(clientId, { field: 'headline' }));
      return eventually(() => {
        if (errors.length > 0) return errors[0];
        const state = liveDocument().awareness.getStates().get(clientId);
        expect(state).toBeDefined();
        // Stamped with the authenticated account, whatever the client claimed.
        expect(state!.user.id).toBe(p.account!.id);
        return 'ok';
      });
    },
  },
  {
    event: 'story:comment',
    access: 'story:comment',
    run: async (socket, p) => {
      await joinOrThrow(socket);
      const anchor = Y.encodeRelativePosition(Y.createRelativePositionFromJSON({ tname: 'body', assoc: 0 }));
      const op = {
        type: 'start',
        threadId: randomUUID(),
        messageId: randomUUID(),
        field: 'body',
        start: anchor,
        end: anchor,
        quote: '',
        body: `by ${p.name}`,
      } as const;
      const answer = await socket.timeout(5_000).emitWithAck('story:comment', storyId, op);
      // Written, in storage, exactly when accepted, in the account's name.
      const thread = readThreads(await storedDoc(server.store, storyId)).find((t) => t.id === op.threadId);
      expect(thread?.messages[0].authorId).toBe(answer.ok ? p.account!.id : undefined);
      return answer.ok ? 'ok' : answer.error.code;
    },
  },
  {
    event: 'story:provenance',
    access: 'story:edit',
    run: async (socket, p) => {
      await joinOrThrow(socket);
      // A copy of the body's first word (written by Eddie Editor) under a new client id of the principal's.
      const doc = new Y.Doc();
      Y.applyUpdate(doc, Y.encodeStateAsUpdate(liveDocument().doc));
      const original = ((doc.getXmlFragment('body').get(0) as Y.XmlElement).get(0) as Y.XmlText)._start!.id;
      const clock = Y.getState(doc.store, doc.clientID);
      const before = Y.encodeStateVector(doc);
      doc.getText('matrix').insert(0, 'Every');
      const own = Y.encodeStateAsUpdate(doc, before);
      await socket.timeout(5_000).emitWithAck('story:sync', storyId, message(syncProtocol.messageYjsUpdate, own));
      const copy = { to: { client: doc.clientID, clock }, from: { client: original.client, clock: original.clock }, length: 5 };
      const answer = await socket.timeout(5_000).emitWithAck('story:provenance', storyId, { copies: [copy] });
      // Recorded as the editor's text exactly when accepted (for the editor's own copy, the binding already says so).
      const recorded = (await storedDoc(server.store, storyId)).getMap(PROVENANCE_ROOT).get(`${doc.clientID}:${clock}`);
      const copiedByEditor = p.account?.id === editor.id;
      expect(recorded).toEqual(answer.ok && !copiedByEditor ? { length: 5, author: editor.id } : undefined);
      return answer.ok ? 'ok' : answer.error.code;
    },
  },
  {
    event: 'story:leave',
    access: 'story:read',
    run: async (socket) => {
      await joinOrThrow(socket);
      expect((await socket.timeout(5_000).emitWithAck('story:sync', storyId, step1())).ok).toBe(true);
      socket.emit('story:leave', storyId);
      // Events are handled in order: the next message finds the socket no longer in the story.
      const after = await socket.timeout(5_000).emitWithAck('story:sync', storyId, step1());
      expect(liveDocument().connections.has(socket.id!)).toBe(false);
      return after.ok ? 'still joined' : after.error.code === 'not_joined' ? 'ok' : after.error.code;
    },
  },
  {
    event: 'newsroom:watch',
    access: 'authenticated',
    run: async (socket) => {
      const answer = await socket.timeout(5_000).emitWithAck('newsroom:watch');
      return answer.ok ? 'ok' : answer.error.code;
    },
  },
];

describe('the Socket.IO handshake and every client event, as every principal', () => {
  const refusal = { unauthenticated: 'unauthenticated', forbidden: 'forbidden' };

  it('connect: only live credentials get a socket (tokens in `auth` or in the Authorization header)', async () => {
    const actual = {} as Record<string, string>;
    const expected = {} as Record<string, string>;
    for (const name of PRINCIPALS) {
      const p = principals[name];
      for (const tokenIn of p.token ? (['auth', 'header'] as const) : (['auth'] as const)) {
        const key = p.token ? `${name} (${tokenIn})` : name;
        expected[key] = expectedFor('authenticated', 'ok', p, refusal) as string;
        const { socket, refused } = await openSocket(p, tokenIn);
        actual[key] = refused ?? 'ok';
        socket.disconnect();
      }
    }
    expect(actual).toEqual(expected);
  });

  it.each(SOCKET_ROWS.map((row) => [row.event, row] as const))('%s', async (_event, row) => {
    const actual = {} as Record<PrincipalName, string>;
    const expected = {} as Record<PrincipalName, string>;
    for (const name of PRINCIPALS) {
      const p = principals[name];
      expected[name] = expectedFor(row.access, 'ok', p, refusal) as string;
      const { socket, refused } = await openSocket(p);
      try {
        actual[name] = refused ?? (await row.run(socket, p));
      } finally {
        socket.disconnect();
      }
    }
    expect(actual).toEqual(expected);
  });
});

describe('the newsroom preview pages, as every principal', () => {
  // Outside /api, so not discovered above: the draft preview and a past revision's view are for
  // signed-in people who may read stories; everyone else gets the 401 page.
  const PREVIEW_ROUTES = [() => `/preview/${storyId}`, () => `/preview/${storyId}/revisions/1`];

  it.each(PREVIEW_ROUTES.map((path, i) => [['GET /preview/:id', 'GET /preview/:id/revisions/:number'][i], path] as const))(
    '%s',
    async (_route, path) => {
      await ensureLive();
      const actual = {} as Record<PrincipalName, number>;
      const expected = {} as Record<PrincipalName, number>;
      for (const name of PRINCIPALS) {
        const p = principals[name];
        expected[name] = expectedFor('story:read', 200, p, { unauthenticated: 401, forbidden: 403 }) as number;
        const res = await fetch(server.url + path(), { headers: p.headers(), redirect: 'manual' });
        const html = await res.text();
        actual[name] = res.status;
        // Never cached or indexed, whoever asks; the story is shown only to those allowed.
        expect(res.headers.get('cache-control'), name).toMatch(/no-store/);
        expect(res.headers.get('x-robots-tag'), name).toMatch(/noindex/);
        expect(html.includes('Every route, every principal.'), name).toBe(res.status === 200);
      }
      expect(actual).toEqual(expected);
    },
  );
});

describe('the y-websocket endpoint, as every principal', () => {
  /** 101 when the upgrade is accepted, else the HTTP status it was refused with. */
  function upgrade(headers: Record<string, string>): Promise<number> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`${server.url.replace(/^http/, 'ws')}/yjs/${storyId}`, { headers });
      ws.on('error', () => {});
      ws.once('unexpected-response', (_req, res) => {
        resolve(res.statusCode ?? 0);
        ws.terminate();
      });
      ws.once('open', () => {
        resolve(101);
        ws.close();
      });
      ws.once('close', () => reject(new Error('closed before an answer')));
    });
  }

  it('upgrade: 401 without live credentials, accepted for every role that may read', async () => {
    const actual = {} as Record<PrincipalName, number>;
    const expected = {} as Record<PrincipalName, number>;
    for (const name of PRINCIPALS) {
      const p = principals[name];
      expected[name] = expectedFor('story:read', 101, p, { unauthenticated: 401, forbidden: 403 }) as number;
      actual[name] = await upgrade(p.headers());
    }
    expect(actual).toEqual(expected);
  });
});
