/**
 * Scheduled publication against real servers checking every SCHEDULE_CHECK_MS: it goes
 * out once, at its time (not before), survives a restart, happens once when several
 * processes share the data, falls back to draft with a reason when the story no longer
 * passes its checks, and never happens once cancelled. Several processes on one data
 * directory must also be able to start at the same moment (each creates or upgrades the schema).
 *
 * Every wait is bounded; the file takes 30–40 s on a busy 2-core machine, most of it waiting
 * for scheduled times and for a child server to start.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import readline from 'node:readline';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoryWorkflow } from '../../shared/workflow';
import { PROTOCOL_VERSION, type ClientToServerEvents, type ServerToClientEvents } from '../../shared/protocol';
import { SqliteStore } from '../../server/persistence/sqlite/SqliteStore';
import { connectClient, createStory, eventually, setParagraphs, type TestClient, rawSocket } from '../helpers/clients';
import { call, type Answer } from '../helpers/http';
import { killAllServerProcesses, type ServerProcess, startServerProcess } from '../helpers/serverProcess';
import { createUser, startTestServer, tempDataDir, type TestServer, type TestUser } from '../helpers/testServer';

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const FIELDS = (headline: string) => ({
  headline: [headline],
  standfirst: ['A standfirst that sums the story up.'],
  byline: ['Sam Scheduler'],
  body: ['Body text that is ready to go.'],
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const inMs = (ms: number) => new Date(Date.now() + ms).toISOString();

const clients: TestClient[] = [];
const sockets: ClientSocket[] = [];
const servers: TestServer[] = [];
const children: ChildProcess[] = [];
const dirs: string[] = [];

afterAll(async () => {
  sockets.forEach((s) => s.disconnect());
  clients.forEach((c) => c.close());
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  killAllServerProcesses();
  for (const server of servers) await server.stop();
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

async function server(env: Record<string, string>, dataDir?: string): Promise<TestServer> {
  const started = await startTestServer({ dataDir, env });
  servers.push(started);
  if (!dirs.includes(started.dataDir)) dirs.push(started.dataDir);
  return started;
}

/** A story written through a real Yjs client (kept open, for later edits). */
async function draft(target: { url: string }, author: TestUser, headline: string): Promise<{ storyId: string; client: TestClient }> {
  const storyId = await createStory(target, author);
  const client = await connectClient(target, author, storyId);
  clients.push(client);
  for (const [field, paragraphs] of Object.entries(FIELDS(headline))) setParagraphs(client.doc, field, paragraphs);
  await client.provider.whenSaved();
  return { storyId, client };
}

const schedule = (target: { url: string }, user: TestUser, storyId: string, at: string): Promise<Answer> =>
  call(target, 'POST', `/api/stories/${storyId}/schedule`, { user, body: { at } });

async function workflowOf(target: { url: string }, user: TestUser, storyId: string): Promise<StoryWorkflow> {
  const answer = await call(target, 'GET', `/api/stories/${storyId}`, { user });
  expect(answer.status).toBe(200);
  return answer.body.story.workflow;
}

async function revisions(target: { url: string }, user: TestUser, storyId: string): Promise<number[]> {
  const answer = await call(target, 'GET', `/api/stories/${storyId}/revisions`, { user });
  expect(answer.status).toBe(200);
  return (answer.body.revisions as Array<{ number: number }>).map((r) => r.number);
}

