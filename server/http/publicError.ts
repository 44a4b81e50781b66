import type { Response } from 'express';
import type { Store } from '../persistence/Store';
import { renderPublicError, type PublicErrorStatus } from '../publishing/publicPages';
import { siteContext } from '../publishing/siteSettings';
import type { Uncached } from './RenderedAnswers';

/**
 * An error page of the public site, in the site's frame, as a route of RenderedAnswers.ts returns it. Never
 * kept and not cached (a missing story may be published a minute later), without validators.
 */
export async function publicError(store: Store, status: PublicErrorStatus, message: string): Promise<Uncached> {
  const body = renderPublicError(status, message, await siteContext(store));
  return (res: Response) => {
    res.status(status).setHeader('Cache-Control', 'no-store');
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.end(body);
  };
}
