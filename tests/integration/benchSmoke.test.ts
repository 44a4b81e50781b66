/**
 * Keeps `npm run bench` from rotting: the benchmark in smoke mode (every server
 * once, tiny sizes, no W3/W6) must finish, deliver every update, caret and paste,
 * converge, and bring every idle client back after a restart.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';

const SERVERS = ['galley', 'galley-yjs', 'y-websocket', 'hocuspocus', 'ws-relay', 'socketio-relay'];

type Row = { server: string; p50: number; missing: number; converged: boolean; ingestPerSecond: number };
type RestartRow = { server: string; connections: number; dropped: number; back: number; perConnectionKiB: number };
type Results = Record<'W1' | 'W2' | 'W4' | 'W5' | 'W7' | 'W8' | 'W9', Row[]> & { W10: RestartRow[] };

it('bench --smoke runs every server and every update arrives', async () => {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'galley-bench-smoke-')), 'bench.json');
  let output = '';
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/bench.ts', '--smoke', '--out', out], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (chunk: Buffer) => (output += chunk));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), 115_000);
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  clearTimeout(timer);
  expect(code, output).toBe(0);

  const { results } = JSON.parse(fs.readFileSync(out, 'utf8')) as { results: Results };
  const serversOf = { W1: SERVERS, W2: SERVERS, W7: SERVERS, W8: SERVERS, W9: ['galley', 'galley-yjs', 'y-websocket', 'hocuspocus'] };
  for (const workload of ['W1', 'W2', 'W7', 'W8', 'W9'] as const) {
    for (const server of serversOf[workload]) {
      const row = results[workload].find((r) => r.server === server);
      expect(row, `${workload} ${server}`).toBeDefined();
      expect(row!.p50, `${workload} ${server} p50`).toBeGreaterThan(0);
      expect(row!.missing, `${workload} ${server} missing`).toBe(0);
      if (workload !== 'W9') expect(row!.converged, `${workload} ${server} converged`).toBe(true);
    }
  }
  for (const server of ['galley', 'y-websocket']) {
    const row = results.W10.find((r) => r.server === server);
    expect(row, `W10 ${server}`).toBeDefined();
    expect(row!.connections, `W10 ${server} connections`).toBeGreaterThan(0);
    expect(row!.dropped, `W10 ${server} dropped`).toBe(row!.connections);
    expect(row!.back, `W10 ${server} back`).toBe(row!.connections);
    // 20 connections move RSS less than the GC does (CI once measured -137.8 KiB):
    // smoke checks that the figure is computed; full runs measure it.
    expect(Number.isFinite(row!.perConnectionKiB), `W10 ${server} memory`).toBe(true);
  }
  for (const server of SERVERS) expect(results.W4.find((r) => r.server === server)?.ingestPerSecond, `W4 ${server}`).toBeGreaterThan(0);
  expect(results.W5[0]?.p50).toBeGreaterThan(0);
  fs.rmSync(path.dirname(out), { recursive: true, force: true });
}, 120_000);
