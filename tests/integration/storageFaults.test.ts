/**
 * Storage faults: a damaged row of a story's stored log (a torn write, a bad disk block, a manual edit)
 * must not hide the story. The row is quarantined (kept, never deleted), the story opens from
 * everything else, the editors are told, the operator gets a log line and an admin list entry.
 */
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { PROTOCOL_VERSION } from '../../shared/protocol';
import type { AddressInfo } from 'node:net';
import { Client } from 'pg';
import { createApp } from '../../server/app';
import { createAccount } from '../../server/auth/accounts';
import { loadConfig } from '../../server/config';
import { createLogger } from '../../server/logger';
import { connectCluster } from '../../server/cluster/redisCluster';
import { PgStore } from '../../server/persistence/pg/PgStore';
import { requireRedisServer, startRedis } from '../helpers/redisServer';
import { createTestDatabase, dropSchema, freshSchemaName, POSTGRES_URL, requirePostgres } from '../helpers/postgres';
import { call } from '../helpers/http';
import { connectClient, createStory, eventually, rawSocket, setParagraphs, storedDoc, type TestClient } from '../helpers/clients';
import { describeSaveState } from '../../client/lib/sync/saveState';
import type { ErrorBody } from '../../shared/errors';
import { createUser, signIn, startTestServer, type TestServer, type TestUser } from '../helpers/testServer';

const servers: TestServer[] = [];
const clients: TestClient[] = [];
/** Postgres: stores, app nodes and databases or schemas to drop afterwards, even when a test fails. */
const pgStores: PgStore[] = [];
const pgNodes: { stop(): Promise<void> }[] = [];
const pgCleanups: (() => Promise<void>)[] = [];

afterAll(async () => {
  clients.forEach((c) => c.close());
  await Promise.all(servers.map((s) => s.close()));
  await Promise.all(pgNodes.map((n) => n.stop()));
  await Promise.all(pgStores.map((s) => s.close()));
  for (const cleanup of pgCleanups) await cleanup();
});

type LogLine = { level: number; msg: string; storyId?: string; seq?: number | null; kind?: string; reason?: string };

/** A real pino logger whose lines are kept, parsed, for the test to read. */
function capturedLog() {
  const lines: LogLine[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) });
  return { log, lines };
}

async function start(options: Parameters<typeof startTestServer>[0] = {}): Promise<TestServer> {
  const server = await startTestServer(options);
  servers.push(server);
  return server;
}

/** Appends `words` to the body's one paragraph, one saved edit (one stored row) each. */
async function typeWords(client: TestClient, words: string[]): Promise<void> {
  const body = client.doc.getXmlFragment('body');
  if (body.length === 0) {
    client.doc.transact(() => {
      const paragraph = new Y.XmlElement('paragraph');
      paragraph.insert(0, [new Y.XmlText('')]);
      body.insert(0, [paragraph]);
    });
    await client.provider.whenSaved();
  }
  const text = (body.get(0) as Y.XmlElement).get(0) as Y.XmlText;
  for (const word of words) {
    text.insert(text.length, `${word} `);
    await client.provider.whenSaved();
  }
}

const bodyOf = (doc: Y.Doc) => doc.getXmlFragment('body').toString();

/** Works on the stopped server's database file directly, as a disk fault or a manual edit would. */
function withDatabase<T>(server: TestServer, work: (db: Database.Database) => T): T {
  const db = new Database(`${server.dataDir}/galley.db`);
  try {
    return work(db);
  } finally {
    db.close();
  }
}

type StoredRow = { seq: number; data: Buffer };
const rowsOf = (db: Database.Database, storyId: string) =>
  db.prepare('SELECT seq, data FROM story_updates WHERE story_id = ? ORDER BY seq').all(storyId) as StoredRow[];

/** Cuts the row short by `bytes`, as a torn write would, and checks that what is left no longer decodes. */
function tear(db: Database.Database, seq: number, bytes = 1): void {
  const { data } = db.prepare('SELECT data FROM story_updates WHERE seq = ?').get(seq) as StoredRow;
  const torn = data.subarray(0, data.byteLength - bytes);
  expect(() => Y.decodeUpdate(new Uint8Array(torn))).toThrow();
  db.prepare('UPDATE story_updates SET data = ? WHERE seq = ?').run(torn, seq);
}

async function join(server: { url: string }, user: { cookie: string }, storyId: string) {
  const socket = rawSocket(server.url, { extraHeaders: { cookie: user.cookie } });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    return await socket.timeout(5_000).emitWithAck('story:join', { storyId, protocolVersion: PROTOCOL_VERSION });
  } finally {
    socket.disconnect();
  }
}

/** A story typed by one writer, a stored row per word; the server is stopped afterwards. */
async function typedStory(words: string[], options: Parameters<typeof startTestServer>[0] = {}) {
  const server = await start(options);
  const writer = await createUser(server, 'writer', 'Wren Writer');
  const storyId = await createStory(server, writer);
  const client = await connectClient(server, writer, storyId);
  setParagraphs(client.doc, 'headline', ['Council budget']);
  await typeWords(client, words);
  const text = bodyOf(client.doc);
  client.close();
  await server.stop();
  return { server, writer, storyId, text };
}

