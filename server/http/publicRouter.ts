import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Request, type Response } from 'express';
import { LIMITS } from '../../shared/limits';
import type { PublicationRecord, Store } from '../persistence/Store';
import { renderPublicError, renderStoryIndex, renderStoryPage, type StoryLink } from '../publishing/publicPages';
import { isValidSlug } from '../publishing/slug';
import { publicPageSecurityHeaders } from './securityHeaders';

const STYLESHEET = path.join(path.dirname(fileURLToPath(import.meta.url)), '../publishing/story.css');
const INDEX_LIMIT = 100;

const toLink = (p: PublicationRecord): StoryLink => ({
  slug: p.slug,
  headline: p.headline,
  standfirst: p.standfirst,
  publishedAt: p.publishedAt,
});

/** The reader-facing site: no session needed, nothing here touches a live Y.Doc. */
export function publicRouter(store: Store, publicOrigin: (req: Request) => string): express.Router {
  const router = express.Router();
  router.use(['/stories', '/public'], publicPageSecurityHeaders());
  const sendHtml = (res: Response, status: number, html: string) => res.status(status).type('html').send(html);

  router.get('/public/story.css', (_req, res) => {
    res.sendFile(STYLESHEET, { maxAge: '1h' });
  });

  router.get('/stories', async (_req, res) => {
    const stories = await store.listPublications(INDEX_LIMIT);
    sendHtml(res, 200, renderStoryIndex(stories.map(toLink)));
  });

  router.get('/stories/:slug', async (req, res) => {
    const { slug } = req.params;
    const story = isValidSlug(slug) ? await store.getPublicationBySlug(slug) : undefined;
    if (!story) return sendHtml(res, 404, renderPublicError(404, 'We could not find that story.'));
    const recent = (await store.listPublications(LIMITS.recentStories + 1)).filter((p) => p.storyId !== story.storyId);
    const url = `${publicOrigin(req)}/stories/${story.slug}`;
    sendHtml(res, 200, renderStoryPage(story, recent.slice(0, LIMITS.recentStories).map(toLink), url));
  });
  return router;
}
