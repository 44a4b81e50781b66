/**
 * Notifications end to end: real servers, real Socket.IO clients. Who is told what (mentions, replies,
 * review, send back, publication, the planning's hooks), live on every tab of theirs, only ever their own,
 * their preferences; email through a local SMTP server; and a notification acknowledged survives kill -9.
 */
import { randomUUID } from 'node:crypto';
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { closeSocket, connectSocket, type GalleyClientSocket } from '../../client/lib/sync/socket';
import { SqliteStore } from '../../server/persistence/sqlite/SqliteStore';
import type { CommentOpInput } from '../../shared/comments';
import { DEFAULT_PREFERENCES, type NotificationView } from '../../shared/notifications';
import { connectClient, createStory, eventually, setParagraphs, type TestClient } from '../helpers/clients';
import { call } from '../helpers/http';
import { killAllServerProcesses, startServerProcess } from '../helpers/serverProcess';
import { createUser, signIn, startTestServer, tempDataDir, type TestServer, type TestUser } from '../helpers/testServer';
import { createAccount } from '../../server/auth/accounts';

let server: TestServer;
let writer: TestUser;
let second: TestUser;
let editor: TestUser;
let admin: TestUser;
let viewer: TestUser;
const clients: TestClient[] = [];
const sockets: GalleyClientSocket[] = [];

/** A tab of `user`: a socket, and every notification and read-change it hears. */
type Tab = { socket: GalleyClientSocket; heard: NotificationView[]; unread: number | null };
async function tab(user: TestUser, on: { url: string } = server): Promise<Tab> {
  const socket = connectSocket(on.url, { cookie: user.cookie });
  sockets.push(socket);
  const seen: Tab = { socket, heard: [], unread: null };
  socket.on('notification:new', (n, unread) => {
    seen.heard.push(n);
    seen.unread = unread;
  });
  socket.on('notification:read', (_ids, unread) => (seen.unread = unread));
  await new Promise<void>((resolve) => (socket.connected ? resolve() : socket.once('connect', () => resolve())));
  return seen;
}

async function join(user: TestUser, storyId: string, on: { url: string } = server): Promise<TestClient> {
  const client = await connectClient(on, user, storyId);
  clients.push(client);
  return client;
}

/** A story by `author` that passes the pre-publish checks. */
async function readyStory(author: TestUser, headline = 'Council votes on the ferry'): Promise<{ storyId: string; client: TestClient }> {
  const storyId = await createStory(server, author);
  const client = await join(author, storyId);
  setParagraphs(client.doc, 'headline', [headline]);
  setParagraphs(client.doc, 'standfirst', ['A short summary.']);
  setParagraphs(client.doc, 'byline', [author.name]);
  setParagraphs(client.doc, 'body', ['The quick brown fox jumps over the lazy dog']);
  await client.provider.whenSaved();
  return { storyId, client };
}

function startOn(doc: Y.Doc, mentions: string[], body = 'Please check this'): Extract<CommentOpInput, { type: 'start' }> {
  const text = (doc.getXmlFragment('body').get(0) as Y.XmlElement).get(0) as Y.XmlText;
  const rel = (index: number, assoc: number) => Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(text, index, assoc));
  return {
    type: 'start',
    threadId: randomUUID(),
    messageId: randomUUID(),
    field: 'body',
    start: rel(4, 0),
    end: rel(9, -1),
    quote: 'quick',
    body,
    mentions,
  };
}

async function comment(client: TestClient, storyId: string, op: CommentOpInput): Promise<void> {
  const answer = await client.provider.socket.emitWithAck('story:comment', storyId, op);
  expect(answer).toMatchObject({ ok: true });
}

const inbox = async (user: TestUser, on: { url: string } = server) => (await call(on, 'GET', '/api/notifications', { user })).body;

beforeAll(async () => {
  server = await startTestServer();
  writer = await createUser(server, 'writer', 'Ana Writer');
  second = await createUser(server, 'writer', 'Wes Second');
  editor = await createUser(server, 'editor', 'Ben Editor');
  admin = await createUser(server, 'admin', 'Ada Admin');
  viewer = await createUser(server, 'viewer', 'Vic Viewer');
});

afterEach(() => {
  clients.splice(0).forEach((c) => c.close());
  sockets.splice(0).forEach(closeSocket);
});

afterAll(async () => {
  killAllServerProcesses();
  await server?.close();
});

