import { createApp } from './app';
import { configurePasswordHashing } from './auth/passwords';
import { loadServerSecret } from './auth/serverSecret';
import { connectCluster } from './cluster/redisCluster';
import { ConfigError, loadConfig } from './config';
import { installCrashPolicy } from './crashPolicy';
import { createLogger } from './logger';
import { openStore } from './persistence/openStore';

/** After an uncaught error, how long the clean shutdown may take before the process exits anyway. */
const CRASH_SHUTDOWN_DEADLINE_MS = 10_000;

/** The only place that reads the environment, listens and handles signals. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  configurePasswordHashing(config.passwordHashCost);
  const log = createLogger(config.logLevel);
  const store = await openStore(config, { forServer: true });
  const cluster = config.redisUrl ? await connectCluster(config.redisUrl, log) : undefined;
  const app = createApp(config, { store, log, cluster, secret: loadServerSecret(config.dataDir, config.sessionSecret) });

  let closing: Promise<void> | undefined;
  /** Closes everything once, whoever asks first: a signal or the crash policy. */
  const shutdown = () =>
    (closing ??= (async () => {
      await app.close();
      await cluster?.close();
      await store.close();
    })());
  const stop = async (signal: string) => {
    log.info({ signal }, 'shutting down');
    await shutdown();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  installCrashPolicy(process, {
    log,
    shutdown,
    context: () => ({ openStories: app.registry.size, connections: app.io.engine.clientsCount }),
    deadlineMs: CRASH_SHUTDOWN_DEADLINE_MS,
  });

  await new Promise<void>((resolve, reject) => {
    app.httpServer.once('error', reject);
    app.httpServer.listen(config.port, config.host, resolve);
  });
  const address = app.httpServer.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const storage = config.databaseUrl ? 'postgres' : 'sqlite';
  log.info(
    { port, host: config.host, storage, dataDir: config.dataDir, cluster: Boolean(cluster) },
    `Galley is running at http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}`,
  );
}

await main();
