import { DEFAULT_SITE_SETTINGS, type SiteSettings } from '../../shared/siteSettings';
import type { SiteSettingsRecord } from './SiteSettingsStore';
import type { Row } from './storeRows';

/** The settings as their column holds them (JSON), and the image ids in columns of their own for isMediaPublic. */
export const siteSettingsColumns = (r: SiteSettingsRecord) => ({
  settings: JSON.stringify(r.settings),
  logoMediaId: r.settings.logo?.media ?? null,
  socialMediaId: r.settings.socialImage?.media ?? null,
  updatedAt: r.updatedAt,
  updatedBy: r.updatedBy,
});

/** Defaults fill in any field a record written by an older version lacks. */
export const toSiteSettings = (r: Row): SiteSettingsRecord => ({
  settings: { ...DEFAULT_SITE_SETTINGS, ...(JSON.parse(r.settings as string) as Partial<SiteSettings>) },
  updatedAt: r.updated_at as string,
  updatedBy: r.updated_by as string,
});
