import express from 'express';
import { CreateUserBody, UpdateUserBody, UserIdParam } from '../../../shared/api';
import { createAccount, toAccountSummary, updateAccount } from '../../auth/accounts';
import type { ApiDeps } from './apiDeps';
import { authorize, noBody } from '../sessionMiddleware';
import { validate } from '../validate';

/** Account administration (admins). Changes reach the user's open sockets at once. */
export function accountRoutes(deps: ApiDeps): express.Router {
  const { store, access } = deps;
  const router = express.Router();

  router.get('/users', noBody, async (_req, res) => {
    authorize(res, 'users:manage');
    res.json({ users: (await store.listUsers()).map(toAccountSummary) });
  });

  router.post('/users', async (req, res) => {
    authorize(res, 'users:manage');
    const user = await createAccount(store, validate(CreateUserBody, req.body));
    res.status(201).json({ user: toAccountSummary(user) });
  });

  router.patch('/users/:id', async (req, res) => {
    authorize(res, 'users:manage');
    const user = await updateAccount(store, validate(UserIdParam, req.params.id), validate(UpdateUserBody, req.body));
    access.changed(user.id);
    res.json({ user: toAccountSummary(user) });
  });

  /** Ends every session of the account (e.g. a lost laptop). */
  router.delete('/users/:id/sessions', noBody, async (req, res) => {
    authorize(res, 'users:manage');
    const id = validate(UserIdParam, req.params.id);
    await store.deleteUserSessions(id);
    access.changed(id);
    res.status(204).end();
  });

  return router;
}
