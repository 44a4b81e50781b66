/**
 * One reconnect storm, for the regression test and the benchmark: the server as a child process, headless
 * editors built from the app's own socket and provider (connectSocket, SocketIOProvider, ReconnectPolicy),
 * each story shared by several of them. The server is killed (SIGKILL), every editor types offline, and the
 * server comes back on the same port; every connect attempt and every return is timed.
 */
import fs from 'node:fs';
import * as Y from 'yjs';
import { SocketIOProvider } from '../../client/lib/sync/SocketIOProvider';
import { closeSocket, connectSocket, reconnectionOf } from '../../client/lib/sync/socket';
import { createAccount } from '../../server/auth/accounts';
import { loadConfig } from '../../server/config';
import { SqliteStore } from '../../server/persistence/sqlite/SqliteStore';
import { createStory, eventually, storedDoc } from './clients';
import { freePort, type ServerProcess, startServerProcess } from './serverProcess';
import { signIn, tempDataDir, type TestUser } from './testServer';

export type StormOptions = {
  clients: number;
  stories: number;
  /** From the kill to starting the server again. */
  downMs: number;
  /** Extra server environment (e.g. RECONNECT_SPREAD_MS). */
  env?: Record<string, string>;
};

export type StormResult = {
  clients: number;
  stories: number;
  /** From the kill until the new process listened. */
  outageMs: number;
  /** From the first editor to the last noticing the crash (they count their rounds from then). */
  noticedWithinMs: number;
  /** Every connect attempt after the kill, in ms from the moment the server listened again (negative: while down). */
  attempts: number[];
  /** When the policy had scheduled each of those attempts, on the same clock (timers fire late on a busy machine). */
  scheduled: number[];
  /** Attempts that failed (connect_error) after the kill. */
  failedAttempts: number;
  /** Per editor, ms from the moment the server listened again until it had rejoined its story. */
  backAfterMs: number[];
  /** Per editor, how many times storage holds the paragraph it typed while the server was down. */
  storedCopies: number[];
};

const EMAIL = 'storm@example.test';
const PASSWORD = 'long enough password';
const editText = (i: number) => `[offline edit ${i}]`;

type Editor = { socket: ReturnType<typeof connectSocket>; provider: SocketIOProvider; doc: Y.Doc; storyId: string };

