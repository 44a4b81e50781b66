/**
 * The Store contract's rules for the public site's settings, S-SITE-n (SiteSettingsStore), and what they make
 * public (MediaStore.isMediaPublic). See storeContract.ts.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { MediaRecord } from '../../server/persistence/MediaStore';
import type { SiteSettingsRecord } from '../../server/persistence/SiteSettingsStore';
import { DEFAULT_SITE_SETTINGS } from '../../shared/siteSettings';
import { type StoreFactory, storeWithStories } from './storeContractFixtures';

const image = (uploadedBy: string): MediaRecord => ({
  id: randomBytes(16).toString('base64url'),
  sha256: randomBytes(32).toString('hex'),
  format: 'png',
  width: 400,
  height: 100,
  bytes: 1,
  uploadedBy,
  createdAt: '2026-12-01T00:00:00.000Z',
  alt: '',
  caption: '',
  credit: '',
});

const record = (over: Partial<SiteSettingsRecord['settings']> = {}, updatedAt = '2026-12-01T10:00:00.000Z'): SiteSettingsRecord => ({
  settings: { ...DEFAULT_SITE_SETTINGS, ...over },
  updatedAt,
  updatedBy: 'admin-id',
});

export function siteSettingsRules(factory: StoreFactory): void {
  describe('site settings', () => {
    it('S-SITE-1 has no settings until saved, then keeps one record, replaced whole', async () => {
      const store = await factory.open();
      expect(await store.getSiteSettings()).toBeUndefined();
      const first = record({
        name: 'The Ledger “daily” <b>',
        footerLinks: [{ label: 'About', url: 'https://ledger.example/about' }],
        timeZone: 'Europe/Dublin',
      });
      await store.saveSiteSettings(first);
      expect(await store.getSiteSettings()).toEqual(first);
      const second = record({ name: 'Ledger', language: 'ga' }, '2026-12-02T10:00:00.000Z');
      await store.saveSiteSettings(second);
      expect(await store.getSiteSettings()).toEqual(second);
      await store.close();
    });

    it('S-SITE-2 makes the logo and default social image public while the settings name them, and only then', async () => {
      const { store, u } = await storeWithStories(factory, 0);
      const [logo, social, other] = [image(u.id), image(u.id), image(u.id)];
      for (const m of [logo, social, other]) await store.addMedia(m, Uint8Array.of(1));
      expect(await store.isMediaPublic(logo.id)).toBe(false);
      const size = { width: 400, height: 100 };
      await store.saveSiteSettings(record({ logo: { media: logo.id, ...size }, socialImage: { media: social.id, ...size } }));
      expect(await store.isMediaPublic(logo.id)).toBe(true);
      expect(await store.isMediaPublic(social.id)).toBe(true);
      expect(await store.isMediaPublic(other.id)).toBe(false);
      await store.saveSiteSettings(record({ logo: { media: other.id, ...size } }));
      expect(await store.isMediaPublic(logo.id)).toBe(false);
      expect(await store.isMediaPublic(social.id)).toBe(false);
      expect(await store.isMediaPublic(other.id)).toBe(true);
      await store.close();
    });
  });
}
