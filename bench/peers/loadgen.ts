/**
 * The load generator: a process of its own holding headless Yjs clients of one
 * server kind. Started by bench/bench.ts with one JSON command as argv[2].
 * Protocol on stdout, one JSON object a line:
 *   {"mark":"name","index":i}  the parent samples the server(s), then writes a line to our stdin to go on;
 *   {"results":[…]}             the answers, one per command, last.
 * Anything else (diagnostics) goes to stderr.
 *
 * Latency is from an insert to its arrival at each other client: the send time is
 * recorded per (Yjs clientID, clock) at insert, arrival is observed in each
 * receiver's `afterTransaction` (beforeState → afterState of remote transactions).
 * Payloads are never tagged.
 */
import { performance } from 'node:perf_hooks';
import readline from 'node:readline';
import * as Y from 'yjs';
import { setParagraphs } from '../../tests/helpers/clients';
import { ArrivalLatency } from './ArrivalLatency';
import { connectPeer, type Peer } from './clients';
import {
  bodyText,
  type AwarenessCommand,
  type AwarenessResult,
  type ColdOpenCommand,
  type ColdOpenResult,
  type ConnectionsCommand,
  type ConnectionsResult,
  hasBody,
  type IdleCommand,
  type IdleResult,
  initBody,
  type LoadCommand,
  type PasteCommand,
  type PasteResult,
  type PublishCommand,
  type PublishResult,
  sleep,
  stats,
  type Target,
  type TypeCommand,
  type TypeResult,
  waitFor,
  withTimeout,
} from './common';

const lines = readline.createInterface({ input: process.stdin })[Symbol.asyncIterator]();

async function mark(name: string): Promise<void> {
  process.stdout.write(`${JSON.stringify({ mark: name, index: current })}\n`);
  await lines.next();
}

const peers: Peer[] = [];
const t0 = performance.now();
const debug = (message: string) =>
  process.env.BENCH_DEBUG && process.stderr.write(`[loadgen +${Math.round(performance.now() - t0)} ms] ${message}\n`);
const urlFor = (target: Target, i: number) => target.urls[i % target.urls.length];

async function connect(target: Target, i: number, room: string, expectPeers: boolean): Promise<Peer> {
  const peer = await connectPeer(target.kind, urlFor(target, i), room, { cookie: target.cookie, expectPeers });
  peers.push(peer);
  return peer;
}

/** Connects `count` clients to one room, the first seeding the body paragraph the others wait for. */
async function connectRoom(target: Target, room: string, count: number, offset = 0): Promise<Peer[]> {
  debug(`connecting ${count} to ${room}`);
  const first = await connect(target, offset, room, false);
  debug('first connected');
  if (!hasBody(first.doc)) initBody(first.doc, 'Benchmark story body.');
  const rest: Peer[] = [];
  for (let i = 1; i < count; i++) rest.push(await connect(target, offset + i, room, true));
  const all = [first, ...rest];
  if (!(await waitFor(() => all.every((p) => hasBody(p.doc)), 15_000))) throw new Error('clients never all saw the body paragraph');
  await first.galley?.whenSaved();
  debug('room ready');
  return all;
}

const bodyJson = (p: Peer) => p.doc.getXmlFragment('body').toJSON();

