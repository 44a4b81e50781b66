import { bytes, toDamagedStories, toDeletion, toQuarantineEntry, toStoryDamage } from '../storeRows';
import type { DamagedRow, StoredLog, StoryLogStore } from '../StoryLogStore';
import { compactLock, lock } from './advisoryLocks';
import type { PgDatabase, Querier } from './PgDatabase';

/** Snapshot first, then the log in order; one statement, so one consistent view even while another process compacts. */
const LOG_SQL = `SELECT 0 AS part, NULL::bigint AS seq, data FROM story_snapshots WHERE story_id = $1
  UNION ALL SELECT 1, seq, data FROM story_updates WHERE story_id = $1
  ORDER BY part, seq`;

type LogRow = { part: number; seq: string | null; data: Buffer };

/** Story logs and snapshots, Yjs client ids, deletion records and the quarantine, on Postgres. */
export function pgStoryLog(db: PgDatabase): StoryLogStore {
  return {
    async appendUpdates(entries) {
      if (entries.length === 0) return [];
      // One statement is one transaction (the deletions recorded with their updates included). Sequence numbers are
      // drawn for the batch first and paired with entries by position, so ascending seqs follow the entries' order by construction.
      const deleting = entries.filter((e) => e.deletion);
      const { rows } = await db.pool.query<{ seq: string }>(
        `WITH deleted AS (
           INSERT INTO story_deletions (story_id, user_id, at, ds) SELECT * FROM unnest($3::text[], $4::text[], $5::text[], $6::bytea[])
         ), drawn AS (
           SELECT row_number() OVER (ORDER BY seq) AS i, seq
           FROM (SELECT nextval('story_updates_seq') AS seq FROM generate_series(1, cardinality($1::text[]))) numbers
         )
         INSERT INTO story_updates (seq, story_id, data)
         SELECT drawn.seq, e.story_id, e.data
         FROM unnest($1::text[], $2::bytea[]) WITH ORDINALITY AS e(story_id, data, i) JOIN drawn USING (i)
         RETURNING seq`,
        [
          entries.map((e) => e.storyId),
          entries.map((e) => Buffer.from(e.update)),
          deleting.map((e) => e.storyId),
          deleting.map((e) => e.deletion!.userId),
          deleting.map((e) => e.deletion!.at),
          deleting.map((e) => Buffer.from(e.deletion!.ds)),
        ],
      );
      return rows.map((r) => Number(r.seq)).sort((a, b) => a - b);
    },

    async loadLog(storyId): Promise<StoredLog> {
      const rows = (await db.pool.query<LogRow>(LOG_SQL, [storyId])).rows;
      const updates = rows.filter((r) => r.part === 1);
      return {
        snapshot: rows[0]?.part === 0 ? bytes(rows[0].data) : null,
        updates: updates.map((r) => bytes(r.data)),
        seqs: updates.map((r) => Number(r.seq)),
        updateBytes: updates.reduce((sum, r) => sum + r.data.byteLength, 0),
      };
    },

    async compact(storyId, fold) {
      await db.tx(async (c) => {
        // Compactions of one story take turns; appends go on meanwhile.
        await lock(c, compactLock(storyId));
        const rows = (await c.query<LogRow>(LOG_SQL, [storyId])).rows;
        const read = rows.filter((r) => r.part === 1).map((r) => r.seq);
        if (read.length === 0) return;
        await c.query(
          'INSERT INTO story_snapshots (story_id, data) VALUES ($1, $2) ON CONFLICT (story_id) DO UPDATE SET data = excluded.data',
          [storyId, Buffer.from(fold(rows.map((r) => bytes(r.data))))],
        );
        // Exactly the entries folded, not "up to the last seq read": an append from another process
        // can commit after our read with a lower seq than ones we saw, and it must stay.
        await c.query('DELETE FROM story_updates WHERE seq = ANY($1::bigint[])', [read]);
      });
    },

    async loadClientOwners(storyId) {
      const rows = await db.rows('SELECT client_id, user_id FROM story_clients WHERE story_id = $1', [storyId]);
      return new Map(rows.map((r) => [Number(r.client_id), r.user_id as string]));
    },

    async claimClients(storyId, claims) {
      const clientIds = [...claims.keys()].sort((a, b) => a - b);
      // Sorted, so two claims of overlapping ids lock them in the same order and cannot deadlock.
      await db.pool.query(
        `INSERT INTO story_clients (story_id, client_id, user_id)
         SELECT $1, c.id, c.user_id FROM unnest($2::bigint[], $3::text[]) AS c(id, user_id) ORDER BY c.id
         ON CONFLICT DO NOTHING`,
        [storyId, clientIds, clientIds.map((id) => claims.get(id)!)],
      );
      // A separate statement: its snapshot includes rows a concurrent claim committed while the insert waited.
      const owners = await db.rows('SELECT client_id, user_id FROM story_clients WHERE story_id = $1 AND client_id = ANY($2::bigint[])', [
        storyId,
        clientIds,
      ]);
      const byId = new Map(owners.map((r) => [Number(r.client_id), r.user_id as string]));
      return new Map(clientIds.map((id) => [id, byId.get(id)!]));
    },

    async listDeletions(storyId, since) {
      return (await db.rows('SELECT * FROM story_deletions WHERE story_id = $1 AND at >= $2 ORDER BY id', [storyId, since])).map(
        toDeletion,
      );
    },

    async recordRestored(r) {
      await db.pool.query('INSERT INTO story_deletions (story_id, user_id, at, ds, restored) VALUES ($1, $2, $3, $4, TRUE)', [
        r.storyId,
        r.userId,
        r.at,
        Buffer.from(r.ds),
      ]);
    },

    // --- Damaged rows: quarantine ---

    async quarantine(storyId, rows, foundAt) {
      const updates = rows.filter((r) => r.kind === 'update');
      const snapshot = rows.find((r) => r.kind === 'snapshot');
      return db.tx(async (c) => {
        // Takes turns with compactions of the story (the same lock), so neither deletes what the other moves.
        await lock(c, compactLock(storyId));
        let moved = 0;
        if (updates.length > 0) {
          // Each row is deleted and inserted by one statement: a row another process moved first is not there to take.
          const { rowCount } = await c.query(
            `WITH taken AS (DELETE FROM story_updates WHERE story_id = $1 AND seq = ANY($2::bigint[]) RETURNING seq, data)
             INSERT INTO story_quarantine (story_id, kind, seq, data, reason, found_at)
             SELECT $1, 'update', taken.seq, taken.data, r.reason, $4 FROM taken JOIN unnest($2::bigint[], $3::text[]) AS r(seq, reason) USING (seq)`,
            [storyId, updates.map((r) => r.seq), updates.map((r) => r.reason), foundAt],
          );
          moved += rowCount ?? 0;
        }
        if (snapshot) moved += await quarantineSnapshot(c, storyId, snapshot, foundAt);
        return moved;
      });
    },

    async storyDamage(storyId) {
      return toStoryDamage(
        await db.row(
          `SELECT COUNT(*) AS entries, MIN(found_at) AS first_found_at, MAX(found_at) AS last_found_at
           FROM story_quarantine WHERE story_id = $1 AND resolved_at IS NULL`,
          [storyId],
        ),
      );
    },

    async listDamagedStories() {
      const rows = await db.rows(
        `SELECT q.story_id, s.headline, q.reason, q.found_at FROM story_quarantine q JOIN stories s ON s.id = q.story_id
         WHERE q.resolved_at IS NULL ORDER BY q.found_at DESC, q.id DESC`,
      );
      return toDamagedStories(rows);
    },

    async markDamageReviewed(storyId, at, by) {
      return db.changes('UPDATE story_quarantine SET resolved_at = $1, resolved_by = $2 WHERE story_id = $3 AND resolved_at IS NULL', [
        at,
        by,
        storyId,
      ]);
    },

    async listQuarantine() {
      const rows = await db.rows(
        `SELECT id, story_id, kind, seq, octet_length(data) AS bytes, reason, found_at, resolved_at, resolved_by
         FROM story_quarantine ORDER BY story_id, id`,
      );
      return rows.map(toQuarantineEntry);
    },
  };
}

async function quarantineSnapshot(
  c: Querier,
  storyId: string,
  row: Extract<DamagedRow, { kind: 'snapshot' }>,
  foundAt: string,
): Promise<number> {
  const current = (await c.query<{ data: Buffer }>('SELECT data FROM story_snapshots WHERE story_id = $1 FOR UPDATE', [storyId])).rows[0];
  if (!current || !current.data.equals(row.data)) return 0;
  if (row.replacement) await c.query('UPDATE story_snapshots SET data = $2 WHERE story_id = $1', [storyId, Buffer.from(row.replacement)]);
  else await c.query('DELETE FROM story_snapshots WHERE story_id = $1', [storyId]);
  await c.query("INSERT INTO story_quarantine (story_id, kind, seq, data, reason, found_at) VALUES ($1, 'snapshot', NULL, $2, $3, $4)", [
    storyId,
    current.data,
    row.reason,
    foundAt,
  ]);
  return 1;
}
