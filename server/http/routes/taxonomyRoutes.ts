import { randomUUID } from 'node:crypto';
import express, { type Request } from 'express';
import { GalleyError } from '../../../shared/errors';
import {
  TAXONOMY_KINDS,
  TERM_LABELS,
  TERM_LIMITS,
  type TaxonomyKind,
  type TermAnswer,
  TermIdParam,
  type TermList,
  termBody,
  termKey,
} from '../../../shared/taxonomy';
import { renameInStories } from '../../documents/termRename';
import { authorize, noBody } from '../sessionMiddleware';
import { validate } from '../validate';
import type { ApiDeps } from './apiDeps';

/**
 * The newsroom's lists of sections and tags (docs/api.md#sections-and-tags), the same four routes for
 * each: everyone who reads stories reads the lists (the Planning panel and the filters pick from them);
 * editors and admins change them. A rename carries the stories with it; a removal leaves them as they are.
 */
export function taxonomyRoutes(deps: ApiDeps): express.Router {
  const router = express.Router();
  for (const kind of TAXONOMY_KINDS) termRoutes(router, deps, kind);
  return router;
}

function termRoutes(router: express.Router, deps: ApiDeps, kind: TaxonomyKind): void {
  const { store } = deps;
  const body = termBody(kind);
  const { one } = TERM_LABELS[kind];

  router.get(`/${kind}`, noBody, async (_req, res) => {
    authorize(res, 'story:read');
    res.json({ terms: await store.listTerms(kind) } satisfies TermList);
  });

  router.post(`/${kind}`, async (req, res) => {
    authorize(res, 'taxonomy:manage');
    const { name } = validate(body, req.body);
    const term = { id: randomUUID(), kind, name, key: termKey(name), createdAt: new Date().toISOString() };
    const added = await store.addTerm(term, TERM_LIMITS[kind].max);
    if (added === 'taken') throw taken(one, name);
    if (added === 'full') throw new GalleyError('invalid', `The list holds at most ${TERM_LIMITS[kind].max}: remove one first`);
    res.status(201).json({ term: { id: term.id, name } } satisfies TermAnswer);
  });

  router.patch(`/${kind}/:id`, async (req: Request, res) => {
    authorize(res, 'taxonomy:manage');
    const id = validate(TermIdParam, req.params.id);
    const { name } = validate(body, req.body);
    const renamed = await store.renameTerm(kind, id, name, termKey(name));
    if (renamed === 'missing') throw new GalleyError('not_found', `No such ${one}`);
    if (renamed === 'taken') throw taken(one, name);
    const storiesMoved = renamed.before === name ? 0 : await renameInStories(deps, kind, renamed.before, name);
    res.json({ term: { id, name }, storiesMoved } satisfies TermAnswer);
  });

  router.delete(`/${kind}/:id`, noBody, async (req: Request, res) => {
    authorize(res, 'taxonomy:manage');
    const id = validate(TermIdParam, req.params.id);
    if (!(await store.removeTerm(kind, id))) throw new GalleyError('not_found', `No such ${one}`);
    res.status(204).end();
  });
}

const taken = (one: string, name: string) =>
  new GalleyError('conflict', `There is a ${one} named “${name}” already`, { name: `There is a ${one} with this name already` });