async function typeLoad(cmd: TypeCommand): Promise<TypeResult> {
  const clients = await connectRoom(cmd.target, cmd.room, cmd.clients);
  await sleep(300);
  const latency = new ArrivalLatency();
  for (const { doc } of clients) latency.watch(doc);
  // Galley: insert → durable ack, resolved in order as `unacknowledged` drops.
  const acks: number[] = [];
  const ackQueues = clients.map((c) => {
    const queue: number[] = [];
    const provider = c.galley;
    provider?.on('change', () => {
      const now = performance.now();
      while (queue.length > provider.unacknowledged) acks.push(now - queue.shift()!);
    });
    return queue;
  });
  const writers = cmd.writers === 'one' ? clients.slice(0, 1) : clients;
  await mark('start');
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const timers = writers.map((client, i) =>
    setInterval(() => {
      const { doc } = client;
      const text = bodyText(doc);
      const queue = ackQueues[i];
      latency.sending(doc);
      if (client.galley) queue.push(performance.now());
      text.insert(cmd.writers === 'one' ? text.length : Math.floor(Math.random() * (text.length + 1)), 'x');
    }, 1000 / cmd.rate),
  );
  await sleep(cmd.seconds * 1000);
  timers.forEach(clearInterval);
  const elapsed = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  await mark('end');
  debug('typing done');
  const expected = latency.sent * (cmd.clients - 1);
  await waitFor(() => latency.samples.length >= expected, 10_000);
  await Promise.all(clients.map((c) => (c.galley ? withTimeout(c.galley.whenSaved(), 10_000, 'whenSaved').catch(() => {}) : undefined)));
  debug('delivered');
  const converged = await waitFor(() => clients.every((c) => bodyJson(c) === bodyJson(clients[0])), 10_000, 50);
  debug('converged');
  return {
    clients: cmd.clients,
    seconds: cmd.seconds,
    sent: latency.sent,
    expected,
    deliveries: latency.samples.length,
    missing: expected - latency.samples.length,
    converged,
    latency: stats(latency.samples),
    ack: clients[0].galley ? stats(acks) : null,
    loadgenCpu: Math.round(((cpu.user + cpu.system) / 1e6 / elapsed) * 100),
  };
}

async function idleLoad(cmd: IdleCommand): Promise<IdleResult> {
  const started = performance.now();
  const BATCH = 25;
  for (let i = 0; i < cmd.rooms.length; i += BATCH) {
    await Promise.all(cmd.rooms.slice(i, i + BATCH).map((room, j) => connectRoom(cmd.target, room, cmd.perRoom, (i + j) * cmd.perRoom)));
  }
  const connectMs = performance.now() - started;
  await sleep(cmd.idleMs);
  await mark('connected');
  for (const peer of peers.splice(0)) peer.close();
  await sleep(cmd.afterCloseMs);
  await mark('closed');
  return { rooms: cmd.rooms.length, connections: cmd.rooms.length * cmd.perRoom, connectMs };
}

/** Text of `bytes` ASCII characters (one byte each), different for each paste `n`. */
const pasteText = (bytes: number, n: number) =>
  `[paste ${n}] ${'The council voted on the budget. '.repeat(Math.ceil(bytes / 32))}`.slice(0, bytes);

async function pasteLoad(cmd: PasteCommand): Promise<PasteResult> {
  const clients = await connectRoom(cmd.target, cmd.room, cmd.clients);
  await sleep(300);
  const latency = new ArrivalLatency();
  for (const { doc } of clients) latency.watch(doc);
  const writer = clients[0];
  const text = bodyText(writer.doc);
  const readers = cmd.clients - 1;
  for (let n = 0; n < cmd.pastes; n++) {
    latency.sending(writer.doc);
    // One insert, one transaction: the whole paste is a single Yjs update.
    text.insert(text.length, pasteText(cmd.bytes, n));
    await waitFor(() => latency.samples.length >= (n + 1) * readers, 10_000, 2);
    await writer.galley?.whenSaved();
    await sleep(cmd.intervalMs);
  }
  const expected = cmd.pastes * readers;
  const converged = await waitFor(() => clients.every((c) => bodyJson(c) === bodyJson(clients[0])), 10_000, 50);
  return {
    clients: cmd.clients,
    pastes: cmd.pastes,
    bytes: cmd.bytes,
    expected,
    missing: expected - latency.samples.length,
    converged,
    latency: stats(latency.samples),
  };
}

type CaretState = { caret: number; at: number };

