import { randomUUID } from 'node:crypto';
import express, { type Request, type Response } from 'express';
import {
  CreateStoryBody,
  CreateUserBody,
  SetupBody,
  SignInBody,
  StoryIdParam,
  type StoryDetail,
  type StorySummary,
} from '../../shared/api';
import { GalleyError } from '../../shared/errors';
import { LIMITS } from '../../shared/limits';
import { STORY_FIELDS } from '../../shared/story';
import { createAccount, createFirstAdmin, toPublicUser } from '../auth/accounts';
import { DUMMY_HASH_PROMISE, verifyPassword } from '../auth/passwords';
import { endSession, SESSION_COOKIE, startSession } from '../auth/sessions';
import type { DocumentRegistry } from '../documents/DocumentRegistry';
import type { Store, StoryRecord, UserRecord } from '../persistence/Store';
import { publishStory, type PublishDeps } from '../publishing/publishStory';
import { fragmentText } from '../publishing/renderStory';
import { authorize, currentUser, loadSession } from './sessionMiddleware';
import { validate } from './validate';

export type ApiDeps = PublishDeps & {
  store: Store;
  registry: DocumentRegistry;
  sessionTtlMs: number;
  publicOrigin: (req: Request) => string;
};

export function apiRouter(deps: ApiDeps): express.Router {
  const { store, registry } = deps;
  const router = express.Router();
  router.use(express.json({ limit: LIMITS.maxJsonBodyBytes }));
  router.use(loadSession(store));

  const signIn = async (req: Request, res: Response, user: UserRecord) => {
    // A fresh id on every sign-in: a cookie planted before sign-in is never promoted.
    await endSession(store, res.locals.sessionId);
    const session = await startSession(store, user.id, deps.sessionTtlMs);
    res.cookie(SESSION_COOKIE, session.id, { httpOnly: true, sameSite: 'lax', secure: req.secure, expires: session.expiresAt, path: '/' });
  };

  const summarize = (story: StoryRecord): StorySummary => ({
    ...story,
    present: registry.get(story.id)?.presence() ?? [],
  });

  router.get('/setup', async (_req, res) => {
    res.json({ needsSetup: (await store.countUsers()) === 0 });
  });

  router.post('/setup', async (req, res) => {
    const user = await createFirstAdmin(store, validate(SetupBody, req.body));
    await signIn(req, res, user);
    res.status(201).json({ user: toPublicUser(user) });
  });

  router.get('/session', (_req, res) => {
    res.json({ user: toPublicUser(currentUser(res)) });
  });

  router.post('/session', async (req, res) => {
    const { email, password } = validate(SignInBody, req.body);
    const user = await store.getUserByEmail(email);
    // Same work and same answer whether the email is unknown or the password wrong.
    const ok = await verifyPassword(password, user?.passwordHash ?? (await DUMMY_HASH_PROMISE));
    if (!user || !ok || user.deactivatedAt) throw new GalleyError('unauthenticated', 'Email or password is incorrect');
    await signIn(req, res, user);
    res.json({ user: toPublicUser(user) });
  });

  router.delete('/session', async (_req, res) => {
    await endSession(store, res.locals.sessionId);
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    res.status(204).end();
  });

  router.get('/users', async (_req, res) => {
    authorize(res, 'users:manage');
    res.json({ users: (await store.listUsers()).map(toPublicUser) });
  });

  router.post('/users', async (req, res) => {
    authorize(res, 'users:manage');
    const user = await createAccount(store, validate(CreateUserBody, req.body));
    res.status(201).json({ user: toPublicUser(user) });
  });

  router.get('/stories', async (_req, res) => {
    authorize(res, 'story:read');
    res.json({ stories: (await store.listStories()).map(summarize) });
  });

  router.post('/stories', async (req, res) => {
    const user = authorize(res, 'story:create');
    validate(CreateStoryBody, req.body);
    const now = new Date().toISOString();
    const story: StoryRecord = {
      id: randomUUID(),
      headline: '',
      status: 'draft',
      slug: null,
      createdAt: now,
      createdBy: user.id,
      updatedAt: now,
      publishedAt: null,
      publishedBy: null,
    };
    await store.createStory(story);
    res.status(201).json({ id: story.id, story: summarize(story) });
  });

  const findStory = async (id: unknown) => {
    const story = await store.getStory(validate(StoryIdParam, id));
    if (!story) throw new GalleyError('not_found', 'No such story');
    return story;
  };

  router.get('/stories/:id', async (req, res) => {
    authorize(res, 'story:read');
    const story = await findStory(req.params.id);
    const document = await registry.open(story.id);
    try {
      const text = Object.fromEntries(
        STORY_FIELDS.map((f) => [f, fragmentText(document.doc.getXmlFragment(f))]),
      ) as StoryDetail['text'];
      res.json({ story: { ...summarize(story), text } satisfies StoryDetail });
    } finally {
      registry.release(document);
    }
  });

  router.post('/stories/:id/publish', async (req, res) => {
    const user = authorize(res, 'story:publish');
    const story = await findStory(req.params.id);
    const publication = await publishStory(deps, story.id, user, deps.publicOrigin(req));
    res.json({ publication });
  });

  router.all('/{*rest}', () => {
    throw new GalleyError('not_found', 'No such API route');
  });
  return router;
}
