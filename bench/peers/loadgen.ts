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
  type ColdOpenCommand,
  type ColdOpenResult,
  hasBody,
  type IdleCommand,
  type IdleResult,
  initBody,
  type LoadCommand,
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
