import type { SiteSettingsStore } from '../SiteSettingsStore';
import { siteSettingsColumns, toSiteSettings } from '../siteSettingsRows';
import type { Row } from '../storeRows';
import type { SqliteConnection } from './SqliteConnection';

/** The site's settings on SQLite: one row, id 1. */
export function sqliteSiteSettings(db: SqliteConnection): SiteSettingsStore {
  return {
    async getSiteSettings() {
      const row = db.prepare('SELECT * FROM site_settings WHERE id = 1').get() as Row | undefined;
      return row && toSiteSettings(row);
    },

    async saveSiteSettings(record) {
      await db.write(() =>
        db
          .prepare(
            `INSERT INTO site_settings (id, settings, logo_media_id, social_media_id, updated_at, updated_by)
             VALUES (1, @settings, @logoMediaId, @socialMediaId, @updatedAt, @updatedBy)
             ON CONFLICT (id) DO UPDATE SET settings = excluded.settings, logo_media_id = excluded.logo_media_id,
               social_media_id = excluded.social_media_id, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
          )
          .run(siteSettingsColumns(record)),
      );
    },
  };
}
