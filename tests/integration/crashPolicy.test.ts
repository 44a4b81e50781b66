/**
 * The crash policy (server/crashPolicy.ts) in a real server process: an error nothing catches, thrown or
 * rejected, is logged with context, and the process shuts down cleanly — committing every update it had
 * applied — before it exits with status 1. The fault is injected by a test preload
 * (tests/fixtures/faultOnSignal.mjs), the way a bug would throw.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createAccount } from '../../server/auth/accounts';
import { SqliteStore } from '../../server/persistence/sqlite/SqliteStore';
import { connectClient, createStory, eventually, storedDoc } from '../helpers/clients';
import { killAllServerProcesses, startServerProcess } from '../helpers/serverProcess';
import { signIn, tempDataDir, type TestUser } from '../helpers/testServer';
import { Typist, wordsOf } from '../helpers/typist';

const FAULT = path.resolve('tests/fixtures/faultOnSignal.mjs');
const dirs: string[] = [];

afterAll(() => {
  killAllServerProcesses();
  dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true }));
});

describe('the crash policy', () => {
  it.each([
    ['an uncaught exception', 'throw', 'injected fault', 'uncaughtException'],
    ['an unhandled rejection', 'reject', 'injected rejection', 'unhandledRejection'],
  ])(
    'after %s, logs it with context, commits everything applied and exits with status 1',
    async (_name, fault, message, kind) => {
      const dataDir = tempDataDir();
      dirs.push(dataDir);
      const setup = SqliteStore.open(dataDir);
      await createAccount(setup, { email: 'writer@example.test', name: 'Writer', role: 'writer', password: 'long enough password' });
      await setup.close();
      const server = await startServerProcess({ DATA_DIR: dataDir, NODE_OPTIONS: `--import ${FAULT}`, GALLEY_TEST_FAULT: fault });
      const user = { cookie: await signIn(server.url, 'writer@example.test', 'long enough password') } as TestUser;
      const storyId = await createStory(server, user);
      const typist = new Typist(0, await connectClient(server, user, storyId));
      const reader = await connectClient(server, user, storyId);
      typist.start(10);
      await eventually(() => expect(typist.acknowledged).toBeGreaterThan(10), 10_000);

      const exited = new Promise<number | null>((resolve) => server.child.once('exit', (code) => resolve(code)));
      server.child.kill('SIGUSR2');
      expect(await exited).toBe(1);
      typist.stop();
      const seen = wordsOf(reader.doc, typist);
      const acknowledged = typist.acknowledged;
      typist.client.close();
      reader.close();

      const log = server.output();
      const fatal = log.split('\n').find((line) => line.includes('"level":60') && line.includes(message));
      expect(fatal, log).toBeDefined();
      expect(JSON.parse(fatal!)).toMatchObject({ kind, openStories: 1, connections: 2 });
      expect(log).toContain('shut down after an uncaught error');

      // Every word the server had applied (the reader saw it forwarded) is stored, acknowledged or not.
      const disk = SqliteStore.open(dataDir);
      const stored = wordsOf(await storedDoc(disk, storyId), typist);
      await disk.close();
      expect(seen.length).toBeGreaterThanOrEqual(acknowledged);
      expect(stored).toEqual(expect.arrayContaining(seen));
      for (let n = 1; n <= acknowledged; n++) expect(stored).toContain(typist.word(n));
    },
    60_000,
  );
});
