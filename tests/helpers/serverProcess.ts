/**
 * `server/main.ts` as a process of its own, as `npm run dev` runs it (without the client build), or the
 * built `dist/server/main.js` as `npm start` does: for tests that kill it for real or run several at once.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';
import { TEST_SERVER_ENV } from './testEnvironment';

export type ServerProcess = {
  child: ChildProcess;
  url: string;
  port: number;
  output(): string;
  /** SIGTERM: a clean shutdown. */
  stop(): Promise<void>;
  /** SIGKILL: a crash, no shutdown hooks. */
  kill(): Promise<void>;
};

const running = new Set<ChildProcess>();

/** The server's TypeScript, compiled by tsx as it loads. */
const TYPESCRIPT_ENTRY = ['--import', 'tsx', 'server/main.ts'];

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Starts the server with `env` (PORT defaults to a random one) and resolves once it listens.
 * One process (tsx's CLI would fork a child that outlives a SIGKILL of its parent). tsx compiles the
 * server as it starts: seconds when idle, tens of seconds for several at once on a busy 2-core machine.
 */
export async function startServerProcess(env: Record<string, string>, timeoutMs = 60_000, args = TYPESCRIPT_ENTRY): Promise<ServerProcess> {
  const child = spawn(process.execPath, args, {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...TEST_SERVER_ENV, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let output = '';
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), timeoutMs);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk;
      const match = /"port":(\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk));
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code ?? signal}) before listening:\n${output}`));
    });
  });
  const ended = (signal: NodeJS.Signals) => async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
  };
  return { child, url: `http://127.0.0.1:${port}`, port, output: () => output, stop: ended('SIGTERM'), kill: ended('SIGKILL') };
}

/** Kills whatever a test left running (for afterAll). */
export function killAllServerProcesses(): void {
  for (const child of running) child.kill('SIGKILL');
}
