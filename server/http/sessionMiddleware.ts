import type { NextFunction, Request, Response } from 'express';
import { NoBody, NoQuery } from '../../shared/api';
import { GalleyError } from '../../shared/errors';
import { type Action, can } from '../../shared/roles';
import { type Authenticator, type Principal, sessionIdFromCookieHeader } from '../auth/Authenticator';
import type { UserRecord } from '../persistence/Store';
import { originAllowed } from './originPolicy';
import { validate } from './validate';

declare global {
  // Express types res.locals through its global namespace; augmenting it is the documented way.
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Locals {
      principal?: Principal;
      /** The raw session cookie sent, valid or not (ended at sign-in: no fixation). */
      sessionId?: string;
    }
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Resolves the session cookie or bearer token of every /api request. */
export function loadPrincipal(auth: Authenticator) {
  return async (req: Request, res: Response, next: NextFunction) => {
    res.locals.sessionId = sessionIdFromCookieHeader(req.headers.cookie);
    res.locals.principal = await auth.authenticate({ cookie: req.headers.cookie, authorization: req.headers.authorization });
    next();
  };
}

/** Refuses state-changing requests from other sites (CSRF). */
export function sameOriginWrites(allowedOrigins: readonly string[]) {
  return (req: Request, _res: Response, next: NextFunction) => {
    if (!SAFE_METHODS.has(req.method) && !originAllowed(req, allowedOrigins)) {
      throw new GalleyError('forbidden', 'Cross-site request refused');
    }
    next();
  };
}

/** For routes that take no body: any field sent is unknown, and refused. */
export function noBody(req: Request, _res: Response, next: NextFunction) {
  validate(NoBody, req.body);
  next();
}

/** Our routes take no query strings: unknown fields are refused, as in bodies. */
export function noQuery(req: Request, _res: Response, next: NextFunction) {
  validate(NoQuery, req.query);
  next();
}

function currentPrincipal(res: Response): Principal {
  if (!res.locals.principal) throw new GalleyError('unauthenticated', 'Sign in first');
  return res.locals.principal;
}

export function currentUser(res: Response): UserRecord {
  return currentPrincipal(res).user;
}

/** The signed-in user, if their role allows `action`; else 401/403. */
export function authorize(res: Response, action: Action): UserRecord {
  const user = currentUser(res);
  if (!can(user.role, action)) throw new GalleyError('forbidden', `Your role (${user.role}) may not do this`);
  return user;
}

/** Account changes need a person at a browser, not a script's token. */
export function requireSession(res: Response): Principal & { via: 'session' } {
  const principal = currentPrincipal(res);
  if (principal.via !== 'session') throw new GalleyError('forbidden', 'Sign in with your password to do this; API tokens may not');
  return principal;
}
