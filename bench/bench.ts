/**
 * Galley against the servers people would otherwise pick, same workload, same run:
 * Galley, @y/websocket-server, Hocuspocus, and two floors (a plain `ws` relay and a
 * plain Socket.IO relay with minimal y-protocols clients). Every server runs in a
 * process of its own on 127.0.0.1; the load comes from another process
 * (bench/peers/loadgen.ts). Tables go to stdout, everything to bench/results/bench.json.
 *   npm run bench [-- --quick | --smoke] [--only W1,W4] [--servers galley,y-websocket] [--out file.json] [--w10-connections N]
 * Workloads: W1 latency (one writer, 2/10/50 readers), W2 fan-in (50 typists), W3 many idle stories,
 * W4 cold open of a long history, W5 publish (Galley), W6 scale-out (3 Galley nodes), W7 many readers
 * (200 and 500), W8 a 50 KB paste at 20 readers, W9 caret traffic (awareness: 50 clients × 10/s; not the
 * floors), W10 6,000 idle connections and a restart (Galley and y-websocket). Smoke runs all but W3 and W6.
 *
 * Galley runs with SYNC_MESSAGES_PER_SECOND=1000000 and AWARENESS_MESSAGES_PER_SECOND=100000:
 * its per-connection rate gate would otherwise throttle the load generator.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { createAccount } from '../server/auth/accounts';
import { PgStore } from '../server/persistence/pg/PgStore';
import { SqliteStore } from '../server/persistence/sqlite/SqliteStore';
import { createStory } from '../tests/helpers/clients';
import { createTestDatabase, postgresAvailable } from '../tests/helpers/postgres';
import { startRedis } from '../tests/helpers/redisServer';
import { signIn, type TestUser } from '../tests/helpers/testServer';
import {
  type AwarenessResult,
  type ColdOpenResult,
  type ConnectionsResult,
  type IdleResult,
  type LoadCommand,
  type LoadResult,
  type PasteResult,
  type PublishResult,
  isGalley,
  SERVER_KINDS,
  type ServerKind,
  type Stats,
  sleep,
  stats,
  type Target,
  type TypeResult,
} from './peers/common';
import { buildServer, SERVER_BUNDLE } from '../scripts/serverBuild';
import { cpuPercent, runLoadgen, type Sample, sample, type ServerHandle, spawnServer } from './peers/processes';

// ---------------------------------------------------------------- options

const argv = process.argv.slice(2);
const option = (name: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
};
const MODE = argv.includes('--smoke') ? 'smoke' : argv.includes('--quick') ? 'quick' : 'full';
const ALL_WORKLOADS = ['W1', 'W2', 'W3', 'W4', 'W5', 'W6', 'W7', 'W8', 'W9', 'W10'] as const;
type Workload = (typeof ALL_WORKLOADS)[number];

const SIZES = {
  full: {
    w1: { clients: [2, 10, 50], seconds: 8 },
    w2: { clients: 50, seconds: 20 },
    w3: { stories: 500 },
    w4: { edits: 20_000, opens: 5 },
    w5: { words: 5000, runs: 20 },
    w7: { clients: [200, 500], seconds: 5 },
    w8: { readers: 20, pastes: 20, bytes: 50_000, intervalMs: 200 },
    w9: { clients: 50, seconds: 8, rate: 10 },
    // 10,000: Galley stalled connecting between 7,000 and 10,000 on 2 cores (docs/performance.md, W10).
    w10: { connections: 6000, stories: 100 },
  },
  quick: {
    w1: { clients: [2, 10], seconds: 2 },
    w2: { clients: 20, seconds: 8 },
    w3: { stories: 100 },
    w4: { edits: 5000, opens: 5 },
    w5: { words: 5000, runs: 5 },
    w7: { clients: [200], seconds: 3 },
    w8: { readers: 20, pastes: 5, bytes: 50_000, intervalMs: 200 },
    w9: { clients: 50, seconds: 3, rate: 10 },
    w10: { connections: 2000, stories: 20 },
  },
  smoke: {
    w1: { clients: [2], seconds: 1 },
    w2: { clients: 3, seconds: 1 },
    w3: { stories: 0 },
    w4: { edits: 200, opens: 2 },
    w5: { words: 1000, runs: 1 },
    w7: { clients: [4], seconds: 1 },
    w8: { readers: 2, pastes: 2, bytes: 50_000, intervalMs: 50 },
    w9: { clients: 3, seconds: 1, rate: 10 },
    w10: { connections: 20, stories: 2 },
  },
}[MODE];
// `--w10-connections N`: W10 at another size (the full run's 6,000 is where Galley still connects here).
if (option('w10-connections')) SIZES.w10.connections = Number(option('w10-connections'));
const W1_RATE = 20;
const W2_RATE = 5;

const onlyWorkloads = new Set<Workload>(
  (option('only')
    ?.split(',')
    .map((w) => w.trim().toUpperCase()) as Workload[] | undefined) ??
    (MODE === 'smoke' ? ['W1', 'W2', 'W4', 'W5', 'W7', 'W8', 'W9', 'W10'] : [...ALL_WORKLOADS]),
);
const servers = (option('servers')
  ?.split(',')
  .map((s) => s.trim()) as ServerKind[] | undefined) ?? [...SERVER_KINDS];
for (const s of servers) if (!SERVER_KINDS.includes(s)) throw new Error(`unknown server ${s}; one of ${SERVER_KINDS.join(', ')}`);
for (const w of onlyWorkloads) if (!ALL_WORKLOADS.includes(w)) throw new Error(`unknown workload ${w}`);
const OUT = option('out') ?? (MODE === 'smoke' ? 'bench/results/bench-smoke.json' : 'bench/results/bench.json');

const GALLEY_RATES = { SYNC_MESSAGES_PER_SECOND: '1000000', AWARENESS_MESSAGES_PER_SECOND: '100000' };
const LAUNCHERS: Record<ServerKind, string> = {
  // As `npm start` runs it: the bundle scripts/serverBuild.ts makes (built before the first start).
  galley: SERVER_BUNDLE,
  'galley-yjs': SERVER_BUNDLE,
  'y-websocket': 'bench/peers/servers/yWebsocket.ts',
  hocuspocus: 'bench/peers/servers/hocuspocus.ts',
  'ws-relay': 'bench/peers/servers/wsRelay.ts',
  'socketio-relay': 'bench/peers/servers/socketioRelay.ts',
  'socketio-1frame-relay': 'bench/peers/servers/socketioRelay.ts',
};
/** The Socket.IO floor twice: with the default parser (binary as two frames), and with Galley's single-frame one. */
const LAUNCH_ENV: Partial<Record<ServerKind, Record<string, string>>> = { 'socketio-1frame-relay': { RELAY_PARSER: 'single-frame' } };
const EDITOR = { email: 'bench-editor@example.test', password: 'a long benchmark password', name: 'Bench Editor' };

