/**
 * Builds the server to plain JavaScript for `npm start` (docs/performance.md#production-build): one ESM
 * bundle of our code, dist/server/main.js, with the update appender's worker thread beside it (it is loaded
 * by file name). Dependencies stay in node_modules, imported as they are. Production then runs under plain
 * `node`, without tsx compiling in the process; tests and `npm run dev` keep running the TypeScript.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const SERVER_BUNDLE = path.join(ROOT, 'dist/server/main.js');

export async function buildServer(): Promise<void> {
  await build({
    absWorkingDir: ROOT,
    entryPoints: { main: 'server/main.ts', updateAppenderThread: 'server/persistence/sqlite/updateAppenderThread.ts' },
    outdir: path.dirname(SERVER_BUNDLE),
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: true,
    logLevel: 'warning',
  });
}
