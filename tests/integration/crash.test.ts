import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createAccount } from '../../server/auth/accounts';
import { SqliteStore } from '../../server/persistence/SqliteStore';
import { fragmentText } from '../../server/publishing/renderStory';
import { connectClient, createStory, eventually, storedDoc, type TestClient } from '../helpers/clients';
import { signIn, tempDataDir, type TestUser } from '../helpers/testServer';

const CLIENTS = 4;
const KILLS = 3;
const TYPING_MS = 1_200;

let child: ChildProcess | undefined;
const dataDir = tempDataDir();

afterAll(() => {
  child?.kill('SIGKILL');
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The real server as its own process, so SIGKILL is a real crash: no shutdown hooks, no flushing. */
async function startServer(port: number): Promise<void> {
  child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    let output = '';
    child!.stdout!.on('data', (chunk: Buffer) => {
      output += chunk;
      if (output.includes('"port"')) resolve();
    });
    child!.once('exit', (code) => reject(new Error(`server exited (${code}) before listening`)));
  });
}

function crash(): Promise<void> {
  return new Promise((resolve) => {
    child!.once('exit', () => resolve());
    child!.kill('SIGKILL');
  });
}

/** A headless editor typing numbered words into its own paragraph of the body. */
class Typist {
  typed = 0;
  /** Every word up to this one was acknowledged as committed. */
  acknowledged = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    readonly index: number,
    readonly client: TestClient,
  ) {
    client.provider.on('change', () => {
      const { unacknowledged, pendingOffline } = client.provider;
      if (unacknowledged === 0 && !pendingOffline && client.provider.status === 'connected') this.acknowledged = this.typed;
    });
  }

  get text(): Y.XmlText {
    const body = this.client.doc.getXmlFragment('body');
    for (const block of body.toArray()) {
      const element = block as Y.XmlElement;
      if (element.getAttribute('data-typist') === String(this.index)) return element.get(0) as Y.XmlText;
    }
    const paragraph = new Y.XmlElement('paragraph');
    paragraph.setAttribute('data-typist', String(this.index));
    paragraph.insert(0, [new Y.XmlText('')]);
    body.insert(body.length, [paragraph]);
    return paragraph.get(0) as Y.XmlText;
  }

  start(): void {
    this.#timer = setInterval(() => {
      this.typed++;
      const text = this.text;
      text.insert(text.length, `${this.word(this.typed)} `);
    }, 15);
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  word(n: number): string {
    return `c${this.index}w${n}`;
  }
}

function wordsOf(doc: Y.Doc, typist: Typist): string[] {
  const body = doc.getXmlFragment('body');
  const paragraph = body.toArray().find((b) => (b as Y.XmlElement).getAttribute('data-typist') === String(typist.index));
  return paragraph ? fragmentText(paragraph as unknown as Y.XmlFragment).split(' ').filter(Boolean) : [];
}

describe('a real crash', () => {
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
      typists.forEach((t) => t.start());
      await new Promise((r) => setTimeout(r, TYPING_MS));
      await crash();
      const acknowledged = typists.map((t) => t.acknowledged);
      expect(acknowledged.every((n) => n > 0)).toBe(true);

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
      expect(wordsOf(reference, t)).toEqual(Array.from({ length: t.typed }, (_, n) => t.word(n + 1)));
    }
    typists.forEach((t) => t.client.close());
    await crash();
    const disk = SqliteStore.open(dataDir);
    expect((await storedDoc(disk, storyId)).getXmlFragment('body').toJSON()).toBe(reference.getXmlFragment('body').toJSON());
    await disk.close();
  }, 90_000);
});
