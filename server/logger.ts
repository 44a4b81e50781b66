import { pino, type Logger } from 'pino';
import type { Config } from './config';

export type { Logger };

export function createLogger(level: Config['logLevel']): Logger {
  return pino({
    level,
    // Secrets never reach the log, even if a future call site passes them.
    redact: ['password', '*.password', 'passwordHash', '*.passwordHash', 'token', 'cookie', 'req.headers.cookie'],
  });
}
