import express, { type Request, type Response } from 'express';
import { ChangePasswordBody, SetupBody, SignInBody } from '../../../shared/api';
import { GalleyError } from '../../../shared/errors';
import { changePassword, createFirstAdmin, toPublicUser } from '../../auth/accounts';
import { SESSION_COOKIE } from '../../auth/Authenticator';
import { dummyHash, verifyPassword } from '../../auth/passwords';
import type { UserRecord } from '../../persistence/Store';
import type { ApiDeps } from './apiDeps';
import { currentUser, noBody, requireSession } from '../sessionMiddleware';
import { validate } from '../validate';

/** First-run setup, sign-in and sign-out, password change. */
export function sessionRoutes(deps: ApiDeps): express.Router {
  const { store, auth, access, throttle } = deps;
  const router = express.Router();

  const signIn = async (req: Request, res: Response, user: UserRecord) => {
    // A fresh session id on every sign-in, and the one the browser sent (if any) ended: no fixation.
    await auth.endSession(res.locals.sessionId);
    const session = await auth.startSession(user.id);
    res.cookie(SESSION_COOKIE, session.id, { httpOnly: true, sameSite: 'lax', secure: req.secure, expires: session.expiresAt, path: '/' });
  };

  router.get('/setup', noBody, async (_req, res) => {
    res.json({ needsSetup: (await store.countUsers()) === 0 });
  });

  router.post('/setup', async (req, res) => {
    const user = await createFirstAdmin(store, validate(SetupBody, req.body));
    await signIn(req, res, user);
    res.status(201).json({ user: toPublicUser(user) });
  });

  router.get('/session', noBody, (_req, res) => {
    res.json({ user: toPublicUser(currentUser(res)) });
  });

  router.post('/session', async (req, res) => {
    const { email, password } = validate(SignInBody, req.body);
    const ip = req.socket.remoteAddress ?? 'unknown';
    await throttle.check(email, ip);
    const user = await store.getUserByEmail(email);
    // Same work and same answer whether the email is unknown, the password wrong or the account deactivated.
    const ok = await verifyPassword(password, user?.passwordHash ?? (await dummyHash()));
    if (!user || !ok || user.deactivatedAt) {
      await throttle.failed(email, ip);
      throw new GalleyError('unauthenticated', 'Email or password is incorrect');
    }
    await throttle.succeeded(email);
    await signIn(req, res, user);
    res.json({ user: toPublicUser(user) });
  });

  router.delete('/session', noBody, async (_req, res) => {
    const user = res.locals.principal?.user;
    await auth.endSession(res.locals.sessionId);
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    if (user) access.changed(user.id);
    res.status(204).end();
  });

  /** Sign out everywhere: every session of this user, this one included. */
  router.delete('/sessions', noBody, async (_req, res) => {
    const { user } = requireSession(res);
    await store.deleteUserSessions(user.id);
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    access.changed(user.id);
    res.status(204).end();
  });

  /** Changes the password and ends every other session of the account. */
  router.put('/session/password', async (req, res) => {
    const principal = requireSession(res);
    await changePassword(store, principal.user, validate(ChangePasswordBody, req.body));
    await store.deleteUserSessions(principal.user.id, principal.credentialHash);
    access.changed(principal.user.id);
    res.status(204).end();
  });

  return router;
}