describe('a damaged row of a story', () => {
  it('quarantines a torn last row: the story opens from everything before it, and says so', async () => {
    const { server: first, writer, storyId } = await typedStory(['one', 'two', 'three', 'four']);
    const stored = withDatabase(first, (db) => rowsOf(db, storyId).length);
    const torn = withDatabase(first, (db) => {
      const rows = rowsOf(db, storyId);
      const last = rows[rows.length - 1];
      tear(db, last.seq);
      return last;
    });

    const { log, lines } = capturedLog();
    const server = await start({ dataDir: first.dataDir, log });
    const answer = await join(server, writer, storyId);
    expect(answer.ok, JSON.stringify(answer)).toBe(true);
    if (!answer.ok) return;
    expect(answer.data.damage).toEqual({ entries: 1, foundAt: expect.any(String) });

    // Everything before the torn row, and nothing of it (not even what of it Yjs could read).
    const client = await connectClient(server, writer, storyId);
    clients.push(client);
    expect(bodyOf(client.doc)).toContain('one two three');
    expect(bodyOf(client.doc)).not.toContain('four');
    expect(server.app.registry.get(storyId)!.missingUpdates).toBe(false);
    expect((await call(server, 'GET', `/api/stories/${storyId}`, { user: writer })).status).toBe(200);

    // Moved, not deleted: the row is in quarantine, byte for byte, and gone from the log.
    const quarantined = withDatabase(server, (db) =>
      db.prepare('SELECT kind, seq, data, reason, resolved_at FROM story_quarantine WHERE story_id = ?').all(storyId),
    );
    expect(quarantined).toEqual([
      {
        kind: 'update',
        seq: torn.seq,
        data: torn.data.subarray(0, torn.data.byteLength - 1),
        reason: expect.stringMatching(/decode/),
        resolved_at: null,
      },
    ]);
    expect((await server.store.loadLog(storyId)).updates).toHaveLength(stored - 1);
    expect(bodyOf(await storedDoc(server.store, storyId))).toBe(bodyOf(client.doc));

    // The operator's log line, one per row (pino error = 50).
    const quarantineLines = lines.filter((l) => l.msg === 'quarantined a damaged stored row');
    expect(quarantineLines).toEqual([
      expect.objectContaining({ level: 50, storyId, kind: 'update', seq: torn.seq, reason: expect.stringMatching(/^Does not decode/) }),
    ]);

    // Opened again later: no new quarantine, the notice stays until an admin has reviewed it.
    await server.stop();
    const again = await start({ dataDir: first.dataDir });
    const rejoined = await join(again, writer, storyId);
    expect(rejoined.ok && rejoined.data.damage).toEqual({ entries: 1, foundAt: answer.data.damage!.foundAt });
    expect((await again.store.listQuarantine()).length).toBe(1);
  });

  it('quarantines a torn row in the middle and the rows that build on it; the author’s client sends them again', async () => {
    const server = await start();
    const ana = await createUser(server, 'writer', 'Ana Writer');
    const ben = await createUser(server, 'writer', 'Ben Writer');
    const storyId = await createStory(server, ana);
    const anaClient = await connectClient(server, ana, storyId);
    const benClient = await connectClient(server, ben, storyId);
    await typeWords(anaClient, ['a1', 'a2', 'a3', 'a4']);
    const headline = benClient.doc.getText('ben-notes');
    for (const word of ['b1', 'b2']) {
      headline.insert(headline.length, `${word} `);
      await benClient.provider.whenSaved();
    }
    const anaDoc = anaClient.doc;
    anaClient.close();
    benClient.close();
    await server.stop();

    // Ana's rows: the paragraph, then a1..a4. Tear a2's.
    const anaSeqs = withDatabase(server, (db) => {
      const rows = rowsOf(db, storyId).filter((r) => {
        const { structs } = Y.decodeUpdate(new Uint8Array(r.data));
        return structs.some((st) => st.id.client === anaDoc.clientID);
      });
      expect(rows).toHaveLength(5);
      tear(db, rows[2].seq, 2);
      return rows.map((r) => r.seq);
    });

    const restarted = await start({ dataDir: server.dataDir });
    const answer = await join(restarted, ana, storyId);
    expect(answer.ok && answer.data.damage).toEqual({ entries: 3, foundAt: expect.any(String) });
    const reader = await connectClient(restarted, ben, storyId);
    clients.push(reader);
    expect(bodyOf(reader.doc)).toMatch(/a1 <\/paragraph>|a1 /);
    expect(bodyOf(reader.doc)).not.toMatch(/a2|a3|a4/);
    expect(reader.doc.getText('ben-notes').toString()).toBe('b1 b2 ');
    expect(restarted.app.registry.get(storyId)!.missingUpdates).toBe(false);
    const quarantined = await restarted.store.listQuarantine();
    expect(quarantined.map((q) => [q.seq, q.reason.replace(/ \(.*\)$/, '')])).toEqual([
      [anaSeqs[2], 'Does not decode'],
      [anaSeqs[3], 'Builds on changes the store does not have'],
      [anaSeqs[4], 'Builds on changes the store does not have'],
    ]);

    // Ana's browser still holds her text (IndexedDB in the app): it sends what the server lacks, and it is saved.
    const back = await connectClient(restarted, ana, storyId, anaDoc);
    clients.push(back);
    await back.provider.whenSaved();
    await eventually(() => expect(bodyOf(reader.doc)).toContain('a1 a2 a3 a4'));
    expect(bodyOf(await storedDoc(restarted.store, storyId))).toContain('a1 a2 a3 a4');
    expect(restarted.app.registry.get(storyId)!.missingUpdates).toBe(false);
  });

  it('opens a story whose snapshot is missing from what does not need it, quarantining the rows that do', async () => {
    const env = { COMPACT_AFTER_UPDATES: '4' };
    const server = await start({ env });
    const writer = await createUser(server, 'writer');
    const storyId = await createStory(server, writer);
    const client = await connectClient(server, writer, storyId);
    // Four rows make a snapshot: the colour the server gave the writer on joining, the paragraph, s1, s2.
    await typeWords(client, ['s1', 's2', 's3']);
    await eventually(async () => expect((await server.store.loadLog(storyId)).snapshot).not.toBeNull());
    await typeWords(client, ['t1', 't2']);
    client.close();
    await server.stop();
    const tail = withDatabase(server, (db) => {
      expect(db.prepare('DELETE FROM story_snapshots WHERE story_id = ?').run(storyId).changes).toBe(1);
      return rowsOf(db, storyId).map((r) => r.seq);
    });
    // t1 and t2 (and whatever of s1..s4 the compaction left) continue the text the snapshot held.
    expect(tail.length).toBeGreaterThanOrEqual(2);

    const restarted = await start({ dataDir: server.dataDir, env });
    const answer = await join(restarted, writer, storyId);
    expect(answer.ok && answer.data.damage).toEqual({ entries: tail.length, foundAt: expect.any(String) });
    const document = restarted.app.registry.get(storyId)!;
    // No pending state: a client gets none of the unplaceable rows, and nothing it would have to send back.
    expect(document.missingUpdates).toBe(false);
    const reader = await connectClient(restarted, writer, storyId);
    clients.push(reader);
    expect(bodyOf(reader.doc)).toBe('');
    expect(reader.doc.store.pendingStructs).toBeNull();
    expect((await restarted.store.listQuarantine()).map((q) => [q.kind, q.seq])).toEqual(tail.map((seq) => ['update', seq]));
    // The story is usable: a new edit is saved.
    reader.doc.getText('fresh').insert(0, 'new start');
    await reader.provider.whenSaved();
    expect((await storedDoc(restarted.store, storyId)).getText('fresh').toString()).toBe('new start');
  });

  it('never folds a row that cannot be placed into a snapshot: compaction leaves the log as it is', async () => {
    const env = { COMPACT_AFTER_UPDATES: '6' };
    const server = await start({ env });
    const writer = await createUser(server, 'writer');
    const storyId = await createStory(server, writer);
    const client = await connectClient(server, writer, storyId);
    clients.push(client);
    await typeWords(client, ['w1']);
    // A row that builds on content nobody has (a manual edit, a row restored from another story), appended
    // while the story is open, so only the compaction can meet it.
    const elsewhere = new Y.Doc();
    elsewhere.getText('scratch').insert(0, 'unseen');
    const before = Y.encodeStateVector(elsewhere);
    elsewhere.getText('scratch').insert(6, ' orphan');
    const orphan = Y.encodeStateAsUpdate(elsewhere, before);
    withDatabase(server, (db) => db.prepare('INSERT INTO story_updates (story_id, data) VALUES (?, ?)').run(storyId, Buffer.from(orphan)));
    await typeWords(client, ['w2', 'w3', 'w4', 'w5', 'w6', 'w7']);
    await server.app.registry.get(storyId)!.flushed();
    const log = await server.store.loadLog(storyId);
    expect(log.snapshot).toBeNull();
    expect(log.updates.some((update) => Buffer.from(update).equals(Buffer.from(orphan)))).toBe(true);
    expect(bodyOf(client.doc)).toContain('w7');
  });

  it('opens a story whose snapshot is newer than its tail (folded rows still in the log) whole, reporting nothing', async () => {
    const server = await start();
    const writer = await createUser(server, 'writer');
    const storyId = await createStory(server, writer);
    const client = await connectClient(server, writer, storyId);
    await typeWords(client, ['typo', 'kept']);
    const text = (client.doc.getXmlFragment('body').get(0) as Y.XmlElement).get(0) as Y.XmlText;
    text.delete(0, 5);
    await client.provider.whenSaved();
    await typeWords(client, ['later']);
    const expected = bodyOf(client.doc);
    client.close();
    await server.stop();
    // A snapshot folded (and garbage-collected) from every row but the last, while all of them stay in the log.
    withDatabase(server, (db) => {
      const rows = rowsOf(db, storyId);
      const folded = new Y.Doc();
      rows.slice(0, -1).forEach((r) => Y.applyUpdate(folded, new Uint8Array(r.data)));
      db.prepare('INSERT INTO story_snapshots (story_id, data) VALUES (?, ?)').run(storyId, Buffer.from(Y.encodeStateAsUpdate(folded)));
    });

    const restarted = await start({ dataDir: server.dataDir });
    const answer = await join(restarted, writer, storyId);
    expect(answer.ok && answer.data.damage).toBeUndefined();
    const reader = await connectClient(restarted, writer, storyId);
    clients.push(reader);
    expect(bodyOf(reader.doc)).toBe(expected);
    expect(bodyOf(reader.doc)).toContain('kept later');
    expect(await restarted.store.listQuarantine()).toEqual([]);
    expect((await restarted.store.loadLog(storyId)).updates.length).toBeGreaterThan(0);
  });
});

