/**
 * Builds the client when dist/client is missing or older than its sources.
 * Used by `npm start` and by the browser tests' global setup.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Everything the build reads: the code, the build's configuration (the service worker's included), the compiler's options, the dependencies. */
const SOURCES = [
  'client',
  'shared',
  'vite.config.ts',
  'svelte.config.js',
  'tsconfig.json',
  'tsconfig.base.json',
  'tsconfig.client.json',
  'package-lock.json',
];
const BUILT_INDEX = 'dist/client/index.html';

function newestMtime(target: string): number {
  if (!fs.existsSync(target)) return 0;
  const stat = fs.statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return fs.readdirSync(target).reduce((newest, entry) => Math.max(newest, newestMtime(path.join(target, entry))), stat.mtimeMs);
}

export function clientBuildIsStale(root = ROOT): boolean {
  const index = path.join(root, BUILT_INDEX);
  if (!fs.existsSync(index)) return true;
  const built = fs.statSync(index).mtimeMs;
  return SOURCES.some((source) => newestMtime(path.join(root, source)) > built);
}

export function ensureClientBuild(): void {
  if (!clientBuildIsStale()) return;
  console.log('Building the client (sources changed or no build yet)…');
  const result = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  if (result.status !== 0) throw new Error(`Client build failed (exit ${result.status})`);
}
