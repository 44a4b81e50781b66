/**
 * The fuzz property and its runner, shared by the test in `npm test` and `npm run fuzz`: fast-check
 * generates a batch of sessions, they are sent to the live server, and the oracle must hold after
 * it. A failing batch is shrunk to the fewest, smallest frames that still fail (each attempt on a
 * fresh server when the failure broke the old one); the report has the seed and path to replay it.
 */
import fc from 'fast-check';
import { describeFrame, describeSession, printable, type Session } from './frames';
import { FuzzWorld } from './FuzzWorld';
import { checkAfterBatch, OracleFailure } from './oracle';
import { ServerWatch, type WatchReport } from './ServerWatch';
import { type BatchTraffic, sendBatch } from './sessionDriver';
import { socketIoSessionArb } from './socketIoFrames';
import { yWebsocketSessionArb } from './yWebsocketFrames';

const batchArb: fc.Arbitrary<Session[]> = fc
  .array(fc.oneof({ weight: 3, arbitrary: socketIoSessionArb }, { weight: 1, arbitrary: yWebsocketSessionArb }), {
    minLength: 1,
    maxLength: 36,
    size: 'max',
  })
  .map((sessions) => printable(sessions, (all) => `\n${all.map((s, i) => describeSession(s, i)).join('\n')}\n`));

/** Keeps one healthy world across runs; after a failure the next run gets a fresh one. */
export class FuzzTarget {
  #world: FuzzWorld | undefined;
  #broken = false;
  /** Fresh worlds started after a failure. */
  restarts = 0;
  /** Why a world could not be started: the run cannot go on, and no frame is to blame. */
  startFailure: Error | undefined;

  async world(): Promise<FuzzWorld> {
    if (this.startFailure) throw this.startFailure;
    if (this.#world && !this.#broken) return this.#world;
    if (this.#world) {
      await this.#world.dispose();
      this.restarts++;
    }
    this.#world = undefined;
    try {
      this.#world = await FuzzWorld.start();
    } catch (error) {
      this.startFailure = new Error(`the fuzz target could not be started: ${(error as Error).message}`);
      throw this.startFailure;
    }
    this.#broken = false;
    return this.#world;
  }

  markBroken(): void {
    this.#broken = true;
  }

  async close(): Promise<void> {
    await this.#world?.dispose();
    this.#world = undefined;
  }
}

export class FuzzStats {
  runs = 0;
  failedRuns = 0;
  sessions = 0;
  frames = 0;
  framesCutOff = 0;
  refused = 0;
  readonly byTransport = { 'socket.io': 0, 'y-websocket': 0 };
  slowestHttpMs = 0;
  peakRssKb = 0;

  add(traffic: BatchTraffic, watch: WatchReport, failed: boolean): void {
    this.runs++;
    if (failed) this.failedRuns++;
    this.sessions += traffic.sessions;
    this.frames += traffic.framesSent;
    this.framesCutOff += traffic.framesCutOff;
    this.refused += traffic.refused;
    this.byTransport['socket.io'] += traffic.byTransport['socket.io'];
    this.byTransport['y-websocket'] += traffic.byTransport['y-websocket'];
    this.slowestHttpMs = Math.max(this.slowestHttpMs, watch.slowestMs);
    this.peakRssKb = Math.max(this.peakRssKb, watch.peakRssKb);
  }
}

export type FuzzOptions = {
  seed: number;
  numRuns: number;
  /** fast-check's path of a counterexample, to replay it alone. */
  path?: string;
  /** After this long, stop (shrinking included) and report the smallest failure found so far. */
  timeLimitMs?: number;
  /** false: report the first failing batch as it is, without shrinking it. */
  shrink?: boolean;
  target: FuzzTarget;
  stats?: FuzzStats;
};

/** Runs the property; resolves with the statistics, or throws fast-check's report (seed, path, counterexample). */
export async function runFuzz({
  seed,
  numRuns,
  path,
  timeLimitMs,
  shrink = true,
  target,
  stats = new FuzzStats(),
}: FuzzOptions): Promise<FuzzStats> {
  let replayed = false;
  const property = fc.asyncProperty(batchArb, async (sessions) => {
    // A replayed path is its one batch: fast-check would go on with that batch's shrinking siblings.
    if (path && replayed) return;
    replayed = true;
    const world = await target.world();
    const logOffset = world.server.output().length;
    const watch = new ServerWatch(world);
    let traffic: BatchTraffic;
    let report: WatchReport;
    try {
      traffic = await sendBatch(world, sessions);
    } finally {
      report = await watch.stop();
    }
    try {
      await checkAfterBatch(world, { watch: report, traffic, logOffset });
      stats.add(traffic, report, false);
    } catch (error) {
      stats.add(traffic, report, true);
      // After a failure that left the server as it should be, the next run (shrinking) can use it as it is.
      if (!(error instanceof OracleFailure && error.worldIntact)) target.markBroken();
      throw new Error(failureReport(error as Error, world, traffic, sessions), { cause: error });
    }
  });
  try {
    await fc.assert(property, {
      seed,
      numRuns,
      ...(path ? { path } : {}),
      endOnFailure: !shrink,
      ...(timeLimitMs ? { interruptAfterTimeLimit: timeLimitMs, markInterruptAsFailure: true } : {}),
    });
  } catch (error) {
    // fast-check blamed whichever batch was running when the server could not be (re)started.
    if (target.startFailure) throw target.startFailure;
    throw error;
  }
  return stats;
}

/** What failed, the frames sent just before it (before the process died, if it did), and the server's last words. */
function failureReport(error: Error, world: FuzzWorld, traffic: BatchTraffic, sessions: readonly Session[]): string {
  const suspects = traffic
    .lastSentBefore(world.exitedAt ?? Infinity)
    .map(({ session, frame }) => `  session ${session} #${frame} ${describeFrame(sessions[session].frames[frame])}`);
  return [
    error.message,
    `${traffic.framesSent} frame(s) sent in this batch; the last ${world.exitedAt ? 'before the process died' : 'sent'}:`,
    ...suspects,
    'server log (last lines):',
    world.logTail().replace(/^/gm, '  '),
  ].join('\n');
}
