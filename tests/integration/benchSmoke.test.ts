/**
 * Keeps `npm run bench` from rotting: the benchmark in smoke mode (every server
 * once, tiny sizes, no W3/W6) must finish, deliver every update and converge.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';

const SERVERS = ['galley', 'y-websocket', 'hocuspocus', 'ws-relay', 'socketio-relay'];

type Row = { server: string; p50: number; missing: number; converged: boolean; ingestPerSecond: number };

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

  const { results } = JSON.parse(fs.readFileSync(out, 'utf8')) as { results: Record<'W1' | 'W2' | 'W4' | 'W5', Row[]> };
  for (const workload of ['W1', 'W2'] as const) {
    for (const server of SERVERS) {
      const row = results[workload].find((r) => r.server === server);
      expect(row, `${workload} ${server}`).toBeDefined();
      expect(row!.p50, `${workload} ${server} p50`).toBeGreaterThan(0);
      expect(row!.missing, `${workload} ${server} missing`).toBe(0);
      expect(row!.converged, `${workload} ${server} converged`).toBe(true);
    }
  }
  for (const server of SERVERS) expect(results.W4.find((r) => r.server === server)?.ingestPerSecond, `W4 ${server}`).toBeGreaterThan(0);
  expect(results.W5[0]?.p50).toBeGreaterThan(0);
  fs.rmSync(path.dirname(out), { recursive: true, force: true });
}, 120_000);
