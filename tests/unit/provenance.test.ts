import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { originalAuthors, PROVENANCE_ROOT, provenanceKey, readProvenance } from '../../shared/provenance';

/** A document whose record says: client 7's items 10–14 are Ana's, 20–21 Ben's. */
function recorded(): Y.Doc {
  const doc = new Y.Doc();
  const map = doc.getMap(PROVENANCE_ROOT);
  map.set(provenanceKey(7, 20), { length: 2, author: 'ben' });
  map.set(provenanceKey(7, 10), { length: 5, author: 'ana' });
  // Not entries: skipped, whatever wrote them.
  map.set('7:x', { length: 5, author: 'eve' });
  map.set(provenanceKey(7, 30), { length: -1, author: 'eve' });
  map.set(provenanceKey(7, 40), { length: 3 });
  return doc;
}

describe('the provenance record', () => {
  it('splits a run of items by who first wrote them; unrecorded parts are the client id’s owner’s (null)', () => {
    const index = readProvenance(recorded());
    expect(originalAuthors(index, 7, 8, 16)).toEqual([
      { clock: 8, length: 2, author: null },
      { clock: 10, length: 5, author: 'ana' },
      { clock: 15, length: 5, author: null },
      { clock: 20, length: 2, author: 'ben' },
      { clock: 22, length: 2, author: null },
    ]);
    expect(originalAuthors(index, 7, 12, 2)).toEqual([{ clock: 12, length: 2, author: 'ana' }]);
    expect(originalAuthors(index, 8, 12, 2)).toEqual([{ clock: 12, length: 2, author: null }]);
    expect(originalAuthors(index, 7, 40, 3)).toEqual([{ clock: 40, length: 3, author: null }]);
  });
});
