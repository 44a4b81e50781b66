import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Role } from '../../shared/roles';
import { createAccount } from '../../server/auth/accounts';
import { configurePasswordHashing } from '../../server/auth/passwords';
import { loadServerSecret } from '../../server/auth/serverSecret';
import { type App, createApp } from '../../server/app';
import { loadConfig } from '../../server/config';
import { createLogger, type Logger } from '../../server/logger';
import { SqliteStore } from '../../server/persistence/sqlite/SqliteStore';
import type { Store } from '../../server/persistence/Store';
import { TEST_SERVER_ENV } from './testEnvironment';

export type TestServer = {
  url: string;
  port: number;
  dataDir: string;
  app: App;
  store: SqliteStore;
  /** Stops the server (flushing like a real shutdown); the data dir stays. */
  stop(): Promise<void>;
  /** Stops and deletes the data dir. */
  close(): Promise<void>;
};

export function tempDataDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'galley-test-'));
}

/** A real Galley server on a random loopback port (or `port`, to come back where clients expect it), with its own SQLite data dir. */
export async function startTestServer(
  options: {
    dataDir?: string;
    env?: Record<string, string>;
    wrapStore?: (store: Store) => Store;
    log?: Logger;
    port?: number;
    /** The built app to serve, if not dist/client. */
    clientDir?: string;
  } = {},
): Promise<TestServer> {
  const dataDir = options.dataDir ?? tempDataDir();
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...TEST_SERVER_ENV, ...options.env });
  configurePasswordHashing(config.passwordHashCost);
  const store = await SqliteStore.openForServer(dataDir);
  const app = createApp(config, {
    store: options.wrapStore ? options.wrapStore(store) : store,
    log: options.log ?? createLogger(config.logLevel),
    secret: loadServerSecret(dataDir, config.sessionSecret),
    clientDir: options.clientDir,
  });
  await new Promise<void>((resolve) => app.httpServer.listen(options.port ?? 0, '127.0.0.1', resolve));
  const port = (app.httpServer.address() as AddressInfo).port;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await app.close();
    await store.close();
  };
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    dataDir,
    app,
    store,
    stop,
    async close() {
      await stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export type TestUser = { id: string; email: string; password: string; name: string; role: Role; cookie: string };

let userCounter = 0;

/** Creates an account straight in the store, then signs in over HTTP for a real session cookie. */
export async function createUser(server: TestServer, role: Role, name?: string): Promise<TestUser> {
  userCounter++;
  const email = `${role}${userCounter}@example.test`;
  const password = `correct horse ${userCounter}`;
  const displayName = name ?? `${role[0].toUpperCase()}${role.slice(1)} ${userCounter}`;
  const user = await createAccount(server.store, { email, name: displayName, role, password });
  const cookie = await signIn(server.url, email, password);
  return { id: user.id, email, password, name: displayName, role, cookie };
}

export async function signIn(url: string, email: string, password: string): Promise<string> {
  const res = await fetch(`${url}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (res.status !== 200) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
  const setCookie = res.headers.get('set-cookie');
  if (!setCookie) throw new Error('no session cookie');
  return setCookie.split(';')[0];
}
