import express from 'express';
import { CreateTokenBody, TokenIdParam, type TokenSummary } from '../../../shared/api';
import { GalleyError } from '../../../shared/errors';
import type { TokenRecord } from '../../persistence/Store';
import type { ApiDeps } from './apiDeps';
import { currentUser, noBody, requireSession } from '../sessionMiddleware';
import { validate } from '../validate';

const toSummary = ({ id, name, scope, createdAt, lastUsedAt, revokedAt }: TokenRecord): TokenSummary => ({
  id,
  name,
  scope,
  createdAt,
  lastUsedAt,
  revokedAt,
});

/** Personal API tokens: created and revoked by a signed-in person, shown once. */
export function tokenRoutes(deps: ApiDeps): express.Router {
  const { store, auth, access } = deps;
  const router = express.Router();

  router.get('/tokens', noBody, async (_req, res) => {
    const user = currentUser(res);
    res.json({ tokens: (await store.listTokens(user.id)).map(toSummary) });
  });

  router.post('/tokens', async (req, res) => {
    const { user } = requireSession(res);
    const { name, scope } = validate(CreateTokenBody, req.body);
    const { token, record } = await auth.createToken(user.id, name, scope);
    res.status(201).json({ token, summary: toSummary(record) });
  });

  router.delete('/tokens/:id', noBody, async (req, res) => {
    const user = currentUser(res);
    if (!(await store.revokeToken(validate(TokenIdParam, req.params.id), user.id, new Date().toISOString()))) {
      throw new GalleyError('not_found', 'No such active token');
    }
    access.changed(user.id);
    res.status(204).end();
  });

  return router;
}