/** Caret moves only. The state carries its send time (`at`, this process's clock): awareness states are plain JSON anyway. */
async function awarenessLoad(cmd: AwarenessCommand): Promise<AwarenessResult> {
  const clients = await connectRoom(cmd.target, cmd.room, cmd.clients);
  const awarenesses = clients.map((c) => {
    if (!c.awareness) throw new Error(`${cmd.target.kind} clients have no awareness`);
    return c.awareness;
  });
  await sleep(500);
  const samples: number[] = [];
  let since = Infinity;
  for (const awareness of awarenesses) {
    awareness.on('update', ({ added, updated }: { added: number[]; updated: number[] }, origin: unknown) => {
      if (origin === 'local') return;
      const now = performance.now();
      for (const id of [...added, ...updated]) {
        if (id === awareness.clientID) continue;
        const state = awareness.getStates().get(id) as Partial<CaretState> | undefined;
        if (typeof state?.at === 'number' && state.at >= since) samples.push(now - state.at);
      }
    });
  }
  await mark('start');
  const cpuBefore = process.cpuUsage();
  const started = (since = performance.now());
  let sent = 0;
  const timers = awarenesses.map((awareness, i) =>
    setInterval(() => {
      sent++;
      awareness.setLocalState({ caret: (sent * 7 + i) % 500, at: performance.now() } satisfies CaretState);
    }, 1000 / cmd.rate),
  );
  await sleep(cmd.seconds * 1000);
  timers.forEach(clearInterval);
  const elapsed = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  await mark('end');
  const expected = sent * (cmd.clients - 1);
  await waitFor(() => samples.length >= expected, 5_000);
  return {
    clients: cmd.clients,
    seconds: cmd.seconds,
    sent,
    expected,
    deliveries: samples.length,
    missing: expected - samples.length,
    latency: stats(samples),
    loadgenCpu: Math.round(((cpu.user + cpu.system) / 1e6 / elapsed) * 100),
  };
}

/**
 * Idle clients spread over rooms, connected `CONNECT_BATCH` at a time; then the parent restarts the
 * server (mark 'restart': it answers once the new process listens) and every client's return is timed.
 */
const CONNECT_BATCH = 50;

async function connectionsLoad(cmd: ConnectionsCommand): Promise<ConnectionsResult> {
  const started = performance.now();
  const clients: Peer[] = [];
  for (let i = 0; i < cmd.connections; i += CONNECT_BATCH) {
    const batch = Array.from({ length: Math.min(CONNECT_BATCH, cmd.connections - i) }, (_, j) =>
      connect(cmd.target, i + j, cmd.rooms[(i + j) % cmd.rooms.length], false),
    );
    clients.push(...(await Promise.all(batch)));
    if (clients.length % 1000 === 0) debug(`${clients.length} connected`);
  }
  const connectMs = performance.now() - started;
  debug(`${clients.length} connected in ${Math.round(connectMs)} ms`);
  await sleep(cmd.settleMs);
  await mark('connected');
  const lost = new Set<number>();
  const backAt = new Map<number, number>();
  const watch = setInterval(() => {
    const now = performance.now();
    clients.forEach((client, i) => {
      if (!client.synced()) lost.add(i);
      else if (lost.has(i) && !backAt.has(i)) backAt.set(i, now);
    });
  }, 25);
  await mark('restart');
  const listening = performance.now();
  await waitFor(() => lost.size === clients.length && backAt.size === lost.size, cmd.backWithinMs, 50);
  clearInterval(watch);
  return {
    rooms: cmd.rooms.length,
    connections: clients.length,
    connectMs,
    dropped: lost.size,
    back: backAt.size,
    backAfterMs: [...backAt.values()].map((at) => Math.round(at - listening)),
  };
}

const BURST = 250;

async function coldOpenLoad(cmd: ColdOpenCommand): Promise<ColdOpenResult> {
  const [seeder, watcher] = await connectRoom(cmd.target, cmd.room, 2);
  const text = bodyText(seeder.doc);
  const watched = bodyText(watcher.doc);
  const base = text.length;
  const started = performance.now();
  for (let i = 0; i < cmd.edits; i++) {
    text.insert(text.length, String.fromCharCode(97 + ((i * 7) % 26)));
    if ((i + 1) % BURST === 0) {
      // Galley: as fast as the server acknowledges; the others have no acks: as fast as the socket takes them.
      if (seeder.galley) await seeder.galley.whenSaved();
      else await new Promise((r) => setImmediate(r));
    }
  }
  let ackedAt: number | null = null;
  if (seeder.galley) {
    await withTimeout(seeder.galley.whenSaved(), 120_000, 'ingest acks');
    ackedAt = performance.now();
  }
  if (!(await waitFor(() => watched.length === base + cmd.edits, 120_000, 5)))
    throw new Error(`second client saw ${watched.length - base} of ${cmd.edits} edits`);
  const seenAt = performance.now();
  const expected = text.toString();
  const opens: number[] = [];
  for (let run = 0; run < cmd.opens; run++) {
    const t = performance.now();
    const fresh = await connectPeer(cmd.target.kind, urlFor(cmd.target, 0), cmd.room, {
      cookie: cmd.target.cookie,
      expectPeers: true,
      timeoutMs: 60_000,
    });
    opens.push(performance.now() - t);
    const got = hasBody(fresh.doc) ? bodyText(fresh.doc).toString() : '';
    fresh.close();
    if (got !== expected) throw new Error(`fresh client got ${got.length} characters, expected ${expected.length}`);
  }
  const seconds = ((ackedAt ?? seenAt) - started) / 1000;
  return {
    edits: cmd.edits,
    ingestPerSecond: Math.round(cmd.edits / seconds),
    ingestMeasuredBy: ackedAt !== null ? 'durable acks' : 'second client',
    seenPerSecond: Math.round(cmd.edits / ((seenAt - started) / 1000)),
    docBytes: Y.encodeStateAsUpdate(seeder.doc).byteLength,
    opens,
  };
}

