import express from 'express';
import { StoryIdParam, type StoryAuthor, type StoryAuthors } from '../../../shared/api';
import { SERVER_OWNER } from '../../documents/updateGuard';
import { findStory } from '../../workflow/findStory';
import type { ApiDeps } from './apiDeps';
import { authorize, noBody } from '../sessionMiddleware';
import { validate } from '../validate';

/** Text the server itself wrote (it writes none today, but the id is claimed): shown as Galley's. */
const GALLEY = { name: 'Galley', color: '#6b7280' };

/**
 * "Who wrote this?": each Yjs client id that wrote in the story, with its author. The server
 * bound every client id to the user who first wrote with it, so this is authoritative: no
 * client can claim another's text. Text written again (a restore, an undo, a revert) is
 * resolved first through the story's provenance record (shared/provenance.ts), which names
 * people by user id: each of them wrote with a client id of their own, so they are listed here.
 */
export function attributionRoutes(deps: ApiDeps): express.Router {
  const { store } = deps;
  const router = express.Router();

  router.get('/stories/:id/authors', noBody, async (req, res) => {
    authorize(res, 'story:read');
    const story = await findStory(store, validate(StoryIdParam, req.params.id));
    const owners = await store.loadClientOwners(story.id);
    const users = new Map<string, { name: string; color: string } | undefined>();
    for (const userId of new Set(owners.values())) {
      users.set(userId, userId === SERVER_OWNER ? GALLEY : await store.getUserById(userId));
    }
    const authors: StoryAuthor[] = [];
    for (const [clientId, userId] of owners) {
      const user = users.get(userId);
      if (user) authors.push({ clientId, userId, name: user.name, color: user.color });
    }
    res.json({ authors } satisfies StoryAuthors);
  });

  return router;
}
