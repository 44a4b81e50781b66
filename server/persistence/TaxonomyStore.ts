/**
 * The newsroom's managed lists of sections and tags (shared/taxonomy.ts). Part of the storage contract
 * (Store.ts); rules S-TAX-* of the contract suite. Names are unique in their list by `termKey` (case
 * ignored), computed by the caller so both backends compare the same way.
 */
import type { TaxonomyKind, TaxonomyTerm } from '../../shared/taxonomy';

export type TermRecord = TaxonomyTerm & { kind: TaxonomyKind; key: string; createdAt: string };

/** A rename: the name it had, or why not. */
type TermRenamed = { before: string } | 'taken' | 'missing';

export interface TaxonomyStore {
  /** The list, by key (then id). */
  listTerms(kind: TaxonomyKind): Promise<TaxonomyTerm[]>;
  /** Adds a name unless its key is in the list already, or the list holds `max` names: answers whether it did. */
  addTerm(term: TermRecord, max: number): Promise<'added' | 'taken' | 'full'>;
  /** Renames a name of the list, unless another has the new key. */
  renameTerm(kind: TaxonomyKind, id: string, name: string, key: string): Promise<TermRenamed>;
  /** Removes a name from the list; false when it was not there. */
  removeTerm(kind: TaxonomyKind, id: string): Promise<boolean>;
}
