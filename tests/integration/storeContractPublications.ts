/**
 * The Store contract's rules for publications, S-PUB-n (PublicationStore: publications, revisions and versions,
 * public listings). See storeContract.ts.
 */
import { describe, expect, it } from 'vitest';
import { NO_PLANNING } from '../../shared/planning';
import { DEFAULT_SITE_SETTINGS } from '../../shared/siteSettings';
import { type StoreFactory, storeWithStories, publication, story, user } from './storeContractFixtures';

const ana = { id: 'ana-id', name: 'Ana Editor' };

/** What a page saved without section, tags, authors or corrections reads back with. */
const NO_CONTEXT = { section: null, tags: [], authors: [], corrections: [] };

export function publicationRules(factory: StoreFactory): void {
  const withStories = (count: number) => storeWithStories(factory, count);

  describe('publications', () => {
    it('S-PUB-1 saves a publication atomically with its revision and marks the story published', async () => {
      const {
        store,
        stories: [s],
      } = await withStories(1);
      expect(await store.isSlugTaken('budget', s.id)).toBe(false);
      const [pub, rev] = publication(s.id, 'budget', '2026-03-01T10:00:00.000Z');
      expect(await store.savePublication(pub, rev)).toBe(1);
      expect(await store.getPublicationBySlug('budget')).toEqual({ ...pub, ...NO_CONTEXT, unpublishedAt: null });
      expect(await store.getStory(s.id)).toMatchObject({
        status: 'published',
        slug: 'budget',
        publishedBy: 'Ed',
        headline: 'H budget',
        live: true,
        publishedAt: pub.updatedAt,
        lastPublishedAt: pub.updatedAt,
        statusChangedAt: pub.updatedAt,
        statusChangedBy: 'Ed',
      });
      expect(await store.isSlugTaken('budget', s.id)).toBe(false);
      expect(await store.isSlugTaken('budget', 'another-story')).toBe(true);

      const [again, rev2] = publication(s.id, 'budget', '2026-03-02T10:00:00.000Z');
      expect(await store.savePublication({ ...again, publishedAt: pub.publishedAt, headline: 'Updated' }, rev2)).toBe(2);
      expect(await store.getPublicationBySlug('budget')).toMatchObject({
        headline: 'Updated',
        publishedAt: pub.publishedAt,
        updatedAt: again.updatedAt,
      });
      expect(await store.getStory(s.id)).toMatchObject({ publishedAt: pub.updatedAt, lastPublishedAt: again.updatedAt });
      const revisions = await store.listRevisions(s.id);
      expect(revisions.map((r) => r.number)).toEqual([1, 2]);
      expect([...revisions[0].docState]).toEqual([1, 2, 3]);
      expect(revisions[0].content).toBe('{"body":1}');
      expect(await store.getRevision(s.id, 2)).toMatchObject({ number: 2, publishedAt: again.updatedAt });
      expect(await store.getRevision(s.id, 3)).toBeUndefined();
      expect(await store.latestRevision(s.id)).toMatchObject({ number: 2, headline: revisions[1].headline });
      await store.close();
    });

    it('S-PUB-2 numbers versions and publications together, storing an automatic one only if none came meanwhile', async () => {
      const {
        store,
        u,
        stories: [s],
      } = await withStories(1);
      const [, rev] = publication(s.id, 'versions', '2026-03-01T10:00:00.000Z');
      const named = { ...rev, kind: 'named' as const, name: 'Before legal', authorIds: [u.id], publishedById: u.id };
      expect(await store.saveVersion(named)).toBe(1);
      expect(await store.savePublication(...publication(s.id, 'versions', '2026-03-01T11:00:00.000Z'))).toBe(2);
      const auto = { ...rev, kind: 'auto' as const, name: null, authorIds: [], publishedBy: '' };
      expect(await store.saveVersion(auto, 1)).toBeNull();
      expect(await store.saveVersion(auto, 2)).toBe(3);
      const listed = await store.listRevisions(s.id);
      expect(listed.map((r) => [r.number, r.kind, r.name, r.authorIds])).toEqual([
        [1, 'named', 'Before legal', [u.id]],
        [2, 'publication', null, []],
        [3, 'auto', null, []],
      ]);
      await store.close();
    });

    it('S-PUB-3 refuses a second story with a slug already in use, changing nothing', async () => {
      const {
        store,
        stories: [a, b],
      } = await withStories(2);
      await store.savePublication(...publication(a.id, 'same', '2026-03-01T10:00:00.000Z'));
      await expect(store.savePublication(...publication(b.id, 'same', '2026-03-01T11:00:00.000Z'))).rejects.toThrow();
      expect(await store.getStory(b.id)).toMatchObject({ status: 'draft', slug: null });
      expect(await store.listRevisions(b.id)).toEqual([]);
      expect(await store.latestRevision(b.id)).toBeUndefined();
      await store.close();
    });

    it('S-PUB-4 lists publications newest first with paging', async () => {
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

    it('S-PUB-5 counts publications and reports the latest update, republications included', async () => {
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

    it('S-PUB-6 publishes a scheduled story once: only while it is still scheduled for that time', async () => {
      const {
        store,
        u,
        stories: [s],
      } = await withStories(1);
      const when = '2026-03-01T10:00:00.000Z';
      await store.changeStatus(s.id, { status: 'scheduled', at: when, by: 'Ed', scheduledFor: when, scheduledById: u.id }, ['draft']);
      expect(await store.savePublication(...publication(s.id, 'once', when), '2026-03-01T09:00:00.000Z')).toBeNull();
      expect(await store.savePublication(...publication(s.id, 'once', when), when)).toBe(1);
      expect(await store.savePublication(...publication(s.id, 'once', when), when)).toBeNull();
      expect(await store.listRevisions(s.id)).toHaveLength(1);
      expect(await store.getStory(s.id)).toMatchObject({ status: 'published', scheduledFor: null, live: true });
      await store.close();
    });

    it('S-PUB-7 unpublishes: the page is kept for a 410, left out of lists, and back on republication', async () => {
      const {
        store,
        stories: [s],
      } = await withStories(1);
      await store.savePublication(...publication(s.id, 'gone', '2026-03-01T10:00:00.000Z'));
      const at = '2026-03-02T10:00:00.000Z';
      expect(await store.unpublish(s.id, at, 'Ed')).toBe(true);
      expect(await store.unpublish(s.id, at, 'Ed')).toBe(false);
      expect(await store.getPublicationBySlug('gone')).toMatchObject({ unpublishedAt: at });
      expect(await store.listPublications(10)).toEqual([]);
      expect(await store.publicationStats()).toEqual({ count: 0, lastUpdatedAt: null });
      expect(await store.getStory(s.id)).toMatchObject({ status: 'unpublished', live: false, statusChangedBy: 'Ed', slug: 'gone' });
      await store.savePublication(...publication(s.id, 'gone', '2026-03-03T10:00:00.000Z'));
      expect(await store.getPublicationBySlug('gone')).toMatchObject({
        unpublishedAt: null,
        publishedAt: '2026-03-01T10:00:00.000Z',
        updatedAt: '2026-03-03T10:00:00.000Z',
      });
      expect(await store.getStory(s.id)).toMatchObject({ status: 'published', live: true, publishedAt: '2026-03-01T10:00:00.000Z' });
      await store.close();
    });

    it('S-PUB-8 keeps the lead image with the page, replaces it on republication, and reads back only a whole, checked picture', async () => {
      const {
        store,
        stories: [s],
      } = await withStories(1);
      const lead = {
        media: 'L'.repeat(22),
        width: 1600,
        height: 900,
        alt: 'A ferry “at dusk”',
        caption: 'The 6pm sailing',
        credit: 'Jo Lee',
      };
      const [pub, rev] = publication(s.id, 'lead', '2026-03-01T10:00:00.000Z');
      await store.savePublication({ ...pub, lead }, rev);
      expect(await store.getPublicationBySlug('lead')).toEqual({ ...pub, ...NO_CONTEXT, lead, unpublishedAt: null });
      expect((await store.listPublications(10)).map((p) => p.lead)).toEqual([lead]);

      // Republished without one (or by a caller that says nothing of it): the page has none.
      const [again, rev2] = publication(s.id, 'lead', '2026-03-02T10:00:00.000Z');
      const { lead: _omitted, ...withoutLead } = again;
      await store.savePublication(withoutLead, rev2);
      expect((await store.getPublicationBySlug('lead'))?.lead).toBeNull();

      // What reaches the page is checked again when read: a stored value that is not a picture is none.
      for (const hostile of [
        { ...lead, media: '../../../etc/passwd' },
        { ...lead, width: 1e9 },
        { ...lead, height: -1 },
        { media: lead.media },
      ]) {
        await store.savePublication({ ...again, lead: hostile as typeof lead }, rev2);
        expect((await store.getPublicationBySlug('lead'))?.lead, JSON.stringify(hostile)).toBeNull();
      }
      const long = { ...lead, alt: ` ${'a'.repeat(600)} `, caption: 7 as unknown as string };
      await store.savePublication({ ...again, lead: long }, rev2);
      expect((await store.getPublicationBySlug('lead'))?.lead).toEqual({ ...lead, alt: 'a'.repeat(500), caption: '' });
      await store.close();
    });

    /** Four live stories (two published at the same moment), one unpublished; their ids sorted as the store orders ties. */
    async function listed() {
      const store = await factory.open();
      const u = user();
      await store.createUser(u);
      const at = (day: number) => `2026-03-0${day}T10:00:00.000Z`;
      const ids: Record<string, string> = {};
      for (const [slug, day] of [
        ['one', 1],
        ['two-a', 2],
        ['two-b', 2],
        ['three', 3],
        ['gone', 4],
      ] as const) {
        const s = story(u.id);
        await store.createStory(s);
        await store.savePublication(...publication(s.id, slug, at(day)));
        ids[slug] = s.id;
      }
      await store.unpublish(ids.gone, at(5), 'Ed');
      // Ties on the date go by story id.
      const [twoFirst, twoSecond] = ids['two-a'] < ids['two-b'] ? ['two-a', 'two-b'] : ['two-b', 'two-a'];
      return { store, u, ids, at, twoFirst, twoSecond };
    }

    it('S-PUB-9 finds a page by story id, unpublished included; lists live entries without bodies, oldest or newest first, from a date', async () => {
      const { store, ids, at, twoFirst, twoSecond } = await listed();
      expect(await store.getPublication(ids.one)).toMatchObject({ slug: 'one', bodyHtml: '<p>x</p>', unpublishedAt: null });
      expect(await store.getPublication(ids.gone)).toMatchObject({ slug: 'gone', unpublishedAt: at(5) });
      expect(await store.getPublication('10000000-0000-4000-8000-999999999999')).toBeUndefined();

      const oldest = await store.listPublicationEntries({ limit: 10, order: 'oldest' });
      // Exactly the reverse of the public order, ties included.
      expect(oldest.map((e) => e.slug)).toEqual(['one', twoSecond, twoFirst, 'three']);
      expect(oldest[0]).toEqual({ storyId: ids.one, slug: 'one', headline: 'H one', publishedAt: at(1), updatedAt: at(1) });
      expect((await store.listPublicationEntries({ limit: 2, offset: 1, order: 'oldest' })).map((e) => e.slug)).toEqual([
        twoSecond,
        twoFirst,
      ]);
      expect((await store.listPublicationEntries({ limit: 10, order: 'newest', since: at(2) })).map((e) => e.slug)).toEqual([
        'three',
        twoFirst,
        twoSecond,
      ]);
      expect(await store.listPublicationEntries({ limit: 10, order: 'newest', since: at(4) })).toEqual([]);
      await store.close();
    });

    it('S-PUB-10 pages live publications newest first by a keyset cursor (ties by story id), within since/until', async () => {
      const { store, ids, at, twoFirst, twoSecond } = await listed();
      const page = (q: Parameters<typeof store.pagePublications>[0]) => store.pagePublications(q).then((ps) => ps.map((p) => p.slug));
      expect(await page({ limit: 10 })).toEqual(['three', twoFirst, twoSecond, 'one']);
      expect(await page({ limit: 2 })).toEqual(['three', twoFirst]);
      // After the first of the tied pair: the second, never the first again.
      expect(await page({ limit: 2, after: { publishedAt: at(2), storyId: ids[twoFirst] } })).toEqual([twoSecond, 'one']);
      expect(await page({ limit: 10, after: { publishedAt: at(1), storyId: ids.one } })).toEqual([]);
      expect(await page({ limit: 10, since: at(2), until: at(3) })).toEqual([twoFirst, twoSecond]);
      expect((await store.pagePublications({ limit: 1 }))[0]).toMatchObject({ bodyHtml: '<p>x</p>', standfirst: 'S', lead: null });
      await store.close();
    });

    it('S-PUB-11 names the authors of live stories from their revisions up to the latest publication', async () => {
      const { store, u, ids } = await listed();
      const [later, rev] = publication(ids.one, 'one', '2026-03-06T10:00:00.000Z');
      await store.savePublication({ ...later, publishedAt: '2026-03-01T10:00:00.000Z' }, { ...rev, authorIds: ['a', u.id] });
      // A version after the publication is not published yet: its authors are not credited.
      await store.saveVersion({
        ...rev,
        kind: 'named',
        name: 'Later',
        authorIds: ['unpublished'],
        publishedAt: '2026-03-07T10:00:00.000Z',
      });
      const one = await store.publishedAuthors(ids.one);
      expect(one.map((s) => ({ ...s, authorIds: [...s.authorIds].sort() }))).toEqual([{ storyId: ids.one, authorIds: ['a', u.id].sort() }]);
      const all = await store.publishedAuthors();
      // Every live story, the unpublished one left out; the others' revisions credit no one.
      expect(all.map((s) => s.storyId).sort()).toEqual([ids.one, ids['two-a'], ids['two-b'], ids.three].sort());
      expect(all.filter((s) => s.storyId !== ids.one).flatMap((s) => s.authorIds)).toEqual([]);
      expect(await store.publishedAuthors(ids.gone)).toEqual([]);
      await store.close();
    });

    it('S-PUB-12 keeps the page’s section, tags and authors as last published, and every correction noted, in order', async () => {
      const {
        store,
        stories: [s],
      } = await withStories(1);
      const [pub, rev] = publication(s.id, 'fix', '2026-03-01T10:00:00.000Z');
      const context = { section: 'City', tags: ['Budget', 'Council'], authors: [{ id: 'u1', name: 'Ann' }] };
      await store.savePublication({ ...pub, ...context }, rev);
      expect(await store.getPublicationBySlug('fix')).toMatchObject({ ...context, corrections: [] });
      const [p2, r2] = publication(s.id, 'fix', '2026-03-02T10:00:00.000Z');
      await store.savePublication({ ...p2, section: null, tags: [] }, { ...r2, correction: 'The vote was 7–2, not 9–0.' });
      const [p3, r3] = publication(s.id, 'fix', '2026-03-03T10:00:00.000Z');
      await store.savePublication(p3, r3);
      const [p4, r4] = publication(s.id, 'fix', '2026-03-04T10:00:00.000Z');
      await store.savePublication(p4, { ...r4, correction: 'Ann’s name <b>was</b> misspelt.' });
      expect(await store.getPublicationBySlug('fix')).toMatchObject({
        section: null,
        tags: [],
        authors: [],
        corrections: [
          { text: 'The vote was 7–2, not 9–0.', at: '2026-03-02T10:00:00.000Z' },
          { text: 'Ann’s name <b>was</b> misspelt.', at: '2026-03-04T10:00:00.000Z' },
        ],
      });
      const revisions = await store.listRevisions(s.id);
      expect(revisions.map((r) => r.correction)).toEqual([
        undefined,
        'The vote was 7–2, not 9–0.',
        undefined,
        'Ann’s name <b>was</b> misspelt.',
      ]);
      await store.close();
    });

    it('S-PUB-21 changes the publications version with every write the public site shows, never back to an earlier one', async () => {
      const {
        store,
        stories: [s, other],
      } = await withStories(2);
      const seen = [await store.publicationsVersion()];
      /** After each write the version is new: not the one before, nor any earlier (an address can come back). */
      const changed = async (what: string) => {
        const version = await store.publicationsVersion();
        expect(seen, what).not.toContain(version);
        seen.push(version);
      };
      await store.savePublication(...publication(s.id, 'first', '2026-03-01T10:00:00.000Z'));
      await changed('publish');
      await store.savePublication(...publication(s.id, 'first', '2026-03-02T10:00:00.000Z'));
      await changed('republish');
      // An address change moves no date and no count: there, back (the old address's redirect swaps) and there again.
      expect(await store.setSlug(s.id, 'second')).toBe(true);
      await changed('slug change');
      expect(await store.setSlug(s.id, 'first')).toBe(true);
      await changed('slug changed back');
      expect(await store.setSlug(s.id, 'second')).toBe(true);
      await changed('slug changed there again');
      expect(await store.unpublish(s.id, '2026-03-03T10:00:00.000Z', 'Ed')).toBe(true);
      await changed('unpublish');
      await store.savePublication(...publication(other.id, 'other', '2026-03-04T10:00:00.000Z'));
      await changed('another story published');
      expect(await store.trashStory(s.id, ana, '2026-03-05T10:00:00.000Z')).toBe(true);
      expect(await store.purgeStory(s.id, ana, '2026-03-06T10:00:00.000Z')).toBe(true);
      await changed('purge of an unpublished story');
      await store.close();
    });

    it('S-PUB-22 keeps the publications version through reads and writes the public site does not show', async () => {
      const {
        store,
        stories: [live, draft, gone],
      } = await withStories(3);
      await store.savePublication(...publication(live.id, 'live', '2026-03-01T10:00:00.000Z'));
      const version = await store.publicationsVersion();
      expect(await store.publicationsVersion()).toBe(version);
      await store.getPublicationBySlug('live');
      await store.listPublications(10);
      await store.publicationStats();
      await store.findRedirect('live');
      const [, revision] = publication(live.id, 'live', '2026-03-02T10:00:00.000Z');
      await store.saveVersion({ ...revision, kind: 'named', name: 'Kept', authorIds: [] });
      await store.touchStory(live.id, 'A new headline in the newsroom', '2026-03-02T11:00:00.000Z');
      await store.setStoryPlanning(live.id, { ...NO_PLANNING, section: 'City' });
      expect(await store.setSlug(draft.id, 'never-published')).toBe(true);
      expect(await store.unpublish(draft.id, '2026-03-02T12:00:00.000Z', 'Ed')).toBe(false);
      expect(await store.trashStory(gone.id, ana, '2026-03-03T10:00:00.000Z')).toBe(true);
      expect(await store.purgeStory(gone.id, ana, '2026-03-04T10:00:00.000Z')).toBe(true);
      await store.saveSiteSettings({ settings: DEFAULT_SITE_SETTINGS, updatedAt: '2026-03-05T10:00:00.000Z', updatedBy: 'ed-id' });
      expect(await store.publicationsVersion()).toBe(version);
      await store.close();
    });
  });
}
