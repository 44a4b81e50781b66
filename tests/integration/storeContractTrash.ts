/**
 * The Store contract's rules for archive and the Trash, S-TRS-n (StoryRetentionStore: archive, trash, restore,
 * purge, the deletion record, the retention sweep's claims). See storeContract.ts.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Store, StoryRecord } from '../../server/persistence/Store';
import type { StoryFilter } from '../../server/persistence/StorySearchStore';
import { NO_PLANNING } from '../../shared/planning';
import { parseSearchQuery } from '../../shared/searchQuery';
import { type StoreFactory, publication, storeWithStories } from './storeContractFixtures';

const at = (day: number) => new Date(Date.UTC(2026, 11, day, 10, 2)).toISOString();
const ana = { id: 'ana-id', name: 'Ana Editor' };

/** Ids of the stories the newsroom list shows for `filter` (with `q`, searched). */
async function listed(store: Store, filter: StoryFilter = {}, q?: string): Promise<string[]> {
  const text = q ? parseSearchQuery(q)! : undefined;
  return (await store.searchStories({ filter: { ...filter, text }, sort: 'edited', limit: 50 })).map((s) => s.id);
}

/**
 * A story with a row in everything that belongs to a story: its log, snapshot and client claims, a deletion
 * (selective revert's), a quarantined row, a version and a publication (unpublished again, as a story must be
 * to go in the Trash) with an old address, a public picture, a notification with its email, a submitter, its
 * planning and its search text, all carrying the word `word`.
 */
async function fullStory(store: Store, s: StoryRecord, userId: string, word: string): Promise<void> {
  await store.appendUpdates([{ storyId: s.id, update: Uint8Array.of(1), deletion: { userId, at: at(1), ds: Uint8Array.of(2) } }]);
  const [seq] = await store.appendUpdates([{ storyId: s.id, update: Uint8Array.of(3) }]);
  await store.quarantine(s.id, [{ kind: 'update', seq, reason: 'test' }], at(1));
  await store.compact(s.id, (updates) => updates[0]);
  await store.appendUpdates([{ storyId: s.id, update: Uint8Array.of(4) }]);
  await store.claimClients(s.id, new Map([[Math.floor(Math.random() * 1e9), userId]]));
  const [page, revision] = publication(s.id, `${word}-page`, at(2));
  await store.savePublication(page, revision);
  await store.setSlug(s.id, `${word}-moved`);
  await store.unpublish(s.id, at(3), 'Ed');
  const mediaId = randomUUID();
  await store.addMedia(
    {
      id: mediaId,
      sha256: randomUUID(),
      format: 'png',
      width: 1,
      height: 1,
      bytes: 1,
      uploadedBy: userId,
      createdAt: at(1),
      alt: '',
      caption: '',
      credit: '',
    },
    Uint8Array.of(1),
  );
  await store.setPublishedMedia(s.id, [mediaId]);
  const notificationId = randomUUID();
  const note = { id: notificationId, userId, kind: 'mention' as const, storyId: s.id, actorId: 'a', actorName: 'A', createdAt: at(2) };
  await store.addNotifications(
    [{ ...note, readAt: null, data: {}, inApp: true, dedupeKey: null }],
    [{ notificationId, userId, dueAt: at(2) }],
  );
  await store.addStorySubmitter(s.id, userId);
  await store.setStoryPlanning(s.id, { ...NO_PLANNING, assigneeIds: [userId], section: 'City', dueAt: at(20) });
  await store.touchStory(s.id, `Headline ${word}`, at(4));
  await store.indexStory(s.id, { headline: `Headline ${word}`, standfirst: '', byline: '', body: `Body ${word}` });
  // A webhook event about it, queued for an endpoint (its payload names the story).
  const endpoint = { id: randomUUID(), url: 'https://hooks.example/galley', description: '', events: ['story.published' as const] };
  await store.addWebhookEndpoint({ ...endpoint, secret: 's', active: true, createdAt: at(1), createdBy: userId }, 10);
  const payload = JSON.stringify({ data: { story: { id: s.id, headline: `Headline ${word}` } } });
  await store.enqueueWebhookEvent({ id: randomUUID(), type: 'story.published', payload, createdAt: at(2), storyId: s.id }, at(30));
}

