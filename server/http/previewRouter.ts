import express, { type Request, type Response } from 'express';
import { RevisionNumberParam, StoryIdParam } from '../../shared/api';
import { GalleyError, HTTP_STATUS } from '../../shared/errors';
import { LIMITS } from '../../shared/limits';
import { can } from '../../shared/roles';
import type { Authenticator } from '../auth/Authenticator';
import {
  renderPublicError,
  renderStoryPage,
  type PreviewNotice,
  type PublicErrorStatus,
  type PublishedStoryView,
} from '../publishing/publicPages';
import { STORIES_PATH } from '../publishing/site';
import { siteContext } from '../publishing/siteSettings';
import { storedImage } from '../persistence/storedImage';
import { findStory } from '../workflow/findStory';
import { revisionContent } from '../workflow/revisionContent';
import { creditedAuthors } from '../workflow/creditedAuthors';
import { checkDraft, type PublishDeps } from '../workflow/publishStory';
import { loadPrincipal } from './sessionMiddleware';
import { publicPageSecurityHeaders } from './securityHeaders';
import { validate } from './validate';

const PREVIEW_PATH = '/preview';

const HTML = 'text/html; charset=utf-8';
const dateTime = new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' });

/**
 * Newsroom-only views in the public page's exact shape: the draft as it would
 * publish now, and any revision as it went out. Signed-in users only; never
 * cached or indexed; same strict CSP as the public site.
 */
export function previewRouter(deps: PublishDeps & { auth: Authenticator; publicOrigin: (req: Request) => string }): express.Router {
  const { store } = deps;
  const router = express.Router();
  router.use(PREVIEW_PATH, publicPageSecurityHeaders(), loadPrincipal(deps.auth), (req, res, next) => {
    res.setHeader('Cache-Control', 'private, no-store');
    res.setHeader('X-Robots-Tag', 'noindex, nofollow');
    const user = res.locals.principal?.user;
    if (!user) return sendError(res, 401, 'Sign in to Galley to preview stories.');
    if (!can(user.role, 'story:read')) return sendError(res, 403, 'Your role may not read stories.');
    next();
  });

  const send = async (req: Request, res: Response, story: PublishedStoryView, notice: PreviewNotice, storyId: string) => {
    const recent = (await store.listPublications(LIMITS.recentStories + 1))
      .filter((p) => p.storyId !== storyId)
      .slice(0, LIMITS.recentStories);
    const url = `${deps.publicOrigin(req)}${STORIES_PATH}/${story.slug}`;
    res
      .status(200)
      .type(HTML)
      .send(renderStoryPage(story, recent, url, notice, await siteContext(store)));
  };

  router.get(
    `${PREVIEW_PATH}/:id`,
    guard(async (req, res) => {
      const story = await findStory(store, validate(StoryIdParam, req.params.id));
      const { rendered, slug, planning } = await checkDraft(deps, story);
      const now = new Date().toISOString();
      // As it would publish: the planning's section and tags, its credits, and the corrections noted so far.
      const live = story.slug ? await store.getPublicationBySlug(story.slug) : undefined;
      const view = {
        ...rendered,
        slug: slug || 'untitled',
        publishedAt: story.publishedAt ?? now,
        updatedAt: now,
        section: planning.section,
        tags: planning.tags,
        authors: await creditedAuthors(store, story, planning.assigneeIds, []),
        corrections: live?.storyId === story.id ? live.corrections : [],
      };
      await send(
        req,
        res,
        view,
        { label: 'Preview', detail: 'This is the draft as it would look if published now. Readers cannot see it.' },
        story.id,
      );
    }),
  );

  router.get(
    `${PREVIEW_PATH}/:id/revisions/:number`,
    guard(async (req, res) => {
      const story = await findStory(store, validate(StoryIdParam, req.params.id));
      const revision = await store.getRevision(story.id, validate(RevisionNumberParam, req.params.number));
      if (!revision) throw new GalleyError('not_found', 'No such revision');
      const view = {
        ...revision,
        // The lead image is kept in the revision's content, not beside its HTML.
        lead: storedImage(revisionContent(revision).lead),
        slug: revision.slug || 'untitled',
        publishedAt: story.publishedAt ?? revision.publishedAt,
        updatedAt: revision.publishedAt,
      };
      const how = {
        publication: `as published by ${revision.publishedBy}`,
        named: `“${revision.name}”, as saved by ${revision.publishedBy}`,
        auto: 'as saved automatically',
      }[revision.kind];
      const detail = `Revision ${revision.number}, ${how} on ${dateTime.format(new Date(revision.publishedAt))} UTC.`;
      await send(req, res, view, { label: 'Past version', detail }, story.id);
    }),
  );

  return router;
}

function sendError(res: Response, status: PublicErrorStatus, message: string): void {
  res.status(status).type(HTML).send(renderPublicError(status, message));
}

/** Errors as pages, not JSON: this is a page a person opened. */
function guard(handler: (req: Request, res: Response) => Promise<void>) {
  return async (req: Request, res: Response) => {
    try {
      await handler(req, res);
    } catch (error) {
      if (!(error instanceof GalleyError)) throw error;
      const status = HTTP_STATUS[error.code];
      sendError(res, status === 404 || status === 403 || status === 401 ? status : 400, error.message);
    }
  };
}
