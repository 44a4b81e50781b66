import { randomUUID } from 'node:crypto';
import { uint32 } from 'lib0/random';
import * as Y from 'yjs';
import { recordCopies } from '../documents/provenanceRecord';
import type { Connection } from '../documents/StoryDocument';
import { logUpdates, type RevisionRecord, type UserRecord } from '../persistence/Store';
import { authorRevert } from './authorRevert';
import type { VersionDeps } from './takeVersion';

/** Deletions are looked up from a little before the version: processes' clocks may differ. */
const CLOCK_SLACK_MS = 60_000;

/**
 * "Revert changes by <author> since <version>", done by `actor`: the author's insertions since
 * the version go, what they deleted since comes back, everyone else's edits stay. The change is
 * applied as the actor's own edit, through the same path as a client's update: it is
 * checked, committed, sent to everyone in the story at once and relayed to other processes;
 * its deletions are recorded as theirs (so it can itself be reverted). The text it brings back is
 * written again under a client id bound to the actor, and stays its first author's: the revert
 * records each copy in the provenance record (shared/provenance.ts). Resolves to false when there
 * was nothing to revert.
 */
export async function revertAuthorSince(deps: VersionDeps, version: RevisionRecord, authorId: string, actor: UserRecord): Promise<boolean> {
  const { store, registry } = deps;
  const storyId = version.storyId;
  const since = new Date(Date.parse(version.publishedAt) - CLOCK_SLACK_MS).toISOString();
  const [owners, deletions, log] = await Promise.all([
    store.loadClientOwners(storyId),
    store.listDeletions(storyId, since),
    store.loadLog(storyId),
  ]);
  return registry.withDocument(storyId, async (document) => {
    const authorClients = new Set([...owners].filter(([, userId]) => userId === authorId).map(([client]) => client));
    const theirs = deletions.filter((d) => d.userId === authorId);
    const clientId = unusedClientId(document.doc, owners);
    const revert = authorRevert({
      version: version.docState,
      history: logUpdates(log),
      current: Y.encodeStateAsUpdate(document.doc),
      authorClients,
      authorDeletions: theirs.filter((d) => !d.restored).map((d) => d.ds),
      restored: theirs.filter((d) => d.restored).map((d) => d.ds),
      clientId,
    });
    if (!revert) return false;
    await document.applyClientUpdate(revert.update, actingAs(actor));
    await recordCopies(document, revert.copies, new Map(owners).set(clientId, actor.id));
    await store.recordRestored({ storyId, userId: authorId, at: new Date().toISOString(), ds: revert.restored });
    const author = { id: authorId, name: (await store.getUserById(authorId))?.name ?? 'A former member' };
    await deps.activity.record(storyId, actor, { kind: 'reverted', detail: { number: version.number, author } });
    return true;
  });
}

/** The actor as the origin of the change: a connection of theirs that no socket has, so everyone receives it. */
function actingAs(user: UserRecord): Connection {
  return { id: `revert:${randomUUID()}`, user, awarenessClients: new Set() };
}

function unusedClientId(doc: Y.Doc, owners: ReadonlyMap<number, string>): number {
  for (;;) {
    const id = uint32();
    if (!owners.has(id) && !doc.store.clients.has(id)) return id;
  }
}