/** Records every `story:workflow` pushed for the story, with the time it arrived. */
async function watch(target: { url: string }, user: TestUser, storyId: string): Promise<Array<{ at: number; workflow: StoryWorkflow }>> {
  const socket: ClientSocket = rawSocket(target.url, { extraHeaders: { cookie: user.cookie } });
  sockets.push(socket);
  const events: Array<{ at: number; workflow: StoryWorkflow }> = [];
  socket.on('story:workflow', (id, workflow) => {
    if (id === storyId) events.push({ at: Date.now(), workflow });
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  const answer = await socket.timeout(5_000).emitWithAck('story:join', { storyId, protocolVersion: PROTOCOL_VERSION });
  if (!answer.ok) throw new Error(`join refused: ${answer.error.code}`);
  return events;
}

/**
 * A process that opens the store (creating or migrating the schema, as every server does at
 * start-up) in each directory written to its stdin, answering "ok" or "FAIL <why>" per line.
 */
function startOpener(): { child: ChildProcess; lines: string[]; ready: Promise<void> } {
  const script = `
    const { SqliteStore } = await import('./server/persistence/sqlite/SqliteStore.ts');
    const readline = await import('node:readline');
    console.log('ready');
    for await (const dir of readline.createInterface({ input: process.stdin })) {
      try { await SqliteStore.open(dir).close(); console.log('ok'); } catch (e) { console.log('FAIL ' + e.message); }
    }`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['pipe', 'pipe', 'inherit'] });
  children.push(child);
  const lines: string[] = [];
  readline.createInterface({ input: child.stdout! }).on('line', (line) => lines.push(line));
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (lines.includes('ready')) {
        clearInterval(timer);
        resolve();
      }
    }, 20);
    child.once('exit', (code) => {
      clearInterval(timer);
      reject(new Error(`opener exited with ${code}`));
    });
  });
  return { child, lines, ready };
}

/** The multi-process test's servers share this directory; its schema is created before they start. */
const sharedDir = tempDataDir();
dirs.push(sharedDir);
let sharedProcess: Promise<ServerProcess>;

beforeAll(async () => {
  await SqliteStore.open(sharedDir).close();
  // Started first, not awaited: its start-up (tsx compiling the server, seconds on a busy
  // machine) overlaps the tests before the one that needs it.
  sharedProcess = startServerProcess({ DATA_DIR: sharedDir, SCHEDULE_CHECK_MS: '100' });
  sharedProcess.catch(() => undefined); // reported by the test that awaits it
});