const WORDS = [
  'council',
  'budget',
  'vote',
  'residents',
  'said',
  'the',
  'plan',
  'would',
  'cost',
  'more',
  'than',
  'expected',
  'and',
  'of',
  'a',
  'new',
  'road',
];

async function publishLoad(cmd: PublishCommand): Promise<PublishResult> {
  const client = await connect({ kind: 'galley', urls: [cmd.url], cookie: cmd.cookie }, 0, cmd.storyId, false);
  const paragraphs: string[] = [];
  for (let w = 0, p = 0; w < cmd.words; p++) {
    const n = Math.min(50, cmd.words - w);
    paragraphs.push(Array.from({ length: n }, (_, i) => WORDS[(w + i + p) % WORDS.length]).join(' ') + '.');
    w += n;
  }
  setParagraphs(client.doc, 'headline', ['Council votes on the budget']);
  setParagraphs(client.doc, 'standfirst', ['The plan would cost more than expected.']);
  setParagraphs(client.doc, 'byline', ['Bench Reporter']);
  setParagraphs(client.doc, 'body', paragraphs);
  await withTimeout(client.galley!.whenSaved(), 30_000, 'saving the story');
  const runs: number[] = [];
  for (let i = 0; i < cmd.runs; i++) {
    const t = performance.now();
    const res = await fetch(`${cmd.url}/api/stories/${cmd.storyId}/publish`, { method: 'POST', headers: { cookie: cmd.cookie } });
    const body = await res.text();
    runs.push(performance.now() - t);
    if (res.status !== 200) throw new Error(`publish answered ${res.status}: ${body.slice(0, 300)}`);
  }
  return { words: cmd.words, runs };
}

let current = 0;

/** argv[2]: one command or several, run in turn (one process for several saves start-up time in smoke runs). */
async function main(): Promise<void> {
  const parsed = JSON.parse(process.argv[2]) as LoadCommand | LoadCommand[];
  const commands = Array.isArray(parsed) ? parsed : [parsed];
  const results = [];
  for (const [i, cmd] of commands.entries()) {
    current = i;
    switch (cmd.op) {
      case 'type':
        results.push(await typeLoad(cmd));
        break;
      case 'idle':
        results.push(await idleLoad(cmd));
        break;
      case 'coldOpen':
        results.push(await coldOpenLoad(cmd));
        break;
      case 'publish':
        results.push(await publishLoad(cmd));
        break;
      case 'paste':
        results.push(await pasteLoad(cmd));
        break;
      case 'awareness':
        results.push(await awarenessLoad(cmd));
        break;
      case 'connections':
        results.push(await connectionsLoad(cmd));
        break;
    }
    for (const peer of peers.splice(0)) peer.close();
  }
  process.stdout.write(`${JSON.stringify({ results })}\n`);
  debug('result written');
}

try {
  await main();
  for (const peer of peers) peer.close();
  process.exit(0);
} catch (error) {
  console.error(error instanceof Error ? error.stack : error);
  process.stdout.write(`${JSON.stringify({ error: error instanceof Error ? error.message : String(error) })}\n`);
  process.exit(1);
}
