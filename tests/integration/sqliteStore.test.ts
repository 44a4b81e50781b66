import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createAccount } from '../../server/auth/accounts';
import { SqliteStore } from '../../server/persistence/SqliteStore';
import { newDraft } from '../../server/workflow/workflowState';
import { tempDataDir } from '../helpers/testServer';
import { storeContract } from './storeContract';

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
  });
}

contractOn('SqliteStore', async (dir) => SqliteStore.open(dir));
contractOn('SqliteStore with its appender thread (as a server runs it)', (dir) => SqliteStore.openForServer(dir));

describe('SqliteStore with its appender thread', () => {
  it('never lets its two connections wait for each other’s write lock, whatever runs at once', async () => {
    // With no busy timeout, any overlap of the two connections' writes fails at once with SQLITE_BUSY.
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
      if (i % 3 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    const outcomes = await Promise.allSettled(work);
    expect(outcomes.filter((o) => o.status === 'rejected').map((o) => String((o as PromiseRejectedResult).reason))).toEqual([]);
    expect((await store.loadClientOwners(storyIds[0])).size).toBe(40);
    await store.close();
  });
});

process.on('exit', () => dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));