describe('the damaged-stories list (admins)', () => {
  it('lists a story whose row was quarantined, and marks it reviewed: the row stays, the notice goes', async () => {
    const { server: first, writer, storyId } = await typedStory(['one', 'two']);
    withDatabase(first, (db) => tear(db, rowsOf(db, storyId).at(-1)!.seq));
    const server = await start({ dataDir: first.dataDir });
    const admin = await createUser(server, 'admin', 'Ada Admin');
    const opened = await join(server, writer, storyId);
    expect(opened.ok && opened.data.damage).toEqual({ entries: 1, foundAt: expect.any(String) });
    await eventually(async () => expect((await server.store.getStory(storyId))!.headline).toBe('Council budget'));

    const listed = await call(server, 'GET', '/api/damaged-stories', { user: admin });
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual({
      stories: [
        {
          storyId,
          headline: 'Council budget',
          entries: 1,
          reasons: [expect.stringMatching(/^Does not decode \(.+\)$/)],
          firstFoundAt: opened.ok && opened.data.damage!.foundAt,
          lastFoundAt: opened.ok && opened.data.damage!.foundAt,
        },
      ],
    });

    const reviewed = await call(server, 'POST', `/api/damaged-stories/${storyId}/review`, { user: admin });
    expect(reviewed).toMatchObject({ status: 200, body: { reviewed: 1 } });
    expect((await call(server, 'GET', '/api/damaged-stories', { user: admin })).body).toEqual({ stories: [] });
    // Editors who join from now on are not told, in this process and after a restart; the row is kept.
    const rejoined = await join(server, writer, storyId);
    expect(rejoined.ok && rejoined.data.damage).toBeUndefined();
    expect(await server.store.listQuarantine()).toEqual([
      expect.objectContaining({ storyId, kind: 'update', resolvedAt: expect.any(String), resolvedBy: 'Ada Admin' }),
    ]);
    await server.stop();
    const again = await start({ dataDir: first.dataDir });
    const later = await join(again, writer, storyId);
    expect(later.ok && later.data.damage).toBeUndefined();
  });

  it('refuses bad ids, bodies and query strings (400) and unknown stories (404), changing nothing', async () => {
    const server = await start();
    const admin = await createUser(server, 'admin');
    const storyId = await createStory(server, admin);
    const [seq] = await server.store.appendUpdates([{ storyId, update: Uint8Array.of(1) }]);
    await server.store.quarantine(storyId, [{ kind: 'update', seq, reason: 'Does not decode (test)' }], new Date().toISOString());
    const bad = [
      call(server, 'POST', '/api/damaged-stories/not-a-uuid/review', { user: admin }),
      call(server, 'POST', `/api/damaged-stories/${storyId.toUpperCase()}x/review`, { user: admin }),
      call(server, 'POST', `/api/damaged-stories/${'1'.repeat(5000)}/review`, { user: admin }),
      call(server, 'POST', `/api/damaged-stories/${storyId}/review`, { user: admin, body: { reviewed: true } }),
      call(server, 'POST', `/api/damaged-stories/${storyId}/review`, { user: admin, raw: '{"reviewed": ' }),
      call(server, 'POST', `/api/damaged-stories/${storyId}/review?all=1`, { user: admin }),
      call(server, 'GET', '/api/damaged-stories?resolved=1', { user: admin }),
    ];
    for (const answer of await Promise.all(bad)) {
      expect(answer.status, answer.text).toBe(400);
      expect(answer.body.error.code).toBe('bad_request');
    }
    const unknown = await call(server, 'POST', '/api/damaged-stories/00000000-0000-4000-8000-000000000000/review', { user: admin });
    expect(unknown.status).toBe(404);
    expect(await server.store.storyDamage(storyId)).toMatchObject({ entries: 1 });
  });
});