describe('one server checking every 200 ms', () => {
  let galley: TestServer;
  let writer: TestUser;
  let editor: TestUser;

  beforeAll(async () => {
    galley = await server({ SCHEDULE_CHECK_MS: '200' });
    writer = await createUser(galley, 'writer', 'Wren Writer');
    editor = await createUser(galley, 'editor', 'Eddie Editor');
  }, 20_000);

  it('publishes a story scheduled 2 s ahead once, at its time and not before', async () => {
    const { storyId } = await draft(galley, writer, 'Scheduled for two seconds from now');
    const events = await watch(galley, writer, storyId);
    const at = inMs(2_000);
    const atMs = Date.parse(at);
    const answer = await schedule(galley, editor, storyId, at);
    expect(answer.status).toBe(200);
    expect(answer.body.workflow).toMatchObject({ status: 'scheduled', scheduledFor: at, changedBy: editor.name });
    const slug = (await call(galley, 'GET', `/api/stories/${storyId}/checks`, { user: writer })).body.slug as string;

    // Until its time: still scheduled, nothing out. Only answers that came back before its time say so (on
    // a busy machine a look begun just before it may be answered just after).
    for (;;) {
      const looked = [(await workflowOf(galley, writer, storyId)).status, await revisions(galley, writer, storyId)];
      const page = (await call(galley, 'GET', `/stories/${slug}`)).status;
      if (Date.now() >= atMs) break;
      expect([...looked, page]).toEqual(['scheduled', [], 404]);
      await sleep(100);
    }

    // Then published within ~3 s of its time, in the name of the editor who scheduled it.
    const published = await eventually(
      async () => {
        const workflow = await workflowOf(galley, writer, storyId);
        expect(workflow.status).toBe('published');
        return workflow;
      },
      atMs + 3_000 - Date.now(),
    );
    const seenAt = Date.now();
    expect(seenAt).toBeGreaterThanOrEqual(atMs);
    expect(seenAt).toBeLessThanOrEqual(atMs + 3_000);
    expect(published).toMatchObject({ live: true, slug, publishedBy: editor.name, scheduledFor: null });
    expect(Date.parse(published.publishedAt!)).toBeGreaterThanOrEqual(atMs);
    expect(Date.parse(published.publishedAt!)).toBeLessThanOrEqual(atMs + 3_000);
    expect((await call(galley, 'GET', `/stories/${slug}`)).status).toBe(200);

    // Pushed to everyone in the story (over the socket, which may arrive after the HTTP answer), after its time.
    const pushed = await eventually(() => {
      const found = events.find((e) => e.workflow.status === 'published');
      expect(found).toBeDefined();
      return found!;
    });
    expect(pushed.at).toBeGreaterThanOrEqual(atMs);

    // Exactly one revision, also after several more checks.
    await sleep(800);
    expect(await revisions(galley, writer, storyId)).toEqual([1]);
    expect(events.filter((e) => e.workflow.status === 'published')).toHaveLength(1);
  });

  it('sends a story that fails its checks when its time comes back to draft, saying why, and publishes nothing', async () => {
    const { storyId, client } = await draft(galley, writer, 'Loses its standfirst');
    const events = await watch(galley, writer, storyId);
    // Far enough ahead for the edit below to be saved first, on a busy machine too.
    const at = inMs(3_000);
    expect((await schedule(galley, editor, storyId, at)).status).toBe(200);
    // After scheduling, a writer empties the standfirst.
    setParagraphs(client.doc, 'standfirst', []);
    await client.provider.whenSaved();
    expect((await workflowOf(galley, writer, storyId)).status).toBe('scheduled');
    const slug = (await call(galley, 'GET', `/api/stories/${storyId}/checks`, { user: writer })).body.slug as string;

    const back = await eventually(
      async () => {
        const workflow = await workflowOf(galley, writer, storyId);
        expect(workflow.status).toBe('draft');
        return workflow;
      },
      Date.parse(at) + 3_000 - Date.now(),
    );
    expect(back).toMatchObject({ live: false, scheduledFor: null, changedBy: null, publishedAt: null });
    expect(back.note).toMatch(/standfirst/i);
    expect(back.note).toMatch(/did not go out/i);
    await eventually(() => expect(events.some((e) => e.workflow.status === 'draft' && e.workflow.note === back.note)).toBe(true));

    await sleep(600);
    expect((await workflowOf(galley, writer, storyId)).status).toBe('draft');
    expect(await revisions(galley, writer, storyId)).toEqual([]);
    expect((await call(galley, 'GET', `/stories/${slug}`)).status).toBe(404);
  });

  it('never publishes a story whose schedule was cancelled before its time', async () => {
    const { storyId } = await draft(galley, writer, 'Cancelled in time');
    // Far enough ahead for the cancellation to come first, on a busy machine too.
    const at = inMs(2_000);
    expect((await schedule(galley, editor, storyId, at)).status).toBe(200);
    const cancelled = await call(galley, 'DELETE', `/api/stories/${storyId}/schedule`, { user: editor });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.workflow).toMatchObject({ status: 'draft', scheduledFor: null });
    const slug = (await call(galley, 'GET', `/api/stories/${storyId}/checks`, { user: writer })).body.slug as string;
    // Well past its time, several checks later.
    await sleep(Date.parse(at) + 1_000 - Date.now());
    expect((await workflowOf(galley, writer, storyId)).status).toBe('draft');
    expect(await revisions(galley, writer, storyId)).toEqual([]);
    expect((await call(galley, 'GET', `/stories/${slug}`)).status).toBe(404);
  });
});

describe('across a restart', () => {
  it('publishes a story whose time passed while the server was down, soon after it starts again', async () => {
    const env = { SCHEDULE_CHECK_MS: '200' };
    const first = await server(env);
    const writer = await createUser(first, 'writer', 'Wren Writer');
    const editor = await createUser(first, 'editor', 'Eddie Editor');
    const { storyId, client } = await draft(first, writer, 'Goes out while we were down');
    // Far enough ahead for the server to be stopped first, on a busy machine too.
    const at = inMs(2_000);
    expect((await schedule(first, editor, storyId, at)).status).toBe(200);
    client.close();
    await first.stop();

    // Down past its time: nothing happened.
    await sleep(Date.parse(at) + 300 - Date.now());
    const store = SqliteStore.open(first.dataDir);
    try {
      expect((await store.getStory(storyId))!.status).toBe('scheduled');
      expect(await store.listRevisions(storyId)).toEqual([]);
    } finally {
      await store.close();
    }

    const restartedAt = Date.now();
    const second = await server(env, first.dataDir);
    // "Soon" counts from when it listens: starting it up is not the scheduler's time.
    const listeningAt = Date.now();
    const published = await eventually(async () => {
      const workflow = await workflowOf(second, writer, storyId);
      expect(workflow.status).toBe('published');
      return workflow;
    }, 3_000);
    expect(Date.now() - listeningAt).toBeLessThanOrEqual(3_000);
    expect(published).toMatchObject({ live: true, publishedBy: editor.name });
    expect(Date.parse(published.publishedAt!)).toBeGreaterThanOrEqual(restartedAt);
    expect((await call(second, 'GET', `/stories/${published.slug}`)).status).toBe(200);
    await sleep(600);
    expect(await revisions(second, writer, storyId)).toEqual([1]);
  });
});

