/**
 * `npm start` runs the server as built JavaScript (scripts/serverBuild.ts), not through tsx: this builds the
 * bundle and runs it under plain node as its own process, then uses it for real. An edit over Socket.IO is
 * acknowledged only once the update appender's worker thread (a second bundle, loaded by file name) has
 * committed it, and survives a SIGKILL; the public stylesheet and pages are found from the project root,
 * not from the bundle's folder.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount } from '../../server/auth/accounts';
import { SqliteStore } from '../../server/persistence/sqlite/SqliteStore';
import { buildServer, SERVER_BUNDLE } from '../../scripts/serverBuild';
import { connectClient, createStory, setParagraphs, storedDoc } from '../helpers/clients';
import { killAllServerProcesses, type ServerProcess, startServerProcess } from '../helpers/serverProcess';
import { signIn, tempDataDir, type TestUser } from '../helpers/testServer';

const dataDir = tempDataDir();
let server: ServerProcess;

beforeAll(async () => {
  await buildServer();
  const setup = SqliteStore.open(dataDir);
  await createAccount(setup, { email: 'built@example.test', name: 'Bea Built', role: 'editor', password: 'long enough password' });
  await setup.close();
  server = await startServerProcess({ DATA_DIR: dataDir }, 60_000, [SERVER_BUNDLE]);
}, 120_000);

afterAll(() => {
  killAllServerProcesses();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('the built server', () => {
  it('is what npm start runs, under plain node', () => {
    const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.start).toMatch(/&& node (--enable-source-maps )?dist\/server\/main\.js$/);
  });

  it('keeps an acknowledged edit through a SIGKILL (the appender thread runs from the bundle)', async () => {
    const user = { cookie: await signIn(server.url, 'built@example.test', 'long enough password') } as TestUser;
    const storyId = await createStory(server, user);
    const client = await connectClient(server, user, storyId);
    setParagraphs(client.doc, 'headline', ['Built and shipped']);
    await client.provider.whenSaved();
    client.close();
    await server.kill();
    const disk = SqliteStore.open(dataDir);
    try {
      expect((await storedDoc(disk, storyId)).getXmlFragment('headline').toString()).toContain('Built and shipped');
    } finally {
      await disk.close();
    }
    server = await startServerProcess({ DATA_DIR: dataDir }, 60_000, [SERVER_BUNDLE]);
  }, 60_000);

  it('serves the public stylesheet and pages, found from the project root', async () => {
    const css = await fetch(`${server.url}/public/story.css`);
    expect(css.status).toBe(200);
    expect(await css.text()).toContain('.site-header');
    const index = await fetch(`${server.url}/stories`);
    expect(index.status).toBe(200);
    expect(await index.text()).toContain('<h1>Stories</h1>');
  });
});
