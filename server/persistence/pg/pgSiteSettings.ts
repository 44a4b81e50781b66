import type { SiteSettingsStore } from '../SiteSettingsStore';
import { siteSettingsColumns, toSiteSettings } from '../siteSettingsRows';
import type { PgDatabase } from './PgDatabase';

/** The site's settings on Postgres: one row, id 1. */
export function pgSiteSettings(db: PgDatabase): SiteSettingsStore {
  return {
    async getSiteSettings() {
      const row = await db.row('SELECT * FROM site_settings WHERE id = 1', []);
      return row && toSiteSettings(row);
    },

    async saveSiteSettings(record) {
      const c = siteSettingsColumns(record);
      await db.changes(
        `INSERT INTO site_settings (id, settings, logo_media_id, social_media_id, updated_at, updated_by)
         VALUES (1, $1, $2, $3, $4, $5)
         ON CONFLICT (id) DO UPDATE SET settings = excluded.settings, logo_media_id = excluded.logo_media_id,
           social_media_id = excluded.social_media_id, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
        [c.settings, c.logoMediaId, c.socialMediaId, c.updatedAt, c.updatedBy],
      );
    },
  };
}
