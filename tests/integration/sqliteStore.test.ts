import fs from 'node:fs';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createAccount } from '../../server/auth/accounts';
import { SqliteConnection } from '../../server/persistence/sqlite/SqliteConnection';
import { SqliteStore } from '../../server/persistence/sqlite/SqliteStore';
import { newDraft } from '../../server/workflow/workflowState';
import { sqliteRowsMentioning } from '../helpers/rowsMentioning';
import { tempDataDir } from '../helpers/testServer';
import { storeContract } from './storeContract';
import { user } from './storeContractFixtures';

const dirs = new Map<SqliteStore, string>();

function contractOn(name: string, open: (dir: string) => Promise<SqliteStore>) {
  storeContract(name, {
    async open() {
      const dir = tempDataDir();
      const store = await open(dir);
      dirs.set(store, dir);
      return store;
    },
    async reopen(store) {
      const dir = dirs.get(store as SqliteStore)!;
      await store.close();
      const again = await open(dir);
      dirs.set(again, dir);
      return again;
    },
    rowsMentioning: async (store, text) => sqliteRowsMentioning(dirs.get(store as SqliteStore)!, text),
  });
}

contractOn('SqliteStore', async (dir) => SqliteStore.open(dir));
contractOn('SqliteStore with its appender thread (as a server runs it)', (dir) => SqliteStore.openForServer(dir));

/** A named version of the story, numbered `i` in its name. */
const version = (storyId: string, i: number) => ({
  storyId,
  kind: 'named' as const,
  name: `Version ${i}`,
  authorIds: [],
  slug: 'lock',
  headline: 'Lock',
  standfirst: '',
  byline: '',
  bodyHtml: '<p>x</p>',
  content: '{}',
  docState: Uint8Array.of(i % 256),
  publishedAt: new Date().toISOString(),
  publishedBy: 'Lock',
  publishedById: 'lock',
});

