/**
 * The fuzz suite (tests/fuzz): thousands of generated and mutated Socket.IO and y-websocket frames
 * against the real server in its own process, with the oracle after every batch. Seeded: the seed is
 * printed, and FUZZ_SEED=<n> (with FUZZ_PATH=<path> from a failure report, to replay only the
 * counterexample) runs the same frames again. `npm run fuzz -- --minutes N` is the long run.
 */
import { afterAll, expect, it } from 'vitest';
import { FuzzStats, FuzzTarget, runFuzz } from '../fuzz/fuzzRun';
import { MEMORY_CEILING_MB, PROMPT_MS } from '../fuzz/oracle';
import { killAllServerProcesses } from '../helpers/serverProcess';

const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);
const path = process.env.FUZZ_PATH;
/** Batches per run; each is followed by the oracle. */
const RUNS = 48;
const MIN_FRAMES = 5_000;
/** Past this (shrinking a failure included) fast-check stops and reports the smallest failure so far. */
const TIME_LIMIT_MS = 150_000;

const target = new FuzzTarget();

afterAll(async () => {
  await target.close();
  killAllServerProcesses();
});

it('thousands of hostile frames leave the server up and prompt, honest edits saved and seen, the story intact in memory and storage, memory bounded', async () => {
  console.log(
    `fuzz: seed ${seed}${path ? `, path ${path}` : ''} (replay: FUZZ_SEED=${seed} npx vitest run tests/integration/fuzz.test.ts)`,
  );
  const stats = new FuzzStats();
  const started = Date.now();
  try {
    await runFuzz({ seed, numRuns: RUNS, path, timeLimitMs: TIME_LIMIT_MS, target, stats });
  } finally {
    console.log(
      `fuzz: seed ${seed}: ${stats.runs} batch(es), ${stats.sessions} sessions, ${stats.frames} frames sent ` +
        `(${stats.byTransport['socket.io']} Socket.IO, ${stats.byTransport['y-websocket']} y-websocket; ${stats.framesCutOff} more cut off by the server closing), ` +
        `slowest HTTP ${Math.round(stats.slowestHttpMs)} ms (limit ${PROMPT_MS}), peak RSS ${Math.round(stats.peakRssKb / 1024)} MB (ceiling: warm + ${MEMORY_CEILING_MB} MB), ` +
        `${stats.failedRuns} failed, ${target.restarts} restart(s), ${Math.round((Date.now() - started) / 1000)} s`,
    );
  }
  // A replayed counterexample is one batch; a full run must have sent thousands.
  if (!path) expect(stats.frames).toBeGreaterThanOrEqual(MIN_FRAMES);
}, 200_000);
