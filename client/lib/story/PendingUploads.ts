/**
 * Pictures added on this device whose upload has not finished, kept in
 * IndexedDB with their bytes: a picture added offline, or in a tab closed
 * mid-upload, is uploaded when the story is next open and online. The
 * database is deleted with the rest of this person's drafts on sign-out
 * (localDrafts.ts).
 */
import { PENDING_UPLOADS_DATABASE } from '../localDrafts';

/** Where the picture goes once uploaded: a figure in the Body (found by its `upload` id), or the lead image. */
export type UploadTarget = 'body' | 'lead';

export type PendingUpload = { id: string; storyId: string; target: UploadTarget; file: Blob; name: string; createdAt: number };

const STORE = 'uploads';

/** The store's interface: IndexedDB when the browser has it, nothing kept otherwise (uploads still run). */
export interface PendingUploads {
  put(upload: PendingUpload): Promise<void>;
  remove(id: string): Promise<void>;
  forStory(storyId: string): Promise<PendingUpload[]>;
}

export function pendingUploads(): PendingUploads {
  if (typeof indexedDB === 'undefined') return { put: async () => {}, remove: async () => {}, forStory: async () => [] };
  let opened: Promise<IDBDatabase> | null = null;
  const database = () => (opened ??= openDatabase());
  const run = async <T>(mode: IDBTransactionMode, work: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> => {
    const db = await database();
    return request(work(db.transaction(STORE, mode).objectStore(STORE)));
  };
  return {
    put: async (upload) => void (await run('readwrite', (store) => store.put(upload))),
    remove: async (id) => void (await run('readwrite', (store) => store.delete(id))),
    forStory: async (storyId) => {
      // Most visits have nothing waiting: the database is made by the first upload, not by looking.
      if (!opened && !(await exists())) return [];
      return ((await run('readonly', (store) => store.getAll())) as PendingUpload[]).filter((u) => u.storyId === storyId);
    },
  };
}

async function exists(): Promise<boolean> {
  if (typeof indexedDB.databases !== 'function') return true;
  const databases = await indexedDB.databases().catch(() => []);
  return databases.some(({ name }) => name === PENDING_UPLOADS_DATABASE);
}

function openDatabase(): Promise<IDBDatabase> {
  const open = indexedDB.open(PENDING_UPLOADS_DATABASE, 1);
  open.onupgradeneeded = () => open.result.createObjectStore(STORE, { keyPath: 'id' });
  return request(open);
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}
