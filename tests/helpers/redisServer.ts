/**
 * A Redis server of a test's own, on a random loopback port, so a test can stop and
 * restart it without disturbing other tests that use the shared one.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { freePort } from './serverProcess';

export type TestRedis = { url: string; port: number; stop(): Promise<void>; start(): Promise<void> };

export async function startRedis(): Promise<TestRedis> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const started = child;
    await new Promise<void>((resolve, reject) => {
      let output = '';
      const timer = setTimeout(() => reject(new Error(`redis-server did not start:\n${output}`)), 10_000);
      started.stdout!.on('data', (chunk: Buffer) => {
        output += chunk;
        if (output.includes('Ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      });
      started.once('error', (error) => reject(new Error(`redis-server could not run (is it installed?): ${error.message}`)));
      started.once('exit', (code) => reject(new Error(`redis-server exited (${code}):\n${output}`)));
    });
  };
  const stop = async () => {
    const current = child;
    if (!current || current.exitCode !== null || current.signalCode !== null) return;
    const exited = new Promise((resolve) => current.once('exit', resolve));
    current.kill('SIGKILL');
    await exited;
  };
  await start();
  return { url: `redis://127.0.0.1:${port}`, port, stop, start };
}

/**
 * Whether `redis-server` can be run. Missing, the tests needing it are skipped with a
 * message on a developer's machine, and fail in CI (CI set), where it must be installed.
 */
export async function requireRedisServer(): Promise<boolean> {
  const runs = await new Promise<boolean>((resolve) => {
    const child = spawn('redis-server', ['--version'], { stdio: 'ignore' });
    child.once('error', () => resolve(false));
    child.once('exit', (code) => resolve(code === 0));
  });
  if (runs) return true;
  const reason = 'redis-server is not installed (apt-get install redis-server)';
  if (process.env.CI && process.env.CI !== 'false') throw new Error(`${reason}; CI must run the Redis tests.`);
  console.warn(`\n  ⚠ Skipping the Redis tests: ${reason}.\n`);
  return false;
}
