/**
 * The Store contract's rules for the newsroom's search, S-SRC-n (StorySearchStore: each story's text,
 * indexed, and pages of the list by words, filters, sort and cursor). See storeContract.ts.
 */
import { describe, expect, it } from 'vitest';
import type { Store } from '../../server/persistence/Store';
import type { StoryFilter, StoryPageQuery, StoryText } from '../../server/persistence/StorySearchStore';
import { NO_PLANNING } from '../../shared/planning';
import { parseSearchQuery } from '../../shared/searchQuery';
import { type StoreFactory, story, storeWithStories, user } from './storeContractFixtures';

const text = (over: Partial<StoryText> = {}): StoryText => ({ headline: '', standfirst: '', byline: '', body: '', ...over });

/** Ids of the stories matching `q` (and `filter`), newest edited first. */
async function found(store: Store, q: string | null, filter: StoryFilter = {}, page: Partial<StoryPageQuery> = {}): Promise<string[]> {
  const query = q === null ? undefined : (parseSearchQuery(q) ?? undefined);
  if (q !== null && !query) throw new Error(`no words in ${q}`);
  const stories = await store.searchStories({ filter: { ...filter, text: query }, sort: 'edited', limit: 50, ...page });
  return stories.map((s) => s.id);
}

export function searchRules(factory: StoreFactory): void {
  describe('search', () => {
    it('S-SRC-1 finds a story by a word of any field, whatever its case and accents, and follows re-indexing', async () => {
      const {
        store,
        stories: [a, b],
      } = await storeWithStories(factory, 2);
      await store.indexStory(
        a.id,
        text({
          headline: 'Harbour works',
          standfirst: 'Cranes arrive',
          byline: 'Zoë Quill',
          body: 'The Ferry runs late.\nSecond paragraph.',
        }),
      );
      await store.indexStory(b.id, text({ body: 'Nothing of the sort' }));
      for (const q of ['harbour', 'CRANES', 'zoe', 'Zoë', 'ferry', 'paragraph']) expect(await found(store, q), q).toEqual([a.id]);
      expect(await found(store, 'sort')).toEqual([b.id]);
      expect(await found(store, 'the')).toEqual([b.id, a.id]);
      await store.indexStory(a.id, text({ headline: 'Renamed' }));
      expect(await found(store, 'harbour')).toEqual([]);
      expect(await found(store, 'renamed')).toEqual([a.id]);
      expect((await store.storyTexts([a.id, b.id])).get(a.id)).toEqual(text({ headline: 'Renamed' }));
      await store.close();
    });

    it('S-SRC-12 indexes and finds a word of thousands of letters (Postgres refuses one over 2,047 bytes)', async () => {
      const {
        store,
        stories: [a],
      } = await storeWithStories(factory, 1);
      const long = 'é'.repeat(3_000);
      await store.indexStory(a.id, text({ body: `Before ${long} after` }));
      expect(await found(store, long)).toEqual([a.id]);
      expect(await found(store, 'after')).toEqual([a.id]);
      await store.close();
    });

    it('S-SRC-2 needs every word; quotes need the words together in that order, within one field', async () => {
      const {
        store,
        stories: [a, b],
      } = await storeWithStories(factory, 2);
      await store.indexStory(a.id, text({ headline: 'council budget', body: 'The city council voted on the budget' }));
      await store.indexStory(b.id, text({ headline: 'Budget', body: 'voted council' }));
      expect(await found(store, 'budget council')).toEqual([b.id, a.id]);
      expect(await found(store, '"city council voted"')).toEqual([a.id]);
      expect(await found(store, '"voted council"')).toEqual([b.id]);
      expect(await found(store, '"council voted"')).toEqual([a.id]);
      // "budget" ends the headline and "voted" starts the body: not a phrase.
      expect(await found(store, '"budget voted"')).toEqual([]);
      expect(await found(store, 'budget nowhere')).toEqual([]);
      await store.close();
    });

    it('S-SRC-3 understands -excluded words, OR and word* prefixes', async () => {
      const {
        store,
        stories: [a, b, c],
      } = await storeWithStories(factory, 3);
      await store.indexStory(a.id, text({ body: 'storm over the harbour' }));
      await store.indexStory(b.id, text({ body: 'storm over the market' }));
      await store.indexStory(c.id, text({ body: 'stormy market day' }));
      expect(await found(store, 'storm -market')).toEqual([a.id]);
      expect(await found(store, 'storm -"the market"')).toEqual([a.id]);
      expect(await found(store, 'harbour OR day')).toEqual([c.id, a.id]);
      expect(await found(store, 'storm*')).toEqual([c.id, b.id, a.id]);
      expect(await found(store, 'storm* -over')).toEqual([c.id]);
      await store.close();
    });

    it('S-SRC-4 reads search engine syntax typed as words as plain words, and never fails on it', async () => {
      const {
        store,
        stories: [a],
      } = await storeWithStories(factory, 1);
      await store.indexStory(a.id, text({ headline: 'Headline: NEAR the (old) pier', body: "It's 5 o'clock AND raining ^ OR not" }));
      const hostile = [
        'headline: pier',
        'NEAR(pier old)',
        'NEAR/2',
        '(old OR',
        'pier)',
        '^pier',
        'pier AND',
        "it's",
        '5',
        'o*',
        'x:*',
        '"unclosed pier',
        'a & b | !c',
        "'pier'",
      ];
      for (const q of hostile) {
        const query = parseSearchQuery(q);
        if (query) await expect(store.searchStories({ filter: { text: query }, sort: 'edited', limit: 5 }), q).resolves.toBeDefined();
      }
      expect(await found(store, 'headline: pier')).toEqual([a.id]);
      expect(await found(store, 'NEAR(pier old)')).toEqual([a.id]);
      expect(await found(store, "it's raining")).toEqual([a.id]);
      await store.close();
    });

    it('S-SRC-5 filters by status, owner (creator or assignee) and @mention, alone or with words', async () => {
      const { store, u } = await storeWithStories(factory, 0);
      const other = user();
      await store.createUser(other);
      const mine = story(u.id);
      const theirs = story(other.id, { status: 'in_review' });
      for (const s of [mine, theirs]) await store.createStory(s);
      await store.touchStory(theirs.id, '', null, { openComments: 1, mentionedIds: [u.id] });
      await store.indexStory(mine.id, text({ body: 'river' }));
      await store.indexStory(theirs.id, text({ body: 'river' }));
      expect(await found(store, null, { status: 'in_review' })).toEqual([theirs.id]);
      expect(await found(store, null, { ownedBy: u.id })).toEqual([mine.id]);
      // Assigned to someone, it is theirs too.
      await store.setStoryPlanning(mine.id, { ...NO_PLANNING, assigneeIds: [other.id] });
      expect((await found(store, null, { ownedBy: other.id })).sort()).toEqual([mine.id, theirs.id].sort());
      expect(await found(store, null, { mentions: u.id })).toEqual([theirs.id]);
      expect(await found(store, null, { mentions: other.id })).toEqual([]);
      expect(await found(store, 'river', { status: 'draft', ownedBy: u.id })).toEqual([mine.id]);
      expect(await found(store, 'river', { status: 'published' })).toEqual([]);
      await store.close();
    });

    it('S-SRC-6 pages through every story once, newest edited or created first, from a cursor', async () => {
      const { store, u } = await storeWithStories(factory, 0);
      // Created in one order, edited in the reverse one; two share an edit time (the id decides).
      const stories = Array.from({ length: 5 }, (_, i) =>
        story(u.id, { createdAt: `2026-02-0${i + 1}T00:00:00.000Z`, updatedAt: `2026-03-0${Math.min(5 - i, 4)}T00:00:00.000Z` }),
      );
      for (const s of stories) await store.createStory(s);
      const byEdited = [...stories].sort((x, y) => y.updatedAt.localeCompare(x.updatedAt) || y.id.localeCompare(x.id)).map((s) => s.id);
      const byCreated = [...stories].reverse().map((s) => s.id);
      for (const [sort, expected, key] of [
        ['edited', byEdited, 'updatedAt'],
        ['created', byCreated, 'createdAt'],
      ] as const) {
        const seen: string[] = [];
        let before: StoryPageQuery['before'];
        for (let page = 0; page < 5; page++) {
          const rows = await store.searchStories({ filter: {}, sort, before, limit: 2 });
          seen.push(...rows.map((r) => r.id));
          if (rows.length < 2) break;
          const last = rows[rows.length - 1];
          before = { at: last[key], id: last.id };
        }
        expect(seen, sort).toEqual(expected);
      }
      await store.close();
    });

    it('S-SRC-9 filters by due time, section and tag (planning), alone or with words', async () => {
      const { store, u } = await storeWithStories(factory, 0);
      const [late, soon, later, none] = [1, 2, 3, 4].map((i) => story(u.id, { updatedAt: `2026-05-0${i}T00:00:00.000Z` }));
      for (const s of [late, soon, later, none]) await store.createStory(s);
      const plan = (dueAt: string | null, section: string | null, tags: string[]) => ({ ...NO_PLANNING, dueAt, section, tags });
      await store.setStoryPlanning(late.id, plan('2027-01-01T09:00:00.000Z', 'City', ['ferries']));
      await store.setStoryPlanning(soon.id, plan('2027-01-01T10:30:00.000Z', 'Sport', ['ferries', 'fares']));
      await store.setStoryPlanning(later.id, plan('2027-01-02T10:00:00.000Z', 'City', []));
      await store.indexStory(soon.id, text({ body: 'harbour' }));
      const now = '2027-01-01T10:00:00.000Z';
      expect(await found(store, null, { due: { after: null, until: now } })).toEqual([late.id]);
      expect(await found(store, null, { due: { after: now, until: '2027-01-01T11:00:00.000Z' } })).toEqual([soon.id]);
      expect(await found(store, null, { section: 'City' })).toEqual([later.id, late.id]);
      expect(await found(store, null, { tag: 'ferries' })).toEqual([soon.id, late.id]);
      expect(await found(store, null, { tag: 'ferr' })).toEqual([]);
      expect(await found(store, 'harbour', { tag: 'fares', section: 'Sport' })).toEqual([soon.id]);
      await store.close();
    });

    it('S-SRC-10 filters by assignee, alone or with other filters', async () => {
      const { store, u } = await storeWithStories(factory, 0);
      const other = user();
      await store.createUser(other);
      const [both, justOther, nobody] = [1, 2, 3].map((i) => story(u.id, { updatedAt: `2026-06-0${i}T00:00:00.000Z` }));
      for (const s of [both, justOther, nobody]) await store.createStory(s);
      await store.setStoryPlanning(both.id, { ...NO_PLANNING, assigneeIds: [u.id, other.id], section: 'City' });
      await store.setStoryPlanning(justOther.id, { ...NO_PLANNING, assigneeIds: [other.id] });
      expect(await found(store, null, { assignee: other.id })).toEqual([justOther.id, both.id]);
      // Created by u is not assigned to u.
      expect(await found(store, null, { assignee: u.id })).toEqual([both.id]);
      expect(await found(store, null, { assignee: other.id, section: 'City' })).toEqual([both.id]);
      await store.close();
    });

    it('S-SRC-11 pages by due time, soonest first, ties by id, stories without one last, each once', async () => {
      const { store, u } = await storeWithStories(factory, 0);
      const stories = Array.from({ length: 7 }, (_, i) => story(u.id, { updatedAt: `2026-07-0${i + 1}T00:00:00.000Z` }));
      for (const s of stories) await store.createStory(s);
      // Two share a due time, three have none.
      const dues = [
        '2027-02-03T09:00:00.000Z',
        '2027-02-01T09:00:00.000Z',
        '2027-02-03T09:00:00.000Z',
        null,
        '2027-01-31T23:00:00.000Z',
        null,
        null,
      ];
      for (const [i, s] of stories.entries()) await store.setStoryPlanning(s.id, { ...NO_PLANNING, dueAt: dues[i] });
      // Code unit order: "~" after every ISO time.
      const key = (i: number) => `${dues[i] ?? '~'} ${stories[i].id}`;
      const expected = stories
        .map((s, i) => ({ id: s.id, key: key(i) }))
        .sort((x, y) => (x.key < y.key ? -1 : 1))
        .map((s) => s.id);
      for (const filter of [{}, { text: undefined, status: 'draft' as const }]) {
        const seen: string[] = [];
        let before: StoryPageQuery['before'];
        for (let page = 0; page < 7; page++) {
          const rows = await store.searchStories({ filter, sort: 'due', before, limit: 2 });
          seen.push(...rows.map((r) => r.id));
          if (rows.length < 2) break;
          const last = rows[rows.length - 1];
          before = { at: last.planning.dueAt, id: last.id };
        }
        expect(seen).toEqual(expected);
      }
      // With words too: the page is looked for along the due order.
      for (const s of stories) await store.indexStory(s.id, text({ body: 'ferry' }));
      expect(
        (await store.searchStories({ filter: { text: parseSearchQuery('ferry')! }, sort: 'due', limit: 50 })).map((r) => r.id),
      ).toEqual(expected);
      await store.close();
    });

    it('S-SRC-8 pages through the stories matching words, each once, in order, whether they are many or few', async () => {
      const { store, u } = await storeWithStories(factory, 0);
      const stories = Array.from({ length: 9 }, (_, i) => story(u.id, { updatedAt: `2026-04-0${i + 1}T00:00:00.000Z` }));
      for (const s of stories) await store.createStory(s);
      // Every story has "tide"; every third one also "squall".
      for (const [i, s] of stories.entries()) await store.indexStory(s.id, text({ body: i % 3 === 0 ? 'tide and squall' : 'tide' }));
      const newestFirst = [...stories].reverse();
      for (const [words, expected] of [
        ['tide', newestFirst],
        ['squall', newestFirst.filter((s) => stories.indexOf(s) % 3 === 0)],
      ] as const) {
        const seen: string[] = [];
        let before: StoryPageQuery['before'];
        for (let page = 0; page < 10; page++) {
          const rows = await store.searchStories({ filter: { text: parseSearchQuery(words)! }, sort: 'edited', before, limit: 2 });
          seen.push(...rows.map((r) => r.id));
          if (rows.length < 2) break;
          before = { at: rows[1].updatedAt, id: rows[1].id };
        }
        expect(seen, words).toEqual(expected.map((s) => s.id));
      }
      await store.close();
    });

    it('S-SRC-7 indexes only stories that exist, and says which are not indexed yet', async () => {
      const {
        store,
        stories: [a, b, c],
      } = await storeWithStories(factory, 3);
      await store.indexStory(b.id, text({ body: 'indexed' }));
      await store.indexStory('10000000-0000-4000-8000-999999999999', text({ body: 'ghost' }));
      expect(await found(store, 'ghost')).toEqual([]);
      const unindexed = [a.id, c.id].sort();
      expect(await store.unindexedStories('', 10)).toEqual(unindexed);
      expect(await store.unindexedStories(unindexed[0], 10)).toEqual([unindexed[1]]);
      expect(await store.unindexedStories('', 1)).toEqual([unindexed[0]]);
      expect([...(await store.storyTexts([a.id, b.id])).keys()]).toEqual([b.id]);
      await store.close();
    });
  });
}
