/**
 * The Store contract's rules for the story log, S-LOG-n (StoryLogStore: updates and snapshots, compaction,
 * client-id claims, deletion records, quarantine). See storeContract.ts.
 */
import { describe, expect, it } from 'vitest';
import { type StoreFactory, storeWithStories } from './storeContractFixtures';

export function storyLogRules(factory: StoreFactory): void {
  const withStories = (count: number) => storeWithStories(factory, count);

  describe('story log', () => {
    it('S-LOG-1 appends updates for several stories in one call and keeps each story’s log in order', async () => {
      const {
        store,
        stories: [a, b],
      } = await withStories(2);
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
      expect(logA.seqs).toEqual([...seqs.slice(0, 3), expect.any(Number)]);
      expect(logA.seqs[3]).toBeGreaterThan(seqs[3]);
      expect((await store.loadLog(b.id)).updates.map((x) => [...x])).toEqual([[9]]);
      expect(await store.loadLog('10000000-0000-4000-8000-ffffffffffff')).toEqual({
        snapshot: null,
        updates: [],
        seqs: [],
        updateBytes: 0,
      });
      await store.close();
    });

    it('S-LOG-2 writes nothing of a batch when one entry fails', async () => {
      const {
        store,
        stories: [a],
      } = await withStories(1);
      await expect(
        store.appendUpdates([
          { storyId: a.id, update: Uint8Array.of(1) },
          { storyId: 'no-such-story', update: Uint8Array.of(2) },
        ]),
      ).rejects.toThrow();
      expect((await store.loadLog(a.id)).updates).toEqual([]);
      await store.close();
    });

    it('S-LOG-3 compacts what is stored into a snapshot atomically, keeping entries appended later', async () => {
      const {
        store,
        stories: [a, b],
      } = await withStories(2);
      await store.appendUpdates([1, 2].map((i) => ({ storyId: a.id, update: Uint8Array.of(i) })));
      await store.appendUpdates([{ storyId: b.id, update: Uint8Array.of(9) }]);
      const folded: number[][][] = [];
      const fold = (updates: Uint8Array[]) => {
        folded.push(updates.map((x) => [...x]));
        return Uint8Array.of(...updates.flatMap((x) => [...x]));
      };
      await store.compact(a.id, fold);
      let log = await store.loadLog(a.id);
      expect([...log.snapshot!]).toEqual([1, 2]);
      expect(log.updates).toEqual([]);
      await store.appendUpdates([{ storyId: a.id, update: Uint8Array.of(3) }]);
      log = await store.loadLog(a.id);
      expect(log.updates.map((x) => [...x])).toEqual([[3]]);
      await store.compact(a.id, fold);
      expect(folded).toEqual([
        [[1], [2]],
        [[1, 2], [3]],
      ]);
      log = await store.loadLog(a.id);
      expect([...log.snapshot!]).toEqual([1, 2, 3]);
      expect(log.updates).toEqual([]);
      // Nothing to fold: no call, nothing changes. Other stories are untouched.
      await store.compact(a.id, fold);
      expect(folded).toHaveLength(2);
      expect((await store.loadLog(b.id)).updates.map((x) => [...x])).toEqual([[9]]);
      await store.close();
    });

    it('S-LOG-4 records the first user to write with a Yjs client id, and keeps them', async () => {
      const {
        store,
        stories: [a, b],
      } = await withStories(2);
      expect(
        await store.claimClients(
          a.id,
          new Map([
            [1, 'ana'],
            [2, 'ana'],
          ]),
        ),
      ).toEqual(
        new Map([
          [1, 'ana'],
          [2, 'ana'],
        ]),
      );
      expect(
        await store.claimClients(
          a.id,
          new Map([
            [2, 'ben'],
            [3, 'ben'],
          ]),
        ),
      ).toEqual(
        new Map([
          [2, 'ana'],
          [3, 'ben'],
        ]),
      );
      // Several users' claims in one call: each new id goes to its own claimant.
      expect(
        await store.claimClients(
          a.id,
          new Map([
            [3, 'cy'],
            [4, 'cy'],
            [5, 'dee'],
          ]),
        ),
      ).toEqual(
        new Map([
          [3, 'ben'],
          [4, 'cy'],
          [5, 'dee'],
        ]),
      );
      // Yjs client ids are unsigned 32-bit: past what a signed 32-bit column holds.
      expect(await store.claimClients(a.id, new Map([[0xffffffff, 'ben']]))).toEqual(new Map([[0xffffffff, 'ben']]));
      expect(await store.loadClientOwners(a.id)).toEqual(
        new Map([
          [1, 'ana'],
          [2, 'ana'],
          [3, 'ben'],
          [4, 'cy'],
          [5, 'dee'],
          [0xffffffff, 'ben'],
        ]),
      );
      expect(await store.loadClientOwners(b.id)).toEqual(new Map());
      await store.close();
    });

    it("S-LOG-5 records an update's deletions with it, and what a revert restored", async () => {
      const {
        store,
        u,
        stories: [s, other],
      } = await withStories(2);
      const deletion = { userId: u.id, at: '2026-03-01T10:00:00.000Z', ds: Uint8Array.of(0, 1, 2) };
      await store.appendUpdates([
        { storyId: s.id, update: Uint8Array.of(1) },
        { storyId: s.id, update: Uint8Array.of(2), deletion },
        { storyId: other.id, update: Uint8Array.of(3), deletion: { ...deletion, at: '2026-03-01T09:00:00.000Z' } },
      ]);
      await store.recordRestored({ storyId: s.id, userId: u.id, at: '2026-03-01T11:00:00.000Z', ds: Uint8Array.of(9) });
      expect((await store.loadLog(s.id)).updates.map((x) => [...x])).toEqual([[1], [2]]);
      const listed = await store.listDeletions(s.id, '2026-03-01T10:00:00.000Z');
      expect(listed.map((d) => ({ ...d, ds: [...d.ds] }))).toEqual([
        { storyId: s.id, ...deletion, ds: [0, 1, 2], restored: false },
        { storyId: s.id, userId: u.id, at: '2026-03-01T11:00:00.000Z', ds: [9], restored: true },
      ]);
      expect(await store.listDeletions(s.id, '2026-03-01T10:30:00.000Z')).toHaveLength(1);
      expect(await store.listDeletions(other.id, '2026-03-01T09:30:00.000Z')).toEqual([]);
      await store.close();
    });

    // --- Damaged rows: quarantine ---

    it('S-LOG-6 quarantines damaged log rows: moved in one transaction, kept byte for byte, each once', async () => {
      const {
        store,
        stories: [a, b],
      } = await withStories(2);
      const seqs = await store.appendUpdates([1, 2, 3, 4].map((i) => ({ storyId: a.id, update: Uint8Array.of(i, i) })));
      await store.appendUpdates([{ storyId: b.id, update: Uint8Array.of(9) }]);
      expect(await store.storyDamage(a.id)).toBeNull();
      const rows = [
        { kind: 'update' as const, seq: seqs[1], reason: 'Does not decode (Unexpected end of array)' },
        { kind: 'update' as const, seq: seqs[3], reason: 'Builds on changes the store does not have' },
      ];
      // A sequence number of another story's row, or of none, moves nothing.
      expect(
        await store.quarantine(a.id, [...rows, { kind: 'update', seq: seqs[3] + 1000, reason: 'x' }], '2026-05-01T10:00:00.000Z'),
      ).toBe(2);
      expect(await store.quarantine(b.id, [{ kind: 'update', seq: seqs[0], reason: 'x' }], '2026-05-01T10:00:00.000Z')).toBe(0);
      const log = await store.loadLog(a.id);
      expect(log.updates.map((x) => [...x])).toEqual([
        [1, 1],
        [3, 3],
      ]);
      expect(log.seqs).toEqual([seqs[0], seqs[2]]);
      expect((await store.loadLog(b.id)).updates).toHaveLength(1);
      // Again (another process found them too): nothing is moved twice.
      expect(await store.quarantine(a.id, rows, '2026-05-01T10:05:00.000Z')).toBe(0);
      expect(await store.listQuarantine()).toEqual([
        {
          id: expect.any(Number),
          storyId: a.id,
          kind: 'update',
          seq: seqs[1],
          bytes: 2,
          reason: rows[0].reason,
          foundAt: '2026-05-01T10:00:00.000Z',
          resolvedAt: null,
          resolvedBy: null,
        },
        {
          id: expect.any(Number),
          storyId: a.id,
          kind: 'update',
          seq: seqs[3],
          bytes: 2,
          reason: rows[1].reason,
          foundAt: '2026-05-01T10:00:00.000Z',
          resolvedAt: null,
          resolvedBy: null,
        },
      ]);
      expect(await store.storyDamage(a.id)).toEqual({
        entries: 2,
        firstFoundAt: '2026-05-01T10:00:00.000Z',
        lastFoundAt: '2026-05-01T10:00:00.000Z',
      });
      expect(await store.storyDamage(b.id)).toBeNull();
      await store.close();
    });

    it('S-LOG-7 quarantines a snapshot only while it still holds what was read, putting back what of it could be placed', async () => {
      const {
        store,
        stories: [a],
      } = await withStories(1);
      await store.appendUpdates([{ storyId: a.id, update: Uint8Array.of(1) }]);
      await store.compact(a.id, () => Uint8Array.of(7, 7, 7));
      // Replaced meanwhile (a compaction): left alone.
      expect(
        await store.quarantine(
          a.id,
          [{ kind: 'snapshot', data: Uint8Array.of(6), replacement: null, reason: 'x' }],
          '2026-05-01T10:00:00.000Z',
        ),
      ).toBe(0);
      expect([...(await store.loadLog(a.id)).snapshot!]).toEqual([7, 7, 7]);
      const partly = {
        kind: 'snapshot' as const,
        data: Uint8Array.of(7, 7, 7),
        replacement: Uint8Array.of(7),
        reason: 'Part of it builds on changes the store does not have',
      };
      expect(await store.quarantine(a.id, [partly], '2026-05-01T10:00:00.000Z')).toBe(1);
      expect([...(await store.loadLog(a.id)).snapshot!]).toEqual([7]);
      expect(
        await store.quarantine(
          a.id,
          [{ kind: 'snapshot', data: Uint8Array.of(7), replacement: null, reason: 'Does not decode (x)' }],
          '2026-05-01T10:01:00.000Z',
        ),
      ).toBe(1);
      expect((await store.loadLog(a.id)).snapshot).toBeNull();
      expect((await store.listQuarantine()).map((q) => [q.kind, q.seq, q.bytes])).toEqual([
        ['snapshot', null, 3],
        ['snapshot', null, 1],
      ]);
      await store.close();
    });

    it('S-LOG-8 lists damaged stories with their headline, counts and reasons; reviewing keeps the rows and ends the listing', async () => {
      const {
        store,
        u,
        stories: [a, b, c],
      } = await withStories(3);
      await store.touchStory(a.id, 'Council <b>budget</b>', null);
      const seqs = await store.appendUpdates([a, a, a, b, c].map((s, i) => ({ storyId: s.id, update: Uint8Array.of(i) })));
      await store.quarantine(a.id, [{ kind: 'update', seq: seqs[0], reason: 'Does not decode (x)' }], '2026-05-01T10:00:00.000Z');
      await store.quarantine(b.id, [{ kind: 'update', seq: seqs[3], reason: 'Does not decode (y)' }], '2026-05-01T11:00:00.000Z');
      await store.quarantine(
        a.id,
        [
          { kind: 'update', seq: seqs[1], reason: 'Builds on changes the store does not have' },
          { kind: 'update', seq: seqs[2], reason: 'Builds on changes the store does not have' },
        ],
        '2026-05-01T12:00:00.000Z',
      );
      expect(await store.listDamagedStories()).toEqual([
        {
          storyId: a.id,
          headline: 'Council <b>budget</b>',
          entries: 3,
          reasons: ['Builds on changes the store does not have', 'Does not decode (x)'],
          firstFoundAt: '2026-05-01T10:00:00.000Z',
          lastFoundAt: '2026-05-01T12:00:00.000Z',
        },
        {
          storyId: b.id,
          headline: '',
          entries: 1,
          reasons: ['Does not decode (y)'],
          firstFoundAt: '2026-05-01T11:00:00.000Z',
          lastFoundAt: '2026-05-01T11:00:00.000Z',
        },
      ]);
      expect(await store.markDamageReviewed(a.id, '2026-05-02T09:00:00.000Z', u.name)).toBe(3);
      expect(await store.markDamageReviewed(a.id, '2026-05-02T09:01:00.000Z', u.name)).toBe(0);
      expect(await store.markDamageReviewed(c.id, '2026-05-02T09:01:00.000Z', u.name)).toBe(0);
      expect((await store.listDamagedStories()).map((d) => d.storyId)).toEqual([b.id]);
      expect(await store.storyDamage(a.id)).toBeNull();
      const reviewed = (await store.listQuarantine()).filter((q) => q.storyId === a.id);
      expect(reviewed.map((q) => [q.resolvedAt, q.resolvedBy])).toEqual(Array(3).fill(['2026-05-02T09:00:00.000Z', u.name]));
      // Found again later: listed again, counting only what is new.
      await store.quarantine(
        a.id,
        [
          {
            kind: 'update',
            seq: (await store.appendUpdates([{ storyId: a.id, update: Uint8Array.of(8) }]))[0],
            reason: 'Does not decode (z)',
          },
        ],
        '2026-05-03T09:00:00.000Z',
      );
      expect(await store.storyDamage(a.id)).toEqual({
        entries: 1,
        firstFoundAt: '2026-05-03T09:00:00.000Z',
        lastFoundAt: '2026-05-03T09:00:00.000Z',
      });
      await store.close();
    });
  });
}
