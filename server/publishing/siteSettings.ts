import { GalleyError } from '../../shared/errors';
import { mediaUrl } from '../../shared/media';
import {
  DEFAULT_SITE_SETTINGS,
  type SiteImage,
  type SiteImageAnswer,
  type SiteSettings,
  type SiteSettingsAnswer,
  type SiteSettingsBody,
} from '../../shared/siteSettings';
import type { Store } from '../persistence/Store';
import type { SiteContext } from './pageLayout';
import type { NewsPublication } from './sitemaps';

/**
 * The public site's settings as the server uses them (docs/site.md). Read from the store on every request
 * that needs them, never cached in the process: with several nodes on one database, a change saved on one
 * shows on the others at their next request, with nothing to invalidate. It is one small row by key.
 */
export type CurrentSite = { settings: SiteSettings; updatedAt: string | null };

export async function currentSite(store: Store): Promise<CurrentSite> {
  const record = await store.getSiteSettings();
  return record ? { settings: record.settings, updatedAt: record.updatedAt } : { settings: DEFAULT_SITE_SETTINGS, updatedAt: null };
}

/**
 * The settings as the public pages take them: their version (the time they were saved) names the site
 * stylesheet; the sections of live stories make the navigation.
 */
export async function siteContext(store: Store): Promise<SiteContext & CurrentSite> {
  const [site, sections] = await Promise.all([currentSite(store), store.publishedTerms('sections')]);
  return { ...site, sections, version: site.updatedAt && String(Date.parse(site.updatedAt)) };
}

/** Saves a checked body: its media ids must be images of the library, kept with their sizes. */
export async function saveSite(store: Store, body: SiteSettingsBody, userId: string): Promise<CurrentSite> {
  const settings: SiteSettings = {
    ...body,
    logo: await siteImage(store, body.logo, 'logo'),
    socialImage: await siteImage(store, body.socialImage, 'socialImage'),
  };
  const updatedAt = new Date().toISOString();
  await store.saveSiteSettings({ settings, updatedAt, updatedBy: userId });
  return { settings, updatedAt };
}

async function siteImage(store: Store, id: string | null, field: string): Promise<SiteImage | null> {
  if (id === null) return null;
  const media = await store.getMedia(id);
  if (!media) throw new GalleyError('invalid', 'No such image in the media library', { [field]: 'No such image in the media library' });
  return { media: media.id, width: media.width, height: media.height };
}

const imageAnswer = (image: SiteImage | null): SiteImageAnswer | null => image && { ...image, url: mediaUrl(image.media) };

export function siteAnswer(site: CurrentSite): SiteSettingsAnswer {
  const { settings } = site;
  return {
    settings: { ...settings, logo: imageAnswer(settings.logo), socialImage: imageAnswer(settings.socialImage) },
    updatedAt: site.updatedAt,
  };
}

/**
 * The news sitemap's publication: the site's name, and its language as Google News reads it (ISO 639: the
 * primary subtag, but for Chinese, whose script decides between zh-cn and zh-tw).
 */
export function newsPublication(settings: SiteSettings): NewsPublication {
  const [primary, ...rest] = settings.language.toLowerCase().split('-');
  if (primary !== 'zh') return { name: settings.name, language: primary };
  return { name: settings.name, language: rest.some((tag) => ['hant', 'tw', 'hk', 'mo'].includes(tag)) ? 'zh-tw' : 'zh-cn' };
}
