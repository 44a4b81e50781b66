import path from 'node:path';
import { z } from 'zod';
import { PASSWORD_HASH_COST } from './auth/passwords';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const EnvSchema = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HOST: z.string().min(1).default('127.0.0.1'),
    DATA_DIR: z.string().min(1).default('./data'),
    LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
    PUBLIC_URL: z.url().optional(),
    SESSION_TTL_HOURS: z.coerce
      .number()
      .positive()
      .default(24 * 30),
    IDLE_UNLOAD_MS: z.coerce.number().int().min(0).default(30_000),
    COMPACT_AFTER_UPDATES: z.coerce.number().int().min(1).default(500),
    COMPACT_AFTER_BYTES: z.coerce.number().int().min(1).default(1_048_576),
    SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    ALLOWED_ORIGINS: z
      .string()
      .optional()
      .transform((v, ctx) => {
        const origins = (v ?? '')
          .split(',')
          .map((o) => o.trim())
          .filter(Boolean);
        for (const origin of origins) {
          if (!URL.canParse(origin) || new URL(origin).origin !== origin)
            ctx.addIssue({ code: 'custom', message: `${origin} is not an origin like https://news.example.com` });
        }
        return origins;
      }),
    SIGN_IN_FAILURES_PER_ACCOUNT: z.coerce.number().int().min(1).default(5),
    SIGN_IN_FAILURES_PER_IP: z.coerce.number().int().min(1).default(50),
    SYNC_MESSAGES_PER_SECOND: z.coerce.number().int().min(1).default(200),
    AWARENESS_MESSAGES_PER_SECOND: z.coerce.number().int().min(1).default(30),
    BAD_MESSAGES_PER_MINUTE: z.coerce.number().int().min(1).default(10),
    DATABASE_URL: z
      .url()
      .refine((url) => /^postgres(ql)?:\/\//.test(url), 'must be a postgres:// URL')
      .optional(),
    REDIS_URL: z
      .url()
      .refine((url) => /^rediss?:\/\//.test(url), 'must be a redis:// or rediss:// URL')
      .optional(),
    SCHEDULE_CHECK_MS: z.coerce.number().int().min(50).max(60_000).default(1000),
    DUE_SOON_CHECK_MS: z.coerce.number().int().min(50).max(3_600_000).default(60_000),
    DEAD_CONNECTION_MS: z.coerce.number().int().min(1000).max(120_000).default(5000),
    AUTO_VERSION_IDLE_MS: z.coerce.number().int().min(50).default(600_000),
    RECONNECT_SPREAD_MS: z.coerce.number().int().min(500).max(120_000).default(5_600),
    PASSWORD_HASH_COST: z.coerce
      .number()
      .int()
      .min(PASSWORD_HASH_COST.testMin)
      .max(PASSWORD_HASH_COST.max)
      .default(PASSWORD_HASH_COST.default),
    MEDIA_MAX_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .max(200 * 1024 * 1024)
      .default(20 * 1024 * 1024),
    MEDIA_MAX_PIXELS: z.coerce.number().int().min(10_000).max(500_000_000).default(50_000_000),
    SMTP_URL: z
      .url()
      .refine((url) => /^smtps?:\/\//.test(url), 'must be an smtp:// or smtps:// URL')
      .optional(),
    SMTP_FROM: z
      .string()
      .max(200)
      .regex(/^([^<>\r\n]*<[^<>@\s]+@[^<>\s]+>|[^<>@\s]+@[^<>\s]+)$/, 'must be an address, or a name and <address>')
      .default('Galley <galley@localhost>'),
    SMTP_RETRY_MS: z.coerce.number().int().min(100).max(3_600_000).default(60_000),
    TRASH_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
    TRASH_SWEEP_MS: z.coerce.number().int().min(1000).max(86_400_000).default(3_600_000),
    WEBHOOK_RETRY_BASE_MS: z.coerce.number().int().min(10).max(3_600_000).default(30_000),
    WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
    WEBHOOK_ALLOW_PRIVATE: z.enum(['0', '1']).default('0'),
    CONTENT_API_PUBLIC: z.enum(['true', 'false']).default('false'),
    NODE_ENV: z.string().optional(),
  })
  .superRefine((env, ctx) => {
    // Each process would otherwise generate its own key, and sessions made on one would fail on the others.
    if (env.DATABASE_URL && !env.SESSION_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['SESSION_SECRET'], message: 'is required with DATABASE_URL: every process must share it' });
    }
    // Cheaper hashes are cheaper to crack once stolen: only the test suite may have them.
    if (env.PASSWORD_HASH_COST < PASSWORD_HASH_COST.default && env.NODE_ENV !== 'test') {
      ctx.addIssue({
        code: 'custom',
        path: ['PASSWORD_HASH_COST'],
        message: `may be below ${PASSWORD_HASH_COST.default} only with NODE_ENV=test`,
      });
    }
  });

