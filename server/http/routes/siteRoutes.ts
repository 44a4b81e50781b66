import express from 'express';
import { SiteSettingsBody } from '../../../shared/siteSettings';
import { currentSite, saveSite, siteAnswer } from '../../publishing/siteSettings';
import { authorize, noBody } from '../sessionMiddleware';
import { validate } from '../validate';
import type { ApiDeps } from './apiDeps';

/**
 * The public site's settings (docs/site.md): everyone signed in reads them (they are on the public pages
 * anyway); admins replace them whole.
 */
export function siteRoutes({ store }: ApiDeps): express.Router {
  const router = express.Router();

  router.get('/site', noBody, async (_req, res) => {
    authorize(res, 'story:read');
    res.json(siteAnswer(await currentSite(store)));
  });

  router.put('/site', async (req, res) => {
    const user = authorize(res, 'site:manage');
    const body = validate(SiteSettingsBody, req.body);
    res.json(siteAnswer(await saveSite(store, body, user.id)));
  });

  return router;
}
