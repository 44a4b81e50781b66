import { pino, type DestinationStream, type Logger } from 'pino';
import type { Config } from './config';

export type { Logger };

/** The process's logger: JSON lines on stdout, or on `destination` (tests read them). */
export function createLogger(level: Config['logLevel'], destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      // Secrets never reach the log, even if a future call site passes them: credentials in bodies, and
      // the request and response headers that carry them (what pino's standard req/res serializers write).
      redact: [
        'password',
        '*.password',
        'passwordHash',
        '*.passwordHash',
        'token',
        'cookie',
        'req.headers.cookie',
        'req.headers.authorization',
        'res.headers["set-cookie"]',
      ],
    },
    destination,
  );
}
