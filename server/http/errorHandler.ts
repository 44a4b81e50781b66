import type { NextFunction, Request, Response } from 'express';
import { ErrorCode, GalleyError, HTTP_STATUS } from '../../shared/errors';
import type { Logger } from '../logger';

/** The one place HTTP errors become answers: `{ error: { code, message, fields? } }`. */
export function errorHandler(log: Logger) {
  return (error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const known = toGalleyError(error);
    if (!known) log.error({ err: error }, 'request failed');
    const body = (known ?? new GalleyError(ErrorCode.Internal, 'Something went wrong on the server')).toBody();
    if (!res.headersSent) res.status(HTTP_STATUS[body.code]).json({ error: body });
  };
}

/** Maps our errors, body-parser's (bad JSON, too large) and the static files' (missing) to Galley errors. */
function toGalleyError(error: unknown): GalleyError | undefined {
  if (error instanceof GalleyError) return error;
  const parserError = error as { type?: string; status?: number };
  if (parserError.type === 'entity.too.large') return new GalleyError('too_large', 'Request body is too large');
  if (parserError.type === 'entity.parse.failed') return new GalleyError('bad_request', 'Request body is not valid JSON');
  // A file the static middleware does not have (a stale asset name after a deploy): not found, not malformed.
  if (parserError.status === 404) return new GalleyError('not_found', 'Not found');
  if (parserError.status && parserError.status >= 400 && parserError.status < 500) {
    return new GalleyError('bad_request', 'Malformed request');
  }
  return undefined;
}