describe('who is told what, live', () => {
  it('tells a mentioned person on every open tab, never the author, and links to the thread', async () => {
    const { storyId, client } = await readyStory(writer);
    const [first, other, own] = [await tab(editor), await tab(editor), await tab(writer)];
    const op = startOn(client.doc, [editor.id, writer.id], 'What do you think, @Ben Editor?');
    await comment(client, storyId, op);
    // Stored before the ack: the inbox has it as soon as the comment is acknowledged.
    const { notifications, unread } = await inbox(editor);
    expect(notifications[0]).toMatchObject({
      kind: 'mention',
      storyId,
      actor: { id: writer.id, name: 'Ana Writer' },
      readAt: null,
      data: { threadId: op.threadId, field: 'body', note: 'What do you think, @Ben Editor?' },
    });
    for (const t of [first, other]) await eventually(() => expect(t.heard.map((n) => n.id)).toContain(notifications[0].id));
    expect(first.unread).toBe(unread);
    expect(own.heard).toEqual([]);
    // The headline as the story has it now (the list's copy follows the document within moments).
    await eventually(async () => expect((await inbox(editor)).notifications[0].headline).toBe('Council votes on the ferry'));
    expect((await inbox(writer)).notifications.filter((n: NotificationView) => n.storyId === storyId)).toEqual([]);
  });

  it('tells the others in a thread about a reply, a mention winning over a reply', async () => {
    const { storyId, client } = await readyStory(writer);
    const op = startOn(client.doc, []);
    await comment(client, storyId, op);
    const editorClient = await join(editor, storyId);
    await comment(editorClient, storyId, { type: 'reply', threadId: op.threadId, messageId: randomUUID(), body: 'Done', mentions: [] });
    await comment(client, storyId, {
      type: 'reply',
      threadId: op.threadId,
      messageId: randomUUID(),
      body: 'Thanks, @Ada',
      mentions: [admin.id],
    });
    const about = (list: NotificationView[]) =>
      list.filter((n) => n.storyId === storyId).map((n) => [n.kind, n.actor.name, n.data.threadId]);
    expect(about((await inbox(writer)).notifications)).toEqual([['reply', 'Ben Editor', op.threadId]]);
    expect(about((await inbox(editor)).notifications)).toEqual([['reply', 'Ana Writer', op.threadId]]);
    expect(about((await inbox(admin)).notifications)).toEqual([['mention', 'Ana Writer', op.threadId]]);
  });

  it('tells every editor and admin of a submission, and the writer who submitted of a send back, with the note', async () => {
    const { storyId } = await readyStory(writer, 'Harbour works delayed');
    const [editorTab, adminTab, viewerTab] = [await tab(editor), await tab(admin), await tab(viewer)];
    expect((await call(server, 'POST', `/api/stories/${storyId}/submit`, { user: writer })).status).toBe(200);
    for (const t of [editorTab, adminTab]) {
      await eventually(() =>
        expect(t.heard.find((n) => n.storyId === storyId)).toMatchObject({ kind: 'submitted', actor: { name: 'Ana Writer' } }),
      );
    }
    const writerTab = await tab(writer);
    const note = 'Needs a second source';
    expect((await call(server, 'POST', `/api/stories/${storyId}/return`, { user: editor, body: { note } })).status).toBe(200);
    await eventually(() =>
      expect(writerTab.heard).toMatchObject([{ kind: 'returned', storyId, actor: { name: 'Ben Editor' }, data: { note } }]),
    );
    expect(viewerTab.heard).toEqual([]);
    // Only the submitter and the reviewers: the editor who sent it back is not told of their own move.
    expect(
      (await inbox(editor)).notifications.filter((n: NotificationView) => n.storyId === storyId).map((n: NotificationView) => n.kind),
    ).toEqual(['submitted']);
  });

  it('tells the story’s people of a publication and an unpublication, not the editor who did it', async () => {
    const { storyId } = await readyStory(writer, 'Bridge reopens');
    const coWriter = await join(second, storyId);
    setParagraphs(coWriter.doc, 'standfirst', ['A longer summary by the second writer.']);
    await coWriter.provider.whenSaved();
    expect((await call(server, 'POST', `/api/stories/${storyId}/publish`, { user: editor })).status).toBe(200);
    expect((await call(server, 'POST', `/api/stories/${storyId}/unpublish`, { user: editor })).status).toBe(200);
    const kinds = async (user: TestUser) =>
      (await inbox(user)).notifications.filter((n: NotificationView) => n.storyId === storyId).map((n: NotificationView) => n.kind);
    expect(await kinds(writer)).toEqual(['unpublished', 'published']);
    expect(await kinds(second)).toEqual(['unpublished', 'published']);
    expect(await kinds(editor)).toEqual([]);
  });

  it('offers the planning its hooks: assigned, and due soon told once however often it is swept', async () => {
    const { storyId } = await readyStory(editor, 'Budget day');
    const writerTab = await tab(writer);
    await server.app.notifier.notifyAssigned(storyId, [writer.id, editor.id], { id: editor.id, name: editor.name });
    const dueAt = new Date(Date.now() + 30 * 60_000).toISOString();
    await server.app.notifier.notifyDueSoon([{ storyId, dueAt, assigneeIds: [writer.id] }]);
    await server.app.notifier.notifyDueSoon([{ storyId, dueAt, assigneeIds: [writer.id] }]);
    await eventually(() => expect(writerTab.heard.map((n) => n.kind)).toEqual(['assigned', 'due']));
    const mine = (await inbox(writer)).notifications.filter((n: NotificationView) => n.storyId === storyId);
    expect(mine.map((n: NotificationView) => [n.kind, n.data])).toEqual(
      expect.arrayContaining([
        ['due', { dueAt }],
        ['assigned', {}],
      ]),
    );
    expect(mine).toHaveLength(2);
    expect((await inbox(editor)).notifications.filter((n: NotificationView) => n.storyId === storyId)).toEqual([]);
  });
});

