import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { clientBuildIsStale } from '../../scripts/clientBuild';

let root: string;
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

function write(file: string, secondsAgo: number) {
  const full = path.join(root, file);
  fs.mkdirSync(path.dirname(full), { recursive: true });
  fs.writeFileSync(full, 'x');
  const when = new Date(Date.now() - secondsAgo * 1000);
  fs.utimesSync(full, when, when);
}

describe('npm start’s client build check', () => {
  it('builds when there is no build yet', () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'galley-build-'));
    write('client/main.ts', 100);
    expect(clientBuildIsStale(root)).toBe(true);
  });

  it('builds when a client or shared source is newer than the build, and not otherwise', () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'galley-build-'));
    write('client/pages/Newsroom.svelte', 100);
    write('shared/story.ts', 100);
    write('dist/client/index.html', 50);
    for (const dir of ['client', 'client/pages', 'shared', 'dist', 'dist/client']) {
      const old = new Date(Date.now() - 100_000);
      fs.utimesSync(path.join(root, dir), old, old);
    }
    expect(clientBuildIsStale(root)).toBe(false);
    write('shared/story.ts', 10);
    expect(clientBuildIsStale(root)).toBe(true);
  });

  it('builds when the build’s configuration or the client’s compiler options change', () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'galley-build-'));
    const sources = ['client/main.ts', 'vite.config.ts', 'tsconfig.base.json', 'tsconfig.client.json'];
    for (const source of sources) write(source, 100);
    // The server's compiler options do not change the client's build.
    write('tsconfig.server.json', 10);
    write('dist/client/index.html', 50);
    for (const dir of ['client', 'dist', 'dist/client']) {
      const old = new Date(Date.now() - 100_000);
      fs.utimesSync(path.join(root, dir), old, old);
    }
    expect(clientBuildIsStale(root)).toBe(false);
    for (const source of sources.slice(1)) {
      write(source, 10);
      expect(clientBuildIsStale(root), source).toBe(true);
      write(source, 100);
    }
  });
});
