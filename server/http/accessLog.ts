import type { NextFunction, Request, Response } from 'express';
import { pinoHttp } from 'pino-http';
import type { Logger } from '../logger';

declare global {
  // Express types res.locals through its global namespace; augmenting it is the documented way.
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Locals {
      /** Set for the app's own files (the shell and its assets): logged at debug, not info. */
      quietAccessLog?: boolean;
    }
  }
}

/**
 * The HTTP access log (pino-http): one line per request when its answer is sent, with the method, the
 * path (never the query string), the status, the response time in ms and the signed-in user's id.
 * Headers are left out, so cookies and Authorization never reach it (and the logger redacts them anyway).
 * Socket.IO and /yjs do not pass through Express: their connections are logged by the transport.
 */
export function accessLog(log: Logger) {
  return pinoHttp<Request, Response>({
    logger: log,
    serializers: {
      req: (req: { method: string; url: string }) => ({ method: req.method, url: withoutQuery(req.url) }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    customProps: (_req, res) => ({ userId: res.locals.principal?.user.id }),
    customLogLevel: (_req, res, error) => {
      if (error || res.statusCode >= 500) return 'error';
      return res.locals.quietAccessLog ? 'debug' : 'info';
    },
  });
}

/** For the routers that serve the app's files: their requests are logged at debug, keeping the log to what people did. */
export function quietAccessLog(_req: Request, res: Response, next: NextFunction): void {
  res.locals.quietAccessLog = true;
  next();
}

function withoutQuery(url: string): string {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}
