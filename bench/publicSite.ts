/**
 * The public site under load: STORIES published stories of sample-like size (about 800 words, made-up copy)
 * seeded into a fresh SQLite data dir, Galley started on it as a process of its own (built to JavaScript and its
 * access log on, as `npm start` runs it in production), then CONCURRENCY readers on keep-alive connections from this process,
 * each asking again as soon as its answer is in, for SECONDS per page: a story page (a random one of the
 * stories each time), the index (/stories) and the Atom feed, each without and then with If-None-Match
 * (the ETag it was last sent: a reader or cache revalidating). Reports requests/s, p50 and p99 as a
 * Markdown table. Targets 127.0.0.1 only; bounded in time (and in requests: MAX_REQUESTS a page) and stops
 * by itself. Target: p99 under 50 ms (docs/performance.md).
 *   npm run bench:public-site [-- --stories 1000 --concurrency 200 --seconds 10]
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { SqliteStore } from '../server/persistence/sqlite/SqliteStore';
import { seedPublication } from '../tests/helpers/publications';
import { buildServer, SERVER_BUNDLE } from '../scripts/serverBuild';
import { cpuPercent, sample, spawnServer } from './peers/processes';

const { values: args } = parseArgs({
  options: {
    stories: { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '200' },
    seconds: { type: 'string', default: '10' },
  },
});
const STORIES = Number(args.stories);
const CONCURRENCY = Number(args.concurrency);
const SECONDS = Number(args.seconds);
/** Warm-up before each measured run (the JIT, SQLite's page cache, the sockets). */
const WARMUP_MS = 1_500;
const MAX_REQUESTS = 2_000_000;
const WORDS_PER_STORY = 800;

/** mulberry32: the same copy every run. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
const rand = random(19);
const WORDS = (
  'the council said on tuesday that its budget for the harbour would rise after a long review of ferry ' +
  'services and that residents could comment until the end of the month while engineers looked again at ' +
  'the old sea wall which was damaged in the winter storms and has been closed to walkers since march'
).split(' ');
const words = (n: number) => Array.from({ length: n }, () => WORDS[Math.floor(rand() * WORDS.length)]).join(' ');
const sentence = () => {
  const text = words(8 + Math.floor(rand() * 14));
  return `${text[0].toUpperCase()}${text.slice(1)}.`;
};
function bodyHtml(): string {
  const paragraphs: string[] = [];
  for (let count = 0; count < WORDS_PER_STORY;) {
    const p = Array.from({ length: 3 }, sentence).join(' ');
    count += p.split(' ').length;
    paragraphs.push(`<p>${p}</p>`);
  }
  return paragraphs.join('\n');
}

async function seed(dataDir: string): Promise<string[]> {
  const store = await SqliteStore.openForServer(dataDir);
  const author = { id: randomUUID(), name: 'Bench Reporter' };
  await store.createUser({
    ...author,
    email: 'bench@example.test',
    role: 'writer',
    color: '#175cd3',
    passwordHash: 'scrypt$x',
    createdAt: new Date().toISOString(),
    deactivatedAt: null,
  });
  const slugs: string[] = [];
  const start = Date.now() - STORIES * 60_000;
  for (let i = 0; i < STORIES; i++) {
    const slug = `story-${i}`;
    await seedPublication(store, author, {
      slug,
      publishedAt: new Date(start + i * 60_000).toISOString(),
      headline: sentence().slice(0, 90),
      standfirst: sentence(),
      bodyHtml: bodyHtml(),
    });
    slugs.push(slug);
  }
  await store.close();
  return slugs;
}

type Run = {
  page: string;
  conditional: boolean;
  requests: number;
  perSecond: number;
  p50: number;
  p99: number;
  errors: number;
  statuses: string;
  /** The server's CPU use over the run (100 = one core), and its CPU time per answer. */
  serverCpu: number;
  cpuMsPerRequest: number;
};