export type Config = {
  port: number;
  host: string;
  dataDir: string;
  logLevel: (typeof LOG_LEVELS)[number];
  /** Origin used in share links and canonical URLs; derived from the request when unset. */
  publicUrl: string | undefined;
  sessionTtlMs: number;
  /** How long a story with no connected clients stays in memory. */
  idleUnloadMs: number;
  /** The update log is folded into a snapshot once its tail passes either threshold. */
  compaction: { maxUpdates: number; maxBytes: number };
  /** Keys the HMAC of stored sessions and tokens; generated into the data dir when unset. */
  sessionSecret: string | undefined;
  /** Origins besides the server's own that may make state-changing requests and open sockets. */
  allowedOrigins: string[];
  /** Failed sign-ins allowed per 15 minutes before a lockout. */
  signIn: { failuresPerAccount: number; failuresPerIp: number };
  /** Per-connection inbound limits: faster senders are slowed; too many bad messages close the connection. */
  messageRates: { syncPerSecond: number; awarenessPerSecond: number; badPerMinute: number };
  /** How often each process looks for scheduled publications that are due. */
  scheduleCheckMs: number;
  /** How often each process looks for assigned stories due within the hour (their assignees are told once). */
  dueSoonCheckMs: number;
  /**
   * How long a Socket.IO connection may go silent before it counts as gone (its person leaves the
   * story for everyone): the heartbeat's interval plus its timeout.
   */
  deadConnectionMs: number;
  /** A story edited and then left alone this long gets an automatic version. */
  autoVersionIdleMs: number;
  /** After a restart, this server's clients come back spread evenly over this long (see ReconnectSpread). */
  reconnectPeriodMs: number;
  /** Postgres instead of SQLite: several processes can share it. */
  databaseUrl: string | undefined;
  /** Redis for messages between processes: Socket.IO rooms and the document relay. */
  redisUrl: string | undefined;
  /** scrypt cost (log2 N) of new password hashes; see server/auth/passwords.ts. */
  passwordHashCost: number;
  /** Uploads: the largest file, and the most pixels an image may decode to (all frames together). */
  media: { maxBytes: number; maxPixels: number };
  /** Notification emails over SMTP; null (SMTP_URL unset): no email at all. `retryMs`: the first retry's delay. */
  email: { smtpUrl: string; from: string; retryMs: number } | null;
  /** Stories stay in the Trash `retentionDays`, then each node's sweep (every `sweepMs`) purges them. */
  trash: { retentionDays: number; sweepMs: number };
  /**
   * Webhooks (docs/webhooks.md): the first retry's delay (doubling after each failure), each attempt's time
   * limit, and whether deliveries may go to private and loopback addresses (development and tests only).
   */
  webhooks: { retryBaseMs: number; timeoutMs: number; allowPrivate: boolean };
  /** The content API needs no credential (docs/distribution.md). */
  contentApiPublic: boolean;
};

export class ConfigError extends Error {}

/** Reads the environment once; fails naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(e.DATA_DIR),
    logLevel: e.LOG_LEVEL,
    publicUrl: e.PUBLIC_URL?.replace(/\/+$/, ''),
    sessionTtlMs: e.SESSION_TTL_HOURS * 3_600_000,
    idleUnloadMs: e.IDLE_UNLOAD_MS,
    compaction: { maxUpdates: e.COMPACT_AFTER_UPDATES, maxBytes: e.COMPACT_AFTER_BYTES },
    sessionSecret: e.SESSION_SECRET,
    signIn: { failuresPerAccount: e.SIGN_IN_FAILURES_PER_ACCOUNT, failuresPerIp: e.SIGN_IN_FAILURES_PER_IP },
    allowedOrigins: [...(e.PUBLIC_URL ? [new URL(e.PUBLIC_URL).origin] : []), ...e.ALLOWED_ORIGINS],
    messageRates: {
      syncPerSecond: e.SYNC_MESSAGES_PER_SECOND,
      awarenessPerSecond: e.AWARENESS_MESSAGES_PER_SECOND,
      badPerMinute: e.BAD_MESSAGES_PER_MINUTE,
    },
    scheduleCheckMs: e.SCHEDULE_CHECK_MS,
    dueSoonCheckMs: e.DUE_SOON_CHECK_MS,
    deadConnectionMs: e.DEAD_CONNECTION_MS,
    autoVersionIdleMs: e.AUTO_VERSION_IDLE_MS,
    reconnectPeriodMs: e.RECONNECT_SPREAD_MS,
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    passwordHashCost: e.PASSWORD_HASH_COST,
    media: { maxBytes: e.MEDIA_MAX_BYTES, maxPixels: e.MEDIA_MAX_PIXELS },
    email: e.SMTP_URL ? { smtpUrl: e.SMTP_URL, from: e.SMTP_FROM, retryMs: e.SMTP_RETRY_MS } : null,
    trash: { retentionDays: e.TRASH_RETENTION_DAYS, sweepMs: e.TRASH_SWEEP_MS },
    webhooks: { retryBaseMs: e.WEBHOOK_RETRY_BASE_MS, timeoutMs: e.WEBHOOK_TIMEOUT_MS, allowPrivate: e.WEBHOOK_ALLOW_PRIVATE === '1' },
    contentApiPublic: e.CONTENT_API_PUBLIC === 'true',
  };
}
