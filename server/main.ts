import { createApp } from './app';
import { loadServerSecret } from './auth/serverSecret';
import { connectCluster } from './cluster/redisCluster';
import { ConfigError, loadConfig } from './config';
import { createLogger } from './logger';
import { openStore } from './persistence/openStore';

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
  const log = createLogger(config.logLevel);
  const store = await openStore(config, { forServer: true });
  const cluster = config.redisUrl ? await connectCluster(config.redisUrl, log) : undefined;
  const app = createApp(config, { store, log, cluster, secret: loadServerSecret(config.dataDir, config.sessionSecret) });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    await app.close();
    await cluster?.close();
    await store.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  await new Promise<void>((resolve, reject) => {
    app.httpServer.once('error', reject);
    app.httpServer.listen(config.port, config.host, resolve);
  });
  const address = app.httpServer.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const storage = config.databaseUrl ? 'postgres' : 'sqlite';
  log.info({ port, host: config.host, storage, dataDir: config.dataDir, cluster: Boolean(cluster) }, `Galley is running at http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}`);
}

await main();
