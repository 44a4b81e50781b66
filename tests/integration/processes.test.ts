import { type ChildProcess, execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { signIn, tempDataDir } from '../helpers/testServer';

const run = promisify(execFile);
const TSX = path.resolve('node_modules/.bin/tsx');
/** One process (tsx's CLI would fork a child that outlives a SIGKILL of its parent). */
const NODE_TSX = [process.execPath, ['--import', 'tsx', 'server/main.ts']] as const;
let children: ChildProcess[] = [];
let dirs: string[] = [];

afterEach(() => {
  children.forEach((c) => c.kill('SIGKILL'));
  dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true }));
  children = [];
  dirs = [];
});

function dataDir() {
  const dir = tempDataDir();
  dirs.push(dir);
  return dir;
}

/** Starts `server/main.ts` as `npm start` would (without the client build step) and waits for its log line. */
async function startMain(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(NODE_TSX[0], [...NODE_TSX[1]], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 20_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk;
      const match = /"port":(\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(`http://127.0.0.1:${match[1]}`);
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk));
    child.on('exit', (code) => reject(new Error(`server exited with ${code}:\n${output}`)));
  });
  return { child, url };
}

describe('the server process and the user command', () => {
  it('adds accounts from the command line that can then sign in to the server', async () => {
    const dir = dataDir();
    const env = { ...process.env, DATA_DIR: dir };
    const added = await run(TSX, ['server/cli/user.ts', 'add', '--email', 'Cli@Example.test', '--name', 'Cli User', '--role', 'editor', '--password', 'a long password'], { env });
    expect(added.stdout).toContain('Added editor Cli User <cli@example.test>');
    const refused = await run(TSX, ['server/cli/user.ts', 'add', '--email', 'bad', '--name', 'X', '--role', 'chief', '--password', 'pw'], { env }).catch((e: { code: number; stderr: string }) => e);
    expect(refused).toMatchObject({ code: 1 });
    expect((refused as { stderr: string }).stderr).toMatch(/email|role/i);
    const listed = await run(TSX, ['server/cli/user.ts', 'list'], { env });
    expect(listed.stdout).toContain('cli@example.test');
    expect(listed.stdout).not.toContain('chief');

    const { url } = await startMain({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dir, LOG_LEVEL: 'info' });
    expect(await signIn(url, 'cli@example.test', 'a long password')).toMatch(/^galley_session=/);
    expect(fs.existsSync(path.join(dir, 'galley.db'))).toBe(true);
  }, 60_000);

  it('refuses to start with a bad configuration, naming the variable', async () => {
    const failed = await run(TSX, ['server/main.ts'], { env: { ...process.env, PORT: 'many', DATA_DIR: dataDir() } }).catch((e: { code: number; stderr: string }) => e);
    expect(failed).toMatchObject({ code: 1 });
    expect((failed as { stderr: string }).stderr).toContain('PORT');
  }, 30_000);

  it('shuts down cleanly on SIGTERM', async () => {
    const { child } = await startMain({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir() });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 30_000);
});
