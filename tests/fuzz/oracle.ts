/**
 * What must hold after every batch, however hostile it was:
 * - the server process is alive and answered HTTP promptly throughout, and does now;
 * - it logged no error, answered no message with `internal`, and closed every connection that sent
 *   more bad messages than its rule allows;
 * - its memory stayed under a fixed ceiling above where it started (warm: after the first batch);
 * - the honest editors were never cut off, and an edit of each is acknowledged and reaches the other;
 * - the honest story holds exactly the known content and the last honest edit, in memory (a fresh
 *   join) and in storage (read from the SQLite file), written by no one else;
 * - the sandbox story still opens, and storage holds what memory holds.
 * A failure names the first thing that did not hold and what was seen instead.
 */
import * as Y from 'yjs';
import { SqliteStore } from '../../server/persistence/sqlite/SqliteStore';
import { STORY_FIELDS } from '../../shared/story';
import { connectClient, storedDoc, type TestClient } from '../helpers/clients';
import type { FuzzWorld } from './FuzzWorld';
import { HONEST_EDIT_MS } from './honestEditors';
import { timedSetup, type WatchReport } from './ServerWatch';
import type { BatchTraffic } from './sessionDriver';
import { STORY_IDS } from './targets';
import { withTimeout } from './withTimeout';

/** The longest an HTTP request may take, during a batch or after it: far above normal (milliseconds). */
export const PROMPT_MS = 2_000;
/** Resident memory may grow this much over the server's when warm (FuzzWorld.baseline), and no more. */
export const MEMORY_CEILING_MB = 150;
/** How long storage may lag behind memory in the sandbox (commits in flight when the batch ended). */
const STORAGE_CATCH_UP_MS = 10_000;

/** A broken rule; `worldIntact` when only a connection's answers were wrong and the server itself is fine. */
export class OracleFailure extends Error {
  constructor(
    message: string,
    readonly worldIntact: boolean,
  ) {
    super(message);
  }
}

/** What was seen while the batch was sent. */
export type BatchObservations = { watch: WatchReport; traffic: BatchTraffic; logOffset: number };

/** Throws an OracleFailure for the first thing that does not hold. */
export async function checkAfterBatch(world: FuzzWorld, observations: BatchObservations): Promise<void> {
  const broken = brokenRule(world, observations);
  try {
    await checkWorld(world, observations.watch);
  } catch (error) {
    if (!(error instanceof OracleFailure)) throw error;
    throw new OracleFailure(broken ? `${error.message}\n(also: ${broken})` : error.message, false);
  }
  if (broken) throw new OracleFailure(broken, true);
  world.warmedUp();
  world.resetPeak();
}

/** How the server treated the fuzzing connections: no logged error, every connection's answers by the rules. */
function brokenRule(world: FuzzWorld, { traffic, logOffset }: BatchObservations): string | undefined {
  const logged = world.server
    .output()
    .slice(logOffset)
    .split('\n')
    .find((line) => /"level":(50|60)\b/.test(line));
  if (logged) return `the server logged an error: ${logged.length > 600 ? `${logged.slice(0, 600)}…` : logged}`;
  return traffic.violations[0];
}