describe('your own notifications only', () => {
  it('marks read one at a time or all, on every tab, and answers 404 for anyone else’s', async () => {
    const { storyId, client } = await readyStory(writer);
    await comment(client, storyId, startOn(client.doc, [second.id]));
    await comment(client, storyId, startOn(client.doc, [second.id]));
    const [a, b] = [await tab(second), await tab(second)];
    const { notifications, unread } = await inbox(second);
    const [newest] = notifications;
    expect(unread).toBeGreaterThanOrEqual(2);

    // Someone else: cannot see it in their list, cannot mark it.
    expect((await inbox(editor)).notifications.map((n: NotificationView) => n.id)).not.toContain(newest.id);
    const theirs = await call(server, 'POST', `/api/notifications/${newest.id}/read`, { user: editor });
    expect(theirs).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
    expect((await inbox(second)).notifications[0].readAt).toBeNull();

    expect((await call(server, 'POST', `/api/notifications/${newest.id}/read`, { user: second })).status).toBe(204);
    for (const t of [a, b]) await eventually(() => expect(t.unread).toBe(unread - 1));
    expect((await call(server, 'GET', '/api/notifications/unread-count', { user: second })).body).toEqual({ unread: unread - 1 });
    const editorUnread = (await call(server, 'GET', '/api/notifications/unread-count', { user: editor })).body.unread;
    expect((await call(server, 'POST', '/api/notifications/read-all', { user: second })).status).toBe(204);
    for (const t of [a, b]) await eventually(() => expect(t.unread).toBe(0));
    expect((await call(server, 'GET', '/api/notifications/unread-count', { user: editor })).body.unread).toBe(editorUnread);
  });

  it('pages the inbox with `next`, and refuses bad cursors, ids, queries and bodies with 400', async () => {
    const { storyId, client } = await readyStory(writer);
    const reader = await createUser(server, 'viewer', 'Pat Pager');
    for (let i = 0; i < 32; i++) await comment(client, storyId, startOn(client.doc, [reader.id], `Note ${i}`));
    const first = (await inbox(reader)).body ?? (await inbox(reader));
    expect(first.notifications).toHaveLength(30);
    const rest = (await call(server, 'GET', `/api/notifications?before=${encodeURIComponent(first.next)}`, { user: reader })).body;
    expect(rest).toMatchObject({ next: null });
    expect(rest.notifications.map((n: NotificationView) => n.data.note)).toEqual(['Note 1', 'Note 0']);
    for (const [method, path, body] of [
      ['GET', '/api/notifications?before=yesterday'],
      ['GET', '/api/notifications?limit=5'],
      ['POST', '/api/notifications/not-a-uuid/read'],
      ['POST', '/api/notifications/read-all', { all: true }],
      ['PUT', '/api/notifications/preferences', { ...DEFAULT_PREFERENCES, emailMode: 'hourly' }],
      ['PUT', '/api/notifications/preferences', { ...DEFAULT_PREFERENCES, inApp: { ...DEFAULT_PREFERENCES.inApp, gossip: true } }],
      ['PUT', '/api/notifications/preferences', { inApp: DEFAULT_PREFERENCES.inApp }],
    ] as const) {
      const answer = await call(server, method, path, { user: reader, body });
      expect(answer.status, `${method} ${path}`).toBe(400);
      expect(answer.body.error.code).toBe('bad_request');
    }
    expect((await inbox(reader)).unread).toBe(32);
  });

  it('keeps preferences per person, and shows nothing in the inbox for a kind turned off', async () => {
    const quiet = await createUser(server, 'editor', 'Quinn Quiet');
    expect((await call(server, 'GET', '/api/notifications/preferences', { user: quiet })).body).toEqual({
      preferences: DEFAULT_PREFERENCES,
      emailAvailable: false,
    });
    const chosen = { ...DEFAULT_PREFERENCES, inApp: { ...DEFAULT_PREFERENCES.inApp, submitted: false } };
    expect((await call(server, 'PUT', '/api/notifications/preferences', { user: quiet, body: chosen })).status).toBe(200);
    expect((await call(server, 'GET', '/api/notifications/preferences', { user: quiet })).body.preferences).toEqual(chosen);
    expect((await call(server, 'GET', '/api/notifications/preferences', { user: editor })).body.preferences).toEqual(DEFAULT_PREFERENCES);
    const { storyId } = await readyStory(writer);
    expect((await call(server, 'POST', `/api/stories/${storyId}/submit`, { user: writer })).status).toBe(200);
    expect((await inbox(editor)).notifications.some((n: NotificationView) => n.storyId === storyId)).toBe(true);
    expect((await inbox(quiet)).notifications.some((n: NotificationView) => n.storyId === storyId)).toBe(false);
  });

  it('queues no email at all without SMTP_URL, whatever people choose', async () => {
    const keen = await createUser(server, 'writer', 'Kim Keen');
    const email = { ...DEFAULT_PREFERENCES, email: { ...DEFAULT_PREFERENCES.email, mention: true } };
    await call(server, 'PUT', '/api/notifications/preferences', { user: keen, body: email });
    const { storyId, client } = await readyStory(writer);
    await comment(client, storyId, startOn(client.doc, [keen.id]));
    expect((await inbox(keen)).unread).toBe(1);
    expect(await server.store.claimDueEmails('9999-01-01T00:00:00.000Z', '9999-01-01T00:01:00.000Z', 100)).toEqual([]);
  });
});

