import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { LogEntry } from '../StoryLogStore';

export type AppendRequest = { id: number; storyIds: string[]; updates: Uint8Array[]; deletions: (LogEntry['deletion'] | null)[] };
export type AppendResponse = { id: number; seqs: number[] } | { id: number; error: string };

type Waiting = { resolve: (seqs: number[]) => void; reject: (error: Error) => void };

const here = fileURLToPath(import.meta.url);
const THREAD = path.join(path.dirname(here), `updateAppenderThread${path.extname(here)}`);
/** Loads the thread's module; TypeScript sources (tsx, tests) first get tsx's loader, built JavaScript does not. */
const BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
if (workerData.tsx) require(workerData.tsx).register();
require(workerData.entry);
`;

/**
 * Appends Yjs updates to the SQLite log from a worker thread with its own
 * connection. better-sqlite3 is synchronous: on the main thread every
 * commit's fsync (synchronous = FULL) stalls every socket for its duration.
 * Here it stalls nothing, and batches that queue meanwhile commit together.
 */
function run<T>(fn: () => T): Promise<T> {
  try {
    return Promise.resolve(fn());
  } catch (error) {
    return Promise.reject(error);
  }
}

export class UpdateAppender {
  #worker: Worker;
  #waiting = new Map<number, Waiting>();
  #nextId = 0;
  #failure: Error | null = null;
  /** Work waiting for the appends in flight to finish (see `exclusive`), and the appends it holds back. */
  #exclusive: (() => void)[] = [];
  #held: AppendRequest[] = [];

  private constructor(worker: Worker) {
    this.#worker = worker;
    worker.on('message', (response: AppendResponse) => this.#settle(response));
    worker.on('error', (error) => this.#fail(error));
    worker.on('exit', (code) => this.#fail(new Error(`update appender thread exited (${code})`)));
  }

  /** Starts the thread on the database file (already created and migrated) and waits until it is ready. */
  static async start(file: string, busyTimeoutMs: number): Promise<UpdateAppender> {
    const tsx = THREAD.endsWith('.ts') ? createRequire(import.meta.url).resolve('tsx/cjs/api') : null;
    const worker = new Worker(BOOTSTRAP, { eval: true, workerData: { file, busyTimeoutMs, entry: THREAD, tsx } });
    let onError: (error: Error) => void = () => {};
    let onExit: (code: number) => void = () => {};
    const ready = new Promise<void>((resolve, reject) => {
      onError = reject;
      onExit = (code) => reject(new Error(`update appender thread exited (${code}) while starting`));
      worker
        .once('message', () => resolve())
        .once('error', onError)
        .once('exit', onExit);
    });
    try {
      await ready;
    } catch (error) {
      await worker.terminate();
      throw error;
    } finally {
      worker.off('error', onError).off('exit', onExit);
    }
    return new UpdateAppender(worker);
  }

  append(entries: readonly LogEntry[]): Promise<number[]> {
    if (this.#failure) return Promise.reject(this.#failure);
    const id = this.#nextId++;
    const request: AppendRequest = {
      id,
      storyIds: entries.map((e) => e.storyId),
      updates: entries.map((e) => e.update),
      deletions: entries.map((e) => e.deletion ?? null),
    };
    return new Promise((resolve, reject) => {
      this.#waiting.set(id, { resolve, reject });
      if (this.#exclusive.length > 0) this.#held.push(request);
      else this.#worker.postMessage(request);
    });
  }

  /**
   * Runs `fn`, synchronous work on another connection to the same database, while no append is
   * in flight; appends made meanwhile wait for it. Neither connection then ever waits for the
   * other's write lock: SQLite's busy handler sleeps in steps of milliseconds, and on the main
   * thread that sleep would stall every socket.
   */
  exclusive<T>(fn: () => T): Promise<T> {
    if (this.#waiting.size === 0 || this.#failure) return run(fn);
    return new Promise((resolve, reject) => this.#exclusive.push(() => run(fn).then(resolve, reject)));
  }

  #settle(response: AppendResponse): void {
    const waiting = this.#waiting.get(response.id);
    this.#waiting.delete(response.id);
    if ('error' in response) waiting?.reject(new Error(response.error));
    else waiting?.resolve(response.seqs);
    if (this.#waiting.size === this.#held.length) this.#runExclusive();
  }

  /** Nothing in flight: the queued exclusive work runs, then the appends it held back go out. */
  #runExclusive(): void {
    for (const work of this.#exclusive.splice(0)) work();
    for (const request of this.#held.splice(0)) this.#worker.postMessage(request);
  }

  #fail(error: Error): void {
    this.#failure ??= error;
    for (const waiting of this.#waiting.values()) waiting.reject(error);
    this.#waiting.clear();
    this.#held = [];
    this.#runExclusive();
  }

  /** Stops the thread once every append sent to it has settled. */
  async close(): Promise<void> {
    while (this.#waiting.size > 0 && !this.#failure) await this.exclusive(() => undefined);
    this.#failure ??= new Error('update appender closed');
    await this.#worker.terminate();
  }
}