/** The server itself: alive, prompt, bounded, and the honest editors and stories as they must be. */
async function checkWorld(world: FuzzWorld, watch: WatchReport): Promise<void> {
  const fail = (what: string): never => {
    throw new OracleFailure(what, false);
  };
  if (!world.alive) {
    const { exitCode, signalCode } = world.server.child;
    fail(`the server process died (exit ${exitCode ?? signalCode})`);
  }
  if (watch.failures.length > 0) fail(`HTTP failed during the batch: ${watch.failures[0]}`);
  if (watch.slowestMs > PROMPT_MS)
    fail(`HTTP took ${Math.round(watch.slowestMs)} ms during the batch (limit ${PROMPT_MS} ms): the server froze`);
  const now = await timedSetup(world.url, PROMPT_MS);
  if (now.failure) fail(`after the batch, ${now.failure} (${Math.round(now.ms)} ms)`);

  const { peakKb } = world.memory();
  const peak = Math.max(watch.peakRssKb, world.peakResettable ? peakKb : 0);
  const ceiling = world.baseline.rssKb + MEMORY_CEILING_MB * 1024;
  if (peak > ceiling) {
    fail(
      `resident memory peaked at ${mb(peak)} MB, over the ceiling of ${mb(ceiling)} MB (${mb(world.baseline.rssKb)} MB warm + ${MEMORY_CEILING_MB} MB)`,
    );
  }

  const dropped = world.honest.takeDisconnects();
  if (dropped.length > 0) fail(`an honest editor's connection was dropped: ${dropped.join('; ')}`);
  await world.honest.editRound().catch((error: Error) => fail(`an honest edit failed: ${error.message}`));
  world.honest.docs.forEach((doc, i) => expectHonest(world, doc, `honest editor ${i === 0 ? 'Ana' : 'Ben'}'s document`, fail));

  const fresh = await freshJoin(world, STORY_IDS.honest).catch((error: Error) =>
    fail(`a fresh join of the honest story failed: ${error.message}`),
  );
  try {
    expectHonest(world, fresh.doc, 'the honest story in memory (a fresh join)', fail);
  } finally {
    fresh.close();
  }

  const store = SqliteStore.open(world.dataDir);
  try {
    expectHonest(world, await storedDoc(store, STORY_IDS.honest), 'the honest story in storage', fail);
    await checkSandbox(world, store, fail);
  } finally {
    await store.close();
  }
}

function expectHonest(world: FuzzWorld, doc: Y.Doc, where: string, fail: (what: string) => never): void {
  let problems: string[];
  try {
    problems = world.honest.model.differences(doc);
  } catch (error) {
    problems = [`could not be read: ${(error as Error).message}`];
  }
  if (problems.length > 0) fail(`${where} differs from the known content plus the honest edits: ${problems.join('; ')}`);
}

/** The sandbox opens for a fresh reader, and what storage holds catches up with what memory holds. */
async function checkSandbox(world: FuzzWorld, store: SqliteStore, fail: (what: string) => never): Promise<void> {
  const reader = await freshJoin(world, STORY_IDS.sandbox).catch((error: Error) =>
    fail(`a fresh join of the sandbox story failed: ${error.message}`),
  );
  try {
    const deadline = Date.now() + STORAGE_CATCH_UP_MS;
    for (;;) {
      let stored: Y.Doc;
      try {
        stored = await storedDoc(store, STORY_IDS.sandbox);
      } catch (error) {
        return fail(`the sandbox story's stored log does not load: ${(error as Error).message}`);
      }
      const difference = compareDocs(reader.doc, stored);
      if (!difference) return;
      if (Date.now() > deadline)
        fail(`the sandbox story in storage differs from memory ${STORAGE_CATCH_UP_MS} ms after the batch: ${difference}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    reader.close();
  }
}

/** How two documents differ (state vectors, then story fields), or null. */
function compareDocs(memory: Y.Doc, storage: Y.Doc): string | null {
  const sv = (doc: Y.Doc) => JSON.stringify([...Y.decodeStateVector(Y.encodeStateVector(doc))].sort(([a], [b]) => a - b));
  if (sv(memory) !== sv(storage)) return `state vector ${sv(storage)} in storage, ${sv(memory)} in memory`;
  for (const field of STORY_FIELDS) {
    const [inMemory, inStorage] = [memory, storage].map((doc) => doc.getXmlFragment(field).toJSON());
    if (inMemory !== inStorage)
      return `${field} is ${JSON.stringify(clip(inStorage))} in storage, ${JSON.stringify(clip(inMemory))} in memory`;
  }
  return null;
}

/** A new honest reader (Ana's account, a new document), synced with the server. */
function freshJoin(world: FuzzWorld, storyId: string): Promise<TestClient> {
  return withTimeout(connectClient({ url: world.url }, world.users.ana, storyId), HONEST_EDIT_MS, `a fresh join of ${storyId}`);
}

const mb = (kb: number) => Math.round(kb / 1024);
const clip = (s: string) => (s.length > 400 ? `${s.slice(0, 400)}…` : s);
