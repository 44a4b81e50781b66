/**
 * The newsroom list and its search at scale: 20,000 stories of sample-sized copy (about 800 words each,
 * generated from a made-up vocabulary with a few real function words) seeded into each backend, then
 * each query of the list timed as GET /api/stories runs it (storyListPage: the store's page, the text of
 * the page's stories, the snippets). Target: p95 under 100 ms on both backends (docs/performance.md).
 *   npm run bench:search [-- --stories 20000 --runs 60 --no-postgres]
 * Postgres: BENCH_DATABASE_URL, else TEST_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/test (a
 * throwaway schema, dropped at the end).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { Client } from 'pg';
import type { StorySummary } from '../shared/api';
import type { StoryListQuery } from '../shared/newsroomQuery';
import { storyListPage } from '../server/http/routes/storyListPage';
import { PgStore } from '../server/persistence/pg/PgStore';
import { quoteIdentifier } from '../server/persistence/pg/pgSchema';
import { tsvectorLiteral } from '../server/persistence/pg/tsSearch';
import { SqliteStore } from '../server/persistence/sqlite/SqliteStore';
import type { Store, UserRecord } from '../server/persistence/Store';
import { indexedText } from '../server/persistence/storySearchRows';
import type { StoryText } from '../server/persistence/StorySearchStore';

const { values: args } = parseArgs({
  options: { stories: { type: 'string', default: '20000' }, runs: { type: 'string', default: '60' }, 'no-postgres': { type: 'boolean' } },
});
const STORIES = Number(args.stories);
const RUNS = Number(args.runs);
const POSTGRES_URL = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
/** Stories holding the rare phrase. */
const RARE_EVERY = 4_000;
const WORDS_PER_STORY = 800;

/** A small fast PRNG (mulberry32): the same copy on every run. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const rand = random(18);
const SYLLABLES = ['ka', 'lo', 'mer', 'tis', 'an', 'bru', 'sel', 'vo', 'nik', 'ra', 'pel', 'dun', 'zor', 'el', 'qua', 'fen'];
const FUNCTION_WORDS = ['the', 'of', 'and', 'to', 'in', 'a', 'is', 'that', 'for', 'on', 'with', 'as', 'was', 'by', 'at'];
/** 6,000 made-up words; picked with a Zipf-like skew, so a few are in most stories and most in few. */
const VOCABULARY = Array.from({ length: 6_000 }, (_, i) => {
  let word = '';
  for (let n = i + 7; n > 0; n = Math.floor(n / SYLLABLES.length)) word += SYLLABLES[n % SYLLABLES.length];
  return word;
});
const pick = () =>
  rand() < 0.35 ? FUNCTION_WORDS[Math.floor(rand() * FUNCTION_WORDS.length)] : VOCABULARY[Math.floor(VOCABULARY.length * rand() ** 3)];

function sentence(words: number): string {
  const text = Array.from({ length: words }, pick).join(' ');
  return `${text[0].toUpperCase()}${text.slice(1)}.`;
}

function story(i: number): StoryText {
  const paragraphs: string[] = [];
  for (let words = 0; words < WORDS_PER_STORY;) {
    const sentences = Array.from({ length: 3 + Math.floor(rand() * 3) }, () => sentence(8 + Math.floor(rand() * 14)));
    paragraphs.push(sentences.join(' '));
    words += paragraphs[paragraphs.length - 1].split(' ').length;
  }
  if (i % RARE_EVERY === 7) paragraphs.splice(3, 0, 'At dawn the saffron lighthouse keeper rowed out alone.');
  return {
    headline: sentence(8).slice(0, 100),
    standfirst: sentence(30),
    byline: `By ${VOCABULARY[i % 500]} ${VOCABULARY[(i * 7) % 900]}`,
    body: paragraphs.join('\n'),
  };
}

