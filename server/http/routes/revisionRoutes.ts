import express, { type Request } from 'express';
import { RevisionNumberParam, StoryIdParam, type RevisionDetail, type RevisionDiff } from '../../../shared/api';
import { GalleyError } from '../../../shared/errors';
import { revisionDiff } from '../../publishing/revisionDiff';
import { storyContent } from '../../publishing/storyContent';
import { findStory } from '../../workflow/findStory';
import { revisionContent } from '../../workflow/revisionContent';
import { versionSummaries } from '../../workflow/versionSummaries';
import type { ApiDeps } from './apiDeps';
import { authorize, noBody } from '../sessionMiddleware';
import { validate } from '../validate';
import { versionRoutes } from './versionRoutes';

/**
 * A story's history: every version (publications, named and automatic versions) as it was,
 * and how the draft (or another version) differs from it.
 */
export function revisionRoutes(deps: ApiDeps): express.Router {
  const { store, registry } = deps;
  const router = express.Router();

  const findRevision = async (req: Request, param: 'number' | 'to' = 'number') => {
    const story = await findStory(store, validate(StoryIdParam, req.params.id));
    const revision = await store.getRevision(story.id, validate(RevisionNumberParam, req.params[param]));
    if (!revision) throw new GalleyError('not_found', 'No such revision');
    return revision;
  };

  router.get('/stories/:id/revisions', noBody, async (req, res) => {
    authorize(res, 'story:read');
    const story = await findStory(store, validate(StoryIdParam, req.params.id));
    res.json({ revisions: (await versionSummaries(store, await store.listRevisions(story.id))).reverse() });
  });

  router.get('/stories/:id/revisions/:number', noBody, async (req, res) => {
    authorize(res, 'story:read');
    const r = await findRevision(req);
    const [summary] = await versionSummaries(store, [r]);
    const revision: RevisionDetail = {
      ...summary,
      standfirst: r.standfirst,
      byline: r.byline,
      bodyHtml: r.bodyHtml,
      content: revisionContent(r),
      docState: Buffer.from(r.docState).toString('base64'),
    };
    res.json({ revision });
  });

  router.get('/stories/:id/revisions/:number/diff', noBody, async (req, res) => {
    authorize(res, 'story:read');
    const revision = await findRevision(req);
    const fields = await registry.withDocument(revision.storyId, ({ doc }) => revisionDiff(revisionContent(revision), storyContent(doc)));
    res.json({ from: revision.number, to: null, fields } satisfies RevisionDiff);
  });

  // Two revisions: how the story changed from one publication to another.
  router.get('/stories/:id/revisions/:number/diff/:to', noBody, async (req, res) => {
    authorize(res, 'story:read');
    const [from, to] = await Promise.all([findRevision(req), findRevision(req, 'to')]);
    const fields = revisionDiff(revisionContent(from), revisionContent(to));
    res.json({ from: from.number, to: to.number, fields } satisfies RevisionDiff);
  });

  router.use(versionRoutes(deps));
  return router;
}
