import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { killAllServerProcesses, startServerProcess } from '../helpers/serverProcess';
import { signIn, tempDataDir } from '../helpers/testServer';

const run = promisify(execFile);
const TSX = path.resolve('node_modules/.bin/tsx');
let dirs: string[] = [];

afterEach(() => {
  killAllServerProcesses();
  dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true }));
  dirs = [];
});

function dataDir() {
  const dir = tempDataDir();
  dirs.push(dir);
  return dir;
}

describe('the server process and the user command', () => {
  it('adds accounts from the command line that can then sign in to the server', async () => {
    const dir = dataDir();
    const env = { ...process.env, DATA_DIR: dir };
    const user = (...args: string[]) => run(TSX, ['server/cli/user.ts', ...args], { env });
    const failed = (e: { code: number; stdout: string; stderr: string }) => e;
    const database = path.join(dir, 'galley.db');
    const add = ['add', '--email', 'Cli@Example.test', '--name', 'Cli User', '--role', 'editor', '--password', 'a long password'];

    // No store there yet: it never makes a new, empty one (the account would be where no server looks)…
    const refused = await user(...add).catch(failed);
    expect(refused).toMatchObject({ code: 1 });
    expect(refused.stderr).toContain(`SQLite at ${database}`);
    expect(refused.stderr).toMatch(/DATA_DIR/);
    expect(refused.stderr).toMatch(/--init/);
    expect(fs.existsSync(database)).toBe(false);
    // …unless told to, for a set-up that creates the first account before the server first starts.
    const added = await user(...add, '--init');
    expect(added.stdout).toContain('Added editor Cli User <cli@example.test>');
    expect(added.stderr).toContain(`SQLite at ${database}`);
    expect(fs.existsSync(database)).toBe(true);

    const invalid = await user('add', '--email', 'bad', '--name', 'X', '--role', 'chief', '--password', 'pw').catch(failed);
    expect(invalid).toMatchObject({ code: 1 });
    expect(invalid.stderr).toMatch(/email|role/i);
    const listed = await user('list');
    expect(listed.stdout).toContain('cli@example.test');
    expect(listed.stdout).not.toContain('chief');
    expect(listed.stderr).toContain(`SQLite at ${database}`);

    const { url } = await startServerProcess({ DATA_DIR: dir });
    expect(await signIn(url, 'cli@example.test', 'a long password')).toMatch(/^galley_session=/);
  }, 60_000);

  it('refuses to start with a bad configuration, naming the variable', async () => {
    const failed = await run(TSX, ['server/main.ts'], { env: { ...process.env, PORT: 'many', DATA_DIR: dataDir() } }).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect(failed).toMatchObject({ code: 1 });
    expect((failed as { stderr: string }).stderr).toContain('PORT');
  }, 30_000);

  it('shuts down cleanly on SIGTERM', async () => {
    const { child } = await startServerProcess({ DATA_DIR: dataDir() });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 30_000);
});