type Mail = { from: string; to: string[]; raw: string };

async function startSmtp(options: { refuseFirst?: boolean } = {}) {
  const mails: Mail[] = [];
  let refused = 0;
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (options.refuseFirst && refused++ === 0)
        return callback(Object.assign(new Error('Mailbox busy, try later'), { responseCode: 451 }));
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  const { port } = smtp.server.address() as AddressInfo;
  return {
    mails,
    url: `smtp://127.0.0.1:${port}`,
    refused: () => refused,
    close: () => new Promise<void>((resolve) => smtp.close(resolve)),
  };
}

/** Quoted-printable's =XX escapes as the UTF-8 bytes they are. */
function unquote(text: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const hex = text.slice(i + 1, i + 3);
    if (text[i] === '=' && /^[0-9A-F]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else bytes.push(text.charCodeAt(i));
  }
  return Buffer.from(bytes).toString('utf8');
}

/** A mail as it reads: folded headers unfolded, encoded words (the subject) and quoted-printable bodies decoded. */
function decoded(raw: string): string {
  const unfolded = raw.replace(/\r\n[ \t]+/g, ' ').replace(/\?=\s+=\?/g, '?==?');
  const words = unfolded.replace(/=\?UTF-8\?Q\?(.*?)\?=/gi, (_m, word: string) => unquote(word.replace(/_/g, ' ')));
  return unquote(words.replace(/=\r?\n/g, ''));
}

