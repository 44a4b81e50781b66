/** The Store contract's rules for accounts, S-ACC-n (AccountStore: users, sessions, API tokens, access changes). See storeContract.ts. */
import { describe, expect, it } from 'vitest';
import { eventually } from '../helpers/clients';
import { type StoreFactory, user } from './storeContractFixtures';

export function accountRules(factory: StoreFactory): void {
  describe('accounts', () => {
    it('S-ACC-1 creates and finds users; refuses a duplicate email', async () => {
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

    it('S-ACC-2 creates the first user only once, even when two try together', async () => {
      const store = await factory.open();
      const results = await Promise.all([store.createFirstUser(user()), store.createFirstUser(user())]);
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await store.countUsers()).toBe(1);
      await store.close();
    });

    it('S-ACC-3 stores, finds and deletes sessions', async () => {
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

    it("S-ACC-5 keeps each API token's scope, and lists and revokes tokens of either scope alike", async () => {
      const store = await factory.open();
      const u = user();
      await store.createUser(u);
      const token = (id: string, scope: 'full' | 'content', createdAt: string) =>
        ({ id, userId: u.id, name: scope, tokenHash: `hash-${id}`, createdAt, lastUsedAt: null, revokedAt: null, scope }) as const;
      const full = token('00000000-0000-4000-8000-0000000000f1', 'full', '2026-01-01T00:00:00.000Z');
      const content = token('00000000-0000-4000-8000-0000000000c1', 'content', '2026-01-02T00:00:00.000Z');
      await store.createToken(full);
      await store.createToken(content);
      expect(await store.getTokenByHash(content.tokenHash)).toEqual(content);
      expect(await store.listTokens(u.id)).toEqual([content, full]);
      expect(await store.revokeToken(content.id, u.id, '2026-01-03T00:00:00.000Z')).toBe(true);
      expect(await store.getTokenByHash(content.tokenHash)).toMatchObject({ scope: 'content', revokedAt: '2026-01-03T00:00:00.000Z' });
      await store.close();
    });

    it('S-ACC-4 tells a watcher whose access changed, committed, and only for changes of access; not once stopped', async () => {
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
          scope: 'full',
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
  });
}