describe('SqliteStore with its appender thread', () => {
  it('never lets its two connections wait for each other’s write lock, whatever runs at once', async () => {
    // With no busy timeout, any overlap of the two connections' writes fails at once with SQLITE_BUSY. The writes
    // below come from every aggregate (SqliteConnection.write puts each in its turn), mixed with appends.
    const dir = tempDataDir();
    const store = await SqliteStore.openForServer(dir, { busyTimeoutMs: 0 });
    dirs.set(store, dir);
    const author = await createAccount(store, {
      email: 'lock@example.test',
      password: 'a long enough password',
      name: 'Lock',
      role: 'writer',
    });
    const storyIds = ['00000000-0000-4000-8000-00000000000a', '00000000-0000-4000-8000-00000000000b'];
    for (const id of storyIds) await store.createStory(newDraft(id, author, new Date().toISOString()));

    const work: Promise<unknown>[] = [];
    for (let i = 0; i < 400; i++) {
      const storyId = storyIds[i % 2];
      work.push(
        store.appendUpdates([
          { storyId, update: Uint8Array.of(i % 256, 1) },
          { storyId, update: Uint8Array.of(i % 256, 2) },
        ]),
      );
      if (i % 4 === 0) work.push(store.touchStory(storyId, `Headline ${i}`, new Date().toISOString()));
      if (i % 10 === 0) work.push(store.claimClients(storyId, new Map([[1000 + i, author.id]])));
      if (i % 50 === 0) work.push(store.compact(storyId, (updates) => Uint8Array.of(updates.length)));
      // Writes of the other aggregates: accounts (with its access-change record) and publications.
      if (i % 20 === 0) work.push(store.updateUser(author.id, { role: i % 40 === 0 ? 'editor' : 'writer' }));
      if (i % 25 === 0) work.push(store.saveVersion(version(storyId, i)));
      if (i % 3 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    const outcomes = await Promise.allSettled(work);
    expect(outcomes.filter((o) => o.status === 'rejected').map((o) => String((o as PromiseRejectedResult).reason))).toEqual([]);
    expect((await store.loadClientOwners(storyIds[0])).size).toBe(40);
    expect((await store.listRevisions(storyIds[0])).length).toBe(8);
    await store.close();
  });
});

describe('SqliteConnection', () => {
  it('refuses a statement that writes outside its write helper, so no write can skip the appender’s turn', async () => {
    const connection = new SqliteConnection(new Database(':memory:'), null);
    await connection.write(() => connection.prepare('CREATE TABLE notes (text TEXT)').run());
    expect(() => connection.prepare("INSERT INTO notes VALUES ('outside')")).toThrow(/A write outside SqliteConnection.write/);
    await connection.write(() => connection.prepare("INSERT INTO notes VALUES ('inside')").run());
    // A write that fails is rolled back, and the guard is up again after it.
    await expect(
      connection.write(() => {
        connection.prepare("INSERT INTO notes VALUES ('rolled back')").run();
        connection.prepare('INSERT INTO missing VALUES (1)').run();
      }),
    ).rejects.toThrow(/no such table/);
    expect(() => connection.prepare('DELETE FROM notes')).toThrow(/A write outside SqliteConnection.write/);
    expect(connection.prepare('SELECT text FROM notes').pluck().all()).toEqual(['inside']);
    await connection.close();
  });

  it('compiles a statement once and hands it back in its default mode', async () => {
    const connection = new SqliteConnection(new Database(':memory:'), null);
    await connection.write(() => connection.prepare('CREATE TABLE notes (text TEXT)').run());
    await connection.write(() => connection.prepare("INSERT INTO notes VALUES ('kept')").run());
    const sql = 'SELECT text FROM notes';
    const first = connection.prepare(sql);
    expect(first.pluck().get()).toBe('kept');
    const again = connection.prepare(sql);
    expect(again).toBe(first);
    // A caller's pluck (or raw) does not leak into the next caller's rows.
    expect(again.get()).toEqual({ text: 'kept' });
    expect(connection.prepare(sql).raw().get()).toEqual(['kept']);
    expect(connection.prepare(sql).get()).toEqual({ text: 'kept' });
    // The write guard still holds for a statement compiled inside a write.
    expect(() => connection.prepare("INSERT INTO notes VALUES ('kept')")).toThrow(/A write outside SqliteConnection.write/);
    await connection.close();
  });
});

describe('SqliteStore: the site search of publications stored before it', () => {
  it('indexes every unindexed publication when it opens, in batches, and nothing twice', async () => {
    const dir = tempDataDir();
    let store = SqliteStore.open(dir);
    dirs.set(store, dir);
    const u = user();
    await store.createUser(u);
    // More than one backfill batch (200).
    const count = 230;
    for (let i = 0; i < count; i++) {
      const storyId = `10000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
      await store.createStory(newDraft(storyId, { id: u.id, name: 'Pat Writer' }, '2026-01-01T00:00:00.000Z'));
      const at = new Date(Date.UTC(2026, 2, 1, 0, i)).toISOString();
      const content = {
        storyId,
        slug: `story-${i}`,
        headline: `Heron ${i}`,
        standfirst: '',
        byline: '',
        bodyHtml: `<p>Word${i}x egret</p>`,
      };
      const publication = { ...content, publishedAt: at, updatedAt: at, publishedBy: 'Ed' };
      await store.savePublication(publication, {
        ...content,
        content: '{}',
        docState: Uint8Array.of(1),
        publishedAt: at,
        publishedBy: 'Ed',
        publishedById: u.id,
      });
    }
    await store.close();
    // As a database from before the search: publications without their words.
    const raw = new Database(`${dir}/galley.db`);
    raw.exec('DELETE FROM publication_text');
    raw.close();
    const unindexed = SqliteStore.open(dir);
    expect((await unindexed.searchPublications({ text: 'word7x', limit: 10 })).stories.map((p) => p.slug)).toEqual(['story-7']);
    expect((await unindexed.searchPublications({ text: 'heron egret', limit: 5 })).total).toBe(count);
    await unindexed.close();
    const indexed = () => {
      const db = new Database(`${dir}/galley.db`, { readonly: true });
      const ids = db.prepare('SELECT id FROM publication_text ORDER BY id').pluck().all();
      db.close();
      return ids;
    };
    const before = indexed();
    expect(before).toHaveLength(count);
    store = SqliteStore.open(dir);
    dirs.set(store, dir);
    expect(indexed()).toEqual(before);
    await store.close();
  });
});

process.on('exit', () => dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));
