/**
 * Galley against the servers people would otherwise pick, same workload, same run:
 * Galley, @y/websocket-server, Hocuspocus, and two floors (a plain `ws` relay and a
 * plain Socket.IO relay with minimal y-protocols clients). Every server runs in a
 * process of its own on 127.0.0.1; the load comes from another process
 * (bench/peers/loadgen.ts). Tables go to stdout, everything to bench/results/bench.json.
 *   npm run bench [-- --quick | --smoke] [--only W1,W4] [--servers galley,y-websocket] [--out file.json]
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
  type ColdOpenResult,
  type IdleResult,
  type LoadCommand,
  type LoadResult,
  type PublishResult,
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
const ALL_WORKLOADS = ['W1', 'W2', 'W3', 'W4', 'W5', 'W6'] as const;
type Workload = (typeof ALL_WORKLOADS)[number];

const SIZES = {
  full: {
    w1: { clients: [2, 10, 50], seconds: 8 },
    w2: { clients: 50, seconds: 20 },
    w3: { stories: 500 },
    w4: { edits: 20_000, opens: 5 },
    w5: { words: 5000, runs: 20 },
  },
  quick: {
    w1: { clients: [2, 10], seconds: 2 },
    w2: { clients: 20, seconds: 8 },
    w3: { stories: 100 },
    w4: { edits: 5000, opens: 5 },
    w5: { words: 5000, runs: 5 },
  },
  smoke: {
    w1: { clients: [2], seconds: 1 },
    w2: { clients: 3, seconds: 1 },
    w3: { stories: 0 },
    w4: { edits: 200, opens: 2 },
    w5: { words: 1000, runs: 1 },
  },
}[MODE];
const W1_RATE = 20;
const W2_RATE = 5;

const onlyWorkloads = new Set<Workload>(
  (option('only')
    ?.split(',')
    .map((w) => w.trim().toUpperCase()) as Workload[] | undefined) ?? (MODE === 'smoke' ? ['W1', 'W2', 'W4', 'W5'] : [...ALL_WORKLOADS]),
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

type Running = { kind: ServerKind; handles: ServerHandle[]; target: Target; newRoom(): Promise<string>; stop(): Promise<void> };

let roomCounter = 0;

async function startServer(kind: ServerKind, env: Record<string, string> = {}): Promise<Running> {
  if (kind !== 'galley') {
    const handle = await spawnServer(LAUNCHERS[kind], LAUNCH_ENV[kind]);
    return {
      kind,
      handles: [handle],
      target: { kind, urls: [handle.url] },
      newRoom: async () => `room-${++roomCounter}`,
      stop: () => handle.stop(),
    };
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'galley-bench-'));
  const store = SqliteStore.open(dataDir);
  await createAccount(store, { ...EDITOR, role: 'editor' });
  await store.close();
  const handle = await spawnServer(LAUNCHERS.galley, {
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'info',
    ...GALLEY_RATES,
    ...env,
  });
  const cookie = await signIn(handle.url, EDITOR.email, EDITOR.password);
  return {
    kind,
    handles: [handle],
    target: { kind, urls: [handle.url], cookie },
    newRoom: () => createStory(handle, { cookie } as TestUser),
    async stop() {
      await handle.stop();
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

const results = { W1: [] as W1Row[], W2: [] as W2Row[], W3: [] as W3Row[], W4: [] as W4Row[], W5: [] as W5Row[], W6: [] as W2Row[] };
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
    const running = await startServer(kind, kind === 'galley' ? { IDLE_UNLOAD_MS: '2000' } : {});
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
  for (const s of skipped) out.push(`\n${s.workload} skipped: ${s.reason}`);
  for (const e of errors) out.push(`\n**${e.workload} ${e.server} failed:** ${e.error.split('\n')[0]}`);
  return out.join('\n');
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
  if (servers.includes('galley')) await buildServer();
  // W1, W2, W4 and W5 share one server process per kind, in that order; W3 and W6 start their own.
  const shared: Workload[] = ['W1', 'W2', 'W4', 'W5'];
  const perKind = async (kind: ServerKind) => {
    if (!shared.some((w) => onlyWorkloads.has(w) && (w !== 'W5' || kind === 'galley'))) return;
    let running: Running | undefined;
    try {
      log(`starting ${kind}`);
      running = await startServer(kind);
      const plans: Plan[] = [];
      if (onlyWorkloads.has('W1')) plans.push(...(await w1Plans(running)));
      if (onlyWorkloads.has('W2')) plans.push(...(await w2Plans(running)));
      if (onlyWorkloads.has('W4')) plans.push(...(await w4Plans(running)));
      if (onlyWorkloads.has('W5') && kind === 'galley') plans.push(...(await w5Plans(running)));
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
  if (MODE === 'smoke') await Promise.all(servers.map(perKind));
  else for (const kind of servers) await perKind(kind);
  if (onlyWorkloads.has('W3') && SIZES.w3.stories > 0) for (const kind of servers) await w3(kind);
  if (onlyWorkloads.has('W6') && MODE !== 'smoke' && servers.includes('galley')) await w6();

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