describe('several processes sharing one data directory', () => {
  it('publishes each scheduled story exactly once, whichever process gets there', async () => {
    // Three schedulers on one database: two servers in this process (each its own store
    // connection, registry and scheduler) and one server in a process of its own.
    const local = await server({ SCHEDULE_CHECK_MS: '100' }, sharedDir);
    const second = await server({ SCHEDULE_CHECK_MS: '100' }, sharedDir);
    const writer = await createUser(local, 'writer', 'Wren Writer');
    const editor = await createUser(local, 'editor', 'Eddie Editor');
    const other = await sharedProcess;
    const all = [local, second, { url: other.url }];
    try {
      const stories: string[] = [];
      for (let i = 0; i < 6; i++) stories.push((await draft(local, writer, `Scheduled story number ${i + 1}`)).storyId);
      // All due at the same moment, scheduled through different servers.
      const at = inMs(1_500);
      for (const [i, storyId] of stories.entries()) expect((await schedule(all[i % 3], editor, storyId, at)).status).toBe(200);

      await eventually(
        async () => {
          for (const [i, storyId] of stories.entries()) expect((await workflowOf(all[i % 3], writer, storyId)).status).toBe('published');
        },
        Date.parse(at) + 4_000 - Date.now(),
        100,
      );
      // Let every scheduler run several more checks, then count.
      await sleep(600);
      for (const storyId of stories) {
        expect(
          (await local.store.listRevisions(storyId)).map((r) => r.number),
          storyId,
        ).toEqual([1]);
        for (const target of all) expect(await revisions(target, writer, storyId)).toEqual([1]);
      }
      const publications = await local.store.listPublications(100);
      expect(publications.map((p) => p.storyId).sort()).toEqual([...stories].sort());
      expect(new Set(publications.map((p) => p.slug)).size).toBe(stories.length);
      for (const p of publications) expect((await call(other, 'GET', `/stories/${p.slug}`)).status).toBe(200);
      // The separate process logged each publication it made at most once.
      const logged = other
        .output()
        .split('\n')
        .filter((line) => line.includes('scheduled story published'));
      for (const storyId of stories) expect(logged.filter((line) => line.includes(storyId)).length, storyId).toBeLessThanOrEqual(1);
    } finally {
      await other.stop();
    }
  }, 30_000);

  it('all start when launched at the same moment on a new data directory', async () => {
    // Servers scaled out or restarted together each create (or upgrade) the schema at start-up:
    // two processes open a fresh directory at the same moment, ten times over.
    const openers = [startOpener(), startOpener()];
    try {
      await Promise.all(openers.map((o) => o.ready));
      const failures: string[] = [];
      for (let round = 0; round < 10; round++) {
        const dir = tempDataDir();
        dirs.push(dir);
        const seen = openers.map((o) => o.lines.length);
        openers.forEach((o) => o.child.stdin!.write(`${dir}\n`));
        await eventually(() => openers.forEach((o, i) => expect(o.lines.length).toBeGreaterThan(seen[i])), 10_000);
        failures.push(
          ...openers
            .map((o, i) => o.lines[seen[i]])
            .filter((line) => line !== 'ok')
            .map((line) => `round ${round}: ${line}`),
        );
      }
      expect(failures).toEqual([]);
    } finally {
      openers.forEach((o) => o.child.stdin!.end());
    }
  }, 30_000);
});
