/**
 * PgStore: the shared Store contract, then what only a shared database has to get right —
 * several processes (here: several pools) migrating, appending, compacting and claiming at once.
 */
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { PgStore } from '../../server/persistence/pg/PgStore';
import { PG_MIGRATIONS } from '../../server/persistence/pg/pgSchema';
import { logUpdates, type UserRecord } from '../../server/persistence/Store';
import { newDraft } from '../../server/workflow/workflowState';
import { pgRowsMentioning } from '../helpers/rowsMentioning';
import { dropSchema, freshSchemaName, POSTGRES_URL, queryPostgres, requirePostgres } from '../helpers/postgres';
import { storeContract } from './storeContract';

const available = await requirePostgres();

/** Every store opened here and every schema made, so a failing test still leaves nothing behind. */
const opened: PgStore[] = [];
const schemaOf = new Map<PgStore, string>();
const schemas = new Set<string>();

async function openOn(schema: string, max = 4): Promise<PgStore> {
  schemas.add(schema);
  const store = await PgStore.open(POSTGRES_URL, { schema, max });
  opened.push(store);
  schemaOf.set(store, schema);
  return store;
}

/** `count` stores on one fresh schema: separate pools, as separate server processes would have. */
async function processes(count: number, max = 4): Promise<PgStore[]> {
  const schema = freshSchemaName();
  const first = await openOn(schema, max);
  return [first, ...(await Promise.all(Array.from({ length: count - 1 }, () => openOn(schema, max))))];
}

afterAll(async () => {
  await Promise.all(opened.map((s) => s.close()));
  // One at a time: each DROP … CASCADE locks every object of its schema, and seventy at once overflow
  // Postgres's shared lock table (max_locks_per_transaction × connections) with "out of shared memory".
  for (const schema of schemas) await dropSchema(schema);
});

const person = (): UserRecord => ({
  id: randomUUID(),
  email: `${randomUUID()}@example.test`,
  name: 'Pat Writer',
  role: 'writer',
  color: '#175cd3',
  passwordHash: 'scrypt$x',
  createdAt: '2026-01-01T00:00:00.000Z',
  deactivatedAt: null,
});

/** A user and a story to hang updates and schedules on. */
async function seedStory(store: PgStore, userId?: string): Promise<{ userId: string; storyId: string }> {
  if (!userId) {
    const u = person();
    await store.createUser(u);
    userId = u.id;
  }
  const storyId = randomUUID();
  await store.createStory(newDraft(storyId, { id: userId, name: 'Pat Writer' }, '2026-01-01T00:00:00.000Z'));
  return { userId, storyId };
}

/** The server's fold (StoryDocument): apply to a fresh document and re-encode. */
function fold(updates: Uint8Array[]): Uint8Array {
  const doc = new Y.Doc();
  doc.transact(() => updates.forEach((u) => Y.applyUpdate(doc, u)));
  const folded = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return folded;
}

/** Runs `tasks` with at most `limit` in flight, so batches can commit out of order. */
async function inParallel(tasks: (() => Promise<unknown>)[], limit: number): Promise<void> {
  const queue = [...tasks];
  const worker = async () => {
    for (let task = queue.shift(); task; task = queue.shift()) await task();
  };
  await Promise.all(Array.from({ length: limit }, worker));
}

