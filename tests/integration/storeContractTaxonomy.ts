/**
 * The Store contract's rules for the newsroom's lists of sections and tags, S-TAX-n (TaxonomyStore). See
 * storeContract.ts.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { TermRecord } from '../../server/persistence/TaxonomyStore';
import { type TaxonomyKind, termKey } from '../../shared/taxonomy';
import type { StoreFactory } from './storeContractFixtures';

const term = (kind: TaxonomyKind, name: string): TermRecord => ({
  id: randomUUID(),
  kind,
  name,
  key: termKey(name),
  createdAt: '2026-12-01T00:00:00.000Z',
});

export function taxonomyRules(factory: StoreFactory): void {
  describe('sections and tags', () => {
    it('S-TAX-1 keeps each list by name, a name once per list whatever its case, up to the most it may hold', async () => {
      const store = await factory.open();
      const city = term('sections', 'City');
      expect(await store.addTerm(city, 3)).toBe('added');
      expect(await store.addTerm(term('sections', 'CITY'), 3)).toBe('taken');
      // The same name in the other list is another name.
      expect(await store.addTerm(term('tags', 'city'), 3)).toBe('added');
      expect(await store.addTerm(term('sections', 'Arts'), 3)).toBe('added');
      expect(await store.addTerm(term('sections', 'Éire'), 3)).toBe('added');
      expect(await store.addTerm(term('sections', 'Zoo'), 3)).toBe('full');
      expect((await store.listTerms('sections')).map((t) => t.name)).toEqual(['Arts', 'City', 'Éire']);
      expect(await store.listTerms('tags')).toEqual([{ id: expect.any(String), name: 'city' }]);
      await store.close();
    });

    it('S-TAX-2 renames a name unless another has it, answering the name it had; removes one once', async () => {
      const store = await factory.open();
      const [city, sport] = [term('sections', 'City'), term('sections', 'Sport')];
      for (const t of [city, sport]) await store.addTerm(t, 10);
      expect(await store.renameTerm('sections', city.id, 'Metro', termKey('Metro'))).toEqual({ before: 'City' });
      expect(await store.renameTerm('sections', city.id, 'SPORT', termKey('SPORT'))).toBe('taken');
      // Its own name in another case is a rename.
      expect(await store.renameTerm('sections', sport.id, 'SPORT', termKey('SPORT'))).toEqual({ before: 'Sport' });
      expect(await store.renameTerm('tags', city.id, 'x', 'x')).toBe('missing');
      expect((await store.listTerms('sections')).map((t) => t.name)).toEqual(['Metro', 'SPORT']);
      expect(await store.removeTerm('tags', city.id)).toBe(false);
      expect(await store.removeTerm('sections', city.id)).toBe(true);
      expect(await store.removeTerm('sections', city.id)).toBe(false);
      expect((await store.listTerms('sections')).map((t) => t.id)).toEqual([sport.id]);
      // Its name is free again.
      expect(await store.addTerm(term('sections', 'metro'), 10)).toBe('added');
      await store.close();
    });
  });
}