export async function runReconnectStorm({ clients, stories, downMs, env = {} }: StormOptions): Promise<StormResult> {
  const dataDir = tempDataDir();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // The spread this measures is the one a real server uses, not the tests' quicker one.
  const start = () =>
    startServerProcess({ RECONNECT_SPREAD_MS: String(loadConfig({}).reconnectPeriodMs), ...env, PORT: String(port), DATA_DIR: dataDir });
  const setup = SqliteStore.open(dataDir);
  await createAccount(setup, { email: EMAIL, name: 'Storm', role: 'writer', password: PASSWORD });
  await setup.close();

  let server: ServerProcess = await start();
  const editors: Editor[] = [];
  try {
    const cookie = await signIn(url, EMAIL, PASSWORD);
    const storyIds = await Promise.all(Array.from({ length: stories }, () => createStory({ url }, { cookie } as TestUser)));
    for (let i = 0; i < clients; i++) {
      const socket = connectSocket(url, { cookie });
      const doc = new Y.Doc();
      const storyId = storyIds[i % stories];
      editors.push({ socket, doc, storyId, provider: new SocketIOProvider({ socket, storyId, doc }) });
    }
    await Promise.all(editors.map((e) => e.provider.whenSynced()));

    let killedAt = Infinity;
    const attemptsAt: number[] = [];
    const scheduledAt: number[] = [];
    let failedAttempts = 0;
    const lostAt: number[] = [];
    const backAt: (number | undefined)[] = editors.map(() => undefined);
    editors.forEach(({ socket, provider }, i) => {
      const policy = reconnectionOf(socket)!;
      let noticed = false;
      policy.on('change', () => {
        if (Date.now() < killedAt) return;
        if (policy.phase === 'connecting') {
          attemptsAt.push(Date.now());
          scheduledAt.push(policy.dueAt ?? Date.now());
        }
        if (policy.phase === 'waiting' && !noticed) {
          noticed = true;
          lostAt.push(Date.now());
        }
      });
      socket.on('connect_error', () => {
        if (Date.now() >= killedAt) failedAttempts++;
      });
      let wentDown = false;
      provider.on('change', () => {
        if (Date.now() < killedAt) return;
        if (provider.status === 'disconnected') wentDown = true;
        else if (wentDown && provider.status === 'connected' && provider.synced) backAt[i] ??= Date.now();
      });
    });

    killedAt = Date.now();
    await server.kill();
    await eventually(() => {
      if (editors.some((e) => e.provider.status !== 'disconnected')) throw new Error('still connected');
    }, 10_000);
    // Each editor adds a paragraph of its own while the server is down.
    editors.forEach(({ doc }, i) => {
      const body = doc.getXmlFragment('body');
      const paragraph = new Y.XmlElement('paragraph');
      paragraph.insert(0, [new Y.XmlText(editText(i))]);
      body.insert(body.length, [paragraph]);
    });
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, killedAt + downMs - Date.now())));
    server = await start();
    const listeningAt = listeningTime(server);

    await eventually(
      () => {
        if (backAt.some((at) => at === undefined)) throw new Error(`${backAt.filter((at) => at === undefined).length} editors not back`);
      },
      30_000,
      50,
    );
    await eventually(
      () => {
        const unsaved = editors.filter((e) => e.provider.unacknowledged > 0 || e.provider.pendingOffline);
        if (unsaved.length > 0) throw new Error(`${unsaved.length} editors have unsaved edits: ${unsavedState(unsaved, server)}`);
      },
      30_000,
      50,
    );
    for (const { socket, provider } of editors) {
      provider.destroy();
      closeSocket(socket);
    }
    editors.length = 0;
    // What storage holds once the process is gone: acknowledged means durable, kill -9 or not.
    await server.kill();
    const store = SqliteStore.open(dataDir);
    const stored = new Map<string, string>();
    for (const storyId of storyIds) stored.set(storyId, (await storedDoc(store, storyId)).getXmlFragment('body').toJSON());
    await store.close();

    return {
      clients,
      stories,
      outageMs: listeningAt - killedAt,
      noticedWithinMs: Math.max(...lostAt) - Math.min(...lostAt),
      attempts: attemptsAt.map((at) => at - listeningAt).sort((a, b) => a - b),
      scheduled: scheduledAt.map((at) => at - listeningAt).sort((a, b) => a - b),
      failedAttempts,
      backAfterMs: backAt.map((at) => at! - listeningAt),
      storedCopies: Array.from({ length: clients }, (_, i) => stored.get(storyIds[i % stories])!.split(editText(i)).length - 1),
    };
  } finally {
    for (const { socket, provider } of editors) {
      provider.destroy();
      closeSocket(socket);
    }
    await server.kill();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Why edits are still unsaved, for the failure message: the editors' states and the server's warnings. */
function unsavedState(unsaved: Editor[], server: ServerProcess): string {
  const count = (of: (e: Editor) => string) => {
    const counts = new Map<string, number>();
    for (const e of unsaved) counts.set(of(e), (counts.get(of(e)) ?? 0) + 1);
    return JSON.stringify(Object.fromEntries(counts));
  };
  const warnings = server
    .output()
    .split('\n')
    .filter((line) => /"level":(4|5|6)0/.test(line))
    .slice(-10);
  return (
    `status ${count((e) => `${e.provider.status}${e.provider.synced ? '+synced' : ''}`)}, ` +
    `unacknowledged ${count((e) => String(e.provider.unacknowledged))}, pendingOffline ${count((e) => String(e.provider.pendingOffline))}, ` +
    `held ${count((e) => String(e.provider.held !== null))}; server warnings: ${warnings.join(' | ') || 'none'}`
  );
}

/** When the process logged that it listens (its own clock, the same as ours), rather than when we read it. */
function listeningTime(server: ServerProcess): number {
  const line = server
    .output()
    .split('\n')
    .find((l) => l.includes('"port":'));
  const time = line ? (JSON.parse(line) as { time?: unknown }).time : undefined;
  return typeof time === 'number' ? time : Date.now();
}

/** The most attempts in any window of `windowMs` that starts at or after `from` (attempts in ms, sorted). */
export function peakInWindow(attempts: number[], windowMs = 1_000, from = 0): number {
  const after = attempts.filter((at) => at >= from);
  let peak = 0;
  for (let i = 0, j = 0; i < after.length; i++) {
    while (j < after.length && after[j] < after[i] + windowMs) j++;
    peak = Math.max(peak, j - i);
  }
  return peak;
}

/** Attempts in each whole second after the server listened again: [0, 1 s), [1 s, 2 s)… */
export function attemptsPerSecond(attempts: number[]): number[] {
  const seconds: number[] = [];
  for (const at of attempts) {
    if (at < 0) continue;
    const second = Math.floor(at / 1_000);
    while (seconds.length <= second) seconds.push(0);
    seconds[second]++;
  }
  return seconds;
}
