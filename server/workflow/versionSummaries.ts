import type { RevisionSummary, VersionAuthor } from '../../shared/api';
import type { RevisionRecord, Store } from '../persistence/Store';

/** Versions as the History panel lists them, with their authors' current names and colours. */
export async function versionSummaries(store: Store, revisions: RevisionRecord[]): Promise<RevisionSummary[]> {
  const people = await versionAuthors(
    store,
    revisions.flatMap((r) => r.authorIds),
  );
  return revisions.map((r) => ({
    number: r.number,
    kind: r.kind,
    name: r.name,
    slug: r.slug,
    headline: r.headline,
    publishedAt: r.publishedAt,
    publishedBy: r.publishedBy,
    authors: r.authorIds.flatMap((id) => people.get(id) ?? []).sort(byName),
  }));
}

const byName = (a: VersionAuthor, b: VersionAuthor) => a.name.localeCompare(b.name);

/** Each user id's name and colour; ids of deleted accounts are left out. */
export async function versionAuthors(store: Store, ids: string[]): Promise<Map<string, VersionAuthor>> {
  const people = new Map<string, VersionAuthor>();
  for (const id of new Set(ids)) {
    const user = await store.getUserById(id);
    if (user) people.set(id, { userId: id, name: user.name, color: user.color });
  }
  return people;
}