describe.skipIf(!available)('PgStore', () => {
  storeContract('PgStore', {
    open: () => openOn(freshSchemaName()),
    async reopen(store) {
      await store.close();
      return openOn(schemaOf.get(store as PgStore)!);
    },
    rowsMentioning: (store, text) => pgRowsMentioning(schemaOf.get(store as PgStore)!, text),
  });

  it('migrates once when four processes start together on an empty schema', async () => {
    const schema = freshSchemaName();
    const stores = await Promise.all([1, 2, 3, 4].map(() => openOn(schema)));
    const tables = await queryPostgres<{ name: string }>(
      "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE' ORDER BY 1",
      [schema],
    );
    expect(tables.map((t) => t.name)).toEqual([
      'access_changes',
      'api_tokens',
      'media',
      'media_files',
      'notification_emails',
      'notification_preferences',
      'notifications',
      'publication_changes',
      'publication_text',
      'publications',
      'published_media',
      'revisions',
      'schema_migrations',
      'sessions',
      'site_settings',
      'slug_redirects',
      'stories',
      'story_activity',
      'story_clients',
      'story_deletions',
      'story_quarantine',
      'story_snapshots',
      'story_submitters',
      'story_text',
      'story_trash_records',
      'story_updates',
      'taxonomy_terms',
      'users',
      'webhook_deliveries',
      'webhook_endpoints',
    ]);
    const versions = await queryPostgres<{ version: number }>(`SELECT version FROM "${schema}".schema_migrations ORDER BY version`);
    expect(versions.map((v) => v.version)).toEqual(PG_MIGRATIONS.map((_, i) => i + 1));
    expect(await Promise.all(stores.map((s) => s.countUsers()))).toEqual([0, 0, 0, 0]);
  });

  it('keeps every update appended to one story from two processes at once, each with its own seq', async () => {
    const [a, b] = await processes(2);
    const { storyId } = await seedStory(a);
    const payload = (p: number, batch: number, i: number) => new TextEncoder().encode(`${p}:${batch}:${i}`);
    const appendFrom = (store: PgStore, p: number) =>
      Array.from({ length: 25 }, (_, batch) =>
        store.appendUpdates(Array.from({ length: 4 }, (_, i) => ({ storyId, update: payload(p, batch, i) }))),
      );
    const results = await Promise.all([...appendFrom(a, 0), ...appendFrom(b, 1)]);
    for (const seqs of results) expect([...seqs].sort((x, y) => x - y)).toEqual(seqs);
    expect(new Set(results.flat()).size).toBe(200);
    const stored = (await b.loadLog(storyId)).updates.map((u) => new TextDecoder().decode(u)).sort();
    const sent = [0, 1].flatMap((p) =>
      Array.from({ length: 100 }, (_, k) => new TextDecoder().decode(payload(p, Math.floor(k / 4), k % 4))),
    );
    expect(stored).toEqual(sent.sort());
  });

  it('loses no update when two processes compact one story while a third appends', async () => {
    const [a, b, c] = await processes(3, 8);
    const { storyId } = await seedStory(a);
    const writer = new Y.Doc();
    const updates: Uint8Array[] = [];
    writer.on('update', (u: Uint8Array) => updates.push(u));
    const words = Array.from({ length: 240 }, (_, i) => `w${i}`);
    for (const word of words) writer.getText('body').insert(writer.getText('body').length, `${word} `);
    const batches = Array.from({ length: 60 }, (_, k) => updates.slice(k * 4, k * 4 + 4));

    let appending = true;
    let compactions = 0;
    const compactLoop = async (store: PgStore) => {
      while (appending) {
        await store.compact(storyId, fold);
        compactions++;
      }
    };
    // Eight batches in flight: later batches can commit before earlier ones, with lower seqs landing late.
    const append = inParallel(
      batches.map((batch) => () => c.appendUpdates(batch.map((update) => ({ storyId, update })))),
      8,
    ).finally(() => (appending = false));
    await Promise.all([append, compactLoop(a), compactLoop(b)]);
    expect(compactions).toBeGreaterThan(2);

    const rebuilt = new Y.Doc();
    logUpdates(await b.loadLog(storyId)).forEach((u) => Y.applyUpdate(rebuilt, u));
    expect(rebuilt.store.pendingStructs).toBeNull();
    expect(rebuilt.getText('body').toString()).toBe(words.map((w) => `${w} `).join(''));
    // And once more after a final compaction, from the snapshot alone.
    await c.compact(storyId, fold);
    const log = await a.loadLog(storyId);
    expect(log.updates).toEqual([]);
    const fromSnapshot = new Y.Doc();
    Y.applyUpdate(fromSnapshot, log.snapshot!);
    expect(fromSnapshot.getText('body').toString()).toBe(words.map((w) => `${w} `).join(''));
  });

  it('keeps an append that commits during a compaction with a lower seq than the entries it folds', async () => {
    const [store] = await processes(1);
    const schema = schemaOf.get(store)!;
    const { storyId } = await seedStory(store);
    const concat = (updates: Uint8Array[]) => Uint8Array.of(...updates.flatMap((u) => [...u]));
    await store.appendUpdates([{ storyId, update: Uint8Array.of(1) }]);
    await store.compact(storyId, concat);
    // Another process: its append draws a seq now but commits only later. Holding the snapshot
    // row, it makes the compaction below wait until that commit before it deletes what it folded.
    const other = new Client({ connectionString: POSTGRES_URL, options: `-c search_path=${schema}` });
    other.on('error', () => {});
    await other.connect();
    try {
      await other.query('BEGIN');
      await other.query('INSERT INTO story_updates (story_id, data) VALUES ($1, $2)', [storyId, Buffer.of(2)]);
      await other.query('SELECT 1 FROM story_snapshots WHERE story_id = $1 FOR UPDATE', [storyId]);
      await store.appendUpdates([{ storyId, update: Uint8Array.of(3) }]);
      let committed: Promise<unknown> = Promise.resolve();
      await store.compact(storyId, (updates) => {
        committed = other.query('COMMIT');
        return concat(updates);
      });
      await committed;
    } finally {
      await other.end();
    }
    const log = await store.loadLog(storyId);
    expect([...log.snapshot!]).toEqual([1, 3]);
    expect(log.updates.map((u) => [...u])).toEqual([[2]]);
  });

  it('gives each due schedule to exactly one of three processes claiming at once', async () => {
    const stores = await processes(3);
    const { userId } = await seedStory(stores[0]);
    const due = await Promise.all(
      Array.from({ length: 30 }, async (_, i) => {
        const { storyId } = await seedStory(stores[0], userId);
        const scheduledFor = `2026-03-01T09:${String(i).padStart(2, '0')}:00.000Z`;
        await stores[0].changeStatus(
          storyId,
          { status: 'scheduled', at: '2026-03-01T08:00:00.000Z', by: 'Ed', scheduledFor, scheduledById: userId },
          ['draft'],
        );
        return storyId;
      }),
    );
    const now = '2026-03-01T10:00:00.000Z';
    const lease = '2026-03-01T10:01:00.000Z';
    const claims = await Promise.all(stores.flatMap((s) => [s.claimDueSchedules(now, lease), s.claimDueSchedules(now, lease)]));
    const claimed = claims.flat().map((d) => d.storyId);
    expect(claimed.sort()).toEqual([...due].sort());
  });

  it('publishes a scheduled story once when three processes try at once', async () => {
    const stores = await processes(3);
    const { userId, storyId } = await seedStory(stores[0]);
    const when = '2026-03-01T10:00:00.000Z';
    await stores[0].changeStatus(storyId, { status: 'scheduled', at: when, by: 'Ed', scheduledFor: when, scheduledById: userId }, [
      'draft',
    ]);
    const content = { storyId, slug: 'once', headline: 'H', standfirst: 'S', byline: 'B', bodyHtml: '<p>x</p>' };
    const publication = { ...content, publishedAt: when, updatedAt: when, publishedBy: 'Ed' };
    const revision = { ...content, content: '{}', docState: Uint8Array.of(1), publishedAt: when, publishedBy: 'Ed', publishedById: userId };
    const results = await Promise.all(stores.map((s) => s.savePublication(publication, revision, when)));
    expect(results.sort()).toEqual([1, null, null]);
    expect(await stores[2].listRevisions(storyId)).toHaveLength(1);
  });

  it('indexes publications stored before the site search when it opens, once, however many processes open together', async () => {
    const [first] = await processes(1);
    const schema = schemaOf.get(first)!;
    const { userId } = await seedStory(first);
    const slugs: string[] = [];
    for (let i = 0; i < 5; i++) {
      const { storyId } = await seedStory(first, userId);
      const at = new Date(Date.UTC(2026, 2, 1 + i)).toISOString();
      const content = {
        storyId,
        slug: `heron-${i}`,
        headline: `Heron ${i}`,
        standfirst: '',
        byline: '',
        bodyHtml: `<p>Word${i} <b>egret</b></p>`,
      };
      const publication = { ...content, publishedAt: at, updatedAt: at, publishedBy: 'Ed' };
      await first.savePublication(publication, {
        ...content,
        content: '{}',
        docState: Uint8Array.of(1),
        publishedAt: at,
        publishedBy: 'Ed',
        publishedById: userId,
      });
      slugs.unshift(content.slug);
    }
    // As a database from before the search: publications without their words.
    await queryPostgres(`DELETE FROM ${schema}.publication_text`);
    expect((await first.searchPublications({ text: 'egret', limit: 10 })).total).toBe(0);
    const stores = await Promise.all([1, 2, 3].map(() => openOn(schema)));
    for (const store of stores) {
      expect((await store.searchPublications({ text: 'heron egret', limit: 10 })).stories.map((p) => p.slug)).toEqual(slugs);
      expect((await store.searchPublications({ text: 'word3', limit: 10 })).stories.map((p) => p.slug)).toEqual(['heron-3']);
    }
    expect(await queryPostgres(`SELECT story_id FROM ${schema}.publication_text`)).toHaveLength(5);
  });

  it('creates the first user once when three processes race', async () => {
    const stores = await processes(3);
    const results = await Promise.all(stores.flatMap((s) => [s.createFirstUser(person()), s.createFirstUser(person())]));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await stores[1].countUsers()).toBe(1);
  });

  it('survives its idle connections being killed, and reconnects', async () => {
    const [store] = await processes(1);
    await Promise.all([store.countUsers(), store.countUsers(), store.countUsers()]);
    const name = `galley:${schemaOf.get(store)}`;
    const killed = await queryPostgres('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [name]);
    expect(killed.length).toBeGreaterThan(0);
    // Let the pool hear of the lost connections (an 'error' event per idle client) before using it again.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await store.countUsers()).toBe(0);
  });
});