describe('email', () => {
  it('sends a mention by email at once when chosen, with a link to the thread and nothing injected from the headline', async () => {
    const smtp = await startSmtp();
    const mailing = await startTestServer({ env: { SMTP_URL: smtp.url, SMTP_FROM: 'Galley Desk <desk@news.test>' } });
    try {
      const author = await createUser(mailing, 'writer', 'Ana <b>Writer</b>');
      const reader = await createUser(mailing, 'editor', 'Ben Reader');
      expect((await call(mailing, 'GET', '/api/notifications/preferences', { user: reader })).body.emailAvailable).toBe(true);
      const email = { ...DEFAULT_PREFERENCES, email: { ...DEFAULT_PREFERENCES.email, mention: true } };
      expect((await call(mailing, 'PUT', '/api/notifications/preferences', { user: reader, body: email })).status).toBe(200);
      const storyId = await createStory(mailing, author);
      const client = await join(author, storyId, mailing);
      setParagraphs(client.doc, 'headline', ['<script>alert(1)</script> & "quotes"']);
      setParagraphs(client.doc, 'body', ['The quick brown fox']);
      await client.provider.whenSaved();
      // Emails name the story by its stored headline, which follows the document within a second.
      await eventually(async () => expect((await mailing.store.getStory(storyId))?.headline).toContain('<script>'));
      const op = startOn(client.doc, [reader.id], 'Look <img src=x onerror=alert(2)>');
      await comment(client, storyId, op);
      await eventually(() => expect(smtp.mails).toHaveLength(1));
      const [mail] = smtp.mails;
      expect(mail.to).toEqual([reader.email]);
      expect(mail.from).toBe('desk@news.test');
      const text = decoded(mail.raw);
      expect(text).toMatch(/^Subject: .*mentioned you in/m);
      expect(text).toContain(`${mailing.url}/story/${storyId}#thread-${op.threadId}`);
      // The plain-text part and the subject say the words as they are; the HTML part only ever as text.
      expect(text).toContain('Look <img src=x onerror=alert(2)>');
      const html = text.slice(text.indexOf('Content-Type: text/html'));
      expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;');
      expect(html).toContain('Look &lt;img src=x onerror=alert(2)&gt;');
      expect(html).toContain('Ana &lt;b&gt;Writer&lt;/b&gt;');
      expect(html).not.toMatch(/<script>|<img src=x|<b>Writer/);
    } finally {
      await mailing.close();
      await smtp.close();
    }
  });

  it('tries again when the mail server refuses, and keeps queued email across a restart', async () => {
    const smtp = await startSmtp({ refuseFirst: true });
    const dataDir = tempDataDir();
    const env = { SMTP_URL: smtp.url, SMTP_RETRY_MS: '200' };
    let mailing = await startTestServer({ dataDir, env });
    try {
      const author = await createUser(mailing, 'writer', 'Ana Writer');
      const reader = await createUser(mailing, 'editor', 'Ben Reader');
      const email = { ...DEFAULT_PREFERENCES, email: { ...DEFAULT_PREFERENCES.email, submitted: true } };
      await call(mailing, 'PUT', '/api/notifications/preferences', { user: reader, body: email });
      const storyId = await createStory(mailing, author);
      expect((await call(mailing, 'POST', `/api/stories/${storyId}/submit`, { user: author })).status).toBe(200);
      await eventually(() => expect(smtp.refused()).toBeGreaterThanOrEqual(1));
      // Restarted before the retry: the queue is in the database, so the email still goes.
      await mailing.stop();
      mailing = await startTestServer({ dataDir, env });
      await eventually(() => expect(smtp.mails.map((m) => m.to)).toEqual([[reader.email]]));
      expect(decoded(smtp.mails[0].raw)).toMatch(/^Subject: Ana Writer submitted for review/m);
    } finally {
      await mailing.close();
      await smtp.close();
    }
  });
});

describe('durability', () => {
  it('keeps a notification whose action was answered, through kill -9', async () => {
    const dataDir = tempDataDir();
    const setup = SqliteStore.open(dataDir);
    const password = 'a long enough password';
    const w = await createAccount(setup, { email: 'w@crash.test', name: 'Wren', role: 'writer', password });
    const e = await createAccount(setup, { email: 'e@crash.test', name: 'Eddie', role: 'editor', password });
    await setup.close();
    const node = await startServerProcess({ DATA_DIR: dataDir });
    const author = {
      ...w,
      email: 'w@crash.test',
      password,
      role: 'writer' as const,
      cookie: await signIn(node.url, 'w@crash.test', password),
    };
    const storyId = await createStory(node, author);
    expect((await call(node, 'POST', `/api/stories/${storyId}/submit`, { user: author })).status).toBe(200);
    await node.kill();
    const after = SqliteStore.open(dataDir);
    try {
      expect(await after.listNotifications(e.id, { limit: 10 })).toMatchObject([{ kind: 'submitted', storyId, actorId: w.id }]);
    } finally {
      await after.close();
    }
  }, 90_000);
});
