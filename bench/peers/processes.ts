/**
 * The benchmark's child processes: servers (each a process of its own on
 * 127.0.0.1, printing its port) and the load generator. Every child is killed
 * when the parent exits, errors included.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import readline from 'node:readline';
import type { LoadCommand, LoadResult } from './common';

const children = new Set<ChildProcess>();
function killAll(): void {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}
process.on('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(130));

function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** `BENCH_PROFILE_DIR=dir`: every server writes a V8 CPU profile there when it stops (open it in Chrome DevTools). */
function profileFlags(): string[] {
  const dir = process.env.BENCH_PROFILE_DIR;
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [];
}

export type ServerHandle = { url: string; pid: number; output(): string; stop(): Promise<void> };

/**
 * Runs `node <file>` (`node --import tsx <file>` for TypeScript) and resolves once it prints `"port":N` (Galley
 * logs it; the launchers print it).
 */
export async function spawnServer(file: string, env: Record<string, string> = {}, timeoutMs = 30_000): Promise<ServerHandle> {
  const loader = file.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const child = track(
    spawn(process.execPath, [...profileFlags(), ...loader, file], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  let output = '';
  const keep = (chunk: Buffer) => {
    output += chunk;
    if (output.length > 200_000) output = output.slice(-100_000);
  };
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${file} did not start:\n${output}`)), timeoutMs);
    child.stdout!.on('data', (chunk: Buffer) => {
      keep(chunk);
      const match = /"port":(\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    child.stderr!.on('data', keep);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${file} exited (${code ?? signal}) before listening:\n${output}`));
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    output: () => output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

const TICKS_PER_SECOND = 100;

/** User + system CPU seconds of a process, from /proc/<pid>/stat. */
export function cpuSeconds(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/** Resident set size in bytes, from /proc/<pid>/status. */
export function rssBytes(pid: number): number {
  const line = fs
    .readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  return Number(line?.split(/\s+/)[1] ?? 0) * 1024;
}

/** Bytes and calls of write(2)-family syscalls so far (sockets included), from /proc/<pid>/io; zeros where unreadable. */
function writes(pid: number): { bytes: number; calls: number } {
  try {
    const io = fs.readFileSync(`/proc/${pid}/io`, 'utf8');
    const field = (name: string) => Number(new RegExp(`^${name}: (\\d+)`, 'm').exec(io)?.[1] ?? 0);
    return { bytes: field('wchar'), calls: field('syscw') };
  } catch {
    return { bytes: 0, calls: 0 };
  }
}

export type Sample = { at: number; cpu: number[]; rss: number[]; writes: { bytes: number; calls: number }[] };
export const sample = (pids: number[]): Sample => ({
  at: performance.now(),
  cpu: pids.map(cpuSeconds),
  rss: pids.map(rssBytes),
  writes: pids.map(writes),
});

/** CPU % per process between two samples, averaged over the processes. */
export function cpuPercent(from: Sample, to: Sample): number {
  const seconds = (to.at - from.at) / 1000;
  const used = to.cpu.reduce((sum, c, i) => sum + c - from.cpu[i], 0) / to.cpu.length;
  return Math.round((used / seconds) * 100);
}

/**
 * Runs the load generator with one command or several in turn; at each of its marks
 * samples `pids` (the servers; a function when they change, as in a restart), runs
 * `onMark` if given, and lets it go on. Resolves with the results and, per command,
 * the samples by mark name.
 */
/**
 * 10,000 of Galley's clients in one process outgrow V8's default 4 GiB heap: with it, W10 stalled between
 * 7,000 and 10,000 connections; with this, 10,000 connect in 12 s (docs/performance.md, W10).
 */
const LOADGEN_HEAP = '--max-old-space-size=12288';

export async function runLoadgen(
  commands: LoadCommand[],
  pids: number[] | (() => number[]),
  timeoutMs: number,
  onMark?: (name: string) => Promise<void>,
): Promise<{ results: LoadResult[]; marks: Record<string, Sample>[] }> {
  const serverPids = typeof pids === 'function' ? pids : () => pids;
  const child = track(
    spawn(process.execPath, [...profileFlags(), LOADGEN_HEAP, '--import', 'tsx', 'bench/peers/loadgen.ts', JSON.stringify(commands)], {
      stdio: ['pipe', 'pipe', 'pipe'],
    }),
  );
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    if (process.env.BENCH_DEBUG) process.stderr.write(chunk);
    stderr += chunk;
    if (stderr.length > 50_000) stderr = stderr.slice(-20_000);
  });
  const marks: Record<string, Sample>[] = commands.map(() => ({}));
  let results: LoadResult[] | undefined;
  let error: string | undefined;
  let markError: string | undefined;
  const lines = readline.createInterface({ input: child.stdout! });
  lines.on('line', (line) => {
    let message: { mark?: string; index?: number; results?: LoadResult[]; error?: string };
    try {
      message = JSON.parse(line);
    } catch {
      return;
    }
    if (message.mark) {
      const name = message.mark;
      marks[message.index ?? 0][name] = sample(serverPids());
      void (onMark?.(name) ?? Promise.resolve()).then(
        () => child.stdin!.write('go\n'),
        (error: unknown) => ((markError = error instanceof Error ? error.message : String(error)), child.kill('SIGKILL')),
      );
    } else if (message.results) results = message.results;
    else if (message.error) error = message.error;
  });
  // 'close': after the exit and the last of stdout.
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
  const outcome = await Promise.race([exited, timedOut]);
  clearTimeout(timer);
  if (outcome === 'timeout') {
    child.kill('SIGKILL');
    throw new Error(`load generator timed out after ${timeoutMs} ms (${commands.map((c) => c.op).join(', ')})\n${stderr.slice(-2000)}`);
  }
  if (markError) throw new Error(`at a load generator mark: ${markError}`);
  if (!results) throw new Error(`load generator failed (exit ${outcome}): ${error ?? ''}\n${stderr.slice(-2000)}`);
  return { results, marks };
}
