/**
 * The body of UpdateAppender's worker thread: its own connection to the story
 * database, which appends batches of Yjs updates. A commit's fsync blocks this
 * thread, not the one that forwards edits.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { AppendRequest, AppendResponse } from './UpdateAppender';

const { file, busyTimeoutMs } = workerData as { file: string; busyTimeoutMs: number };
const db = new Database(file);
db.pragma(`busy_timeout = ${busyTimeoutMs}`);
db.pragma('synchronous = FULL');
db.pragma('foreign_keys = ON');
const insert = db.prepare('INSERT INTO story_updates (story_id, data) VALUES (?, ?)');
const appendAll = db.transaction((storyIds: string[], updates: Uint8Array[]) =>
  storyIds.map((storyId, i) => Number(insert.run(storyId, Buffer.from(updates[i].buffer, updates[i].byteOffset, updates[i].byteLength)).lastInsertRowid)),
);

parentPort!.on('message', ({ id, storyIds, updates }: AppendRequest) => {
  let response: AppendResponse;
  try {
    response = { id, seqs: appendAll.immediate(storyIds, updates) };
  } catch (error) {
    response = { id, error: error instanceof Error ? error.message : String(error) };
  }
  parentPort!.postMessage(response);
});
parentPort!.postMessage({ ready: true });
