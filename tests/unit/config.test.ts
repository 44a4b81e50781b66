import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config';

describe('loadConfig', () => {
  it('works out of the box with documented defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      logLevel: 'info',
      idleUnloadMs: 30_000,
      publicUrl: undefined,
      deadConnectionMs: 5_000,
    });
    expect(config.dataDir).toBe(path.resolve('./data'));
    expect(config.sessionTtlMs).toBe(720 * 3_600_000);
  });

  it('takes PORT, HOST and DATA_DIR from the environment', () => {
    const config = loadConfig({ PORT: '8080', HOST: '0.0.0.0', DATA_DIR: '/tmp/galley-x', PUBLIC_URL: 'https://news.example.com/' });
    expect(config).toMatchObject({ port: 8080, host: '0.0.0.0', dataDir: '/tmp/galley-x', publicUrl: 'https://news.example.com' });
  });

  it('names every bad variable at once', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', LOG_LEVEL: 'loud', PUBLIC_URL: 'not a url' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain('PORT');
    expect(message).toContain('LOG_LEVEL');
    expect(message).toContain('PUBLIC_URL');
  });

  it('hashes passwords at production’s cost unless told otherwise, may raise it, and lowers it only for the test suite', () => {
    expect(loadConfig({}).passwordHashCost).toBe(15);
    expect(loadConfig({ PASSWORD_HASH_COST: '16' }).passwordHashCost).toBe(16);
    expect(() => loadConfig({ PASSWORD_HASH_COST: '18' })).toThrow(/PASSWORD_HASH_COST/);
    for (const NODE_ENV of [undefined, 'production', 'development']) {
      expect(() => loadConfig({ PASSWORD_HASH_COST: '14', NODE_ENV })).toThrow(
        /PASSWORD_HASH_COST: may be below 15 only with NODE_ENV=test/,
      );
    }
    expect(loadConfig({ PASSWORD_HASH_COST: '4', NODE_ENV: 'test' }).passwordHashCost).toBe(4);
    expect(() => loadConfig({ PASSWORD_HASH_COST: '3', NODE_ENV: 'test' })).toThrow(/PASSWORD_HASH_COST/);
  });

  it('refuses out-of-range ports', () => {
    expect(() => loadConfig({ PORT: '70000' })).toThrow(/PORT/);
  });

  it('refuses a dead-connection time too short to survive a slow network, or too long to be presence', () => {
    expect(() => loadConfig({ DEAD_CONNECTION_MS: '500' })).toThrow(/DEAD_CONNECTION_MS/);
    expect(() => loadConfig({ DEAD_CONNECTION_MS: '600000' })).toThrow(/DEAD_CONNECTION_MS/);
    expect(loadConfig({ DEAD_CONNECTION_MS: '10000' }).deadConnectionMs).toBe(10_000);
  });

  it('selects Postgres and Redis only when asked, and needs a shared secret for several processes', () => {
    expect(loadConfig({})).toMatchObject({ databaseUrl: undefined, redisUrl: undefined });
    const secret = 'x'.repeat(32);
    const config = loadConfig({
      DATABASE_URL: 'postgres://galley@db:5432/galley',
      REDIS_URL: 'redis://cache:6379',
      SESSION_SECRET: secret,
    });
    expect(config).toMatchObject({
      databaseUrl: 'postgres://galley@db:5432/galley',
      redisUrl: 'redis://cache:6379',
      sessionSecret: secret,
    });
    expect(() => loadConfig({ DATABASE_URL: 'postgres://galley@db:5432/galley' })).toThrow(/SESSION_SECRET: is required with DATABASE_URL/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://db/galley', SESSION_SECRET: secret })).toThrow(/DATABASE_URL/);
    expect(() => loadConfig({ REDIS_URL: 'http://cache' })).toThrow(/REDIS_URL/);
  });

  it('sends no email without SMTP_URL, and checks SMTP_URL and SMTP_FROM when given', () => {
    expect(loadConfig({}).email).toBeNull();
    expect(loadConfig({ SMTP_URL: 'smtp://mail.example.com:587', SMTP_FROM: 'Desk <desk@example.com>' }).email).toEqual({
      smtpUrl: 'smtp://mail.example.com:587',
      from: 'Desk <desk@example.com>',
      retryMs: 60_000,
    });
    expect(() => loadConfig({ SMTP_URL: 'http://mail.example.com' })).toThrow(/SMTP_URL/);
    expect(() => loadConfig({ SMTP_URL: 'smtp://mail.example.com', SMTP_FROM: 'Desk\r\nBcc: everyone@example.com' })).toThrow(/SMTP_FROM/);
    expect(() => loadConfig({ SMTP_URL: 'smtp://mail.example.com', SMTP_RETRY_MS: '5' })).toThrow(/SMTP_RETRY_MS/);
  });

  it('keeps the Trash 30 days by default, and refuses a retention or sweep interval out of range', () => {
    expect(loadConfig({}).trash).toEqual({ retentionDays: 30, sweepMs: 3_600_000 });
    expect(loadConfig({ TRASH_RETENTION_DAYS: '7', TRASH_SWEEP_MS: '60000' }).trash).toEqual({ retentionDays: 7, sweepMs: 60_000 });
    for (const days of ['0', '1.5', '3651', 'soon'])
      expect(() => loadConfig({ TRASH_RETENTION_DAYS: days })).toThrow(/TRASH_RETENTION_DAYS/);
    expect(() => loadConfig({ TRASH_SWEEP_MS: '10' })).toThrow(/TRASH_SWEEP_MS/);
  });
  it('retries webhooks from 30 s, gives each attempt 10 s, refuses private addresses unless told, and checks each', () => {
    expect(loadConfig({}).webhooks).toEqual({ retryBaseMs: 30_000, timeoutMs: 10_000, allowPrivate: false });
    expect(loadConfig({ WEBHOOK_RETRY_BASE_MS: '50', WEBHOOK_TIMEOUT_MS: '2000', WEBHOOK_ALLOW_PRIVATE: '1' }).webhooks).toEqual({
      retryBaseMs: 50,
      timeoutMs: 2000,
      allowPrivate: true,
    });
    expect(() => loadConfig({ WEBHOOK_RETRY_BASE_MS: '5' })).toThrow(/WEBHOOK_RETRY_BASE_MS/);
    expect(() => loadConfig({ WEBHOOK_TIMEOUT_MS: '600000' })).toThrow(/WEBHOOK_TIMEOUT_MS/);
    expect(() => loadConfig({ WEBHOOK_ALLOW_PRIVATE: 'yes' })).toThrow(/WEBHOOK_ALLOW_PRIVATE/);
  });
});
