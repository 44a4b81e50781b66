import express from 'express';
import * as Y from 'yjs';
import {
  RevertAuthorBody,
  RevisionNumberParam,
  SaveVersionBody,
  StoryIdParam,
  type ChangedSince,
  type RevertResult,
} from '../../../shared/api';
import { GalleyError } from '../../../shared/errors';
import { findStory } from '../../workflow/findStory';
import { revertAuthorSince } from '../../workflow/selectiveRevert';
import { takeVersion } from '../../workflow/takeVersion';
import { authorsBetween } from '../../workflow/versionAuthors';
import { versionAuthors, versionSummaries } from '../../workflow/versionSummaries';
import type { ApiDeps } from './apiDeps';
import { authorize, noBody } from '../sessionMiddleware';
import { validate } from '../validate';

/**
 * Named versions on request, who changed the story since a version, reverting one person's changes since
 * it, and hearing of a restore.
 */
export function versionRoutes(deps: ApiDeps): express.Router {
  const { store, registry } = deps;
  const router = express.Router();

  const findVersion = async (storyId: unknown, number: unknown) => {
    const story = await findStory(store, validate(StoryIdParam, storyId));
    const version = await store.getRevision(story.id, validate(RevisionNumberParam, number));
    if (!version) throw new GalleyError('not_found', 'No such version');
    return version;
  };

  router.post('/stories/:id/versions', async (req, res) => {
    const user = authorize(res, 'story:edit');
    const { name } = validate(SaveVersionBody, req.body);
    const story = await findStory(store, validate(StoryIdParam, req.params.id));
    const version = await takeVersion(deps, story.id, { kind: 'named', name, by: user });
    if (!version) throw new GalleyError('conflict', 'The version could not be saved; try again');
    const [revision] = await versionSummaries(store, [version]);
    res.status(201).json({ revision });
  });

  // Who inserted or deleted anything since the version: whose changes could be reverted.
  router.get('/stories/:id/revisions/:number/changed-by', noBody, async (req, res) => {
    authorize(res, 'story:read');
    const version = await findVersion(req.params.id, req.params.number);
    const state = await registry.withDocument(version.storyId, ({ doc }) => Y.encodeStateAsUpdate(doc));
    const ids = await authorsBetween(store, version.storyId, state, version);
    const authors = [...(await versionAuthors(store, ids)).values()].sort((a, b) => a.name.localeCompare(b.name));
    res.json({ authors } satisfies ChangedSince);
  });

  /**
   * "I restored version n": a restore is the client's own edit (shared/restoreRevision.ts), so the server
   * hears of it from the person who made it, who may edit the story; it goes into the timeline in their name.
   */
  router.post('/stories/:id/revisions/:number/restored', noBody, async (req, res) => {
    const user = authorize(res, 'story:edit');
    const version = await findVersion(req.params.id, req.params.number);
    await deps.activity.record(version.storyId, user, { kind: 'restored', detail: { number: version.number, name: version.name } });
    res.status(204).end();
  });

  router.post('/stories/:id/revisions/:number/revert', async (req, res) => {
    const user = authorize(res, 'story:edit');
    const { userId } = validate(RevertAuthorBody, req.body);
    const version = await findVersion(req.params.id, req.params.number);
    const reverted = await revertAuthorSince(deps, version, userId, user);
    res.json({ reverted } satisfies RevertResult);
  });

  return router;
}
