/**
 * Cold-open benchmark: a story built from 20,000 edits against one built from
 * 200 edits of the same final text. Each open is cold (a fresh server on the
 * same data dir) and timed from connecting to the end of the first sync.
 *   npm run bench:cold-open
 */
import fs from 'node:fs';
import * as Y from 'yjs';
import { connectClient, createStory } from '../tests/helpers/clients';
import { createUser, startTestServer, tempDataDir, type TestServer, type TestUser } from '../tests/helpers/testServer';

const FINAL_CHARS = 20_000;
const RUNS = 5;
/** Edits are sent in bursts of this many, each burst awaited, as a fast typist's client would. */
const BURST = 250;
// Lift the per-connection rate limit: this measures loading, not admission.
const ENV = { SYNC_MESSAGES_PER_SECOND: '1000000' };

const finalText = Array.from({ length: FINAL_CHARS }, (_, i) => (i % 6 === 5 ? ' ' : String.fromCharCode(97 + ((i * 7) % 26)))).join('');

function bodyText(doc: Y.Doc): Y.XmlText {
  const body = doc.getXmlFragment('body');
  if (body.length === 0) {
    const paragraph = new Y.XmlElement('paragraph');
    paragraph.insert(0, [new Y.XmlText('')]);
    body.insert(0, [paragraph]);
  }
  return (body.get(0) as Y.XmlElement).get(0) as Y.XmlText;
}

type Workload = { name: string; edits: (text: Y.XmlText) => Iterable<() => void> };

/** 20,000 single-character edits: the text typed a keystroke at a time. */
const keystrokes: Workload = {
  name: '20,000 single-character edits',
  *edits(text) {
    for (let i = 0; i < FINAL_CHARS; i++) yield () => text.insert(text.length, finalText[i]);
  },
};

/** 200 edits of 100 characters each: the same final text. */
const chunks: Workload = {
  name: '200 edits of 100 characters',
  *edits(text) {
    const size = FINAL_CHARS / 200;
    for (let i = 0; i < 200; i++) yield () => text.insert(text.length, finalText.slice(i * size, (i + 1) * size));
  },
};

/** Informational: half the keystrokes are typos deleted at once (so the document keeps 20,000 tombstones). */
const typos: Workload = {
  name: '20,000 edits with 5,000 typos',
  *edits(text) {
    for (let i = 0; i < FINAL_CHARS / 2; i++) {
      yield () => text.insert(text.length, finalText[i]);
      if (i % 2 === 0) {
        yield () => text.insert(text.length, 'x');
        yield () => text.delete(text.length - 1, 1);
      }
    }
  },
};

async function seed(server: TestServer, user: TestUser, workload: Workload) {
  const storyId = await createStory(server, user);
  const client = await connectClient(server, user, storyId);
  const text = bodyText(client.doc);
  const started = performance.now();
  let edits = 0;
  for (const edit of workload.edits(text)) {
    edit();
    if (++edits % BURST === 0) await client.provider.whenSaved();
  }
  await client.provider.whenSaved();
  const seconds = (performance.now() - started) / 1000;
  const expected = text.toString();
  client.close();
  return { ...workload, storyId, edits, expected, ingestPerSecond: Math.round(edits / seconds) };
}

async function coldOpen(dataDir: string, user: TestUser, storyId: string, expected: string): Promise<number> {
  const server = await startTestServer({ dataDir, env: ENV });
  try {
    const started = performance.now();
    const client = await connectClient(server, user, storyId);
    const elapsed = performance.now() - started;
    if (bodyText(client.doc).toString() !== expected) throw new Error('opened story does not hold the final text');
    client.close();
    return elapsed;
  } finally {
    await server.stop();
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main() {
  const dataDir = tempDataDir();
  const server = await startTestServer({ dataDir, env: ENV });
  const user = await createUser(server, 'writer');
  const seeded = [];
  for (const workload of [chunks, keystrokes, typos]) seeded.push(await seed(server, user, workload));
  const logs = await Promise.all(seeded.map((s) => server.store.loadLog(s.storyId)));
  await server.stop();

  const rows = [];
  for (const [i, story] of seeded.entries()) {
    const times: number[] = [];
    for (let run = 0; run < RUNS; run++) times.push(await coldOpen(dataDir, user, story.storyId, story.expected));
    const log = logs[i];
    rows.push({
      ...story,
      first: times[0],
      p50: median(times),
      stored: `${log.snapshot ? `snapshot ${log.snapshot.byteLength.toLocaleString()} B + ` : ''}${log.updates.length} updates`,
    });
  }
  const ratio = rows[1].p50 / rows[0].p50;
  console.log(`\nCold open (first sync on a fresh server, ${RUNS} runs each)\n`);
  console.log('| story | ingest (edits/s) | stored as | first open (ms) | p50 open (ms) |');
  console.log('|---|---:|---|---:|---:|');
  for (const r of rows)
    console.log(`| ${r.name} | ${r.ingestPerSecond.toLocaleString()} | ${r.stored} | ${r.first.toFixed(1)} | ${r.p50.toFixed(1)} |`);
  console.log(`\n20,000-edit / 200-edit p50 ratio: ${ratio.toFixed(2)}× (target ≤ 2×)\n`);
  if (!process.env.KEEP) fs.rmSync(dataDir, { recursive: true, force: true });
  process.exit(ratio <= 2 ? 0 : 1);
}

await main();
