/**
 * The public site's settings (shared/siteSettings.ts): one record for the whole site, replaced whole. Part
 * of the storage contract (Store.ts); rules S-SITE-* of the contract suite. The logo and the default social
 * image it names are public while it names them (MediaStore.isMediaPublic).
 */
import type { SiteSettings } from '../../shared/siteSettings';

export type SiteSettingsRecord = { settings: SiteSettings; updatedAt: string; updatedBy: string };

export interface SiteSettingsStore {
  /** The record; undefined until it is first saved. */
  getSiteSettings(): Promise<SiteSettingsRecord | undefined>;
  /** Replaces the record. */
  saveSiteSettings(record: SiteSettingsRecord): Promise<void>;
}
