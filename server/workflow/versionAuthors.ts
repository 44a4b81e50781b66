import * as Y from 'yjs';
import { SERVER_OWNER } from '../documents/updateGuard';
import type { RevisionRecord, Store } from '../persistence/Store';

/**
 * Who changed the story between two states: the owners of the client ids whose clocks moved
 * on from `since` to `state` (their insertions; the server bound each id to its first writer),
 * and the people whose deletions were recorded after the earlier version. A change is an act, so
 * text someone brought back (a restore, an undo, a revert) counts as their change here, though
 * "Who wrote this?" still names its first author (shared/provenance.ts): it is also what the
 * selective revert takes back when it reverts them.
 */
export async function authorsBetween(
  store: Store,
  storyId: string,
  state: Uint8Array,
  since: RevisionRecord | undefined,
): Promise<string[]> {
  const [owners, deletions] = await Promise.all([store.loadClientOwners(storyId), store.listDeletions(storyId, since?.publishedAt ?? '')]);
  const before = since ? stateVector(since.docState) : new Map<number, number>();
  const authors = new Set<string>();
  for (const [client, clock] of stateVector(state)) {
    const owner = owners.get(client);
    if (clock > (before.get(client) ?? 0) && owner !== undefined && owner !== SERVER_OWNER) authors.add(owner);
  }
  // A restoration record names whose deletions a revert brought back: a change by whoever reverted, not by them.
  for (const deletion of deletions) if (!deletion.restored) authors.add(deletion.userId);
  return [...authors];
}

export const stateVector = (update: Uint8Array): Map<number, number> => Y.decodeStateVector(Y.encodeStateVectorFromUpdate(update));
