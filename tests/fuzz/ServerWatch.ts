/**
 * Watches the server while a batch is being sent: every few hundred milliseconds an HTTP request
 * (timed) and a reading of its resident memory, so a freeze or a memory spike that is over by the
 * end of the batch is still seen.
 */
import type { FuzzWorld } from './FuzzWorld';

const INTERVAL_MS = 200;
/** Long enough to measure any freeze worth reporting; the oracle's own bound is far lower. */
const REQUEST_LIMIT_MS = 30_000;

export type WatchReport = { slowestMs: number; failures: string[]; peakRssKb: number };

export class ServerWatch {
  #stopped = false;
  #report: WatchReport = { slowestMs: 0, failures: [], peakRssKb: 0 };
  #loop: Promise<void>;

  constructor(private readonly world: FuzzWorld) {
    this.#loop = this.#run();
  }

  async #run(): Promise<void> {
    while (!this.#stopped && this.world.alive) {
      this.#sampleMemory();
      const { ms, failure } = await timedSetup(this.world.url, REQUEST_LIMIT_MS);
      this.#report.slowestMs = Math.max(this.#report.slowestMs, ms);
      if (failure && this.world.alive) this.#report.failures.push(failure);
      this.#sampleMemory();
      await new Promise((resolve) => setTimeout(resolve, INTERVAL_MS));
    }
  }

  #sampleMemory(): void {
    if (!this.world.alive) return;
    try {
      const { rssKb } = this.world.memory();
      // A process that is exiting no longer reports its memory.
      if (Number.isFinite(rssKb)) this.#report.peakRssKb = Math.max(this.#report.peakRssKb, rssKb);
    } catch {
      // The process ended between the check and the read.
    }
  }

  /** Stops after the request in flight (a frozen server makes this wait: that is the point). */
  async stop(): Promise<WatchReport> {
    this.#stopped = true;
    await this.#loop;
    return this.#report;
  }
}

/** `GET /api/setup`: how long it took, and what went wrong if it did not answer 200. */
export async function timedSetup(url: string, limitMs: number): Promise<{ ms: number; failure?: string }> {
  const started = performance.now();
  try {
    const res = await fetch(`${url}/api/setup`, { signal: AbortSignal.timeout(limitMs) });
    await res.arrayBuffer();
    const ms = performance.now() - started;
    return res.status === 200 ? { ms } : { ms, failure: `GET /api/setup answered ${res.status}` };
  } catch (error) {
    return { ms: performance.now() - started, failure: `GET /api/setup failed: ${(error as Error).message}` };
  }
}
