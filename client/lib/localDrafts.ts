/**
 * The copies of stories kept in this browser's IndexedDB (one database per
 * story, written by y-indexeddb) so that edits survive a reload or a closed
 * tab while offline, and the comments written offline and not sent yet. They are one person's drafts: removed on sign-out, and
 * when someone else signs in on the same device.
 */
const PREFIX = 'galley-story-';
const OWNER_KEY = 'galley:drafts-owner';
/** Comments written offline and not sent yet (CommentOutbox), one localStorage key per user and story. */
export const COMMENT_OUTBOX_PREFIX = 'galley:comment-outbox:';

/** Pictures added on this device and not uploaded yet (PendingUploads): one person's drafts too, deleted with them. */
export const PENDING_UPLOADS_DATABASE = 'galley-uploads';

export function draftDatabaseName(storyId: string): string {
  return `${PREFIX}${storyId}`;
}

/**
 * Deletes every story copy on this device. Resolves once the deletions are
 * requested: IndexedDB runs any later open of those databases after them, and
 * a copy still open (another tab) is deleted when it closes.
 */
export async function clearLocalDrafts(): Promise<void> {
  try {
    localStorage.removeItem(OWNER_KEY);
    const outboxes = Object.keys(localStorage).filter((key) => key.startsWith(COMMENT_OUTBOX_PREFIX));
    for (const key of outboxes) localStorage.removeItem(key);
  } catch {
    // Nothing was stored.
  }
  if (typeof indexedDB === 'undefined' || typeof indexedDB.databases !== 'function') return;
  const databases = await indexedDB.databases().catch(() => []);
  // What y-indexeddb's clearDocument() does; importing it would pull Yjs into the entry bundle.
  for (const { name } of databases) if (name?.startsWith(PREFIX) || name === PENDING_UPLOADS_DATABASE) indexedDB.deleteDatabase(name);
}

/**
 * Marks the drafts on this device as `userId`'s, deleting anyone else's
 * first. The same person signing in again (say, after their session expired
 * while offline) keeps the edits that have not reached the server yet.
 */
export async function claimLocalDrafts(userId: string): Promise<void> {
  let owner: string | null;
  try {
    owner = localStorage.getItem(OWNER_KEY);
  } catch {
    return;
  }
  if (owner === userId) return;
  await clearLocalDrafts();
  try {
    localStorage.setItem(OWNER_KEY, userId);
  } catch {
    // Without storage there is no owner to compare next time.
  }
}