const T0 = Date.now();
const log = (message: string) => process.stderr.write(`[bench +${((Date.now() - T0) / 1000).toFixed(1)} s] ${message}\n`);

// ---------------------------------------------------------------- servers

type Running = {
  kind: ServerKind;
  handles: ServerHandle[];
  target: Target;
  newRoom(): Promise<string>;
  /** Stops the (single) process and starts it again on the same port (Galley: the same data directory). */
  restart(): Promise<void>;
  stop(): Promise<void>;
};

let roomCounter = 0;

/** A server process that can be stopped and started again on the same port with the same environment. */
function restartable(file: string, env: Record<string, string>, handles: ServerHandle[]): () => Promise<void> {
  return async () => {
    const port = new URL(handles[0].url).port;
    await handles[0].stop();
    handles[0] = await spawnServer(file, { ...env, PORT: port });
  };
}

async function startServer(kind: ServerKind, env: Record<string, string> = {}): Promise<Running> {
  if (!isGalley(kind)) {
    const launchEnv = { ...LAUNCH_ENV[kind], ...env };
    const handles = [await spawnServer(LAUNCHERS[kind], launchEnv)];
    return {
      kind,
      handles,
      target: { kind, urls: [handles[0].url] },
      newRoom: async () => `room-${++roomCounter}`,
      restart: restartable(LAUNCHERS[kind], launchEnv, handles),
      stop: () => handles[0].stop(),
    };
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'galley-bench-'));
  const store = SqliteStore.open(dataDir);
  await createAccount(store, { ...EDITOR, role: 'editor' });
  await store.close();
  const galleyEnv = { PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'info', ...GALLEY_RATES, ...env };
  const handles = [await spawnServer(LAUNCHERS.galley, galleyEnv)];
  const url = handles[0].url;
  const cookie = await signIn(url, EDITOR.email, EDITOR.password);
  return {
    kind,
    handles,
    target: { kind, urls: [url], cookie },
    newRoom: () => createStory({ url }, { cookie } as TestUser),
    restart: restartable(LAUNCHERS.galley, galleyEnv, handles),
    async stop() {
      await handles[0].stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

// ---------------------------------------------------------------- results

type W1Row = {
  server: ServerKind;
  clients: number;
  sent: number;
  p50: number;
  p99: number;
  max: number;
  missing: number;
  converged: boolean;
  loadgenCpu: number;
  serverCpu: number;
};
type W2Row = {
  server: string;
  clients: number;
  seconds: number;
  sent: number;
  deliveries: number;
  deliveriesPerSecond: number;
  p50: number;
  p99: number;
  max: number;
  missing: number;
  converged: boolean;
  serverCpu: number;
  serverRssMiB: number;
  loadgenCpu: number;
  ack: Stats | null;
};
type W3Row = {
  server: ServerKind;
  stories: number;
  connections: number;
  connectSeconds: number;
  baselineMiB: number;
  connectedMiB: number;
  perStoryKiB: number;
  perConnectionKiB: number;
  afterCloseMiB: number;
  afterCloseDeltaMiB: number;
};
type W4Row = {
  server: ServerKind;
  edits: number;
  ingestPerSecond: number;
  ingestMeasuredBy: string;
  seenPerSecond: number;
  docBytes: number;
  firstOpenMs: number;
  p50OpenMs: number;
  opens: number[];
};
type W5Row = { server: ServerKind; words: number; runs: number; p50: number; p99: number; max: number };
type W7Row = W1Row & { serverRssMiB: number };
type W8Row = {
  server: ServerKind;
  readers: number;
  pastes: number;
  bytes: number;
  p50: number;
  p99: number;
  max: number;
  missing: number;
  converged: boolean;
};
type W9Row = {
  server: ServerKind;
  clients: number;
  seconds: number;
  sent: number;
  deliveriesPerSecond: number;
  p50: number;
  p99: number;
  max: number;
  missing: number;
  serverCpu: number;
  serverRssMiB: number;
  /** The server's write(2)-family syscalls per second and their bytes (sockets and anything else it writes). */
  writesPerSecond: number;
  writeKiBPerSecond: number;
  loadgenCpu: number;
};
type W10Row = {
  server: ServerKind;
  stories: number;
  connections: number;
  connectSeconds: number;
  baselineMiB: number;
  connectedMiB: number;
  perConnectionKiB: number;
  /** From the stop until the new process listened. */
  outageMs: number;
  dropped: number;
  back: number;
  backP50Ms: number;
  backAllMs: number;
  /** Clients back in each second after the new process listened. */
  perSecond: number[];
  peakPerSecond: number;
};

const results = {
  W1: [] as W1Row[],
  W2: [] as W2Row[],
  W3: [] as W3Row[],
  W4: [] as W4Row[],
  W5: [] as W5Row[],
  W6: [] as W2Row[],
  W7: [] as W7Row[],
  W8: [] as W8Row[],
  W9: [] as W9Row[],
  W10: [] as W10Row[],
};
const errors: { workload: string; server: string; error: string }[] = [];
const skipped: { workload: string; reason: string }[] = [];

const MiB = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

async function attempt(workload: string, server: string, run: () => Promise<void>): Promise<void> {
  log(`${workload} ${server}…`);
  try {
    await run();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log(`${workload} ${server} FAILED: ${message}`);
    errors.push({ workload, server, error: message });
  }
}

/** One load-generator command and what to make of its answer. */
type Plan = {
  workload: Workload;
  label: string;
  command: LoadCommand;
  timeoutMs: number;
  take(result: LoadResult, marks: Record<string, Sample>): void;
};

/** Each plan in a load generator of its own, or (smoke) all in one, to save start-up time. */
async function execute(running: Running, plans: Plan[], batch: boolean): Promise<void> {
  const pids = running.handles.map((h) => h.pid);
  const runOne = async (group: Plan[]) => {
    const { results: answers, marks } = await runLoadgen(
      group.map((p) => p.command),
      pids,
      group.reduce((sum, p) => sum + p.timeoutMs, 0),
    );
    group.forEach((plan, i) => plan.take(answers[i], marks[i]));
  };
  if (batch) await attempt(plans.map((p) => p.workload).join('+'), running.kind, () => runOne(plans));
  else for (const plan of plans) await attempt(plan.workload, plan.label, () => runOne([plan]));
}

const average = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

function typePlan(
  workload: Workload,
  label: string,
  running: Running,
  room: string,
  clients: number,
  seconds: number,
  rate: number,
  writers: 'one' | 'all',
  take: (r: TypeResult, cpu: number, rss: number) => void,
): Plan {
  return {
    workload,
    label,
    command: { op: 'type', target: running.target, room, clients, seconds, rate, writers },
    timeoutMs: seconds * 1000 + 120_000,
    take: (result, marks) => take(result as TypeResult, cpuPercent(marks.start, marks.end), average(marks.end.rss)),
  };
}

async function w1Plans(running: Running): Promise<Plan[]> {
  const plans: Plan[] = [];
  for (const clients of SIZES.w1.clients) {
    plans.push(
      typePlan('W1', `${running.kind} ×${clients}`, running, await running.newRoom(), clients, SIZES.w1.seconds, W1_RATE, 'one', (r, cpu) =>
        results.W1.push({
          server: running.kind,
          clients,
          sent: r.sent,
          p50: r.latency.p50,
          p99: r.latency.p99,
          max: r.latency.max,
          missing: r.missing,
          converged: r.converged,
          loadgenCpu: r.loadgenCpu,
          serverCpu: cpu,
        }),
      ),
    );
  }
  return plans;
}

function w2Row(server: string, r: TypeResult, cpu: number, rss: number): W2Row {
  return {
    server,
    clients: r.clients,
    seconds: r.seconds,
    sent: r.sent,
    deliveries: r.deliveries,
    deliveriesPerSecond: Math.round(r.deliveries / r.seconds),
    p50: r.latency.p50,
    p99: r.latency.p99,
    max: r.latency.max,
    missing: r.missing,
    converged: r.converged,
    serverCpu: cpu,
    serverRssMiB: MiB(rss),
    loadgenCpu: r.loadgenCpu,
    ack: r.ack,
  };
}

async function w2Plans(running: Running): Promise<Plan[]> {
  return [
    typePlan('W2', running.kind, running, await running.newRoom(), SIZES.w2.clients, SIZES.w2.seconds, W2_RATE, 'all', (r, cpu, rss) =>
      results.W2.push(w2Row(running.kind, r, cpu, rss)),
    ),
  ];
}

async function w3(kind: ServerKind): Promise<void> {
  await attempt('W3', kind, async () => {
    const running = await startServer(kind, isGalley(kind) ? { IDLE_UNLOAD_MS: '2000' } : {});
    try {
      const rooms: string[] = [];
      for (let i = 0; i < SIZES.w3.stories; i += 20) {
        rooms.push(...(await Promise.all(Array.from({ length: Math.min(20, SIZES.w3.stories - i) }, () => running.newRoom()))));
      }
      await sleep(1000);
      const pid = running.handles[0].pid;
      const baseline = sample([pid]);
      const { results: answers, marks: allMarks } = await runLoadgen(
        [{ op: 'idle', target: running.target, rooms, perRoom: 2, idleMs: MODE === 'full' ? 2000 : 1000, afterCloseMs: 4000 }],
        [pid],
        240_000,
      );
      const result = answers[0] as IdleResult;
      const marks = allMarks[0];
      const delta = marks.connected.rss[0] - baseline.rss[0];
      results.W3.push({
        server: kind,
        stories: result.rooms,
        connections: result.connections,
        connectSeconds: Math.round(result.connectMs / 100) / 10,
        baselineMiB: MiB(baseline.rss[0]),
        connectedMiB: MiB(marks.connected.rss[0]),
        perStoryKiB: Math.round(delta / result.rooms / 1024),
        perConnectionKiB: Math.round(delta / result.connections / 1024),
        afterCloseMiB: MiB(marks.closed.rss[0]),
        afterCloseDeltaMiB: MiB(marks.closed.rss[0] - baseline.rss[0]),
      });
    } finally {
      await running.stop();
    }
  });
}

async function w4Plans(running: Running): Promise<Plan[]> {
  const room = await running.newRoom();
  return [
    {
      workload: 'W4',
      label: running.kind,
      command: { op: 'coldOpen', target: running.target, room, edits: SIZES.w4.edits, opens: SIZES.w4.opens },
      timeoutMs: 300_000,
      take(answer) {
        const result = answer as ColdOpenResult;
        results.W4.push({
          server: running.kind,
          edits: result.edits,
          ingestPerSecond: result.ingestPerSecond,
          ingestMeasuredBy: result.ingestMeasuredBy,
          seenPerSecond: result.seenPerSecond,
          docBytes: result.docBytes,
          firstOpenMs: result.opens[0],
          p50OpenMs: stats(result.opens).p50,
          opens: result.opens,
        });
      },
    },
  ];
}

async function w5Plans(running: Running): Promise<Plan[]> {
  const storyId = await running.newRoom();
  return [
    {
      workload: 'W5',
      label: running.kind,
      command: {
        op: 'publish',
        url: running.handles[0].url,
        cookie: running.target.cookie!,
        storyId,
        words: SIZES.w5.words,
        runs: SIZES.w5.runs,
      },
      timeoutMs: 120_000,
      take(answer) {
        const result = answer as PublishResult;
        const s = stats(result.runs);
        results.W5.push({ server: running.kind, words: result.words, runs: result.runs.length, p50: s.p50, p99: s.p99, max: s.max });
      },
    },
  ];
}

/**
 * The relay floors hold no state: every client answers each newcomer's sync step 1, so joining n clients
 * costs n² messages (500 did not finish connecting in 2 minutes). They stop at this many clients.
 */
const FLOOR_MAX_READERS = 200;
const FLOORS: ServerKind[] = ['ws-relay', 'socketio-relay', 'socketio-1frame-relay'];

async function w7Plans(running: Running): Promise<Plan[]> {
  const plans: Plan[] = [];
  for (const clients of SIZES.w7.clients) {
    if (FLOORS.includes(running.kind) && clients > FLOOR_MAX_READERS) {
      skipped.push({ workload: 'W7', reason: `${running.kind} ×${clients}: a relay floor connects n clients in n² messages` });
      continue;
    }
    plans.push(
      typePlan(
        'W7',
        `${running.kind} ×${clients}`,
        running,
        await running.newRoom(),
        clients,
        SIZES.w7.seconds,
        W1_RATE,
        'one',
        (r, cpu, rss) =>
          results.W7.push({
            server: running.kind,
            clients,
            sent: r.sent,
            p50: r.latency.p50,
            p99: r.latency.p99,
            max: r.latency.max,
            missing: r.missing,
            converged: r.converged,
            loadgenCpu: r.loadgenCpu,
            serverCpu: cpu,
            serverRssMiB: MiB(rss),
          }),
      ),
    );
  }
  return plans;
}

async function w8Plans(running: Running): Promise<Plan[]> {
  const { readers, pastes, bytes, intervalMs } = SIZES.w8;
  const room = await running.newRoom();
  return [
    {
      workload: 'W8',
      label: running.kind,
      command: { op: 'paste', target: running.target, room, clients: readers + 1, pastes, bytes, intervalMs },
      timeoutMs: 180_000,
      take(answer) {
        const r = answer as PasteResult;
        const { p50, p99, max } = r.latency;
        results.W8.push({
          server: running.kind,
          readers,
          pastes: r.pastes,
          bytes: r.bytes,
          p50,
          p99,
          max,
          missing: r.missing,
          converged: r.converged,
        });
      },
    },
  ];
}

/** The relay floors carry no presence: W9 is for the servers that do. */
const AWARENESS_KINDS: ServerKind[] = ['galley', 'galley-yjs', 'y-websocket', 'hocuspocus'];

async function w9Plans(running: Running): Promise<Plan[]> {
  if (!AWARENESS_KINDS.includes(running.kind)) return [];
  const { clients, seconds, rate } = SIZES.w9;
  const room = await running.newRoom();
  return [
    {
      workload: 'W9',
      label: running.kind,
      command: { op: 'awareness', target: running.target, room, clients, seconds, rate },
      timeoutMs: seconds * 1000 + 120_000,
      take(answer, marks) {
        const r = answer as AwarenessResult;
        const elapsed = (marks.end.at - marks.start.at) / 1000;
        const written = (key: 'bytes' | 'calls') => (marks.end.writes[0][key] - marks.start.writes[0][key]) / elapsed;
        results.W9.push({
          server: running.kind,
          clients,
          seconds,
          sent: r.sent,
          deliveriesPerSecond: Math.round(r.deliveries / elapsed),
          p50: r.latency.p50,
          p99: r.latency.p99,
          max: r.latency.max,
          missing: r.missing,
          serverCpu: cpuPercent(marks.start, marks.end),
          serverRssMiB: MiB(marks.end.rss[0]),
          writesPerSecond: Math.round(written('calls')),
          writeKiBPerSecond: Math.round(written('bytes') / 1024),
          loadgenCpu: r.loadgenCpu,
        });
      },
    },
  ];
}

/** The servers W10 restarts: Galley, and y-websocket (its launcher takes PORT) for its reconnect behaviour. */
const RESTART_KINDS: ServerKind[] = ['galley', 'y-websocket'];

async function w10(kind: ServerKind): Promise<void> {
  await attempt('W10', kind, async () => {
    // Smoke: Galley's clients come back within 1 s rather than its default 5.6 s.
    const running = await startServer(kind, kind === 'galley' && MODE === 'smoke' ? { RECONNECT_SPREAD_MS: '1000' } : {});
    try {
      const rooms: string[] = [];
      for (let i = 0; i < SIZES.w10.stories; i += 20) {
        rooms.push(...(await Promise.all(Array.from({ length: Math.min(20, SIZES.w10.stories - i) }, () => running.newRoom()))));
      }
      await sleep(1000);
      const baseline = sample([running.handles[0].pid]);
      let outageMs = 0;
      const { results: answers, marks } = await runLoadgen(
        [
          {
            op: 'connections',
            target: running.target,
            rooms,
            connections: SIZES.w10.connections,
            settleMs: MODE === 'smoke' ? 200 : 2000,
            backWithinMs: 60_000,
          },
        ],
        () => [running.handles[0].pid],
        900_000,
        async (name) => {
          if (name !== 'restart') return;
          const t = performance.now();
          await running.restart();
          outageMs = Math.round(performance.now() - t);
        },
      );
      const r = answers[0] as ConnectionsResult;
      const connected = marks[0].connected.rss[0];
      const back = stats(r.backAfterMs);
      const perSecond: number[] = [];
      for (const ms of r.backAfterMs) {
        const second = Math.max(0, Math.floor(ms / 1000));
        while (perSecond.length <= second) perSecond.push(0);
        perSecond[second]++;
      }
      results.W10.push({
        server: kind,
        stories: r.rooms,
        connections: r.connections,
        connectSeconds: Math.round(r.connectMs / 100) / 10,
        baselineMiB: MiB(baseline.rss[0]),
        connectedMiB: MiB(connected),
        perConnectionKiB: Math.round(((connected - baseline.rss[0]) / r.connections / 1024) * 10) / 10,
        outageMs,
        dropped: r.dropped,
        back: r.back,
        backP50Ms: back.p50,
        backAllMs: back.max,
        perSecond,
        peakPerSecond: Math.max(0, ...perSecond),
      });
    } catch (error) {
      if (process.env.BENCH_DEBUG) process.stderr.write(running.handles[0].output().slice(-3000));
      throw error;
    } finally {
      await running.stop();
    }
  });
}

function redisServerRuns(): boolean {
  const r = spawnSync('redis-server', ['--version'], { stdio: 'ignore' });
  return !r.error && r.status === 0;
}

async function w6(): Promise<void> {
  if (!(await postgresAvailable()))
    return void skipped.push({ workload: 'W6', reason: 'Postgres is not reachable (set TEST_DATABASE_URL)' });
  if (!redisServerRuns()) return void skipped.push({ workload: 'W6', reason: 'redis-server is not installed' });
  await attempt('W6', 'galley ×3', async () => {
    const database = await createTestDatabase();
    const redis = await startRedis();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'galley-bench-'));
    const handles: ServerHandle[] = [];
    try {
      const env = {
        PORT: '0',
        HOST: '127.0.0.1',
        DATA_DIR: dataDir,
        LOG_LEVEL: 'info',
        DATABASE_URL: database.url,
        REDIS_URL: redis.url,
        SESSION_SECRET: 'benchmark-secret-0123456789abcdef0123',
        ...GALLEY_RATES,
      };
      handles.push(await spawnServer(LAUNCHERS.galley, env)); // the first migrates the schema
      handles.push(...(await Promise.all([spawnServer(LAUNCHERS.galley, env), spawnServer(LAUNCHERS.galley, env)])));
      const store = await PgStore.open(database.url);
      await createAccount(store, { ...EDITOR, role: 'editor' });
      await store.close();
      const cookie = await signIn(handles[0].url, EDITOR.email, EDITOR.password);
      const running: Running = {
        kind: 'galley',
        handles,
        target: { kind: 'galley', urls: handles.map((h) => h.url), cookie },
        newRoom: () => createStory(handles[0], { cookie } as TestUser),
        restart: () => Promise.reject(new Error('W6 does not restart')),
        stop: async () => {},
      };
      const plan = typePlan(
        'W6',
        'galley ×3',
        running,
        await running.newRoom(),
        SIZES.w2.clients,
        SIZES.w2.seconds,
        W2_RATE,
        'all',
        (r, cpu, rss) => results.W6.push(w2Row('galley ×3 nodes (Postgres + Redis)', r, cpu, rss)),
      );
      const { results: answers, marks } = await runLoadgen(
        [plan.command],
        handles.map((h) => h.pid),
        plan.timeoutMs,
      );
      plan.take(answers[0], marks[0]);
    } finally {
      await Promise.all(handles.map((h) => h.stop()));
      await redis.stop();
      await database.drop().catch(() => {});
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
}

// ---------------------------------------------------------------- tables

const ms = (n: number) => (n >= 100 ? n.toFixed(0) : n.toFixed(1));
const ratio = (value: number | undefined, ref: number | undefined) => (value === undefined || !ref ? '–' : `${(value / ref).toFixed(2)}×`);
const refOf = <T extends { server: string }>(rows: T[], server: string, same: (r: T) => boolean = () => true) =>
  rows.find((r) => r.server === server && same(r));

function table(title: string, header: string[], rows: string[][]): string {
  return [
    `\n### ${title}\n`,
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

function render(): string {
  const out: string[] = [];
  if (results.W1.length) {
    out.push(
      table(
        `W1 latency: one story, one writer appending ${W1_RATE} keystrokes/s for ${SIZES.w1.seconds} s, the others reading (insert → arrival at each reader)`,
        [
          'server',
          'clients',
          'sent',
          'p50 ms',
          'p99 ms',
          'max ms',
          'missing',
          'converged',
          'p50 vs y-websocket',
          'p50 vs ws floor',
          'p99 vs y-websocket',
          'p99 vs ws floor',
        ],
        results.W1.map((r) => {
          const y = refOf(results.W1, 'y-websocket', (x) => x.clients === r.clients);
          const f = refOf(results.W1, 'ws-relay', (x) => x.clients === r.clients);
          return [
            r.server,
            String(r.clients),
            String(r.sent),
            ms(r.p50),
            ms(r.p99),
            ms(r.max),
            String(r.missing),
            r.converged ? 'yes' : 'NO',
            ratio(r.p50, y?.p50),
            ratio(r.p50, f?.p50),
            ratio(r.p99, y?.p99),
            ratio(r.p99, f?.p99),
          ];
        }),
      ),
    );
  }
  const fanIn = (rows: W2Row[], title: string) =>
    table(
      title,
      [
        'server',
        'clients',
        'sent',
        'deliveries/s',
        'p50 ms',
        'p99 ms',
        'max ms',
        'missing',
        'converged',
        'server CPU',
        'server RSS',
        'loadgen CPU',
        'durable ack p50 / p99 ms',
        'p50 vs y-websocket',
        'p50 vs ws floor',
        'p99 vs y-websocket',
        'p99 vs ws floor',
        'CPU vs y-websocket',
      ],
      rows.map((r) => {
        const y = refOf(results.W2, 'y-websocket');
        const f = refOf(results.W2, 'ws-relay');
        return [
          r.server,
          String(r.clients),
          String(r.sent),
          String(r.deliveriesPerSecond),
          ms(r.p50),
          ms(r.p99),
          ms(r.max),
          String(r.missing),
          r.converged ? 'yes' : 'NO',
          `${r.serverCpu} %`,
          `${r.serverRssMiB} MiB`,
          `${r.loadgenCpu} %`,
          r.ack ? `${ms(r.ack.p50)} / ${ms(r.ack.p99)}` : '–',
          ratio(r.p50, y?.p50),
          ratio(r.p50, f?.p50),
          ratio(r.p99, y?.p99),
          ratio(r.p99, f?.p99),
          ratio(r.serverCpu, y?.serverCpu),
        ];
      }),
    );
  if (results.W2.length)
    out.push(
      fanIn(
        results.W2,
        `W2 fan-in: one story, ${SIZES.w2.clients} clients each typing ${W2_RATE} keystrokes/s at random places for ${SIZES.w2.seconds} s`,
      ),
    );
  if (results.W3.length) {
    const y = refOf(results.W3, 'y-websocket');
    const f = refOf(results.W3, 'ws-relay');
    out.push(
      table(
        `W3 many stories: ${SIZES.w3.stories} stories × 2 clients, idle after sync (server RSS over an idle baseline taken before any client connected)`,
        [
          'server',
          'stories',
          'connections',
          'connect s',
          'baseline RSS',
          'connected RSS',
          'per story',
          'per connection',
          'RSS 4 s after closing (Δ baseline)',
          'per story vs y-websocket',
          'per story vs ws floor',
        ],
        results.W3.map((r) => [
          r.server,
          String(r.stories),
          String(r.connections),
          String(r.connectSeconds),
          `${r.baselineMiB} MiB`,
          `${r.connectedMiB} MiB`,
          `${r.perStoryKiB} KiB`,
          `${r.perConnectionKiB} KiB`,
          `${r.afterCloseMiB} MiB (${r.afterCloseDeltaMiB >= 0 ? '+' : ''}${r.afterCloseDeltaMiB})`,
          ratio(r.perStoryKiB, y?.perStoryKiB),
          ratio(r.perStoryKiB, f?.perStoryKiB),
        ]),
      ),
    );
  }
  if (results.W4.length) {
    const y = refOf(results.W4, 'y-websocket');
    const f = refOf(results.W4, 'ws-relay');
    out.push(
      table(
        `W4 cold open: a story of ${SIZES.w4.edits.toLocaleString('en')} single-character edits; ingest, then a fresh client's sync (${SIZES.w4.opens} opens, writer still connected)`,
        [
          'server',
          'edits',
          'ingest edits/s',
          'ingest until',
          'seen by 2nd client edits/s',
          'doc bytes',
          'first open ms',
          'p50 open ms',
          'ingest vs y-websocket',
          'ingest vs ws floor',
          'open p50 vs y-websocket',
          'open p50 vs ws floor',
        ],
        results.W4.map((r) => [
          r.server,
          r.edits.toLocaleString('en'),
          r.ingestPerSecond.toLocaleString('en'),
          r.ingestMeasuredBy,
          r.seenPerSecond.toLocaleString('en'),
          r.docBytes.toLocaleString('en'),
          ms(r.firstOpenMs),
          ms(r.p50OpenMs),
          ratio(r.ingestPerSecond, y?.ingestPerSecond),
          ratio(r.ingestPerSecond, f?.ingestPerSecond),
          ratio(r.p50OpenMs, y?.p50OpenMs),
          ratio(r.p50OpenMs, f?.p50OpenMs),
        ]),
      ),
    );
  }
  if (results.W5.length) {
    out.push(
      table(
        `W5 publish (Galley only): a ${SIZES.w5.words.toLocaleString('en')}-word story, POST /api/stories/:id/publish`,
        ['server', 'words', 'runs', 'p50 ms', 'p99 ms', 'max ms'],
        results.W5.map((r) => [r.server, r.words.toLocaleString('en'), String(r.runs), ms(r.p50), ms(r.p99), ms(r.max)]),
      ),
    );
  }
  if (results.W6.length) {
    out.push(
      fanIn(
        results.W6,
        `W6 scale-out: W2 (${SIZES.w2.clients} clients) spread over 3 Galley nodes; CPU and RSS per node; ratios against W2's single-process rows`,
      ),
    );
  }
  out.push(...renderNew());
  for (const s of skipped) out.push(`\n${s.workload} skipped: ${s.reason}`);
  for (const e of errors) out.push(`\n**${e.workload} ${e.server} failed:** ${e.error.split('\n')[0]}`);
  return out.join('\n');
}

/** W7–W10 (issue 20): many readers, a paste, caret traffic, many idle connections and a restart. */
function renderNew(): string[] {
  const out: string[] = [];
  if (results.W7.length) {
    out.push(
      table(
        `W7 many readers: one story, one writer appending ${W1_RATE} keystrokes/s for ${SIZES.w7.seconds} s, ${SIZES.w7.clients.join(' then ')} clients in all (insert → arrival at each reader)`,
        [
          'server',
          'clients',
          'sent',
          'p50 ms',
          'p99 ms',
          'max ms',
          'missing',
          'converged',
          'server CPU',
          'server RSS',
          'loadgen CPU',
          'p50 vs y-websocket',
          'p99 vs y-websocket',
          'CPU vs y-websocket',
        ],
        results.W7.map((r) => {
          const y = refOf(results.W7, 'y-websocket', (x) => x.clients === r.clients);
          return [
            r.server,
            String(r.clients),
            String(r.sent),
            ms(r.p50),
            ms(r.p99),
            ms(r.max),
            String(r.missing),
            r.converged ? 'yes' : 'NO',
            `${r.serverCpu} %`,
            `${r.serverRssMiB} MiB`,
            `${r.loadgenCpu} %`,
            ratio(r.p50, y?.p50),
            ratio(r.p99, y?.p99),
            ratio(r.serverCpu, y?.serverCpu),
          ];
        }),
      ),
    );
  }
  if (results.W8.length) {
    const y = refOf(results.W8, 'y-websocket');
    out.push(
      table(
        `W8 paste: one update inserting ${SIZES.w8.bytes.toLocaleString('en')} bytes of text, ${SIZES.w8.pastes} times (each after the last arrived), at ${SIZES.w8.readers} readers (send → arrival at each reader)`,
        ['server', 'readers', 'pastes', 'p50 ms', 'p99 ms', 'max ms', 'missing', 'converged', 'p50 vs y-websocket', 'p99 vs y-websocket'],
        results.W8.map((r) => [
          r.server,
          String(r.readers),
          String(r.pastes),
          ms(r.p50),
          ms(r.p99),
          ms(r.max),
          String(r.missing),
          r.converged ? 'yes' : 'NO',
          ratio(r.p50, y?.p50),
          ratio(r.p99, y?.p99),
        ]),
      ),
    );
  }
  if (results.W9.length) {
    const y = refOf(results.W9, 'y-websocket');
    out.push(
      table(
        `W9 awareness: ${SIZES.w9.clients} clients each moving a caret ${SIZES.w9.rate} times/s for ${SIZES.w9.seconds} s, no edits (state change → arrival at each other client)`,
        [
          'server',
          'clients',
          'sent',
          'arrivals/s',
          'p50 ms',
          'p99 ms',
          'max ms',
          'missing',
          'server CPU',
          'server RSS',
          'server writes/s',
          'server KiB/s written',
          'loadgen CPU',
          'p50 vs y-websocket',
          'p99 vs y-websocket',
          'CPU vs y-websocket',
        ],
        results.W9.map((r) => [
          r.server,
          String(r.clients),
          String(r.sent),
          String(r.deliveriesPerSecond),
          ms(r.p50),
          ms(r.p99),
          ms(r.max),
          String(r.missing),
          `${r.serverCpu} %`,
          `${r.serverRssMiB} MiB`,
          r.writesPerSecond.toLocaleString('en'),
          r.writeKiBPerSecond.toLocaleString('en'),
          `${r.loadgenCpu} %`,
          ratio(r.p50, y?.p50),
          ratio(r.p99, y?.p99),
          ratio(r.serverCpu, y?.serverCpu),
        ]),
      ),
    );
  }
  if (results.W10.length) {
    const y = refOf(results.W10, 'y-websocket');
    out.push(
      table(
        `W10 idle connections: ${SIZES.w10.connections.toLocaleString('en')} idle clients over ${SIZES.w10.stories} stories on one process (RSS over the baseline before any client), then the server stopped and started again on the same port`,
        [
          'server',
          'connections',
          'connect s',
          'baseline RSS',
          'connected RSS',
          'per connection',
          'restart (stop → listening) ms',
          'dropped / back',
          'back p50 ms',
          'all back ms',
          'back per second after listening',
          'peak per second',
          'per connection vs y-websocket',
        ],
        results.W10.map((r) => [
          r.server,
          r.connections.toLocaleString('en'),
          String(r.connectSeconds),
          `${r.baselineMiB} MiB`,
          `${r.connectedMiB} MiB`,
          `${r.perConnectionKiB} KiB`,
          String(r.outageMs),
          `${r.dropped} / ${r.back}`,
          ms(r.backP50Ms),
          ms(r.backAllMs),
          r.perSecond.join(' · '),
          String(r.peakPerSecond),
          ratio(r.perConnectionKiB, y?.perConnectionKiB),
        ]),
      ),
    );
  }
  return out;
}

function machine() {
  const cpuinfo = fs.readFileSync('/proc/cpuinfo', 'utf8');
  const version = (pkg: string) => {
    try {
      return (JSON.parse(fs.readFileSync(`node_modules/${pkg}/package.json`, 'utf8')) as { version: string }).version;
    } catch {
      return null;
    }
  };
  const packages = [
    'yjs',
    'y-protocols',
    'lib0',
    'socket.io',
    'socket.io-client',
    'ws',
    '@y/websocket-server',
    'y-websocket',
    '@hocuspocus/server',
    '@hocuspocus/provider',
    'tsx',
  ];
  return {
    cpuModel: /model name\s*:\s*(.*)/.exec(cpuinfo)?.[1] ?? null,
    cores: os.cpus().length,
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    platform: `${os.type()} ${os.release()}`,
    versions: {
      galley: (JSON.parse(fs.readFileSync('package.json', 'utf8')) as { version: string }).version,
      ...Object.fromEntries(packages.map((p) => [p, version(p)])),
    },
  };
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const started = Date.now();
  log(`mode ${MODE}; servers ${servers.join(', ')}; workloads ${[...onlyWorkloads].join(', ')}`);
  if (servers.some(isGalley)) await buildServer();
  // W1, W2, W4 and W5 share one server process per kind, in that order; W7–W9 share another (so that
  // W4's long history does not weigh on their RSS; smoke: the same one); W3, W6 and W10 start their own.
  const perKind = async (kind: ServerKind, group: Workload[]) => {
    const applies = (w: Workload) =>
      group.includes(w) && onlyWorkloads.has(w) && (w !== 'W5' || kind === 'galley') && (w !== 'W9' || AWARENESS_KINDS.includes(kind));
    if (!group.some(applies)) return;
    let running: Running | undefined;
    try {
      log(`starting ${kind}`);
      running = await startServer(kind);
      const plans: Plan[] = [];
      if (applies('W1')) plans.push(...(await w1Plans(running)));
      if (applies('W2')) plans.push(...(await w2Plans(running)));
      if (applies('W4')) plans.push(...(await w4Plans(running)));
      if (applies('W5')) plans.push(...(await w5Plans(running)));
      if (applies('W7')) plans.push(...(await w7Plans(running)));
      if (applies('W8')) plans.push(...(await w8Plans(running)));
      if (applies('W9')) plans.push(...(await w9Plans(running)));
      // Smoke and quick runs put a server's plans in one load generator (saves a process start-up per plan).
      await execute(running, plans, MODE !== 'full');
    } catch (error) {
      errors.push({ workload: 'start', server: kind, error: error instanceof Error ? error.message : String(error) });
    } finally {
      await running?.stop();
      log(`stopped ${kind}`);
    }
  };
  // Smoke checks that everything works, not how fast: the servers run side by side there.
  const eachKind = async (run: (kind: ServerKind) => Promise<void>, kinds: ServerKind[] = servers) => {
    if (MODE === 'smoke') await Promise.all(kinds.map(run));
    else for (const kind of kinds) await run(kind);
  };
  const idleConnections = () =>
    onlyWorkloads.has('W10')
      ? eachKind(
          w10,
          servers.filter((k) => RESTART_KINDS.includes(k)),
        )
      : Promise.resolve();
  if (MODE === 'smoke') {
    // One server process per kind for every shared workload, and W10 alongside: smoke time is test time.
    await Promise.all([eachKind((kind) => perKind(kind, ['W1', 'W2', 'W4', 'W5', 'W7', 'W8', 'W9'])), idleConnections()]);
  } else {
    await eachKind((kind) => perKind(kind, ['W1', 'W2', 'W4', 'W5']));
    await eachKind((kind) => perKind(kind, ['W7', 'W8', 'W9']));
  }
  if (onlyWorkloads.has('W9') && servers.some((k) => !AWARENESS_KINDS.includes(k)))
    skipped.push({ workload: 'W9', reason: 'for the relay floors, which carry no awareness' });
  if (onlyWorkloads.has('W3') && SIZES.w3.stories > 0) for (const kind of servers) await w3(kind);
  if (onlyWorkloads.has('W6') && MODE !== 'smoke' && servers.includes('galley')) await w6();
  if (MODE !== 'smoke') await idleConnections();

  log('all workloads done');
  const order = (server: string) => SERVER_KINDS.findIndex((k) => server.startsWith(k));
  for (const rows of Object.values(results) as { server: string }[][]) rows.sort((a, b) => order(a.server) - order(b.server));
  const tables = render();
  console.log(
    `\nGalley vs the alternatives (${MODE} run, ${os.cpus().length} cores, Node ${process.version}; ${Math.round((Date.now() - started) / 1000)} s)`,
  );
  console.log(
    'Galley runs with SYNC_MESSAGES_PER_SECOND=1000000 and AWARENESS_MESSAGES_PER_SECOND=100000 (its per-connection rate gate would otherwise throttle the load generator); durable acks on, SQLite.',
  );
  console.log(tables);
  fs.mkdirSync(path.dirname(OUT), { recursive: true });
  fs.writeFileSync(
    OUT,
    JSON.stringify(
      {
        date: new Date().toISOString(),
        mode: MODE,
        seconds: Math.round((Date.now() - started) / 1000),
        machine: machine(),
        settings: { sizes: SIZES, w1Rate: W1_RATE, w2Rate: W2_RATE, galleyEnv: GALLEY_RATES, servers, workloads: [...onlyWorkloads] },
        results,
        skipped,
        errors,
        tables,
      },
      null,
      2,
    ),
  );
  console.log(`\nWrote ${OUT}`);
  process.exitCode = errors.length ? 1 : 0;
}

try {
  await main();
} catch (error) {
  console.error(error);
  process.exitCode = 1;
}
process.exit();
