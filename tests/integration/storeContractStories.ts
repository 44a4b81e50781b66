/**
 * The Store contract's rules for stories, S-STO-n (StoryStore: records and the list, status compare-and-set,
 * addresses and redirects, schedules). See storeContract.ts.
 */
import { describe, expect, it } from 'vitest';
import { NO_PLANNING } from '../../shared/planning';
import { type StoreFactory, storeWithStories, publication } from './storeContractFixtures';

export function storyRules(factory: StoreFactory): void {
  const withStories = (count: number) => storeWithStories(factory, count);

  describe('stories', () => {
    it('S-STO-1 lists stories most recently edited first and refreshes their summary', async () => {
      const {
        store,
        u,
        stories: [older, newer],
      } = await withStories(2);
      expect((await store.listStories()).map((s) => s.id)).toEqual([newer.id, older.id]);
      expect((await store.listStories()).map((s) => [s.openComments, s.mentionedIds])).toEqual([
        [0, []],
        [0, []],
      ]);
      await store.touchStory(older.id, 'Now on top', '2027-01-01T00:00:00.000Z', { openComments: 3, mentionedIds: [u.id] });
      const [top] = await store.listStories();
      expect(top).toMatchObject({
        id: older.id,
        headline: 'Now on top',
        updatedAt: '2027-01-01T00:00:00.000Z',
        openComments: 3,
        mentionedIds: [u.id],
      });
      // Without a comment summary, the last one stays.
      await store.touchStory(older.id, 'Retitled', '2027-01-02T00:00:00.000Z');
      expect((await store.listStories())[0]).toMatchObject({ headline: 'Retitled', openComments: 3, mentionedIds: [u.id] });
      // Comments alone changed: "last edited" stays.
      await store.touchStory(older.id, 'Retitled', null, { openComments: 0, mentionedIds: [] });
      expect((await store.listStories())[0]).toMatchObject({ updatedAt: '2027-01-02T00:00:00.000Z', openComments: 0, mentionedIds: [] });
      expect(await store.getStory(newer.id)).toEqual(newer);
      await store.close();
    });

    it('S-STO-2 changes status only from the expected ones (compare-and-set), keeping who, when, note and schedule', async () => {
      const {
        store,
        u,
        stories: [s],
      } = await withStories(1);
      const at = '2026-03-01T10:00:00.000Z';
      expect(await store.changeStatus(s.id, { status: 'in_review', at, by: 'Wri Ter' }, ['draft'])).toBe(true);
      expect(await store.changeStatus(s.id, { status: 'in_review', at, by: 'Someone' }, ['draft'])).toBe(false);
      expect(await store.getStory(s.id)).toMatchObject({
        status: 'in_review',
        statusChangedAt: at,
        statusChangedBy: 'Wri Ter',
        statusNote: null,
      });
      const later = '2026-03-01T11:00:00.000Z';
      const change = { status: 'scheduled' as const, at: later, by: 'Ed', scheduledFor: '2026-03-02T09:00:00.000Z', scheduledById: u.id };
      expect(await store.changeStatus(s.id, change, ['in_review'])).toBe(true);
      expect(await store.getStory(s.id)).toMatchObject({ status: 'scheduled', scheduledFor: change.scheduledFor, scheduledById: u.id });
      expect(
        await store.changeStatus(s.id, { status: 'draft', at: later, by: 'Ed', note: 'Check the figures' }, ['in_review', 'scheduled']),
      ).toBe(true);
      expect(await store.getStory(s.id)).toMatchObject({
        status: 'draft',
        statusNote: 'Check the figures',
        scheduledFor: null,
        scheduledById: null,
      });
      expect(await store.changeStatus('10000000-0000-4000-8000-999999999999', { status: 'draft', at, by: null }, ['draft'])).toBe(false);
      await store.close();
    });

    it("S-STO-3 keeps addresses unique, and redirects a published story's old addresses", async () => {
      const {
        store,
        stories: [a, b],
      } = await withStories(2);
      expect(await store.setSlug(a.id, 'harbour')).toBe(true);
      expect(await store.setSlug(b.id, 'harbour')).toBe(false);
      expect(await store.isSlugTaken('harbour', b.id)).toBe(true);
      // Before publication a change leaves nothing behind.
      expect(await store.setSlug(a.id, 'harbour-bridge')).toBe(true);
      expect(await store.findRedirect('harbour')).toBeUndefined();
      expect(await store.setSlug(b.id, 'harbour')).toBe(true);
      await store.savePublication(...publication(a.id, 'harbour-bridge', '2026-03-01T10:00:00.000Z'));
      // After publication the old address redirects, and no other story may take it.
      expect(await store.setSlug(a.id, 'bridge-reopens')).toBe(true);
      expect(await store.findRedirect('harbour-bridge')).toBe('bridge-reopens');
      expect(await store.getPublicationBySlug('bridge-reopens')).toMatchObject({ storyId: a.id });
      expect(await store.getPublicationBySlug('harbour-bridge')).toBeUndefined();
      expect(await store.setSlug(b.id, 'harbour-bridge')).toBe(false);
      expect(await store.isSlugTaken('harbour-bridge', b.id)).toBe(true);
      expect(await store.isSlugTaken('harbour-bridge', a.id)).toBe(false);
      // Taking an old address back ends its redirect; the one left behind redirects instead.
      expect(await store.setSlug(a.id, 'harbour-bridge')).toBe(true);
      expect(await store.findRedirect('harbour-bridge')).toBeUndefined();
      expect(await store.findRedirect('bridge-reopens')).toBe('harbour-bridge');
      await store.close();
    });

    it('S-STO-4 claims due schedules once per lease; a lapsed lease can be claimed again', async () => {
      const {
        store,
        u,
        stories: [due, later],
      } = await withStories(2);
      const schedule = (id: string, at: string) =>
        store.changeStatus(id, { status: 'scheduled', at: '2026-03-01T00:00:00.000Z', by: 'Ed', scheduledFor: at, scheduledById: u.id }, [
          'draft',
        ]);
      await schedule(due.id, '2026-03-01T10:00:00.000Z');
      await schedule(later.id, '2026-03-01T12:00:00.000Z');
      const now = '2026-03-01T10:00:01.000Z';
      const lease = '2026-03-01T10:01:00.000Z';
      expect(await store.claimDueSchedules(now, lease)).toEqual([
        { storyId: due.id, scheduledFor: '2026-03-01T10:00:00.000Z', scheduledById: u.id },
      ]);
      expect(await store.claimDueSchedules(now, lease)).toEqual([]);
      expect((await store.claimDueSchedules(lease, '2026-03-01T10:02:00.000Z')).map((d) => d.storyId)).toEqual([due.id]);
      await store.close();
    });

    it('S-STO-5 keeps a story planning for the list, and answers the planning each change replaced', async () => {
      const {
        store,
        u,
        stories: [story],
      } = await withStories(1);
      expect((await store.listStories())[0].planning).toEqual(NO_PLANNING);
      const planning = {
        assigneeIds: [u.id, 'other'],
        section: 'City',
        tags: ['council'],
        dueAt: '2027-01-01T09:00:00.000Z',
        priority: 'high' as const,
      };
      // Each answers the planning it replaced: what changed, seen once.
      expect(await store.setStoryPlanning(story.id, planning)).toEqual(NO_PLANNING);
      expect((await store.listStories())[0].planning).toEqual(planning);
      expect(await store.setStoryPlanning(story.id, { ...planning, section: null })).toEqual(planning);
      expect(await store.setStoryPlanning(story.id, { ...planning, assigneeIds: [u.id, 'other', 'third'] })).toEqual({
        ...planning,
        section: null,
      });
      expect(await store.setStoryPlanning('no-such-story', planning)).toBeUndefined();
      await store.close();
    });

    it('S-STO-6 finds the assigned stories due in a window, soonest first', async () => {
      const {
        store,
        u,
        stories: [soon, later, unassigned, past],
      } = await withStories(4);
      const plan = (dueAt: string, assigneeIds: string[]) => ({ ...NO_PLANNING, dueAt, assigneeIds });
      await store.setStoryPlanning(soon.id, plan('2027-01-01T10:30:00.000Z', [u.id]));
      await store.setStoryPlanning(later.id, plan('2027-01-01T12:00:00.000Z', [u.id]));
      await store.setStoryPlanning(unassigned.id, plan('2027-01-01T10:20:00.000Z', []));
      await store.setStoryPlanning(past.id, plan('2027-01-01T09:59:00.000Z', [u.id]));
      expect(await store.storiesDueBetween('2027-01-01T10:00:00.000Z', '2027-01-01T11:00:00.000Z')).toEqual([
        { storyId: soon.id, dueAt: '2027-01-01T10:30:00.000Z', assigneeIds: [u.id] },
      ]);
      await store.close();
    });
  });
}
