/**
 * The Store contract's rules for stories' activity timelines, S-ACT-n (StoryActivityStore). See
 * storeContract.ts.
 */
import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../shared/limits';
import type { NewActivity } from '../../server/persistence/StoryActivityStore';
import { type StoreFactory, storeWithStories } from './storeContractFixtures';

let clock = 0;
const at = () => new Date(Date.UTC(2026, 3, 1, 0, 0, ++clock)).toISOString();
const ana = { id: 'ana-id', name: 'Ana Editor' };

const submitted = (storyId: string): NewActivity => ({ storyId, at: at(), actor: ana, kind: 'submitted', detail: {} });
const returned = (storyId: string, note: string): NewActivity => ({ storyId, at: at(), actor: ana, kind: 'returned', detail: { note } });

export function activityRules(factory: StoreFactory): void {
  describe('activity', () => {
    it('S-ACT-1 keeps entries with their ids and lists a story’s own, newest recorded first, a page at a time', async () => {
      const { store, stories } = await storeWithStories(factory, 2);
      const [one, other] = stories.map((s) => s.id);
      const kept = await store.addStoryActivity([
        { storyId: one, at: at(), actor: { id: 'u', name: 'Una Writer' }, kind: 'created', detail: {} },
        submitted(one),
        returned(one, 'Needs a second source “quoted” <b>'),
      ]);
      await store.addStoryActivity([submitted(other)]);
      expect(kept.map((k) => k.kind)).toEqual(['created', 'submitted', 'returned']);
      expect(new Set(kept.map((k) => k.id)).size).toBe(3);
      const all = await store.listStoryActivity(one, { limit: 10 });
      expect(all).toEqual([...kept].reverse());
      expect(all[0]).toMatchObject({ storyId: one, actor: ana, kind: 'returned', detail: { note: 'Needs a second source “quoted” <b>' } });
      const first = await store.listStoryActivity(one, { limit: 2 });
      expect(first.map((e) => e.kind)).toEqual(['returned', 'submitted']);
      expect(await store.listStoryActivity(one, { limit: 2, before: first[1].id })).toEqual([kept[0]]);
      expect((await store.listStoryActivity(other, { limit: 10 })).map((e) => e.kind)).toEqual(['submitted']);
      await store.close();
    });

    it('S-ACT-2 orders entries recorded at the same moment, or with clocks out of step, as they were recorded', async () => {
      const { store, stories } = await storeWithStories(factory, 1);
      const storyId = stories[0].id;
      const moment = at();
      await store.addStoryActivity([
        { ...submitted(storyId), at: moment },
        { ...returned(storyId, 'a'), at: moment },
      ]);
      // Another process's clock, a second behind.
      await store.addStoryActivity([{ ...returned(storyId, 'b'), at: new Date(Date.parse(moment) - 1000).toISOString() }]);
      const listed = await store.listStoryActivity(storyId, { limit: 10 });
      expect(listed.map((e) => (e.kind === 'returned' ? e.detail.note : e.kind))).toEqual(['b', 'a', 'submitted']);
      await store.close();
    });

    it('S-ACT-3 keeps an entry with no actor (the server’s own) and every kind’s detail as given', async () => {
      const { store, stories } = await storeWithStories(factory, 1);
      const storyId = stories[0].id;
      const entries: NewActivity[] = [
        { storyId, at: at(), actor: null, kind: 'unscheduled', detail: { note: 'Scheduled publication did not go out: no headline' } },
        { storyId, at: at(), actor: ana, kind: 'assigned', detail: { people: [{ id: 'b', name: 'Ben' }] } },
        { storyId, at: at(), actor: ana, kind: 'due', detail: { from: null, to: '2027-01-01T10:00:00.000Z' } },
        { storyId, at: at(), actor: ana, kind: 'priority', detail: { from: 'normal', to: 'urgent' } },
        { storyId, at: at(), actor: ana, kind: 'published', detail: { revision: 1, slug: 'harbour-dues', scheduled: false } },
        { storyId, at: at(), actor: ana, kind: 'restored', detail: { number: 2, name: null } },
        { storyId, at: at(), actor: ana, kind: 'reverted', detail: { number: 1, author: { id: 'b', name: 'Ben' } } },
      ];
      const kept = await store.addStoryActivity(entries);
      const listed = (await store.listStoryActivity(storyId, { limit: 10 })).reverse();
      expect(listed).toEqual(kept);
      expect(listed.map(({ storyId: s, at: when, actor, kind, detail }) => ({ storyId: s, at: when, actor, kind, detail }))).toEqual(
        entries,
      );
      await store.close();
    });

    it('S-ACT-4 refuses a whole batch when an entry’s detail is not its kind’s, too large or of an unknown kind', async () => {
      const { store, stories } = await storeWithStories(factory, 1);
      const storyId = stories[0].id;
      const tooLong = 'x'.repeat(LIMITS.activityDetailMaxBytes);
      const bad: NewActivity[] = [
        { ...returned(storyId, 'ok'), detail: { note: 42 } } as unknown as NewActivity,
        { ...returned(storyId, 'ok'), detail: { note: 'ok', script: '<b>' } } as unknown as NewActivity,
        returned(storyId, tooLong),
        { ...submitted(storyId), kind: 'deleted_everything' } as unknown as NewActivity,
        { storyId, at: at(), actor: ana, kind: 'assigned', detail: { people: [] } },
      ];
      for (const entry of bad) await expect(store.addStoryActivity([submitted(storyId), entry])).rejects.toThrow();
      // A note of the longest a person may write, in the widest characters, fits.
      await store.addStoryActivity([returned(storyId, '😀'.repeat(LIMITS.noteMaxChars / 2))]);
      expect((await store.listStoryActivity(storyId, { limit: 10 })).map((e) => e.kind)).toEqual(['returned']);
      await store.close();
    });

    it('S-ACT-5 deletes one story’s timeline and only that one', async () => {
      const { store, stories } = await storeWithStories(factory, 2);
      const [one, other] = stories.map((s) => s.id);
      await store.addStoryActivity([submitted(one), returned(one, 'n'), submitted(other)]);
      expect(await store.deleteStoryActivity(one)).toBe(2);
      expect(await store.listStoryActivity(one, { limit: 10 })).toEqual([]);
      expect(await store.listStoryActivity(other, { limit: 10 })).toHaveLength(1);
      expect(await store.deleteStoryActivity(one)).toBe(0);
      await store.close();
    });
  });
}
