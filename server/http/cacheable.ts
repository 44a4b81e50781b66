import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';

/**
 * Cacheable answers for the public site: a strong ETag over the exact bytes,
 * Last-Modified, a short shared-cache lifetime, and 304s for conditional requests.
 *
 * The body is written with `res.end`, never `res.send`, so Express's own (weak)
 * ETag and freshness check never run here: one validator, ours.
 */

const PUBLIC_CACHE_CONTROL = 'public, max-age=60, stale-while-revalidate=300';

export type Representation = {
  body: string;
  /** Full Content-Type, charset included. */
  contentType: string;
  /** ISO time of the latest change the body depends on; omitted when unknown. */
  lastModified?: string | null;
  /** Cache-Control when not the public default (say, `private` for answers that need a credential). */
  cacheControl?: string;
};

/** A strong validator: the SHA-256 of the exact bytes sent. */
function strongEtag(body: Buffer | string): string {
  return `"${createHash('sha256').update(body).digest('base64url')}"`;
}

/** A representation made ready to send: its bytes and validators, computed once however often it is sent. */
export type PreparedAnswer = {
  body: Buffer;
  etag: string;
  /** An HTTP date, or undefined when unknown. */
  lastModified: string | undefined;
  contentType: string;
  cacheControl: string;
};

export function prepareAnswer(representation: Representation): PreparedAnswer {
  const body = Buffer.from(representation.body, 'utf8');
  return {
    body,
    etag: strongEtag(body),
    lastModified: httpDate(representation.lastModified),
    contentType: representation.contentType,
    cacheControl: representation.cacheControl ?? PUBLIC_CACHE_CONTROL,
  };
}

export function sendCacheable(req: Request, res: Response, representation: Representation): void {
  sendPrepared(req, res, prepareAnswer(representation));
}

/** Sends a prepared answer, or a 304 when the request's validators match it. */
export function sendPrepared(req: Request, res: Response, answer: PreparedAnswer): void {
  res.setHeader('ETag', answer.etag);
  if (answer.lastModified) res.setHeader('Last-Modified', answer.lastModified);
  res.setHeader('Cache-Control', answer.cacheControl);

  if (notModified(req, answer.etag, answer.lastModified)) {
    res.status(304).end();
    return;
  }
  res.status(200);
  res.setHeader('Content-Type', answer.contentType);
  res.setHeader('Content-Length', answer.body.length);
  // Node leaves the body out of an answer to HEAD by itself.
  res.end(answer.body);
}

/**
 * RFC 9110 §13.2.2: If-None-Match decides when present (weak comparison, `*`
 * matches any); If-Modified-Since is only looked at without it, and only for GET/HEAD.
 */
function notModified(req: Pick<Request, 'method' | 'headers'>, etag: string, lastModified: string | undefined): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  const ifNoneMatch = req.headers['if-none-match'];
  if (ifNoneMatch !== undefined) return etagMatches(ifNoneMatch, etag);
  const ifModifiedSince = req.headers['if-modified-since'];
  if (ifModifiedSince === undefined || !lastModified) return false;
  const since = Date.parse(ifModifiedSince);
  return !Number.isNaN(since) && Date.parse(lastModified) <= since;
}

function etagMatches(header: string, etag: string): boolean {
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  const wanted = opaque(etag);
  return header.split(',').some((tag) => tag.trim() === '*' || opaque(tag) === wanted);
}

/** IMF-fixdate, whole seconds (HTTP dates carry no milliseconds). */
function httpDate(iso: string | null | undefined): string | undefined {
  if (!iso) return undefined;
  const time = Date.parse(iso);
  return Number.isNaN(time) ? undefined : new Date(time).toUTCString();
}

/** The latest of some ISO times (all written by the server in the same format): a listing's Last-Modified. */
export function latest(times: readonly (string | null)[]): string | null {
  return times.reduce<string | null>((a, b) => (b === null ? a : a === null || b > a ? b : a), null);
}
