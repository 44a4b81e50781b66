/**
 * Does an image upload slow the people typing? Two editors type into one story (a keystroke each every
 * 100 ms) on a server running as its own process, first alone, then while a third person uploads large
 * JPEGs (about 15 MB, 14 million pixels each) one after another. Reports, for each phase, the time from a
 * keystroke to the server's durable acknowledgement (p50, p95, p99, max) and how long each upload took.
 *   npm run bench:upload-typing [-- --seconds 10]
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import * as Y from 'yjs';
import { createAccount } from '../server/auth/accounts';
import { SqliteStore } from '../server/persistence/sqlite/SqliteStore';
import { connectClient, createStory, type TestClient } from '../tests/helpers/clients';
import { uploadImage } from '../tests/helpers/images';
import { killAllServerProcesses, startServerProcess } from '../tests/helpers/serverProcess';
import { signIn, tempDataDir, type TestUser } from '../tests/helpers/testServer';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '10' } } });
const PHASE_MS = Number(values.seconds) * 1000;
const KEYSTROKE_MS = 100;

type Stats = { n: number; p50: number; p95: number; p99: number; max: number };

function stats(samples: number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { n: sorted.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: sorted[sorted.length - 1] };
}

/** Types one character every KEYSTROKE_MS until `stop`, timing each to its durable ack. */
async function type(client: TestClient, letter: string, until: () => boolean): Promise<number[]> {
  const latencies: number[] = [];
  const body = client.doc.getXmlFragment('body');
  const paragraph = new Y.XmlElement('paragraph');
  const text = new Y.XmlText();
  paragraph.insert(0, [text]);
  body.insert(body.length, [paragraph]);
  await client.provider.whenSaved();
  const pending: Promise<void>[] = [];
  while (!until()) {
    const started = performance.now();
    text.insert(text.length, letter);
    pending.push(client.provider.whenSaved().then(() => void latencies.push(performance.now() - started)));
    await new Promise((resolve) => setTimeout(resolve, KEYSTROKE_MS));
  }
  await Promise.all(pending);
  return latencies;
}

async function bigJpeg(seed: number): Promise<Buffer> {
  return sharp({
    create: {
      width: 4600,
      height: 3100,
      channels: 3,
      background: { r: seed % 255, g: 120, b: 90 },
      noise: { type: 'gaussian', mean: 128, sigma: 40 },
    },
  })
    .jpeg({ quality: 98 })
    .toBuffer();
}

async function phase(typists: TestClient[], uploader: TestUser | null, url: string, images: Buffer[]) {
  const end = performance.now() + PHASE_MS;
  const until = () => performance.now() >= end;
  const uploads: number[] = [];
  const uploading = (async () => {
    if (!uploader) return;
    for (let i = 0; !until(); i++) {
      const started = performance.now();
      const result = await uploadImage(url, uploader.cookie, images[i % images.length]);
      if (result.status !== 201 && result.status !== 200) throw new Error(`upload failed: ${result.status} ${result.message}`);
      uploads.push(performance.now() - started);
    }
  })();
  const latencies = (await Promise.all(typists.map((t, i) => type(t, 'ab'[i], until)))).flat();
  await uploading;
  return { ack: stats(latencies), uploads };
}

async function main(): Promise<void> {
  const dataDir = tempDataDir();
  const users = [
    { email: 'ana@bench.test', name: 'Ana', role: 'writer' as const },
    { email: 'ben@bench.test', name: 'Ben', role: 'editor' as const },
    { email: 'pia@bench.test', name: 'Pia', role: 'writer' as const },
  ];
  const password = 'long enough password';
  const setup = SqliteStore.open(dataDir);
  const accounts = [];
  for (const u of users) accounts.push(await createAccount(setup, { ...u, password }));
  await setup.close();
  console.log('Making the upload images…');
  const images = await Promise.all([1, 2, 3, 4].map(bigJpeg));
  const server = await startServerProcess({ DATA_DIR: dataDir });
  try {
    const signedIn: TestUser[] = [];
    for (const [i, u] of users.entries()) {
      signedIn.push({
        id: accounts[i].id,
        email: u.email,
        password,
        name: u.name,
        role: u.role,
        cookie: await signIn(server.url, u.email, password),
      });
    }
    const storyId = await createStory(server, signedIn[0]);
    const typists = await Promise.all(signedIn.slice(0, 2).map((u) => connectClient(server, u, storyId)));
    const alone = await phase(typists, null, server.url, images);
    const withUploads = await phase(typists, signedIn[2], server.url, images);
    typists.forEach((t) => t.close());

    const ms = (v: number) => v.toFixed(1);
    const row = (label: string, s: Stats) => `| ${label} | ${s.n} | ${ms(s.p50)} | ${ms(s.p95)} | ${ms(s.p99)} | ${ms(s.max)} |`;
    const sizes = images.map((b) => (b.length / 1_048_576).toFixed(1)).join(', ');
    console.log(
      `\nTwo people typing (a keystroke each every ${KEYSTROKE_MS} ms) for ${PHASE_MS / 1000} s, keystroke → durable ack in ms:\n`,
    );
    console.log('| phase | keystrokes | p50 | p95 | p99 | max |\n|---|---|---|---|---|---|');
    console.log(row('alone', alone.ack));
    console.log(row(`while uploading (${withUploads.uploads.length} uploads)`, withUploads.ack));
    console.log(
      `\nUploads: ${sizes} MB JPEGs (4600 × 3100); each took ${withUploads.uploads.map((u) => `${(u / 1000).toFixed(1)} s`).join(', ')}.`,
    );
    console.log(`p99 ratio with uploads / alone: ${(withUploads.ack.p99 / alone.ack.p99).toFixed(2)}×`);
  } finally {
    await server.kill();
    await killAllServerProcesses();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
