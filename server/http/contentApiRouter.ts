import express, { type NextFunction, type Request, type Response } from 'express';
import { StoryIdParam } from '../../shared/api';
import {
  CONTENT_PAGE_DEFAULT,
  type ContentAuthor,
  type ContentAuthorList,
  ContentListQuery,
  type ContentStoryList,
  type ContentTermList,
} from '../../shared/contentApi';
import { GalleyError } from '../../shared/errors';
import { isValidSlug } from '../../shared/slug';
import type { TaxonomyKind } from '../../shared/taxonomy';
import type { Authenticator } from '../auth/Authenticator';
import type { PublicationRecord, Store } from '../persistence/Store';
import { contentStory, contentSummary, decodeCursor, encodeCursor } from '../publishing/contentStories';
import { termSlug } from '../publishing/site';
import { sendCacheable } from './cacheable';
import { noQuery } from './sessionMiddleware';
import { validate } from './validate';

export type ContentApiDeps = {
  store: Store;
  auth: Authenticator;
  publicOrigin: (req: Request) => string;
  /** CONTENT_API_PUBLIC: anyone may read, no credential needed. */
  open?: boolean;
};

const JSON_TYPE = 'application/json; charset=utf-8';
/** Behind a credential, only the caller's own cache may keep an answer: a shared one would hand it to anyone. */
const PRIVATE_CACHE = 'private, max-age=60';

/**
 * The content API (docs/distribution.md): published, live stories and the lists around them, read-only, for a
 * front-end or app of its own. Mounted first under /api, it answers everything under its prefix itself, with its
 * own credentials: content tokens (which count nowhere else), full tokens and signed-in sessions, or nobody at
 * all when CONTENT_API_PUBLIC is set. GETs are open to every origin (CORS): it holds no one's private data, and
 * an answer to a request carrying cookies is never readable cross-origin (`*` forbids it).
 */
export function contentApiRouter(deps: ContentApiDeps): express.Router {
  const { store, auth, publicOrigin } = deps;
  const router = express.Router();
  router.use(crossOrigin);
  router.use(async (req, _res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new GalleyError('not_found', 'The content API only reads');
    if (!deps.open && !(await auth.authenticate({ cookie: req.headers.cookie, authorization: req.headers.authorization }, 'content'))) {
      throw new GalleyError('unauthenticated', 'Send a content API token (Authorization: Bearer …)');
    }
    next();
  });

  const send = (req: Request, res: Response, value: unknown, lastModified?: string) =>
    sendCacheable(req, res, {
      body: jsonText(value),
      contentType: JSON_TYPE,
      lastModified,
      ...(deps.open ? {} : { cacheControl: PRIVATE_CACHE }),
    });
  const site = (req: Request) => ({ origin: publicOrigin(req) });

  router.get('/stories', async (req, res) => {
    const query = validate(ContentListQuery, req.query);
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    if (query.cursor !== undefined && !after)
      throw new GalleyError('bad_request', 'cursor: Not a cursor of ours', { cursor: 'Not a cursor of ours' });
    const limit = query.limit === undefined ? CONTENT_PAGE_DEFAULT : Number(query.limit);
    // One more than asked: whether there is a next page, without a count.
    const filter = {
      ...(query.section !== undefined && { sections: await publishedNames(store, 'sections', query.section) }),
      ...(query.tag !== undefined && { tags: await publishedNames(store, 'tags', query.tag) }),
    };
    const rows = await store.pagePublications({ limit: limit + 1, after, since: utc(query.since), until: utc(query.until), filter });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    const list: ContentStoryList = {
      stories: page.map((p) => contentSummary(p, site(req))),
      next: rows.length > limit ? encodeCursor({ publishedAt: last.publishedAt, storyId: last.storyId }) : null,
    };
    // No Last-Modified: an unpublished story leaves the list without making anything newer; the ETag sees it.
    send(req, res, list);
  });

  const sendStory = async (req: Request, res: Response, publication: PublicationRecord | undefined) => {
    if (!publication) throw new GalleyError('not_found', 'No such published story');
    if (publication.unpublishedAt) throw new GalleyError('gone', 'This story has been withdrawn');
    send(req, res, { story: contentStory(publication, site(req)) }, publication.updatedAt);
  };

  router.get('/stories/by-slug/:slug', noQuery, async (req, res) => {
    const slug = String(req.params.slug);
    if (!isValidSlug(slug)) throw new GalleyError('bad_request', 'slug: Not a story address', { slug: 'Not a story address' });
    const publication = await store.getPublicationBySlug(slug);
    if (!publication) {
      // An address the story had before: on to the current one, as the site does.
      const current = await store.findRedirect(slug);
      if (current) return res.redirect(301, `${req.baseUrl}/stories/by-slug/${current}`);
    }
    await sendStory(req, res, publication);
  });

  router.get('/stories/:id', noQuery, async (req, res) => {
    await sendStory(req, res, await store.getPublication(validate(StoryIdParam, req.params.id)));
  });

  const terms = (kind: TaxonomyKind) => async (req: Request, res: Response) => {
    const list: ContentTermList = { terms: await store.listTerms(kind) };
    send(req, res, list);
  };
  router.get('/sections', noQuery, terms('sections'));
  router.get('/tags', noQuery, terms('tags'));

  router.get('/authors', noQuery, async (req, res) => {
    const list: ContentAuthorList = { authors: byName(await store.publishedCredits()) };
    send(req, res, list);
  });

  router.all('/{*rest}', () => {
    throw new GalleyError('not_found', 'No such content API route');
  });
  return router;
}

/**
 * The names published under `value`: the name itself, or every name whose address segment it is (the site's
 * /sections/… and /tags/…); none when nothing live carries it, so the list is empty rather than an error.
 */
async function publishedNames(store: Store, kind: TaxonomyKind, value: string): Promise<string[]> {
  return (await store.publishedTerms(kind)).filter((name) => name === value || termSlug(name) === value);
}

/** As the story page credits them: by name, then id. */
function byName(authors: ContentAuthor[]): ContentAuthor[] {
  return [...authors].sort((a, b) => a.name.localeCompare(b.name, 'en') || a.id.localeCompare(b.id));
}

/** A time with an offset, as stored times are written (UTC, milliseconds), so they compare as text. */
function utc(time: string | undefined): string | undefined {
  return time === undefined ? undefined : new Date(time).toISOString();
}

/** Any origin may read (see above); preflights for the Authorization header are answered here. */
function crossOrigin(req: Request, res: Response, next: NextFunction): void {
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Access-Control-Expose-Headers', 'ETag');
  if (req.method !== 'OPTIONS') return next();
  res.setHeader('Access-Control-Allow-Methods', 'GET, HEAD');
  res.setHeader('Access-Control-Allow-Headers', 'Authorization, If-None-Match, If-Modified-Since');
  res.setHeader('Access-Control-Max-Age', '600');
  res.status(204).end();
}

/** JSON with `<`, `>`, `&` and the JS line separators as \u escapes: the same value, no markup in the bytes. */
function jsonText(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
