/**
 * The Store contract: one suite every backend must pass (SQLite now, Postgres next).
 * `open` returns a fresh, empty store; `reopen` (optional) reopens the same data.
 */
import { describe, expect, it } from 'vitest';
import type { PublicationRecord, RevisionRecord, Store, StoryRecord, UserRecord } from '../../server/persistence/Store';

type Factory = { open: () => Promise<Store>; reopen?: (store: Store) => Promise<Store> };

let n = 0;
const user = (over: Partial<UserRecord> = {}): UserRecord => {
  n++;
  return {
    id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    email: `person${n}@example.test`,
    name: `Person ${n}`,
    role: 'writer',
    color: '#175cd3',
    passwordHash: 'scrypt$x',
    createdAt: new Date(2026, 0, 1, 0, 0, n).toISOString(),
    deactivatedAt: null,
    ...over,
  };
};
const story = (createdBy: string, over: Partial<StoryRecord> = {}): StoryRecord => {
  n++;
  return {
    id: `10000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    headline: '',
    status: 'draft',
    slug: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    createdBy,
    updatedAt: new Date(2026, 0, 1, 0, 0, n).toISOString(),
    publishedAt: null,
    publishedBy: null,
    ...over,
  };
};
const publication = (storyId: string, slug: string, at: string): [PublicationRecord, RevisionRecord] => {
  const content = { storyId, slug, headline: `H ${slug}`, standfirst: 'S', byline: 'B', bodyHtml: '<p>x</p>' };
  return [
    { ...content, publishedAt: at, updatedAt: at, publishedBy: 'Ed' },
    { ...content, docState: Uint8Array.of(1, 2, 3), publishedAt: at, publishedBy: 'Ed', publishedById: 'ed-id' },
  ];
};

export function storeContract(name: string, factory: Factory): void {
  describe(`Store contract: ${name}`, () => {
    it('creates and finds users; refuses a duplicate email', async () => {
      const store = await factory.open();
      const u = user({ role: 'editor' });
      await store.createUser(u);
      expect(await store.getUserByEmail(u.email)).toEqual(u);
      expect(await store.getUserById(u.id)).toEqual(u);
      expect(await store.getUserById('missing')).toBeUndefined();
      await expect(store.createUser({ ...user(), email: u.email })).rejects.toThrow();
      expect(await store.countUsers()).toBe(1);
      await store.close();
    });

    it('creates the first user only once, even when two try together', async () => {
      const store = await factory.open();
      const results = await Promise.all([store.createFirstUser(user()), store.createFirstUser(user())]);
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await store.countUsers()).toBe(1);
      await store.close();
    });

    it('stores, finds and deletes sessions', async () => {
      const store = await factory.open();
      const u = user();
      await store.createUser(u);
      const session = { idHash: 'abc', userId: u.id, createdAt: '2026-01-01T00:00:00.000Z', expiresAt: '2026-02-01T00:00:00.000Z' };
      await store.createSession(session);
      expect(await store.getSession('abc')).toEqual(session);
      await store.deleteSession('abc');
      expect(await store.getSession('abc')).toBeUndefined();
      await store.close();
    });

    it('lists stories most recently edited first and refreshes their summary', async () => {
      const store = await factory.open();
      const u = user();
      await store.createUser(u);
      const older = story(u.id);
      const newer = story(u.id);
      await store.createStory(older);
      await store.createStory(newer);
      expect((await store.listStories()).map((s) => s.id)).toEqual([newer.id, older.id]);
      await store.touchStory(older.id, 'Now on top', '2027-01-01T00:00:00.000Z');
      const [top] = await store.listStories();
      expect(top).toMatchObject({ id: older.id, headline: 'Now on top', updatedAt: '2027-01-01T00:00:00.000Z' });
      expect(await store.getStory(newer.id)).toEqual(newer);
      await store.close();
    });

    it('appends updates for several stories in one call and keeps each story’s log in order', async () => {
      const store = await factory.open();
      const u = user();
      await store.createUser(u);
      const a = story(u.id);
      const b = story(u.id);
      await store.createStory(a);
      await store.createStory(b);
      const seqs = await store.appendUpdates([
        ...[0, 1, 2].map((i) => ({ storyId: a.id, update: Uint8Array.of(i, i) })),
        { storyId: b.id, update: Uint8Array.of(9) },
      ]);
      expect(seqs).toHaveLength(4);
      expect([...seqs].sort((x, y) => x - y)).toEqual(seqs);
      await store.appendUpdates([{ storyId: a.id, update: Uint8Array.of(3, 3) }]);
      const logA = await store.loadLog(a.id);
      expect(logA.snapshot).toBeNull();
      expect(logA.updates.map((x) => [...x])).toEqual([0, 1, 2, 3].map((i) => [i, i]));
      expect(logA.updateBytes).toBe(8);
      expect(logA.lastSeq).toBeGreaterThan(seqs[3]);
      expect((await store.loadLog(b.id)).updates.map((x) => [...x])).toEqual([[9]]);
      expect(await store.loadLog('10000000-0000-4000-8000-ffffffffffff')).toEqual({ snapshot: null, updates: [], updateBytes: 0, lastSeq: 0 });
      await store.close();
    });

    it('writes nothing of a batch when one entry fails', async () => {
      const store = await factory.open();
      const u = user();
      await store.createUser(u);
      const a = story(u.id);
      await store.createStory(a);
      await expect(
        store.appendUpdates([
          { storyId: a.id, update: Uint8Array.of(1) },
          { storyId: 'no-such-story', update: Uint8Array.of(2) },
        ]),
      ).rejects.toThrow();
      expect((await store.loadLog(a.id)).updates).toEqual([]);
      await store.close();
    });

    it('compacts the log into a snapshot atomically, keeping entries after the cut', async () => {
      const store = await factory.open();
      const u = user();
      await store.createUser(u);
      const a = story(u.id);
      await store.createStory(a);
      const seqs = await store.appendUpdates([1, 2, 3].map((i) => ({ storyId: a.id, update: Uint8Array.of(i) })));
      await store.compact(a.id, Uint8Array.of(12), seqs[1]);
      let log = await store.loadLog(a.id);
      expect([...log.snapshot!]).toEqual([12]);
      expect(log.updates.map((x) => [...x])).toEqual([[3]]);
      expect(log.lastSeq).toBe(seqs[2]);
      await store.compact(a.id, Uint8Array.of(123), seqs[2]);
      log = await store.loadLog(a.id);
      expect([...log.snapshot!]).toEqual([123]);
      expect(log.updates).toEqual([]);
      await store.close();
    });

    it('records the first user to write with a Yjs client id, and keeps them', async () => {
      const store = await factory.open();
      const u = user();
      await store.createUser(u);
      const a = story(u.id);
      const b = story(u.id);
      await store.createStory(a);
      await store.createStory(b);
      await store.claimClients(a.id, [1, 2], 'ana');
      await store.claimClients(a.id, [2, 3], 'ben');
      expect(await store.loadClientOwners(a.id)).toEqual(new Map([[1, 'ana'], [2, 'ana'], [3, 'ben']]));
      expect(await store.loadClientOwners(b.id)).toEqual(new Map());
      await store.close();
    });

    it('saves a publication atomically with its revision and marks the story published', async () => {
      const store = await factory.open();
      const u = user();
      await store.createUser(u);
      const s = story(u.id);
      await store.createStory(s);
      expect(await store.isSlugTaken('budget', s.id)).toBe(false);
      const [pub, rev] = publication(s.id, 'budget', '2026-03-01T10:00:00.000Z');
      await store.savePublication(pub, rev);
      expect(await store.getPublicationBySlug('budget')).toEqual(pub);
      expect(await store.getStory(s.id)).toMatchObject({ status: 'published', slug: 'budget', publishedBy: 'Ed', headline: 'H budget' });
      expect(await store.isSlugTaken('budget', s.id)).toBe(false);
      expect(await store.isSlugTaken('budget', 'another-story')).toBe(true);

      const [again, rev2] = publication(s.id, 'budget', '2026-03-02T10:00:00.000Z');
      await store.savePublication({ ...again, publishedAt: pub.publishedAt, headline: 'Updated' }, rev2);
      expect(await store.getPublicationBySlug('budget')).toMatchObject({ headline: 'Updated', publishedAt: pub.publishedAt, updatedAt: again.updatedAt });
      const revisions = await store.listRevisions(s.id);
      expect(revisions).toHaveLength(2);
      expect([...revisions[0].docState]).toEqual([1, 2, 3]);
      await store.close();
    });

    it('refuses a second story with a slug already in use, changing nothing', async () => {
      const store = await factory.open();
      const u = user();
      await store.createUser(u);
      const a = story(u.id);
      const b = story(u.id);
      await store.createStory(a);
      await store.createStory(b);
      await store.savePublication(...publication(a.id, 'same', '2026-03-01T10:00:00.000Z'));
      await expect(store.savePublication(...publication(b.id, 'same', '2026-03-01T11:00:00.000Z'))).rejects.toThrow();
      expect(await store.getStory(b.id)).toMatchObject({ status: 'draft', slug: null });
      expect(await store.listRevisions(b.id)).toEqual([]);
      await store.close();
    });

    it('lists publications newest first with paging', async () => {
      const store = await factory.open();
      const u = user();
      await store.createUser(u);
      for (const day of [1, 3, 2]) {
        const s = story(u.id);
        await store.createStory(s);
        await store.savePublication(...publication(s.id, `day-${day}`, `2026-03-0${day}T10:00:00.000Z`));
      }
      expect((await store.listPublications(10)).map((p) => p.slug)).toEqual(['day-3', 'day-2', 'day-1']);
      expect((await store.listPublications(1, 1)).map((p) => p.slug)).toEqual(['day-2']);
      await store.close();
    });

    it('counts publications and reports the latest update, republications included', async () => {
      const store = await factory.open();
      expect(await store.publicationStats()).toEqual({ count: 0, lastUpdatedAt: null });
      const u = user();
      await store.createUser(u);
      const a = story(u.id);
      const b = story(u.id);
      await store.createStory(a);
      await store.createStory(b);
      await store.savePublication(...publication(a.id, 'first', '2026-03-01T10:00:00.000Z'));
      await store.savePublication(...publication(b.id, 'second', '2026-03-02T10:00:00.000Z'));
      expect(await store.publicationStats()).toEqual({ count: 2, lastUpdatedAt: '2026-03-02T10:00:00.000Z' });
      // Republishing the older story: still two stories, and its update is now the latest.
      const [again, rev] = publication(a.id, 'first', '2026-03-05T10:00:00.000Z');
      await store.savePublication({ ...again, publishedAt: '2026-03-01T10:00:00.000Z' }, rev);
      expect(await store.publicationStats()).toEqual({ count: 2, lastUpdatedAt: '2026-03-05T10:00:00.000Z' });
      await store.close();
    });

    if (factory.reopen) {
      const reopen = factory.reopen;
      it('keeps everything when reopened', async () => {
        const store = await factory.open();
        const u = user();
        await store.createUser(u);
        const s = story(u.id);
        await store.createStory(s);
        await store.appendUpdates([{ storyId: s.id, update: Uint8Array.of(7) }]);
        const again = await reopen(store);
        expect(await again.getUserById(u.id)).toEqual(u);
        expect((await again.loadLog(s.id)).updates.map((x) => [...x])).toEqual([[7]]);
        await again.close();
      });
    }
  });
}
