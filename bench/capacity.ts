/**
 * Capacity: how many editors one Galley node serves with every edit arriving at its co-editors within
 * 50 ms at p99, and what that predicts (docs/performance.md#capacity-model).
 *
 * A newsroom's load, not W2's fifty people in one story: stories of `--per-story` editors (default 4),
 * each editor typing `--rate` keystrokes a second at random places (default 2: the average of someone
 * writing, with pauses) and moving their caret `--carets` times a second (default 1). Nodes are the
 * built server (as `npm start` runs it) on Postgres + Redis, the scale-out configuration, each its own
 * process on 127.0.0.1. Clients are Galley's own provider, in this process.
 *
 *   npm run bench:capacity [-- --start 40 --growth 1.5 --max 1600 --seconds 15 --per-story 4 --rate 2 --carets 1]
 *
 * 1. Sweep one node from `--start` editors, × `--growth` a step, until a step misses the target (or
 *    `--max`): server CPU, machine CPU, latency, durable acks.
 * 2. Fit CPU = base + per-editor cost over the steps that met the target, for the node and for the
 *    whole machine; the last step that met it gives the CPU a node (and the machine) may use.
 * 3. Predict the three-node setup's capacity on this machine from two light three-node steps (its own
 *    per-editor cost: every node applies every edit), then run it at the prediction and at 1.3× it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type * as Y from 'yjs';
import { buildServer, SERVER_BUNDLE } from '../scripts/serverBuild';
import { connectClient, createStory, setParagraphs, type TestClient } from '../tests/helpers/clients';
import { createTestDatabase } from '../tests/helpers/postgres';
import { startRedis } from '../tests/helpers/redisServer';
import { type ServerProcess, startServerProcess } from '../tests/helpers/serverProcess';
import { benchAccount } from './benchAccount';
import { ArrivalLatency } from './peers/ArrivalLatency';
import { stats, waitFor } from './peers/common';
import { cpuSeconds, rssBytes } from './peers/processes';

const args = new Map(process.argv.slice(2).flatMap((a, i, all) => (a.startsWith('--') ? [[a.slice(2), all[i + 1]]] : [])));
const START = Number(args.get('start') ?? 40);
const GROWTH = Number(args.get('growth') ?? 1.5);
const MAX = Number(args.get('max') ?? 1600);
const SECONDS = Number(args.get('seconds') ?? 15);
const PER_STORY = Number(args.get('per-story') ?? 4);
const RATE = Number(args.get('rate') ?? 2);
const CARETS = Number(args.get('carets') ?? 1);
const WARM_UP_SECONDS = 5;
const TARGET_P99_MS = 50;
const NEWSROOM_EDITORS = 2000;
const SECRET = 'benchmark-secret-0123456789abcdef0123';
/** BENCH_PROFILE_DIR: every node writes a V8 CPU profile there (bench/profileSummary.ts reads them). */
const PROFILE_DIR = process.env.BENCH_PROFILE_DIR;
const NODE_ARGS = PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`, SERVER_BUNDLE] : [SERVER_BUNDLE];
const log = (message: string) => process.stderr.write(`[capacity] ${message}\n`);

type Step = {
  phase: string;
  nodes: number;
  editors: number;
  stories: number;
  edits: number;
  deliveries: number;
  p50: number;
  p99: number;
  ackP99: number;
  missing: number;
  /** Mean CPU per node, as a fraction of one core. */
  nodeCpu: number;
  /** This process (the load generator). */
  loadgenCpu: number;
  /** Every process on the machine, in cores (of os.cpus().length). */
  machineCpu: number;
  nodeRssMiB: number;
  met: boolean;
};

async function main(): Promise<void> {
  await buildServer();
  const steps: Step[] = [];
  for (let editors = roundToStories(START); editors <= MAX; editors = roundToStories(editors * GROWTH)) {
    const step = await run('sweep', 1, editors);
    steps.push(step);
    printStep(step);
    if (!step.met) break;
  }
  const met = steps.filter((s) => s.met);
  if (met.length < 2) throw new Error('fewer than two steps met the target: lower --start');
  const node = fit(met, (s) => s.nodeCpu);
  const machine = fit(met, (s) => s.machineCpu);
  const budget = met.at(-1)!.nodeCpu;
  const perNode = Math.floor((budget - node.base) / node.perEditor);
  log(
    `one node: ${fmt(node.perEditor * 1000)} m-core per editor + ${fmt(node.base)} core; budget ${fmt(budget)} core → ${perNode} editors`,
  );

  // Three nodes on this machine: each node applies every edit of a story it serves (its own clients' and
  // the relayed), so two light steps measure the machine's cost per editor in that setup.
  const light = [await run('three-node calibration', 3, met[0].editors), await run('three-node calibration', 3, met[1].editors)];
  light.forEach(printStep);
  const three = fit(light, (s) => s.machineCpu);
  const machineBusy = met.at(-1)!.machineCpu;
  const predicted = roundToStories((machineBusy - three.base) / three.perEditor);
  log(`three nodes on this machine: predicted ${predicted} editors (machine ${fmt(machineBusy)} cores at the last step met)`);
  const checks = [
    await run('check at prediction', 3, predicted),
    await run('check at 1.3× prediction', 3, roundToStories(predicted * 1.3)),
  ];
  checks.forEach(printStep);
  // When the prediction itself misses the target, find where the three nodes do meet it.
  for (let editors = roundToStories(predicted * 0.75); !checks.at(-1)!.met && !checks[0].met && editors >= light[0].editors;) {
    const below = await run(`below the prediction (${Math.round((editors / predicted) * 100)} %)`, 3, editors);
    printStep(below);
    checks.push(below);
    if (below.met) break;
    editors = roundToStories(editors * 0.75);
  }
  const predictedMachine = (editors: number) => three.base + three.perEditor * editors;
  for (const check of checks)
    log(`  ${check.editors} editors: machine ${fmt(check.machineCpu)} cores, predicted ${fmt(predictedMachine(check.editors))}`);

  const model = {
    perEditorNodeCore: node.perEditor,
    perEditorMachineCores: machine.perEditor,
    threeNodePerEditorMachineCores: three.perEditor,
    machineBudgetCores: machineBusy,
    nodeBaseCore: node.base,
    nodeBudgetCore: budget,
    editorsPerNode: perNode,
    nodesFor2000: Math.ceil(NEWSROOM_EDITORS / perNode),
    threeNodePrediction: predicted,
    threeNodeMachineBase: three.base,
  };
  printTable([...steps, ...light, ...checks], model);
  const out = path.join('bench', 'results', 'capacity.json');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(
    out,
    JSON.stringify(
      { date: new Date().toISOString(), perStory: PER_STORY, rate: RATE, carets: CARETS, seconds: SECONDS, steps, light, checks, model },
      null,
      2,
    ),
  );
}

const roundToStories = (editors: number) => Math.max(PER_STORY, Math.round(editors / PER_STORY) * PER_STORY);

/** Least squares: y = base + perEditor × editors. */
function fit(steps: Step[], y: (s: Step) => number): { base: number; perEditor: number } {
  const n = steps.length;
  const mx = steps.reduce((a, s) => a + s.editors, 0) / n;
  const my = steps.reduce((a, s) => a + y(s), 0) / n;
  const sxy = steps.reduce((a, s) => a + (s.editors - mx) * (y(s) - my), 0);
  const sxx = steps.reduce((a, s) => a + (s.editors - mx) ** 2, 0);
  const perEditor = sxy / sxx;
  return { base: my - perEditor * mx, perEditor };
}

async function run(phase: string, nodeCount: number, editors: number): Promise<Step> {
  log(`${phase}: ${nodeCount} node(s), ${editors} editors`);
  const database = await createTestDatabase();
  const redis = await startRedis();
  const nodes: ServerProcess[] = [];
  const clients: TestClient[] = [];
  try {
    const env = { DATABASE_URL: database.url, REDIS_URL: redis.url, SESSION_SECRET: SECRET };
    // The first migrates the schema; the others start once it has.
    nodes.push(await startServerProcess(env, 60_000, NODE_ARGS));
    nodes.push(...(await Promise.all(Array.from({ length: nodeCount - 1 }, () => startServerProcess(env, 60_000, NODE_ARGS)))));
    const user = await benchAccount(database.url, nodes[0].url, 'Capacity');
    const stories = editors / PER_STORY;
    for (let s = 0; s < stories; s++) {
      const storyId = await createStory(nodes[0], user);
      const room = await Promise.all(
        Array.from({ length: PER_STORY }, (_, i) => connectClient(nodes[(s * PER_STORY + i) % nodeCount], user, storyId)),
      );
      setParagraphs(room[0].doc, 'body', ['A story the desk is writing.']);
      clients.push(...room);
    }
    await Promise.all(clients.map((c) => c.provider.whenSaved()));
    await waitFor(() => clients.every((c) => c.doc.getXmlFragment('body').length > 0), 30_000);
    await new Promise((r) => setTimeout(r, 1000));

    // A warm-up at the same load first, not measured: fresh processes compile their hot paths meanwhile.
    const warmUp = clients.flatMap((client, i) => typeAndMove(client, i, new ArrivalLatency(), []));
    await new Promise((r) => setTimeout(r, WARM_UP_SECONDS * 1000));
    warmUp.forEach((stop) => stop());
    await Promise.all(clients.map((c) => c.provider.whenSaved()));

    const latency = new ArrivalLatency();
    for (const { doc } of clients) latency.watch(doc);
    const acks: number[] = [];
    const before = { nodes: nodes.map(cpuOf), machine: machineBusySeconds(), self: process.cpuUsage() };
    const started = performance.now();
    const stops = clients.flatMap((client, i) => typeAndMove(client, i, latency, acks));
    await new Promise((r) => setTimeout(r, SECONDS * 1000));
    stops.forEach((stop) => stop());
    const elapsed = (performance.now() - started) / 1000;
    const self = process.cpuUsage(before.self);
    const nodeCpu = nodes.reduce((sum, n, i) => sum + cpuOf(n) - before.nodes[i], 0) / elapsed / nodeCount;
    const machineCpu = (machineBusySeconds() - before.machine) / elapsed;
    const nodeRssMiB = nodes.reduce((sum, n) => sum + rssBytes(n.child.pid!), 0) / nodeCount / 1024 / 1024;
    const expected = latency.sent * (PER_STORY - 1);
    await waitFor(() => latency.samples.length >= expected, 15_000);
    await Promise.all(clients.map((c) => c.provider.whenSaved()));
    const delivered = stats(latency.samples);
    const p99 = delivered.p99;
    const missing = expected - delivered.n;
    return {
      phase,
      nodes: nodeCount,
      editors,
      stories,
      edits: latency.sent,
      deliveries: delivered.n,
      p50: delivered.p50,
      p99,
      ackP99: stats(acks).p99,
      missing,
      nodeCpu,
      loadgenCpu: (self.user + self.system) / 1e6 / elapsed,
      machineCpu,
      nodeRssMiB,
      met: p99 < TARGET_P99_MS && missing === 0,
    };
  } finally {
    clients.forEach((c) => c.close());
    // SIGTERM when profiling: V8 writes the profile on a clean exit.
    await Promise.all(nodes.map((n) => (PROFILE_DIR ? n.stop() : n.kill())));
    await redis.stop();
    await database.drop();
  }
}

/** One editor: keystrokes at RATE and caret moves at CARETS a second, each starting at a random phase. */
function typeAndMove(client: TestClient, i: number, latency: ArrivalLatency, acks: number[]): (() => void)[] {
  const { doc, provider } = client;
  const sentAt: number[] = [];
  provider.on('change', () => {
    const now = performance.now();
    while (sentAt.length > provider.unacknowledged) acks.push(now - sentAt.shift()!);
  });
  // Each at a random phase, so that a step's editors do not all type in the same millisecond.
  const every = (perSecond: number, act: () => void) => {
    let interval: NodeJS.Timeout | undefined;
    const start = setTimeout(() => (interval = setInterval(act, 1000 / perSecond)), Math.random() * (1000 / perSecond));
    return () => {
      clearTimeout(start);
      clearInterval(interval);
    };
  };
  const text = () => (doc.getXmlFragment('body').get(0) as Y.XmlElement).get(0) as Y.XmlText;
  let caret = i;
  return [
    every(RATE, () => {
      const body = text();
      latency.sending(doc);
      sentAt.push(performance.now());
      body.insert(Math.floor(Math.random() * (body.length + 1)), 'x');
    }),
    ...(CARETS > 0 ? [every(CARETS, () => provider.awareness.setLocalStateField('caret', ++caret))] : []),
  ];
}

const cpuOf = (node: ServerProcess) => cpuSeconds(node.child.pid!);

/** Busy seconds of every core together since boot (user + nice + system + irq + softirq + steal). */
function machineBusySeconds(): number {
  const [, user, nice, system, , , irq, softirq, steal] = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].split(/\s+/).map(Number);
  return (user + nice + system + irq + softirq + steal) / 100;
}

const fmt = (n: number) => n.toFixed(3);
const pct = (n: number) => `${Math.round(n * 100)} %`;

function printStep(s: Step): void {
  log(
    `  ${s.editors} editors: p50 ${s.p50.toFixed(1)} ms, p99 ${s.p99.toFixed(1)} ms, missing ${s.missing}, node ${pct(s.nodeCpu)}, machine ${s.machineCpu.toFixed(2)} cores`,
  );
}

function printTable(steps: Step[], model: Record<string, number>): void {
  console.log(
    `\nStories of ${PER_STORY} editors, each typing ${RATE} keystrokes/s at random places and moving a caret ${CARETS}/s, ${SECONDS} s per step; ${os.cpus().length} cores\n`,
  );
  console.log(
    '| phase | nodes | editors | stories | edits/s | deliveries/s | p50 ms | p99 ms | ack p99 ms | missing | CPU per node | load generator | machine (cores) | RSS per node | p99 < 50 ms |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const s of steps) {
    console.log(
      `| ${s.phase} | ${s.nodes} | ${s.editors} | ${s.stories} | ${Math.round(s.edits / SECONDS)} | ${Math.round(s.deliveries / SECONDS)} | ${s.p50.toFixed(1)} | ${s.p99.toFixed(1)} | ${s.ackP99.toFixed(1)} | ${s.missing} | ${pct(s.nodeCpu)} | ${pct(s.loadgenCpu)} | ${s.machineCpu.toFixed(2)} | ${Math.round(s.nodeRssMiB)} MiB | ${s.met ? 'yes' : 'no'} |`,
    );
  }
  console.log(`\nModel: ${JSON.stringify(model)}`);
}

await main();
process.exit(0);
