/**
 * The long fuzz run, for nightly use: the suite of tests/fuzz (the same generators, server and
 * oracle as tests/integration/fuzz.test.ts) for as long as asked.
 *   npm run fuzz -- --minutes 60 [--seed 1234] [--batches 500] [--shrink-minutes 5]
 * Batch i uses seed S+i, where S is --seed or a random one; each prints its seed as it ends. The first
 * failure is shrunk (for at most --shrink-minutes), reported with fast-check's seed and path and the
 * failing frames in hex, and ends the run with exit code 1. A summary table ends every run. Only
 * 127.0.0.1: the server is a child process this script starts and stops.
 */
import { parseArgs } from 'node:util';
import { FuzzStats, FuzzTarget, runFuzz } from '../tests/fuzz/fuzzRun';
import { MEMORY_CEILING_MB, PROMPT_MS } from '../tests/fuzz/oracle';
import { killAllServerProcesses } from '../tests/helpers/serverProcess';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string' },
    seed: { type: 'string' },
    batches: { type: 'string' },
    'shrink-minutes': { type: 'string', default: '5' },
  },
});

function positive(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) {
    console.error(`--${name} must be a non-negative number, not ${JSON.stringify(value)}`);
    process.exit(2);
  }
  return n;
}

const minutes = positive('minutes', values.minutes);
const maxBatches = positive('batches', values.batches);
const shrinkMinutes = positive('shrink-minutes', values['shrink-minutes'])!;
if (minutes === undefined && maxBatches === undefined) {
  console.error('usage: npm run fuzz -- --minutes N [--seed S] [--batches B] [--shrink-minutes M]');
  process.exit(2);
}
const baseSeed = positive('seed', values.seed) ?? Math.floor(Math.random() * 2 ** 31);

const deadline = Date.now() + (minutes ?? Infinity) * 60_000;
const target = new FuzzTarget();
const stats = new FuzzStats();
const started = Date.now();
let batch = 0;
let failure: Error | undefined;
let interrupted = false;
process.once('SIGINT', () => {
  interrupted = true;
  console.log('interrupted: stopping after this batch');
});

console.log(
  `fuzz: seeds ${baseSeed}, ${baseSeed + 1}, … until ${minutes === undefined ? `${maxBatches} batches` : `${minutes} minute(s)`}`,
);
try {
  while (Date.now() < deadline && batch < (maxBatches ?? Infinity) && !interrupted) {
    const seed = baseSeed + batch;
    const frames = stats.frames;
    const batchStarted = Date.now();
    try {
      await runFuzz({ seed, numRuns: 1, timeLimitMs: shrinkMinutes * 60_000, target, stats });
    } catch (error) {
      failure = error as Error;
    }
    batch++;
    console.log(
      `batch ${batch} seed ${seed}: ${failure ? 'FAILED' : 'ok'}, ${stats.frames - frames} frames, ${Date.now() - batchStarted} ms` +
        (failure
          ? ` (replay it: npm run fuzz -- --seed ${seed} --batches 1; the run up to it: npm run fuzz -- --seed ${baseSeed} --batches ${batch})`
          : ''),
    );
    if (failure) break;
  }
} finally {
  await target.close();
  killAllServerProcesses();
}

if (failure) {
  // fast-check's report, then what failed (fast-check keeps the property's error as the cause).
  const { cause } = failure;
  console.error(`\n${failure.message}${cause instanceof Error ? `\n\nCaused by: ${cause.message}` : ''}\n`);
}
printSummary();
process.exit(failure ? 1 : 0);

function printSummary(): void {
  const rows: [string, string][] = [
    ['result', failure ? 'FAILED' : interrupted ? 'interrupted, no failure' : 'no failure'],
    ['seeds', `${baseSeed} … ${baseSeed + Math.max(batch - 1, 0)}`],
    ['batches', String(batch)],
    ['runs (with shrinking)', `${stats.runs} (${stats.failedRuns} failed)`],
    ['sessions', String(stats.sessions)],
    ['frames sent', String(stats.frames)],
    ['  Socket.IO', String(stats.byTransport['socket.io'])],
    ['  y-websocket', String(stats.byTransport['y-websocket'])],
    ['frames cut off (connection closed)', String(stats.framesCutOff)],
    ['connections refused', String(stats.refused)],
    ['server restarts', String(target.restarts)],
    ['slowest HTTP during batches', `${Math.round(stats.slowestHttpMs)} ms (limit ${PROMPT_MS} ms)`],
    ['peak resident memory', `${Math.round(stats.peakRssKb / 1024)} MB (ceiling: after start + ${MEMORY_CEILING_MB} MB)`],
    ['duration', `${Math.round((Date.now() - started) / 1000)} s`],
  ];
  const width = Math.max(...rows.map(([name]) => name.length));
  console.log(`\n${rows.map(([name, value]) => `${name.padEnd(width)}  ${value}`).join('\n')}`);
}