export function trashRules(factory: StoreFactory): void {
  describe('archive and trash', () => {
    it('S-TRS-1 leaves a story in the Trash out of everything, lists it in the Trash, and restores it exactly', async () => {
      const {
        store,
        u,
        stories: [a, b],
      } = await storeWithStories(factory, 2);
      await fullStory(store, a, u.id, 'pelican');
      const before = { story: await store.getStory(a.id), log: await store.loadLog(a.id), revisions: await store.listRevisions(a.id) };
      expect(await store.trashStory(a.id, ana, at(7))).toBe(true);
      expect(await store.trashStory(a.id, ana, at(7))).toBe(false);
      expect(await store.getStory(a.id)).toBeUndefined();
      expect((await store.listStories()).map((s) => s.id)).toEqual([b.id]);
      expect(await listed(store)).toEqual([b.id]);
      expect(await listed(store, {}, 'pelican')).toEqual([]);
      expect(await listed(store, { state: 'archived' })).toEqual([]);
      expect(await store.storiesDueBetween(at(1), at(30))).toEqual([]);
      expect(await store.trashedStories()).toEqual([{ id: a.id, headline: 'Headline pelican', trashedAt: at(7), trashedBy: ana }]);

      expect(await store.restoreStory(a.id, { id: 'ben-id', name: 'Ben Editor' }, at(8))).toBe(true);
      expect(await store.restoreStory(a.id, ana, at(8))).toBe(false);
      expect(await store.getStory(a.id)).toEqual(before.story);
      expect(await store.loadLog(a.id)).toEqual(before.log);
      expect(await store.listRevisions(a.id)).toEqual(before.revisions);
      expect(await listed(store, {}, 'pelican')).toEqual([a.id]);
      expect(await store.storiesDueBetween(at(1), at(30))).toHaveLength(1);
      expect(await store.trashedStories()).toEqual([]);
      expect(await store.trashRecords(10)).toEqual([
        { storyId: a.id, action: 'restored', headline: 'Headline pelican', by: { id: 'ben-id', name: 'Ben Editor' }, at: at(8) },
        { storyId: a.id, action: 'deleted', headline: 'Headline pelican', by: ana, at: at(7) },
      ]);
      await store.close();
    });

    it('S-TRS-2 never moves a live or scheduled story to the Trash, nor changes the status of one in it', async () => {
      const {
        store,
        stories: [live, scheduled, trashed],
      } = await storeWithStories(factory, 3);
      const [page, revision] = publication(live.id, `live-${live.id}`, at(1));
      await store.savePublication(page, revision);
      const schedule = { status: 'scheduled' as const, at: at(1), by: 'Ed', scheduledFor: at(20), scheduledById: 'ed' };
      expect(await store.changeStatus(scheduled.id, schedule, ['draft'])).toBe(true);
      expect(await store.trashStory(live.id, ana, at(2))).toBe(false);
      expect(await store.trashStory(scheduled.id, ana, at(2))).toBe(false);
      expect(await store.trashStory(trashed.id, ana, at(2))).toBe(true);
      expect(await store.changeStatus(trashed.id, { status: 'in_review', at: at(3), by: 'W' }, ['draft'])).toBe(false);
      expect(await store.trashRecords(10)).toHaveLength(1);
      await store.close();
    });

    it('S-TRS-3 purges every row of a story in the Trash and nothing of any other, and keeps the deletion record', async () => {
      const {
        store,
        u,
        stories: [a, b],
      } = await storeWithStories(factory, 2);
      await fullStory(store, a, u.id, 'heron');
      await fullStory(store, b, u.id, 'egret');
      const other = { story: await store.getStory(b.id), log: await store.loadLog(b.id), revisions: await store.listRevisions(b.id) };
      // The look through every table finds the story everywhere first, so finding it nowhere after means something.
      const everywhere = ['stories', 'story_updates', 'story_snapshots', 'story_clients', 'story_deletions', 'story_quarantine'];
      const more = [
        'publications',
        'revisions',
        'slug_redirects',
        'published_media',
        'notifications',
        'story_submitters',
        'story_text',
        'publication_text',
        'webhook_deliveries',
      ];
      if (factory.rowsMentioning)
        expect(await factory.rowsMentioning(store, a.id)).toEqual(expect.arrayContaining([...everywhere, ...more]));
      expect(await store.purgeStory(a.id, ana, at(8))).toBe(false);
      expect(await store.trashStory(a.id, ana, at(7))).toBe(true);
      expect(await store.purgeStory(a.id, ana, at(8))).toBe(true);
      expect(await store.purgeStory(a.id, ana, at(8))).toBe(false);
      expect(await store.restoreStory(a.id, ana, at(9))).toBe(false);

      expect(await store.trashedStories()).toEqual([]);
      expect((await store.loadLog(a.id)).updates).toEqual([]);
      expect(await store.listRevisions(a.id)).toEqual([]);
      expect(await store.findRedirect('heron-page')).toBeUndefined();
      expect(await store.getPublicationBySlug('heron-moved')).toBeUndefined();
      expect(await listed(store, {}, 'heron')).toEqual([]);
      expect(await store.storyTexts([a.id])).toEqual(new Map());
      expect((await store.listNotifications(u.id, { limit: 10 })).map((n) => n.storyId)).toEqual([b.id]);
      expect(await store.storySubmitters(a.id)).toEqual([]);
      if (factory.rowsMentioning) expect(await factory.rowsMentioning(store, a.id)).toEqual(['story_trash_records']);

      expect(await store.getStory(b.id)).toEqual(other.story);
      expect(await store.loadLog(b.id)).toEqual(other.log);
      expect(await store.listRevisions(b.id)).toEqual(other.revisions);
      expect(await listed(store, {}, 'egret')).toEqual([b.id]);
      expect((await store.trashRecords(10)).map((r) => [r.action, r.headline])).toEqual([
        ['purged', 'Headline heron'],
        ['deleted', 'Headline heron'],
      ]);
      await store.close();
    });

    it('S-TRS-4 leaves archived stories out of the default list and search, lists them on their own, and unarchives', async () => {
      const {
        store,
        stories: [a, b],
      } = await storeWithStories(factory, 2);
      await store.indexStory(a.id, { headline: 'Old flood', standfirst: '', byline: '', body: '' });
      await store.indexStory(b.id, { headline: 'New flood', standfirst: '', byline: '', body: '' });
      expect(await store.archiveStory(a.id, at(5))).toBe(true);
      expect((await store.getStory(a.id))!.archivedAt).toBe(at(5));
      expect(await listed(store)).toEqual([b.id]);
      expect(await listed(store, {}, 'flood')).toEqual([b.id]);
      expect(await listed(store, { state: 'archived' })).toEqual([a.id]);
      expect(await listed(store, { state: 'archived' }, 'flood')).toEqual([a.id]);
      expect(await store.archiveStory(a.id, null)).toBe(true);
      expect(await listed(store)).toEqual([b.id, a.id]);
      expect(await store.trashStory(b.id, ana, at(6))).toBe(true);
      expect(await store.archiveStory(b.id, at(6))).toBe(false);
      expect(await listed(store, { state: 'archived' })).toEqual([]);
      await store.close();
    });

    it('S-TRS-5 claims stories past their retention once per lease, and purges only what is still due', async () => {
      const {
        store,
        stories: [old, recent, restored],
      } = await storeWithStories(factory, 3);
      await store.trashStory(old.id, ana, at(1));
      await store.trashStory(recent.id, ana, at(9));
      await store.trashStory(restored.id, ana, at(1));
      expect((await store.claimExpiredTrash(at(5), at(10), at(11))).sort()).toEqual([old.id, restored.id].sort());
      expect(await store.claimExpiredTrash(at(5), at(10), at(11))).toEqual([]);
      // Restored and deleted again after the claim: its new days in the Trash start over.
      await store.restoreStory(restored.id, ana, at(10));
      await store.trashStory(restored.id, ana, at(10));
      expect(await store.purgeStory(restored.id, null, at(10), at(5))).toBe(false);
      expect(await store.purgeStory(old.id, null, at(10), at(5))).toBe(true);
      expect((await store.trashedStories()).map((s) => s.id).sort()).toEqual([recent.id, restored.id].sort());
      expect((await store.trashRecords(1))[0]).toEqual({ storyId: old.id, action: 'purged', headline: '', by: null, at: at(10) });
      // Once the lease has passed, an unfinished claim is anyone's again.
      expect(await store.claimExpiredTrash(at(20), at(12), at(13))).toHaveLength(2);
      await store.close();
    });
  });
}