// ---------------------------------------------------------------------------------------------
// npm run doctor

const TSX = path.resolve('node_modules/.bin/tsx');

type DoctorRun = { code: number; stdout: string; stderr: string };

/** Runs `npm run doctor`'s program with this environment (nothing else of the test's). */
function doctor(env: Record<string, string>): Promise<DoctorRun> {
  return new Promise((resolve) => {
    execFile(
      TSX,
      ['server/cli/doctor.ts'],
      { env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'silent', ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? ((error as { code?: number }).code ?? -1) : 0, stdout, stderr });
      },
    );
  });
}

describe('npm run doctor', () => {
  it('reports a healthy store and exits 0', async () => {
    const { server } = await typedStory(['all', 'well']);
    const run = await doctor({ DATA_DIR: server.dataDir });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Galley doctor: SQLite at ${path.join(server.dataDir, 'galley.db')}`);
    expect(run.stdout).toContain('Database integrity (PRAGMA integrity_check): ok');
    expect(run.stdout).toMatch(/Stories: 1 story checked, \d+ stored rows, all readable/);
    expect(run.stdout).toContain('Quarantine: empty');
    expect(run.stdout).toContain('Healthy: no problems found.');
  });

  it('finds damaged rows without touching them (exit 1), then lists what the server quarantined until an admin reviews it', async () => {
    const { server, writer, storyId } = await typedStory(['one', 'two', 'three']);
    const seqs = withDatabase(server, (db) => {
      const rows = rowsOf(db, storyId);
      tear(db, rows.at(-2)!.seq);
      return rows.map((r) => r.seq);
    });
    const before = withDatabase(server, (db) => rowsOf(db, storyId));

    const found = await doctor({ DATA_DIR: server.dataDir });
    expect(found.code).toBe(1);
    expect(found.stdout).toContain('Database integrity (PRAGMA integrity_check): ok');
    expect(found.stdout).toContain(`✗ “Council budget” (${storyId})`);
    expect(found.stdout).toMatch(new RegExp(`update row ${seqs.at(-2)}: Does not decode \\(.+\\)`));
    expect(found.stdout).toContain(`update row ${seqs.at(-1)}: Builds on changes the store does not have`);
    expect(found.stdout).toContain('2 problems found.');
    // Read-only: the rows are where they were, byte for byte, and nothing is quarantined.
    expect(withDatabase(server, (db) => rowsOf(db, storyId))).toEqual(before);
    expect(withDatabase(server, (db) => db.prepare('SELECT COUNT(*) AS n FROM story_quarantine').get())).toEqual({ n: 0 });

    // The server opens the story and quarantines both; the doctor then lists them, not reviewed.
    const running = await start({ dataDir: server.dataDir });
    const admin = await createUser(running, 'admin', 'Ada Admin');
    expect((await join(running, writer, storyId)).ok).toBe(true);
    const quarantined = await doctor({ DATA_DIR: server.dataDir });
    expect(quarantined.code).toBe(1);
    expect(quarantined.stdout).toMatch(/Stories: 1 story checked, \d+ stored rows, all readable/);
    expect(quarantined.stdout).toContain('Quarantine: 2 rows of 1 story, 2 not reviewed');
    expect(quarantined.stdout).toMatch(
      new RegExp(`✗ update row ${seqs.at(-1)} \\(\\d+ bytes\\), found .+: Builds on changes the store does not have; not reviewed`),
    );

    expect((await call(running, 'POST', `/api/damaged-stories/${storyId}/review`, { user: admin })).status).toBe(200);
    const reviewed = await doctor({ DATA_DIR: server.dataDir });
    expect(reviewed.code).toBe(0);
    expect(reviewed.stdout).toContain('Quarantine: 2 rows of 1 story, 0 not reviewed');
    expect(reviewed.stdout).toMatch(/· update row \d+ .+; reviewed .+ by Ada Admin/);
    expect(reviewed.stdout).toContain('Healthy: no problems found.');
  });

  it('reports a database file whose pages are damaged (exit 1)', async () => {
    const { server } = await typedStory(['page', 'damage']);
    const file = path.join(server.dataDir, 'galley.db');
    // Checkpointed into the main file by the clean stop; now a bad block in the middle of it.
    const size = fs.statSync(file).size;
    const pageSize = 4096;
    expect(size).toBeGreaterThan(pageSize * 8);
    const fd = fs.openSync(file, 'r+');
    fs.writeSync(fd, Buffer.alloc(pageSize, 0xa5), 0, pageSize, pageSize * 4);
    fs.closeSync(fd);
    const run = await doctor({ DATA_DIR: server.dataDir });
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(run.stdout).toMatch(/Database integrity \(PRAGMA integrity_check\): \d+ problems?|damaged and cannot be opened/);
  });

  it('exits 2 when it cannot run: no store where the configuration points, or a bad configuration', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'galley-doctor-'));
    try {
      const none = await doctor({ DATA_DIR: empty });
      expect(none.code).toBe(2);
      expect(none.stderr).toMatch(/No Galley store here: SQLite at .+ does not exist/);
      // Read-only: it did not create one.
      expect(fs.readdirSync(empty)).toEqual([]);
      const badConfig = await doctor({ DATA_DIR: empty, PORT: 'not a port' });
      expect(badConfig.code).toBe(2);
      expect(badConfig.stderr).toMatch(/PORT/);
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Postgres: the quarantine's move and listing are the backend's own

const postgres = await requirePostgres();

/** A Galley server on a Postgres database (as `main.ts` builds one, with Redis when REDIS_URL is set), on a random loopback port. */
async function startPgNode(env: Record<string, string>, log = createLogger('silent')) {
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'galley-pg-')),
    ...env,
  });
  const store = await PgStore.open(config.databaseUrl!);
  const cluster = config.redisUrl ? await connectCluster(config.redisUrl, log) : undefined;
  const app = createApp(config, { store, log, cluster, secret: Buffer.from(config.sessionSecret!) });
  await new Promise<void>((resolve) => app.httpServer.listen(0, '127.0.0.1', resolve));
  let stopped = false;
  const node = {
    url: `http://127.0.0.1:${(app.httpServer.address() as AddressInfo).port}`,
    store,
    app,
    async stop() {
      if (stopped) return;
      stopped = true;
      await app.close();
      await cluster?.close();
      await store.close();
      fs.rmSync(config.dataDir, { recursive: true, force: true });
    },
  };
  pgNodes.push(node);
  return node;
}

async function onDatabase<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

describe.skipIf(!postgres)('on Postgres', () => {
  it('quarantines a torn row, lists it for admins, and the doctor reads the same store', async () => {
    const database = await createTestDatabase();
    pgCleanups.push(database.drop);
    const env = { DATABASE_URL: database.url, SESSION_SECRET: 'a postgres test secret of at least 32 chars' };
    const first = await startPgNode(env);
    const writerRecord = await createAccount(first.store, {
      email: 'pg-writer@example.test',
      name: 'Pat Writer',
      role: 'writer',
      password: 'a long enough password',
    });
    const writer = { ...writerRecord, cookie: await signIn(first.url, 'pg-writer@example.test', 'a long enough password') };
    const storyId = await createStory(first, writer as unknown as TestUser);
    const client = await connectClient(first, writer as unknown as TestUser, storyId);
    setParagraphs(client.doc, 'headline', ['Harbour report']);
    await typeWords(client, ['one', 'two', 'three']);
    client.close();
    await eventually(async () => expect((await first.store.getStory(storyId))!.headline).toBe('Harbour report'));
    await first.stop();

    const torn = await onDatabase(database.url, async (db) => {
      const { rows } = await db.query<{ seq: string }>(
        `UPDATE story_updates SET data = substring(data from 1 for octet_length(data) - 1)
         WHERE seq = (SELECT MAX(seq) FROM story_updates WHERE story_id = $1) RETURNING seq`,
        [storyId],
      );
      return Number(rows[0].seq);
    });
    const found = await doctor(env);
    expect(found.code, found.stderr).toBe(1);
    expect(found.stdout).toContain('Database integrity: not checked');
    expect(found.stdout).toMatch(new RegExp(`update row ${torn}: Does not decode`));

    const node = await startPgNode(env);
    const admin = await createAccount(node.store, {
      email: 'pg-admin@example.test',
      name: 'Ada Admin',
      role: 'admin',
      password: 'a long enough password',
    });
    const adminCookie = await signIn(node.url, admin.email, 'a long enough password');
    const answer = await join(node, writer, storyId);
    expect(answer.ok && answer.data.damage).toEqual({ entries: 1, foundAt: expect.any(String) });
    const reader = await connectClient(node, writer as unknown as TestUser, storyId);
    clients.push(reader);
    expect(bodyOf(reader.doc)).toContain('one two ');
    expect(bodyOf(reader.doc)).not.toContain('three');
    const listed = await call(node, 'GET', '/api/damaged-stories', { headers: { cookie: adminCookie } });
    expect(listed.body.stories).toEqual([expect.objectContaining({ storyId, headline: 'Harbour report', entries: 1 })]);
    const kept = await onDatabase(database.url, (db) =>
      db.query('SELECT seq, octet_length(data) AS bytes FROM story_quarantine WHERE story_id = $1', [storyId]),
    );
    expect(kept.rows.map((r) => Number(r.seq))).toEqual([torn]);

    const after = await doctor(env);
    expect(after.stdout).toContain('Quarantine: 1 row of 1 story, 1 not reviewed');
    expect(after.stdout).toMatch(/Stories: 1 story checked, \d+ stored rows, all readable/);
  });

  it('moves each row once when two processes quarantine at once, and never a row a concurrent compaction folds', async () => {
    const schema = freshSchemaName();
    pgCleanups.push(() => dropSchema(schema));
    const [a, b] = [await PgStore.open(POSTGRES_URL, { schema }), await PgStore.open(POSTGRES_URL, { schema })];
    pgStores.push(a, b);
    const owner = await createAccount(a, { email: 'race@example.test', name: 'Race', role: 'writer', password: 'a long enough password' });
    const storyId = (await import('node:crypto')).randomUUID();
    const { newDraft } = await import('../../server/workflow/workflowState');
    await a.createStory(newDraft(storyId, owner, new Date().toISOString()));
    for (let round = 0; round < 8; round++) {
      const seqs = await a.appendUpdates(Array.from({ length: 20 }, (_, i) => ({ storyId, update: Uint8Array.of(round, i) })));
      const damaged = [3, 7, 11, 19].map((i) => ({ kind: 'update' as const, seq: seqs[i], reason: `round ${round}` }));
      const folded: string[] = [];
      const fold = (updates: Uint8Array[]) => {
        updates.forEach((u) => u.length === 2 && u[0] === round && folded.push(`${u[0]}:${u[1]}`));
        return Uint8Array.of(255);
      };
      const [movedByA, movedByB] = await Promise.all([
        a.quarantine(storyId, damaged, `2026-05-01T10:00:0${round}.000Z`),
        b.quarantine(storyId, damaged, `2026-05-01T10:00:0${round}.000Z`),
        round % 2 === 0 ? b.compact(storyId, fold) : a.compact(storyId, fold),
      ]);
      const quarantined = (await a.listQuarantine()).filter((q) => q.reason === `round ${round}`).map((q) => q.seq);
      expect(movedByA + movedByB).toBe(quarantined.length);
      expect(new Set(quarantined).size).toBe(quarantined.length);
      for (const i of [3, 7, 11, 19]) {
        // Each damaged row is in exactly one place: folded by the compaction, or in quarantine.
        expect(folded.includes(`${round}:${i}`) !== quarantined.includes(seqs[i]), `round ${round}, row ${i}`).toBe(true);
      }
      // Nothing is lost: every other row was folded (the log is empty after the compaction, or compacts now).
      await a.compact(storyId, fold);
      expect(new Set(folded).size + quarantined.length).toBe(20);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// A full disk

const FULL_DISK_MB = 16;

/** A small tmpfs, to be a server's DATA_DIR, so the disk can really fill. Mounting needs root. */
function mountSmallDisk(sizeMb: number): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'galley-full-disk-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMb}m,mode=0700`, 'tmpfs', dir], { stdio: 'pipe' });
    return dir;
  } catch (error) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Whether this machine lets the test mount a tmpfs (root, as here and in CI), tried and undone at once.
 * Where it does not, the suite is skipped with a warning; in CI that is an error instead.
 */
function canMountDisks(): boolean {
  try {
    unmount(mountSmallDisk(1));
    return true;
  } catch (error) {
    const reason = `cannot mount a tmpfs (${(error as Error).message.split('\n')[0]})`;
    if (process.env.CI && process.env.CI !== 'false')
      throw new Error(`${reason}; CI must run the full-disk test (it runs as root).`, { cause: error });
    console.warn(`\n  ⚠ Skipping the full-disk test: ${reason}.\n`);
    return false;
  }
}

function unmount(dir: string): void {
  try {
    execFileSync('umount', [dir], { stdio: 'pipe' });
  } catch {
    // Still busy (a test failed with the server up): detach it now, the kernel frees it when the last file closes.
    execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
  }
  fs.rmSync(dir, { recursive: true, force: true });
}

/** Writes a file until the disk has no room left; returns its path (delete it to free the space). */
function fillDisk(dir: string): string {
  const filler = path.join(dir, 'filler');
  const fd = fs.openSync(filler, 'w');
  const chunk = Buffer.alloc(64 * 1024, 1);
  try {
    for (;;) fs.writeSync(fd, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    fs.closeSync(fd);
  }
  // Whatever room a smaller write still finds, take it too.
  const fd2 = fs.openSync(filler, 'a');
  try {
    for (;;) fs.writeSync(fd2, Buffer.alloc(512, 1));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    fs.closeSync(fd2);
  }
  return filler;
}

describe.skipIf(!canMountDisks())('a full disk', () => {
  let smallDisk: string | undefined;
  beforeAll(() => {
    smallDisk = mountSmallDisk(FULL_DISK_MB);
  });
  // Runs even when a test failed: servers first (their files are on the disk), then the mount goes.
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    if (smallDisk) unmount(smallDisk);
  });

  /** What the person sees in the save indicator, from the provider's own state. */
  const saveLabel = (client: TestClient) =>
    describeSaveState({
      online: true,
      live: client.provider.synced && client.provider.status === 'connected',
      wasLive: true,
      refused: false,
      failedAttempts: 0,
      unsaved: client.provider.unacknowledged > 0 || client.provider.pendingOffline,
      held: client.provider.held !== null,
    }).label;

  it('refuses writes with storage_failed (kept, "Saving…"), loses nothing acknowledged, stays up, and saves once there is room', async () => {
    const dataDir = smallDisk!;
    const server = await start({ dataDir });
    const writer = await createUser(server, 'writer', 'Wren Writer');
    const newcomer = await createUser(server, 'writer', 'Nia Newcomer');
    const storyId = await createStory(server, writer);
    const client = await connectClient(server, writer, storyId);
    const errors: ErrorBody[] = [];
    client.provider.on('error', (error) => errors.push(error));
    await typeWords(client, ['before', 'the', 'disk', 'filled']);
    const acknowledged = bodyOf(client.doc);

    // The log's write-ahead file is emptied into the database first, so the next commit needs new room.
    withDatabase(server, (db) => expect(db.pragma('wal_checkpoint(TRUNCATE)')).toEqual([{ busy: 0, log: 0, checkpointed: 0 }]));
    const filler = fillDisk(dataDir);

    const text = (client.doc.getXmlFragment('body').get(0) as Y.XmlElement).get(0) as Y.XmlText;
    text.insert(text.length, 'during ');
    await eventually(() => expect(errors.map((e) => e.code)).toContain('storage_failed'), 10_000);
    expect(
      errors.every((e) => e.code === 'storage_failed'),
      JSON.stringify(errors),
    ).toBe(true);
    expect(saveLabel(client)).toBe('Saving…');
    expect(bodyOf(client.doc)).toContain('during');

    // Someone new opens the story and types: their first keystrokes also claim their Yjs client id (a write).
    const second = await connectClient(server, newcomer, storyId);
    clients.push(second);
    const secondErrors: ErrorBody[] = [];
    second.provider.on('error', (error) => secondErrors.push(error));
    second.doc.getText('newcomer').insert(0, 'first words');
    await eventually(() => expect(secondErrors.map((e) => e.code)).toContain('storage_failed'), 10_000);
    expect(
      secondErrors.every((e) => e.code === 'storage_failed'),
      JSON.stringify(secondErrors),
    ).toBe(true);
    expect(saveLabel(second)).toBe('Saving…');

    // Still serving: HTTP answers, and the stored log still holds everything acknowledged.
    expect((await call(server, 'GET', `/api/stories/${storyId}`, { user: writer })).status).toBe(200);
    expect(bodyOf(await storedDoc(server.store, storyId))).toBe(acknowledged);

    // Room again: the retries land, both clients are told, nothing is lost or doubled.
    fs.rmSync(filler);
    await eventually(() => expect(saveLabel(client)).toBe('All changes saved'), 20_000);
    await eventually(() => expect(saveLabel(second)).toBe('All changes saved'), 20_000);
    const stored = await storedDoc(server.store, storyId);
    expect(bodyOf(stored)).toBe(bodyOf(client.doc));
    expect(bodyOf(stored)).toContain('before the disk filled during ');
    expect(stored.getText('newcomer').toString()).toBe('first words');
    client.close();

    // And after a restart (all of it on disk, not only in this process).
    await server.stop();
    const again = await start({ dataDir });
    const reader = await connectClient(again, writer, storyId);
    clients.push(reader);
    expect(bodyOf(reader.doc)).toContain('before the disk filled during ');
    expect(reader.doc.getText('newcomer').toString()).toBe('first words');
    await again.stop();
  }, 90_000);
});

// ---------------------------------------------------------------------------------------------
// Several processes: an open story reads storage again (catch-up) and meets a damaged row

const redisToo = postgres && (await requireRedisServer());

describe.skipIf(!redisToo)('catching up from storage with several processes', () => {
  it('leaves a damaged row out of every open copy, quarantines it once, and tells editors who join', async () => {
    const redis = await startRedis();
    pgCleanups.push(redis.stop);
    const database = await createTestDatabase();
    pgCleanups.push(database.drop);
    const env = { DATABASE_URL: database.url, SESSION_SECRET: 'a postgres test secret of at least 32 chars', REDIS_URL: redis.url };
    const { log, lines } = capturedLog();
    const [a, b] = [await startPgNode(env, log), await startPgNode(env, log)];
    await createAccount(a.store, {
      email: 'cu-writer@example.test',
      name: 'Cu Writer',
      role: 'writer',
      password: 'a long enough password',
    });
    const writer = { cookie: await signIn(a.url, 'cu-writer@example.test', 'a long enough password') } as TestUser;
    const storyId = await createStory(a, writer);
    const onA = await connectClient(a, writer, storyId);
    const onB = await connectClient(b, writer, storyId);
    clients.push(onA, onB);
    await typeWords(onA, ['one', 'two']);
    await eventually(() => expect(bodyOf(onB.doc)).toBe(bodyOf(onA.doc)));

    // A third process's rows, stored but never relayed: a torn one, and one of another writer's that builds on it.
    const third = new Y.Doc();
    Y.applyUpdate(third, Y.encodeStateAsUpdate(onA.doc));
    const rows: Uint8Array[] = [];
    third.on('update', (u: Uint8Array) => rows.push(u));
    const text = (third.getXmlFragment('body').get(0) as Y.XmlElement).get(0) as Y.XmlText;
    text.insert(text.length, 'torn ');
    const fourth = new Y.Doc();
    Y.applyUpdate(fourth, Y.encodeStateAsUpdate(third));
    fourth.on('update', (u: Uint8Array) => rows.push(u));
    ((fourth.getXmlFragment('body').get(0) as Y.XmlElement).get(0) as Y.XmlText).insert(text.length, 'after');
    const seqs = await a.store.appendUpdates([
      { storyId, update: rows[0].slice(0, -1) },
      { storyId, update: rows[1] },
    ]);

    // Tell every process to read the story back from storage (as a process does after loading it).
    const reader = await connectCluster(redis.url, createLogger('silent'));
    reader.relay.publish(storyId, 'catch-up', new Uint8Array(0));
    await eventually(async () => expect((await a.store.listQuarantine()).map((q) => q.seq).sort()).toEqual([...seqs].sort()), 10_000);
    await reader.close();
    await eventually(() => {
      for (const node of [a, b]) expect(node.app.registry.get(storyId)!.damage).toEqual({ entries: 2, foundAt: expect.any(String) });
    }, 10_000);

    // Neither copy, nor any client, got any of it; no pending state anywhere; each row moved once.
    for (const node of [a, b]) {
      const document = node.app.registry.get(storyId)!;
      expect(bodyOf(document.doc)).not.toMatch(/torn|after/);
      expect(document.missingUpdates).toBe(false);
    }
    expect(bodyOf(onA.doc)).not.toMatch(/torn|after/);
    expect(bodyOf(onB.doc)).not.toMatch(/torn|after/);
    expect((await a.store.listQuarantine()).length).toBe(2);
    expect(lines.filter((l) => l.msg === 'quarantined a damaged stored row' && l.storyId === storyId).length).toBeGreaterThanOrEqual(2);
    const joined = await join(b, writer, storyId);
    expect(joined.ok && joined.data.damage).toEqual({ entries: 2, foundAt: expect.any(String) });

    // Editing goes on, on both.
    await typeWords(onB, ['three']);
    await eventually(() => expect(bodyOf(onA.doc)).toBe(bodyOf(onB.doc)));
    expect(bodyOf(onA.doc)).toContain('one two three');
  });
});
