/**
 * The Store contract's rules for publications, S-PUB-n (PublicationStore: publications, revisions and versions,
 * public listings). See storeContract.ts.
 */
import { describe, expect, it } from 'vitest';
import type { PublicationFilter } from '../../server/persistence/PublicationStore';
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
    /** Live stories with a section, tags and credits each, and one withdrawn; slugs newest first. */
    async function filed() {
      const store = await factory.open();
      const u = user();
      await store.createUser(u);
      const ann = { id: 'u-ann', name: 'Ann' };
      const bo = { id: 'u-bo', name: 'Bo' };
      const ids: Record<string, string> = {};
      const pages = [
        ['city-budget', 1, { section: 'City', tags: ['Budget', 'Council'], authors: [ann] }],
        ['sport', 2, { section: 'Sport', tags: ['Football'], authors: [bo] }],
        ['city-football', 3, { section: 'City', tags: ['Football'], authors: [bo, ann] }],
        ['no-section', 4, { section: null, tags: ['Budget'], authors: [] }],
        ['odd', 5, { section: `Q&A's "best"`, tags: [`it's; --`], authors: [{ id: `x' OR '1'='1`, name: 'Odd' }] }],
        ['withdrawn', 6, { section: 'City', tags: ['Budget'], authors: [ann] }],
      ] as const;
      for (const [slug, day, context] of pages) {
        const s = story(u.id);
        await store.createStory(s);
        const [pub, rev] = publication(s.id, slug, `2026-03-0${day}T10:00:00.000Z`);
        await store.savePublication({ ...pub, ...context, tags: [...context.tags], authors: [...context.authors] }, rev);
        ids[slug] = s.id;
      }
      await store.unpublish(ids.withdrawn, '2026-03-07T10:00:00.000Z', 'Ed');
      return { store, ids };
    }

    it('S-PUB-13 lists, pages and counts only the live publications of the sections, tags and author asked for', async () => {
      const { store, ids } = await filed();
      const list = (filter: PublicationFilter, limit = 10, offset = 0) =>
        store.listPublications(limit, offset, filter).then((ps) => ps.map((p) => p.slug));
      expect(await list({})).toEqual(['odd', 'no-section', 'city-football', 'sport', 'city-budget']);
      expect(await list({ sections: ['City'] })).toEqual(['city-football', 'city-budget']);
      expect(await list({ sections: ['City', 'Sport'] })).toEqual(['city-football', 'sport', 'city-budget']);
      // Names as published, exactly: no case folding, no partial match.
      expect(await list({ sections: ['city'] })).toEqual([]);
      expect(await list({ tags: ['Budget'] })).toEqual(['no-section', 'city-budget']);
      expect(await list({ tags: ['Budget', 'Football'] })).toEqual(['no-section', 'city-football', 'sport', 'city-budget']);
      expect(await list({ tags: ['Budg'] })).toEqual([]);
      expect(await list({ authorId: 'u-ann' })).toEqual(['city-football', 'city-budget']);
      expect(await list({ authorId: 'u-' })).toEqual([]);
      expect(await list({ authorId: 'Ann' })).toEqual([]);
      // Keys combine with AND.
      expect(await list({ sections: ['City'], tags: ['Football'] })).toEqual(['city-football']);
      expect(await list({ sections: ['City'], authorId: 'u-bo' })).toEqual(['city-football']);
      expect(await list({ sections: ['City', 'Sport'], tags: ['Football'], authorId: 'u-ann' })).toEqual(['city-football']);
      // An empty list matches nothing.
      expect(await list({ sections: [] })).toEqual([]);
      expect(await list({ tags: [] })).toEqual([]);
      expect(await list({ sections: ['City'], tags: [] })).toEqual([]);
      // Values are bound, never SQL.
      expect(await list({ sections: [`Q&A's "best"`] })).toEqual(['odd']);
      expect(await list({ tags: [`it's; --`] })).toEqual(['odd']);
      expect(await list({ authorId: `x' OR '1'='1` })).toEqual(['odd']);
      expect(await list({ sections: [`City') OR ('1'='1`] })).toEqual([]);
      // Paging with an offset.
      expect(await list({ sections: ['City'] }, 1)).toEqual(['city-football']);
      expect(await list({ sections: ['City'] }, 1, 1)).toEqual(['city-budget']);
      expect(await list({ sections: ['City'] }, 10, 2)).toEqual([]);

      const page = (q: Parameters<typeof store.pagePublications>[0]) => store.pagePublications(q).then((ps) => ps.map((p) => p.slug));
      expect(await page({ limit: 10, filter: { tags: ['Football'] } })).toEqual(['city-football', 'sport']);
      expect(await page({ limit: 1, filter: { sections: ['City'] } })).toEqual(['city-football']);
      const after = { publishedAt: '2026-03-03T10:00:00.000Z', storyId: ids['city-football'] };
      expect(await page({ limit: 10, after, filter: { sections: ['City'] } })).toEqual(['city-budget']);
      expect(await page({ limit: 10, since: '2026-03-02T00:00:00.000Z', filter: { tags: ['Budget', 'Football'] } })).toEqual([
        'no-section',
        'city-football',
        'sport',
      ]);
      expect(await page({ limit: 10, filter: { authorId: 'u-bo', tags: [] } })).toEqual([]);

      // Counted and dated over the matching ones only, the withdrawn one left out.
      expect(await store.publicationStats({ sections: ['City'] })).toEqual({ count: 2, lastUpdatedAt: '2026-03-03T10:00:00.000Z' });
      expect(await store.publicationStats({ tags: ['Budget'] })).toEqual({ count: 2, lastUpdatedAt: '2026-03-04T10:00:00.000Z' });
      expect(await store.publicationStats({ authorId: 'u-bo' })).toEqual({ count: 2, lastUpdatedAt: '2026-03-03T10:00:00.000Z' });
      expect(await store.publicationStats({ sections: [] })).toEqual({ count: 0, lastUpdatedAt: null });
      expect(await store.publicationStats()).toEqual({ count: 5, lastUpdatedAt: '2026-03-05T10:00:00.000Z' });
      // Republished: its latest update is the section's; republished into another section, it leaves this one.
      const [again, rev] = publication(ids['city-budget'], 'city-budget', '2026-03-08T10:00:00.000Z');
      const context = { section: 'City', tags: ['Budget'], authors: [{ id: 'u-ann', name: 'Ann' }] };
      await store.savePublication({ ...again, publishedAt: '2026-03-01T10:00:00.000Z', ...context }, rev);
      expect(await store.publicationStats({ sections: ['City'] })).toEqual({ count: 2, lastUpdatedAt: '2026-03-08T10:00:00.000Z' });
      expect(await store.publicationStats({ tags: ['Council'] })).toEqual({ count: 0, lastUpdatedAt: null });
      const [moved, rev2] = publication(ids['city-football'], 'city-football', '2026-03-09T10:00:00.000Z');
      await store.savePublication({ ...moved, publishedAt: '2026-03-03T10:00:00.000Z', section: 'Sport' }, rev2);
      expect(await list({ sections: ['City'] })).toEqual(['city-budget']);
      expect(await list({ sections: ['Sport'] })).toEqual(['city-football', 'sport']);
      expect(await list({ authorId: 'u-ann' })).toEqual(['city-budget']);
      await store.close();
    });

    it('S-PUB-14 names the sections and tags of live publications, each once, in code-point order', async () => {
      const { store, ids } = await filed();
      expect(await store.publishedTerms('sections')).toEqual(['City', `Q&A's "best"`, 'Sport']);
      expect(await store.publishedTerms('tags')).toEqual(['Budget', 'Council', 'Football', `it's; --`]);
      // Code points, not UTF-16 units (U+FF21 before U+1F600), nor a locale's order (Z before a before É).
      const [pub, rev] = publication(ids.sport, 'sport', '2026-03-10T10:00:00.000Z');
      const tags = ['\u{1F600} Fun', '\uFF21 wide', 'Économie', 'apple', 'Zoo', 'Football', 'Zoo'];
      await store.savePublication({ ...pub, publishedAt: '2026-03-02T10:00:00.000Z', section: 'Économie', tags }, rev);
      expect(await store.publishedTerms('tags')).toEqual([
        'Budget',
        'Council',
        'Football',
        'Zoo',
        'apple',
        `it's; --`,
        'Économie',
        '\uFF21 wide',
        '\u{1F600} Fun',
      ]);
      expect(await store.publishedTerms('sections')).toEqual(['City', `Q&A's "best"`, 'Économie']);
      // Live ones only: withdrawn, a story's section and tags are no longer published.
      await store.unpublish(ids.odd, '2026-03-11T10:00:00.000Z', 'Ed');
      await store.unpublish(ids['city-budget'], '2026-03-11T10:00:00.000Z', 'Ed');
      expect(await store.publishedTerms('sections')).toEqual(['City', 'Économie']);
      expect(await store.publishedTerms('tags')).toEqual([
        'Budget',
        'Football',
        'Zoo',
        'apple',
        'Économie',
        '\uFF21 wide',
        '\u{1F600} Fun',
      ]);
      await store.close();
    });

    it('S-PUB-15 names the people live publications credit, each once, by their latest publication’s name', async () => {
      const { store, ids } = await filed();
      const credits = () => store.publishedCredits().then((cs) => [...cs].sort((a, b) => (a.id < b.id ? -1 : 1)));
      expect(await credits()).toEqual([
        { id: 'u-ann', name: 'Ann' },
        { id: 'u-bo', name: 'Bo' },
        { id: `x' OR '1'='1`, name: 'Odd' },
      ]);
      // Ann renamed on a later publication: that name.
      const [pub, rev] = publication(ids['no-section'], 'no-section', '2026-03-10T10:00:00.000Z');
      await store.savePublication({ ...pub, publishedAt: '2026-03-04T10:00:00.000Z', authors: [{ id: 'u-ann', name: 'Ann Lee' }] }, rev);
      expect((await credits())[0]).toEqual({ id: 'u-ann', name: 'Ann Lee' });
      // The withdrawn story credits no one on the site; Bo is credited by live ones still.
      await store.unpublish(ids.odd, '2026-03-11T10:00:00.000Z', 'Ed');
      await store.unpublish(ids.sport, '2026-03-11T10:00:00.000Z', 'Ed');
      expect(await credits()).toEqual([
        { id: 'u-ann', name: 'Ann Lee' },
        { id: 'u-bo', name: 'Bo' },
      ]);
      await store.unpublish(ids['city-football'], '2026-03-11T10:00:00.000Z', 'Ed');
      expect(await credits()).toEqual([{ id: 'u-ann', name: 'Ann Lee' }]);
      await store.close();
    });

    /** Three live stories with words in every field; the body's markup holds words of its own. */
    async function searchable() {
      const store = await factory.open();
      const u = user();
      await store.createUser(u);
      const ids: Record<string, string> = {};
      const texts = {
        council: {
          headline: 'Council approves harbour budget',
          standfirst: 'Late vote',
          byline: 'By Zoë Ångström',
          bodyHtml:
            '<p>The <strong>ferry</strong> timetable changes in spring.</p><p>Residents&nbsp;welcomed &amp; applauded it.</p>' +
            '<figure><img src="/media/AAAAAAAAAAAAAAAAAAAAAA/640.jpeg" alt="pelican"><figcaption>Quayside at dusk</figcaption></figure>',
        },
        strike: {
          headline: 'Harbour ferry strike',
          standfirst: '',
          byline: '',
          bodyHtml: '<p>Crews walked out. Un<em>believ</em>able.</p>',
        },
        cafe: { headline: 'Café reopens on the quay', standfirst: '', byline: '', bodyHtml: '<p>Crème brûlée returns &lt;soon&gt;.</p>' },
      };
      let day = 1;
      for (const [slug, text] of Object.entries(texts)) {
        const s = story(u.id);
        await store.createStory(s);
        const [pub, rev] = publication(s.id, slug, `2026-03-0${day++}T10:00:00.000Z`);
        await store.savePublication({ ...pub, ...text }, rev);
        ids[slug] = s.id;
      }
      const search = async (text: string, limit = 10, offset = 0) => {
        const { total, stories } = await store.searchPublications({ text, limit, offset });
        return { total, slugs: stories.map((p) => p.slug) };
      };
      const found = (text: string) => search(text).then((r) => r.slugs);
      return { store, u, ids, search, found };
    }

    it('S-PUB-16 finds live publications holding every word as a prefix, case and accents ignored, newest first', async () => {
      const { store, search, found } = await searchable();
      expect(await found('harbour')).toEqual(['strike', 'council']);
      expect(await found('harb')).toEqual(['strike', 'council']);
      // Every word: in any field, any order.
      expect(await found('harbour ferry')).toEqual(['strike', 'council']);
      expect(await found('harbour strike')).toEqual(['strike']);
      expect(await found('strike council')).toEqual([]);
      expect(await found('HARBOUR council')).toEqual(['council']);
      expect(await found('app bud')).toEqual(['council']);
      // Accents and case, either way.
      expect(await found('zoe angstrom')).toEqual(['council']);
      expect(await found('ZOË')).toEqual(['council']);
      expect(await found('cafe')).toEqual(['cafe']);
      expect(await found('CAFÉ creme brulee')).toEqual(['cafe']);
      // The standfirst, and the body's text: inside inline markup, across blocks and entities, and captions.
      expect(await found('late vote')).toEqual(['council']);
      expect(await found('timetable')).toEqual(['council']);
      expect(await found('residents welcomed applauded')).toEqual(['council']);
      expect(await found('quayside dusk')).toEqual(['council']);
      expect(await found('unbelievable')).toEqual(['strike']);
      expect(await found('soon returns')).toEqual(['cafe']);
      // Never the markup: tag names, attributes (a picture's address and alt text), entity names.
      for (const markup of [
        'strong',
        'figure',
        'figcaption',
        'img',
        'src',
        'media',
        'jpeg',
        'pelican',
        'alt',
        'nbsp',
        'amp',
        'lt',
        'em',
        'p',
      ]) {
        expect(await found(markup), markup).toEqual([]);
      }
      // Totals, and pages by offset.
      expect(await search('harbour', 1)).toEqual({ total: 2, slugs: ['strike'] });
      expect(await search('harbour', 1, 1)).toEqual({ total: 2, slugs: ['council'] });
      expect(await search('harbour', 10, 2)).toEqual({ total: 2, slugs: [] });
      expect(await search('q', 10)).toEqual({ total: 0, slugs: [] });
      expect(await search('qu', 10)).toEqual({ total: 2, slugs: ['cafe', 'council'] });
      const [whole] = (await store.searchPublications({ text: 'crews', limit: 1 })).stories;
      expect(whole).toMatchObject({ slug: 'strike', headline: 'Harbour ferry strike', bodyHtml: expect.stringContaining('Crews') });
      await store.close();
    });

    it('S-PUB-17 reads whatever a reader types as words: no syntax, no error, nothing for no word', async () => {
      const { store, search, found } = await searchable();
      for (const blank of ['', '   ', '\n\t', '!!!', '* - : ( ) " \' ^ + ~', '-', '\u{1F600}\u{1F600}', '\u0000', '\uD800']) {
        expect(await search(blank), JSON.stringify(blank)).toEqual({ total: 0, slugs: [] });
      }
      // FTS5 and tsquery syntax is punctuation between words.
      for (const typed of [
        '"harbour',
        'harbour"',
        '"harbour"',
        'harb*',
        '(harbour)',
        '((harbour',
        '-harbour',
        'harbour:*',
        '^harbour',
        '!harbour',
      ]) {
        expect(await found(typed), typed).toEqual(['strike', 'council']);
      }
      expect(await found('harbour -ferry')).toEqual(['strike', 'council']);
      expect(await found('"harbour ferry"')).toEqual(['strike', 'council']);
      expect(await found('ferry & harbour | zebra')).toEqual([]);
      expect(await found('headline:strike')).toEqual([]);
      expect(await found('harbour OR zebra')).toEqual([]);
      expect(await found('NEAR(harbour ferry)')).toEqual([]);
      expect(await found('harbour \u{1F600} ferry')).toEqual(['strike', 'council']);
      const hostile = [
        'harbour AND ferry',
        'NOT harbour',
        'harbour NEAR ferry',
        'NEAR(harbour ferry, 2)',
        'harbour <-> ferry',
        "'; DROP TABLE publications; --",
        "harbour' OR '1'='1",
        '\\',
        '%_%',
        '{}[]',
        '<strong>',
        '&amp;',
        'x'.repeat(2000),
        `harbour ${'y'.repeat(1999)}`,
        'harbour '.repeat(250),
        'é'.repeat(2000),
        '\u{1F600}'.repeat(1000),
        'a b c d e f g h i j k l m n o p q r s t u v w x y z 0 1 2 3 4 5 6 7 8 9 '.repeat(20),
      ];
      for (const typed of hostile) {
        const result = await store.searchPublications({ text: typed, limit: 10 });
        expect(result.stories.length, typed.slice(0, 40)).toBeLessThanOrEqual(result.total);
      }
      expect(await found('harbour '.repeat(250))).toEqual(['strike', 'council']);
      expect(await found(`harbour ${'y'.repeat(1999)}`)).toEqual([]);
      expect((await store.listPublications(10)).map((p) => p.slug)).toEqual(['cafe', 'strike', 'council']);
      await store.close();
    });

    it('S-PUB-18 searches the latest publication of live stories only: withdrawn, replaced and purged text is not found', async () => {
      const { store, ids, found } = await searchable();
      await store.unpublish(ids.council, '2026-03-05T10:00:00.000Z', 'Ed');
      expect(await found('harbour')).toEqual(['strike']);
      expect(await found('timetable')).toEqual([]);
      // Republished with other words: those are found, the old ones no longer.
      const [pub, rev] = publication(ids.council, 'council', '2026-03-06T10:00:00.000Z');
      const long = 'z'.repeat(3000);
      await store.savePublication(
        { ...pub, publishedAt: '2026-03-01T10:00:00.000Z', headline: 'Lighthouse keeper retires', bodyHtml: `<p>${long}</p>` },
        rev,
      );
      expect(await found('lighthouse')).toEqual(['council']);
      expect(await found('timetable')).toEqual([]);
      expect(await found('council')).toEqual([]);
      expect(await found('harbour')).toEqual(['strike']);
      // A word longer than any real one is found by its beginning.
      expect(await found('zz')).toEqual(['council']);
      expect(await found('z'.repeat(150))).toEqual(['council']);
      // Purged: gone from the search with the story.
      await store.unpublish(ids.strike, '2026-03-07T10:00:00.000Z', 'Ed');
      expect(await store.trashStory(ids.strike, { id: 'ana-id', name: 'Ana' }, '2026-03-07T11:00:00.000Z')).toBe(true);
      expect(await store.purgeStory(ids.strike, { id: 'ana-id', name: 'Ana' }, '2026-03-07T12:00:00.000Z')).toBe(true);
      expect(await found('crews')).toEqual([]);
      expect(await found('harbour')).toEqual([]);
      expect(await found('lighthouse')).toEqual(['council']);
      if (factory.reopen) {
        const again = await factory.reopen(store);
        expect((await again.searchPublications({ text: 'lighthouse quay', limit: 10 })).total).toBe(0);
        expect((await again.searchPublications({ text: 'lighthouse', limit: 10 })).stories.map((p) => p.slug)).toEqual(['council']);
        await again.close();
      } else await store.close();
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
