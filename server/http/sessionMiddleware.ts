import type { NextFunction, Request, Response } from 'express';
import { GalleyError } from '../../shared/errors';
import { type Action, can } from '../../shared/roles';
import { sessionIdFromCookieHeader, userForSession } from '../auth/sessions';
import type { Store, UserRecord } from '../persistence/Store';

declare global {
  namespace Express {
    interface Locals {
      user?: UserRecord;
      sessionId?: string;
    }
  }
}

/** Resolves the session cookie to a user for every /api request. */
export function loadSession(store: Store) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const sessionId = sessionIdFromCookieHeader(req.headers.cookie);
    res.locals.sessionId = sessionId;
    res.locals.user = await userForSession(store, sessionId);
    next();
  };
}

export function currentUser(res: Response): UserRecord {
  if (!res.locals.user) throw new GalleyError('unauthenticated', 'Sign in first');
  return res.locals.user;
}

/** The signed-in user, if their role allows `action`; else 401/403. */
export function authorize(res: Response, action: Action): UserRecord {
  const user = currentUser(res);
  if (!can(user.role, action)) throw new GalleyError('forbidden', `Your role (${user.role}) may not do this`);
  return user;
}