/** CONCURRENCY loops on keep-alive sockets, each sending its next request when its answer is in. */
async function load(server: { url: string; pid: number }, page: string, nextPath: () => string, conditional: boolean): Promise<Run> {
  const base = server.url;
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const etags = new Map<string, string>();
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  let errors = 0;
  let measuring = false;
  let sent = 0;
  let stopAt = performance.now() + WARMUP_MS;
  const once = (pathname: string) =>
    new Promise<void>((resolve) => {
      const etag = conditional ? etags.get(pathname) : undefined;
      const started = performance.now();
      const req = http.get(`${base}${pathname}`, { agent, headers: etag ? { 'if-none-match': etag } : {} }, (res) => {
        res.on('data', () => {});
        res.on('end', () => {
          if (measuring) {
            latencies.push(performance.now() - started);
            statuses.set(res.statusCode!, (statuses.get(res.statusCode!) ?? 0) + 1);
          }
          const tag = res.headers.etag;
          if (tag) etags.set(pathname, tag);
          resolve();
        });
      });
      req.on('error', () => {
        if (measuring) errors++;
        resolve();
      });
    });
  const reader = async () => {
    while (performance.now() < stopAt && sent < MAX_REQUESTS) {
      sent++;
      await once(nextPath());
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, reader));
  measuring = true;
  sent = 0;
  const started = performance.now();
  const before = sample([server.pid]);
  stopAt = started + SECONDS * 1000;
  await Promise.all(Array.from({ length: CONCURRENCY }, reader));
  const after = sample([server.pid]);
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  return {
    page,
    conditional,
    requests: latencies.length,
    perSecond: latencies.length / elapsed,
    p50: at(0.5),
    p99: at(0.99),
    errors,
    statuses: [...statuses].map(([s, n]) => `${s}×${n}`).join(' '),
    serverCpu: cpuPercent(before, after),
    cpuMsPerRequest: ((after.cpu[0] - before.cpu[0]) * 1000) / Math.max(1, latencies.length),
  };
}

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'galley-bench-public-'));
  try {
    const seeding = performance.now();
    const slugs = await seed(dataDir);
    const seeded = ((performance.now() - seeding) / 1000).toFixed(1);
    await buildServer();
    const server = await spawnServer(SERVER_BUNDLE, { PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'info' });
    const runs: Run[] = [];
    try {
      const storyPath = () => `/stories/${slugs[Math.floor(rand() * slugs.length)]}`;
      const pages: Array<[string, () => string]> = [
        ['story page (random of all)', storyPath],
        ['index /stories', () => '/stories'],
        ['Atom feed /feed.xml', () => '/feed.xml'],
      ];
      for (const [page, next] of pages) {
        for (const conditional of [false, true]) {
          const run = await load(server, page, next, conditional);
          runs.push(run);
          console.error(`${page}${conditional ? ' (If-None-Match)' : ''}: ${run.perSecond.toFixed(0)}/s p99 ${run.p99.toFixed(1)} ms`);
        }
      }
    } finally {
      await server.stop();
    }
    const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
    console.log(
      `Public site, ${STORIES} stories of ~${WORDS_PER_STORY} words seeded in ${seeded} s; ${CONCURRENCY} concurrent readers for ${SECONDS} s a row ` +
        `(after ${WARMUP_MS / 1000} s of warm-up), one Galley process (SQLite), loopback; ${new Date().toISOString().slice(0, 10)}, ` +
        `${os.cpus().length} × ${cpu}, load average ${os.loadavg()[0].toFixed(1)} at the end:\n`,
    );
    console.log(
      '| page | conditional | requests/s | p50 | p99 | server CPU | CPU per answer | answers | errors |\n|---|---|---:|---:|---:|---:|---:|---|---:|',
    );
    for (const r of runs) {
      console.log(
        `| ${r.page} | ${r.conditional ? 'If-None-Match' : 'no'} | ${r.perSecond.toFixed(0)} | ${r.p50.toFixed(1)} ms | ${r.p99.toFixed(1)} ms | ${r.serverCpu} % | ${r.cpuMsPerRequest.toFixed(2)} ms | ${r.statuses} | ${r.errors} |`,
      );
    }
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
