/**
 * Scale-out benchmark: the same fan-in load on one Galley node and on three
 * (Postgres + Redis), each node its own process on 127.0.0.1. Clients are
 * headless Galley providers in this process, each typing at a random place in
 * one shared story. Latency is from the insert to its arrival at every other
 * client: send time recorded per Yjs (client, clock), arrival observed in
 * `afterTransaction`.
 *   npm run bench:scale-out [-- --clients 30 --seconds 10 --rate 5]
 */
import fs from 'node:fs';
import type * as Y from 'yjs';
import { connectClient, createStory, setParagraphs, type TestClient } from '../tests/helpers/clients';
import { createTestDatabase } from '../tests/helpers/postgres';
import { startRedis } from '../tests/helpers/redisServer';
import { type ServerProcess, startServerProcess } from '../tests/helpers/serverProcess';
import { benchAccount } from './benchAccount';
import { ArrivalLatency } from './peers/ArrivalLatency';
import { stats, waitFor } from './peers/common';
import { cpuSeconds, rssBytes } from './peers/processes';

const args = new Map(process.argv.slice(2).flatMap((a, i, all) => (a.startsWith('--') ? [[a.slice(2), all[i + 1]]] : [])));
const CLIENTS = Number(args.get('clients') ?? 30);
const SECONDS = Number(args.get('seconds') ?? 10);
const RATE = Number(args.get('rate') ?? 5);
const SECRET = 'benchmark-secret-0123456789abcdef0123';

type Result = {
  nodes: number;
  clients: number;
  sent: number;
  deliveries: number;
  perSecond: number;
  p50: number;
  p99: number;
  max: number;
  missing: number;
  converged: boolean;
  cpu: number;
  rssMiB: number;
};

async function main(): Promise<void> {
  const results: Result[] = [];
  for (const nodeCount of [1, 3]) results.push(await run(nodeCount));
  printTable(results);
  fs.mkdirSync('bench/results', { recursive: true });
  fs.writeFileSync(
    'bench/results/scale-out.json',
    JSON.stringify({ date: new Date().toISOString(), clients: CLIENTS, seconds: SECONDS, rate: RATE, results }, null, 2),
  );
}

async function run(nodeCount: number): Promise<Result> {
  const database = await createTestDatabase();
  const redis = await startRedis();
  const nodes: ServerProcess[] = [];
  const clients: TestClient[] = [];
  try {
    const env = { DATABASE_URL: database.url, REDIS_URL: redis.url, SESSION_SECRET: SECRET, SYNC_MESSAGES_PER_SECOND: '100000' };
    nodes.push(...(await Promise.all(Array.from({ length: nodeCount }, () => startServerProcess(env)))));
    const user = await benchAccount(database.url, nodes[0].url, 'Bench');
    const storyId = await createStory(nodes[0], user);
    for (let i = 0; i < CLIENTS; i++) clients.push(await connectClient(nodes[i % nodeCount], user, storyId));
    setParagraphs(clients[0].doc, 'body', ['Benchmark story body.']);
    await clients[0].provider.whenSaved();
    await waitFor(() => clients.every((c) => c.doc.getXmlFragment('body').length > 0), 15_000, 50);
    const nodeCpu = (node: ServerProcess) => cpuSeconds(node.child.pid!);
    const cpuBefore = nodes.map(nodeCpu);
    const latency = await typeFor(clients);
    const cpu = nodes.reduce((sum, node, i) => sum + nodeCpu(node) - cpuBefore[i], 0) / SECONDS / nodeCount;
    await Promise.all(clients.map((c) => c.provider.whenSaved()));
    const converged = await waitFor(
      () => clients.every((c) => c.doc.getXmlFragment('body').toJSON() === clients[0].doc.getXmlFragment('body').toJSON()),
      15_000,
      50,
    );
    const delivered = stats(latency.samples);
    return {
      nodes: nodeCount,
      clients: CLIENTS,
      sent: latency.sent,
      deliveries: delivered.n,
      perSecond: Math.round(delivered.n / SECONDS),
      p50: delivered.p50,
      p99: delivered.p99,
      max: delivered.max,
      missing: latency.sent * (CLIENTS - 1) - delivered.n,
      converged,
      cpu: Math.round(cpu * 100),
      rssMiB: Math.round(nodes.reduce((sum, n) => sum + rssBytes(n.child.pid!), 0) / nodeCount / 1024 / 1024),
    };
  } finally {
    clients.forEach((c) => c.close());
    await Promise.all(nodes.map((n) => n.kill()));
    await redis.stop();
    await database.drop();
  }
}

/** Every client types RATE keystrokes a second at random places for SECONDS; returns arrival latencies. */
async function typeFor(clients: TestClient[]): Promise<ArrivalLatency> {
  const latency = new ArrivalLatency();
  for (const { doc } of clients) latency.watch(doc);
  const timers = clients.map(({ doc }) =>
    setInterval(() => {
      const text = (doc.getXmlFragment('body').get(0) as Y.XmlElement).get(0) as Y.XmlText;
      latency.sending(doc);
      text.insert(Math.floor(Math.random() * (text.length + 1)), 'x');
    }, 1000 / RATE),
  );
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  timers.forEach(clearInterval);
  await new Promise((r) => setTimeout(r, 2000));
  return latency;
}

function printTable(results: Result[]): void {
  const ms = (n: number) => n.toFixed(1);
  console.log(`\n${CLIENTS} clients, each ${RATE} keystrokes/s at random places in one story, ${SECONDS} s\n`);
  console.log(
    '| nodes | sent | deliveries/s | p50 ms | p99 ms | max ms | missing | converged | CPU per node | RSS per node | p50 vs 1 node |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of results) {
    const ratio = (r.p50 / results[0].p50).toFixed(2);
    console.log(
      `| ${r.nodes} | ${r.sent} | ${r.perSecond} | ${ms(r.p50)} | ${ms(r.p99)} | ${ms(r.max)} | ${r.missing} | ${r.converged ? 'yes' : 'NO'} | ${r.cpu} % | ${r.rssMiB} MiB | ${ratio}× |`,
    );
  }
}

await main();
process.exit(0);
