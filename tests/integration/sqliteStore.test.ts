import fs from 'node:fs';
import { SqliteStore } from '../../server/persistence/SqliteStore';
import { tempDataDir } from '../helpers/testServer';
import { storeContract } from './storeContract';

const dirs = new Map<SqliteStore, string>();

storeContract('SqliteStore', {
  async open() {
    const dir = tempDataDir();
    const store = SqliteStore.open(dir);
    dirs.set(store, dir);
    return store;
  },
  async reopen(store) {
    const dir = dirs.get(store as SqliteStore)!;
    await store.close();
    const again = SqliteStore.open(dir);
    dirs.set(again, dir);
    return again;
  },
});

process.on('exit', () => dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));
