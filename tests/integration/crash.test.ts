import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { createAccount } from '../../server/auth/accounts';
import { SqliteStore } from '../../server/persistence/sqlite/SqliteStore';
import { connectClient, createStory, eventually, storedDoc } from '../helpers/clients';
import { killAllServerProcesses, type ServerProcess, startServerProcess, freePort } from '../helpers/serverProcess';
import { signIn, tempDataDir, type TestUser } from '../helpers/testServer';
import { Typist, wordsOf } from '../helpers/typist';

const CLIENTS = 4;
const KILLS = 3;
const TYPING_MS = 1_200;

const dataDir = tempDataDir();

afterAll(() => {
  killAllServerProcesses();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

let server: ServerProcess | undefined;

/** The real server as its own process, so SIGKILL is a real crash: no shutdown hooks, no flushing. */
async function startServer(port: number): Promise<void> {
  server = await startServerProcess({ PORT: String(port), DATA_DIR: dataDir });
}

const crash = () => server!.kill();

describe('a real crash', () => {
  // Room for four server starts (tsx compiles the server: seconds each on a busy machine) and three rounds of typing.
  it('keeps every acknowledged edit through repeated SIGKILLs while clients type, and all clients converge', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const setup = SqliteStore.open(dataDir);
    await createAccount(setup, { email: 'typist@example.test', name: 'Typist', role: 'writer', password: 'long enough password' });
    await setup.close();
    await startServer(port);
    const cookie = await signIn(url, 'typist@example.test', 'long enough password');
    const user = { cookie } as TestUser;
    const storyId = await createStory({ url }, user);
    const typists = await Promise.all(
      Array.from({ length: CLIENTS }, async (_, i) => new Typist(i, await connectClient({ url }, user, storyId))),
    );

    for (let round = 0; round < KILLS; round++) {
      const before = typists.map((t) => t.typed);
      typists.forEach((t) => t.start());
      await new Promise((r) => setTimeout(r, TYPING_MS));
      // Killed once every typist has had words of this round acknowledged, however long the restart and
      // the reconnections took on a busy machine.
      await eventually(() => typists.forEach((t, i) => expect(t.acknowledged).toBeGreaterThan(before[i])), 30_000);
      await crash();
      const acknowledged = typists.map((t) => t.acknowledged);

      // What the crashed server left on disk holds every acknowledged word.
      const disk = SqliteStore.open(dataDir);
      const stored = await storedDoc(disk, storyId);
      await disk.close();
      typists.forEach((t, i) => {
        const words = wordsOf(stored, t);
        for (let n = 1; n <= acknowledged[i]; n++) expect(words, `round ${round}`).toContain(t.word(n));
      });

      // Typing goes on offline while the server restarts.
      await new Promise((r) => setTimeout(r, 200));
      typists.forEach((t) => t.stop());
      await startServer(port);
    }

    await Promise.all(typists.map((t) => t.client.provider.whenSaved()));
    const reference = typists[0].client.doc;
    await eventually(() => {
      for (const t of typists) expect(t.client.doc.getXmlFragment('body').toJSON()).toBe(reference.getXmlFragment('body').toJSON());
    }, 10_000);
    // Every word typed, online or offline, is there exactly once, in order, in every client and on disk.
    for (const t of typists) {
      expect(wordsOf(reference, t)).toEqual(t.allWords());
    }
    typists.forEach((t) => t.client.close());
    await crash();
    const disk = SqliteStore.open(dataDir);
    expect((await storedDoc(disk, storyId)).getXmlFragment('body').toJSON()).toBe(reference.getXmlFragment('body').toJSON());
    await disk.close();
  }, 180_000);
});
