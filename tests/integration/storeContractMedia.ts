/**
 * The Store contract's rules for media, S-MED-n (MediaStore: uploaded images, their files, and which public
 * pages show them). See storeContract.ts.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { MediaRecord } from '../../server/persistence/MediaStore';
import { type StoreFactory, storeWithStories, user } from './storeContractFixtures';

let counter = 0;
const image = (uploadedBy: string, over: Partial<MediaRecord> = {}): MediaRecord => {
  counter++;
  return {
    id: randomBytes(16).toString('base64url'),
    sha256: randomBytes(32).toString('hex'),
    format: 'jpeg',
    width: 800,
    height: 600,
    bytes: 3,
    uploadedBy,
    createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, counter)).toISOString(),
    alt: '',
    caption: '',
    credit: '',
    ...over,
  };
};

export function mediaRules(factory: StoreFactory): void {
  describe('media', () => {
    it('S-MED-1 keeps an image with its original file, and the same upload twice only once', async () => {
      const { store, u } = await storeWithStories(factory, 0);
      const first = image(u.id);
      expect(await store.addMedia(first, Uint8Array.of(1, 2, 3))).toEqual({ media: first, existing: false });
      expect(await store.getMedia(first.id)).toEqual(first);
      expect([...((await store.loadMediaFile(first.id, 'original')) ?? [])]).toEqual([1, 2, 3]);
      const again = image(u.id, { sha256: first.sha256 });
      expect(await store.addMedia(again, Uint8Array.of(9))).toEqual({ media: first, existing: true });
      expect(await store.getMedia(again.id)).toBeUndefined();
      expect([...((await store.loadMediaFile(first.id, 'original')) ?? [])]).toEqual([1, 2, 3]);
      await store.close();
    });

    it('S-MED-2 keeps the copies made from an image, and answers undefined for a file or image it does not have', async () => {
      const { store, u } = await storeWithStories(factory, 0);
      const m = image(u.id);
      await store.addMedia(m, Uint8Array.of(1));
      await store.saveMediaFile(m.id, '640.webp', Uint8Array.of(4, 5));
      await store.saveMediaFile(m.id, '640.webp', Uint8Array.of(4, 5));
      expect([...((await store.loadMediaFile(m.id, '640.webp')) ?? [])]).toEqual([4, 5]);
      expect(await store.loadMediaFile(m.id, '320.webp')).toBeUndefined();
      expect(await store.getMedia('AAAAAAAAAAAAAAAAAAAAAA')).toBeUndefined();
      await store.close();
    });

    it('S-MED-3 lists newest first, a page at a time, and finds images by caption, credit, alt text or uploader', async () => {
      const { store, u } = await storeWithStories(factory, 0);
      const other = user({ name: 'Pat Photographer' });
      await store.createUser(other);
      const harbour = image(u.id, { caption: 'Ferries in the Harbour at dawn', credit: 'City Archive' });
      const council = image(other.id, { caption: 'The council chamber', alt: 'Empty seats 100%_sure' });
      const market = image(u.id, { caption: 'Market day', credit: 'Ana Writer' });
      for (const m of [harbour, council, market]) await store.addMedia(m, Uint8Array.of(1));
      const ids = (list: MediaRecord[]) => list.map((m) => m.id);
      expect(ids(await store.listMedia({ limit: 10 }))).toEqual([market.id, council.id, harbour.id]);
      expect(ids(await store.listMedia({ limit: 2 }))).toEqual([market.id, council.id]);
      expect(ids(await store.listMedia({ limit: 2, before: { createdAt: council.createdAt, id: council.id } }))).toEqual([harbour.id]);
      expect(ids(await store.listMedia({ limit: 10, text: 'harbour DAWN' }))).toEqual([harbour.id]);
      expect(ids(await store.listMedia({ limit: 10, text: 'archive' }))).toEqual([harbour.id]);
      expect(ids(await store.listMedia({ limit: 10, text: 'photographer' }))).toEqual([council.id]);
      // LIKE's wildcards in the search are plain characters.
      expect(ids(await store.listMedia({ limit: 10, text: '100%_' }))).toEqual([council.id]);
      expect(ids(await store.listMedia({ limit: 10, text: '%' }))).toEqual([council.id]);
      expect(ids(await store.listMedia({ limit: 10, text: 'nothing like it' }))).toEqual([]);
      await store.close();
    });

    it('S-MED-4 updates the alt text, caption and credit it is given, and nothing else', async () => {
      const { store, u } = await storeWithStories(factory, 0);
      const m = image(u.id, { caption: 'Old', credit: 'Kept' });
      await store.addMedia(m, Uint8Array.of(1));
      expect(await store.updateMediaDetails(m.id, { caption: 'New', alt: 'A ferry' })).toEqual({ ...m, caption: 'New', alt: 'A ferry' });
      expect(await store.getMedia(m.id)).toEqual({ ...m, caption: 'New', alt: 'A ferry' });
      expect(await store.updateMediaDetails('AAAAAAAAAAAAAAAAAAAAAA', { caption: 'x' })).toBeUndefined();
      await store.close();
    });

    it('S-MED-5 makes an image public while a published story shows it, and private again when none does', async () => {
      const {
        store,
        u,
        stories: [a, b],
      } = await storeWithStories(factory, 2);
      const m = image(u.id);
      const n = image(u.id);
      await store.addMedia(m, Uint8Array.of(1));
      await store.addMedia(n, Uint8Array.of(2));
      expect(await store.isMediaPublic(m.id)).toBe(false);
      await store.setPublishedMedia(a.id, [m.id, m.id, 'not-an-image']);
      await store.setPublishedMedia(b.id, [m.id, n.id]);
      expect(await store.isMediaPublic(m.id)).toBe(true);
      expect((await store.storiesShowingMedia(m.id)).sort()).toEqual([a.id, b.id].sort());
      await store.setPublishedMedia(b.id, [n.id]);
      expect(await store.storiesShowingMedia(m.id)).toEqual([a.id]);
      await store.setPublishedMedia(a.id, []);
      expect(await store.isMediaPublic(m.id)).toBe(false);
      expect(await store.isMediaPublic(n.id)).toBe(true);
      await store.close();
    });
  });
}
