/**
 * The Store contract: one suite every backend must pass (SQLite now, Postgres next).
 * `open` returns a fresh, empty store; `reopen` (optional) reopens the same data.
 */
import { describe, expect, it } from 'vitest';
import { eventually } from '../helpers/clients';
import type { Store, StoryRecord, UserRecord } from '../../server/persistence/Store';
import { newDraft } from '../../server/workflow/workflowState';

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
  const id = `10000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
  return {
    ...newDraft(id, { id: createdBy, name: 'Author' }, '2026-01-01T00:00:00.000Z'),
    updatedAt: new Date(2026, 0, 1, 0, 0, n).toISOString(),
    ...over,
  };
};
type NewPublication = Parameters<Store['savePublication']>;
const publication = (storyId: string, slug: string, at: string): [NewPublication[0], NewPublication[1]] => {
  const content = { storyId, slug, headline: `H ${slug}`, standfirst: 'S', byline: 'B', bodyHtml: '<p>x</p>' };
  return [
    { ...content, publishedAt: at, updatedAt: at, publishedBy: 'Ed' },
    { ...content, content: '{"body":1}', docState: Uint8Array.of(1, 2, 3), publishedAt: at, publishedBy: 'Ed', publishedById: 'ed-id' },
  ];
};

export function storeContract(name: string, factory: Factory): void {
  /** A fresh store with one user and `count` stories of theirs. */
  const withStories = async (count: number) => {
    const store = await factory.open();
    const u = user();
    await store.createUser(u);
    const stories = Array.from({ length: count }, () => story(u.id));
    for (const s of stories) await store.createStory(s);
    return { store, u, stories };
  };

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

    it('tells a watcher whose access changed, committed, and only for changes of access; not once stopped', async () => {
      const store = await factory.open();
      const people = Array.from({ length: 10 }, () => user());
      for (const p of people) await store.createUser(p);
      const [renamed, signedIn, roleChanged, deactivated, newPassword, signedOut, everywhere, revoked, sentinel, late] = people;
      const session = (userId: string, idHash: string) =>
        store.createSession({ idHash, userId, createdAt: '2026-01-01T00:00:00.000Z', expiresAt: '2099-01-01T00:00:00.000Z' });
      const token = (userId: string, id: string) =>
        store.createToken({
          id,
          userId,
          name: 't',
          tokenHash: `hash-${id}`,
          createdAt: '2026-01-01T00:00:00.000Z',
          lastUsedAt: null,
          revokedAt: null,
        });
      const heard: string[] = [];
      let everyone = 0;
      const failures: unknown[] = [];
      const stop = store.watchAccessChanges(
        (changed) => (changed === 'everyone' ? everyone++ : heard.push(...changed)),
        (e) => failures.push(e),
      );
      // Live once it has heard a change, or said 'everyone' (which covers whatever it missed while starting).
      await store.updateUser(sentinel.id, { role: 'viewer' });
      await eventually(() => expect(heard.includes(sentinel.id) || everyone > 0).toBe(true), 10_000);
      heard.length = 0;

      // Not changes of access:
      await store.updateUser(renamed.id, { name: 'Renamed' });
      await session(signedIn.id, 'kept');
      await store.deleteSession('no-such-session');
      await token(revoked.id, 'tok-1');
      await store.touchToken('tok-1', '2026-01-02T00:00:00.000Z');
      expect(await store.revokeToken('tok-1', renamed.id, '2026-01-02T00:00:00.000Z')).toBe(false);
      // Changes of access:
      await store.updateUser(roleChanged.id, { role: 'editor' });
      await store.updateUser(deactivated.id, { deactivatedAt: '2026-01-02T00:00:00.000Z' });
      await store.updateUser(newPassword.id, { passwordHash: 'scrypt$y' });
      await session(signedOut.id, 'ends');
      await store.deleteSession('ends');
      await session(everywhere.id, 'e1');
      await session(everywhere.id, 'e2');
      await store.deleteUserSessions(everywhere.id);
      expect(await store.revokeToken('tok-1', revoked.id, '2026-01-02T00:00:00.000Z')).toBe(true);
      // Heard in commit order: once the last one is heard, so is everything before it.
      await store.updateUser(sentinel.id, { role: 'writer' });
      await eventually(() => expect(heard).toContain(sentinel.id), 10_000);
      expect(new Set(heard)).toEqual(
        new Set([roleChanged, deactivated, newPassword, signedOut, everywhere, revoked, sentinel].map((p) => p.id)),
      );
      expect(await store.getSession('kept')).toBeDefined();

      await stop();
      heard.length = 0;
      const second: string[] = [];
      const after = store.watchAccessChanges(
        (changed) => second.push(...(changed === 'everyone' ? ['everyone'] : changed)),
        (e) => failures.push(e),
      );
      await store.updateUser(sentinel.id, { role: 'viewer' });
      await eventually(() => expect(second.includes(sentinel.id) || second.includes('everyone')).toBe(true), 10_000);
      await store.updateUser(late.id, { role: 'viewer' });
      await eventually(() => expect(second).toContain(late.id), 10_000);
      expect(heard).toEqual([]);
      await after();
      expect(failures).toEqual([]);
      await store.close();
    });

    it('lists stories most recently edited first and refreshes their summary', async () => {
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

    it('appends updates for several stories in one call and keeps each story’s log in order', async () => {
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

    it('writes nothing of a batch when one entry fails', async () => {
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

    it('compacts what is stored into a snapshot atomically, keeping entries appended later', async () => {
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

    // --- Damaged rows: quarantine ---

    it('quarantines damaged log rows: moved in one transaction, kept byte for byte, each once', async () => {
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

    it('quarantines a snapshot only while it still holds what was read, putting back what of it could be placed', async () => {
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

    it('lists damaged stories with their headline, counts and reasons; reviewing keeps the rows and ends the listing', async () => {
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

    it('runs the database’s own integrity check, if it has one, and finds a fresh store healthy', async () => {
      const store = await factory.open();
      const problems = await store.integrityCheck();
      if (problems !== null) expect(problems).toEqual([]);
      await store.close();
    });

    it('records the first user to write with a Yjs client id, and keeps them', async () => {
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

    it('saves a publication atomically with its revision and marks the story published', async () => {
      const {
        store,
        stories: [s],
      } = await withStories(1);
      expect(await store.isSlugTaken('budget', s.id)).toBe(false);
      const [pub, rev] = publication(s.id, 'budget', '2026-03-01T10:00:00.000Z');
      expect(await store.savePublication(pub, rev)).toBe(1);
      expect(await store.getPublicationBySlug('budget')).toEqual({ ...pub, unpublishedAt: null });
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

    it('numbers versions and publications together, storing an automatic one only if none came meanwhile', async () => {
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

    it("records an update's deletions with it, and what a revert restored", async () => {
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

    it('refuses a second story with a slug already in use, changing nothing', async () => {
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

    it('changes status only from the expected ones (compare-and-set), keeping who, when, note and schedule', async () => {
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

    it("keeps addresses unique, and redirects a published story's old addresses", async () => {
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

    it('publishes a scheduled story once: only while it is still scheduled for that time', async () => {
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

    it('unpublishes: the page is kept for a 410, left out of lists, and back on republication', async () => {
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

    it('claims due schedules once per lease; a lapsed lease can be claimed again', async () => {
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
