/**
 * The body of UpdateAppender's worker thread: its own connection to the story
 * database, which appends batches of Yjs updates. A commit's fsync blocks this
 * thread, not the one that forwards edits.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { INSERT_DELETION } from './sqliteSchema';
import type { AppendRequest, AppendResponse } from './UpdateAppender';

const { file, busyTimeoutMs } = workerData as { file: string; busyTimeoutMs: number };
const db = new Database(file);
db.pragma(`busy_timeout = ${busyTimeoutMs}`);
db.pragma('synchronous = FULL');
db.pragma('foreign_keys = ON');
const insert = db.prepare('INSERT INTO story_updates (story_id, data) VALUES (?, ?)');
const deleted = db.prepare(INSERT_DELETION);
const buffer = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
const appendAll = db.transaction(({ storyIds, updates, deletions }: AppendRequest) =>
  storyIds.map((storyId, i) => {
    const deletion = deletions[i];
    if (deletion) deleted.run(storyId, deletion.userId, deletion.at, buffer(deletion.ds));
    return Number(insert.run(storyId, buffer(updates[i])).lastInsertRowid);
  }),
);

parentPort!.on('message', (request: AppendRequest) => {
  const { id } = request;
  let response: AppendResponse;
  try {
    response = { id, seqs: appendAll.immediate(request) };
  } catch (error) {
    response = { id, error: error instanceof Error ? error.message : String(error) };
  }
  parentPort!.postMessage(response);
});
parentPort!.postMessage({ ready: true });