const AUTHOR: UserRecord = {
  id: '00000000-0000-4000-8000-000000000001',
  email: 'bench@example.test',
  name: 'Bench Writer',
  role: 'writer',
  color: '#175cd3',
  passwordHash: 'x',
  createdAt: '2026-01-01T00:00:00.000Z',
  deactivatedAt: null,
};
const STATUSES = ['draft', 'draft', 'in_review', 'published', 'scheduled'];
const OTHER_ID = '00000000-0000-4000-8000-000000000002';
/** Due times are spread around the moment the bench starts, so "due today" finds some. */
const BENCH_NOW = Math.floor(Date.now() / 60_000) * 60_000;
const storyId = (i: number) => `10000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
/** The stories table's row: ids and times spread so the sorts differ. */
const storyRow = (i: number) => ({
  id: storyId(i),
  createdAt: new Date(Date.UTC(2025, 0, 1) + i * 60_000).toISOString(),
  updatedAt: new Date(Date.UTC(2026, 0, 1) + ((i * 7919) % STORIES) * 60_000).toISOString(),
  status: STATUSES[i % STATUSES.length],
  mentioned: i % 50 === 0 ? JSON.stringify([AUTHOR.id]) : '[]',
  // Planning: two stories in three have a due time (spread over 40 days around now, many shared), one in
  // four is the author's.
  dueAt: i % 3 === 2 ? null : new Date(BENCH_NOW + (((i * 104_729) % 57_600) - 28_800) * 60_000).toISOString(),
  assignees: JSON.stringify(i % 4 === 0 ? [AUTHOR.id] : [OTHER_ID]),
});

type Query = { name: string; query: StoryListQuery };
const QUERIES: Query[] = [
  { name: 'list: first page (last edited)', query: {} },
  { name: 'list: first page (created)', query: { sort: 'created' } },
  { name: 'list: in review', query: { status: 'in_review' } },
  { name: 'list: mentions me', query: { mentions: '1' } },
  { name: 'list: soonest due first', query: { sort: 'due' } },
  { name: 'list: assigned to someone, soonest due first', query: { assignee: AUTHOR.id, sort: 'due' } },
  { name: 'list: due today (Europe/London)', query: { due: 'today', tz: 'Europe/London' } },
  { name: 'search: common word ("the"), soonest due first', query: { q: 'the', sort: 'due' } },
  { name: 'search: common word ("the")', query: { q: 'the' } },
  { name: `search: frequent word ("${VOCABULARY[0]}")`, query: { q: VOCABULARY[0] } },
  { name: 'search: rare phrase ("saffron lighthouse keeper")', query: { q: '"saffron lighthouse keeper"' } },
  { name: 'search: no match ("quokka")', query: { q: 'quokka' } },
  { name: `search: prefix ("${VOCABULARY[40].slice(0, 3)}*") + status`, query: { q: `${VOCABULARY[40].slice(0, 3)}*`, status: 'draft' } },
];

const summarize = (s: { id: string }) => ({ id: s.id }) as StorySummary;

async function measure(store: Store, backend: string): Promise<void> {
  console.log(`\n${backend}: ${STORIES.toLocaleString('en')} stories, ${RUNS} runs each (ms)`);
  console.log('| query | results | p50 | p95 | max |');
  console.log('|---|---:|---:|---:|---:|');
  for (const { name, query } of QUERIES) {
    const times: number[] = [];
    let results = 0;
    for (let run = -5; run < RUNS; run++) {
      const start = performance.now();
      const page = await storyListPage(store, query, AUTHOR, summarize);
      if (run >= 0) times.push(performance.now() - start);
      results = page.stories.length + (page.next ? 0.5 : 0);
    }
    times.sort((a, b) => a - b);
    const at = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))].toFixed(1);
    const shown = Number.isInteger(results) ? String(results) : `${Math.floor(results)}+`;
    console.log(`| ${name} | ${shown} | ${at(0.5)} | ${at(0.95)} | ${at(1)} |`);
  }
}

async function sqlite(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'galley-search-bench-'));
  try {
    (await SqliteStore.open(dir)).close();
    const started = performance.now();
    const db = new Database(path.join(dir, 'galley.db'));
    db.pragma('synchronous = OFF');
    const insertStory = db.prepare(
      `INSERT INTO stories (id, headline, status, created_at, created_by, updated_at, status_changed_at, mentioned_ids, due_at, assignee_ids)
       VALUES (@id, @headline, @status, @createdAt, @createdBy, @updatedAt, @createdAt, @mentioned, @dueAt, @assignees)`,
    );
    const insertText = db.prepare(
      'INSERT INTO story_text (story_id, headline, standfirst, byline, body, indexed_at) VALUES (@id, @headline, @standfirst, @byline, @body, @at)',
    );
    db.transaction(() => {
      db.prepare('INSERT INTO users (id, email, name, role, color, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
        AUTHOR.id,
        AUTHOR.email,
        AUTHOR.name,
        AUTHOR.role,
        AUTHOR.color,
        AUTHOR.passwordHash,
        AUTHOR.createdAt,
      );
      for (let i = 0; i < STORIES; i++) {
        const text = indexedText(story(i));
        const row = storyRow(i);
        insertStory.run({ ...row, headline: text.headline, createdBy: AUTHOR.id });
        insertText.run({ id: row.id, ...text, at: row.updatedAt });
      }
    })();
    db.pragma('optimize');
    db.close();
    console.log(`\nSQLite: seeded in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    const store = SqliteStore.open(dir);
    await measure(store, 'SQLite (FTS5)');
    await store.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function postgres(): Promise<void> {
  const schema = `galley_bench_${process.pid}`;
  const client = new Client({ connectionString: POSTGRES_URL, options: `-c search_path=${quoteIdentifier(schema)}` });
  try {
    await client.connect();
  } catch (error) {
    console.log(`\nPostgres: skipped, not reachable at ${new URL(POSTGRES_URL).host} (${(error as Error).message})`);
    return;
  }
  let store: PgStore | undefined;
  try {
    store = await PgStore.open(POSTGRES_URL, { schema, max: 4 });
    const started = performance.now();
    // Built once after the rows are in, as a bulk load would: maintaining GIN row by row is most of the seeding.
    await client.query('DROP INDEX story_text_terms');
    await client.query('BEGIN');
    await client.query('INSERT INTO users (id, email, name, role, color, password_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
      AUTHOR.id,
      AUTHOR.email,
      AUTHOR.name,
      AUTHOR.role,
      AUTHOR.color,
      AUTHOR.passwordHash,
      AUTHOR.createdAt,
    ]);
    for (let from = 0; from < STORIES; from += 250) {
      const batch = Array.from({ length: Math.min(250, STORIES - from) }, (_, k) => ({
        ...storyRow(from + k),
        text: indexedText(story(from + k)),
      }));
      await client.query(
        `INSERT INTO stories (id, headline, status, created_at, created_by, updated_at, status_changed_at, mentioned_ids, due_at, assignee_ids)
         SELECT id, headline, status, created_at, $2, updated_at, created_at, mentioned, due_at, assignees
         FROM json_to_recordset($1::json)
           AS r(id text, headline text, status text, created_at text, updated_at text, mentioned text, due_at text, assignees text)`,
        [
          JSON.stringify(
            batch.map((b) => ({
              id: b.id,
              headline: b.text.headline,
              status: b.status,
              created_at: b.createdAt,
              updated_at: b.updatedAt,
              mentioned: b.mentioned,
              due_at: b.dueAt,
              assignees: b.assignees,
            })),
          ),
          AUTHOR.id,
        ],
      );
      await client.query(
        `INSERT INTO story_text (story_id, headline, standfirst, byline, body, terms, indexed_at)
         SELECT id, headline, standfirst, byline, body, terms::tsvector, at
         FROM json_to_recordset($1::json) AS r(id text, headline text, standfirst text, byline text, body text, terms text, at text)`,
        [JSON.stringify(batch.map((b) => ({ id: b.id, ...b.text, terms: tsvectorLiteral(b.text), at: b.updatedAt })))],
      );
    }
    await client.query('COMMIT');
    await client.query('CREATE INDEX story_text_terms ON story_text USING GIN (terms)');
    await client.query('ANALYZE');
    console.log(`\nPostgres: seeded in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    await measure(store, 'Postgres (tsvector + GIN)');
  } finally {
    await store?.close();
    await client.query(`DROP SCHEMA IF EXISTS ${quoteIdentifier(schema)} CASCADE`).catch(() => {});
    await client.end();
  }
}

await sqlite();
if (!args['no-postgres']) await postgres();
