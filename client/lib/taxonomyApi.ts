/** The newsroom's lists of sections and tags (docs/api.md#sections-and-tags). */
import type { TaxonomyKind, TermAnswer, TermList } from '../../shared/taxonomy';
import { request } from './api';

const path = (kind: TaxonomyKind, id?: string) => (id ? `/api/${kind}/${encodeURIComponent(id)}` : `/api/${kind}`);

export const taxonomyApi = {
  list: (kind: TaxonomyKind) => request<TermList>('GET', path(kind)),
  add: (kind: TaxonomyKind, name: string) => request<TermAnswer>('POST', path(kind), { name }),
  /** Renames it, and it in every story carrying it. */
  rename: (kind: TaxonomyKind, id: string, name: string) => request<TermAnswer>('PATCH', path(kind, id), { name }),
  remove: (kind: TaxonomyKind, id: string) => request<void>('DELETE', path(kind, id)),
};
