import type { Response } from 'express';
import type { Store } from '../persistence/Store';
import { renderPublicError, type PublicErrorStatus } from '../publishing/publicPages';
import { siteContext } from '../publishing/siteSettings';

/**
 * An error page of the public site, in the site's frame. Not cached (a missing story may be published a
 * minute later) and without validators.
 */
export async function sendPublicError(store: Store, res: Response, status: PublicErrorStatus, message: string): Promise<void> {
  res.status(status).setHeader('Cache-Control', 'no-store');
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.end(renderPublicError(status, message, await siteContext(store)));
}
