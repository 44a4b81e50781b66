import { type Row, toDamagedStories, toDeletion, toQuarantineEntry, toStoryDamage } from '../storeRows';
import type { StoredLog, StoryLogStore } from '../StoryLogStore';
import type { SqliteConnection } from './SqliteConnection';
import { INSERT_DELETION } from './sqliteSchema';

type LogRow = { seq: number; data: Buffer };

/** Story logs and snapshots, Yjs client ids, deletion records and the quarantine, on SQLite. */
export function sqliteStoryLog(db: SqliteConnection): StoryLogStore {
  const snapshotOf = (storyId: string) =>
    db.prepare('SELECT data FROM story_snapshots WHERE story_id = ?').get(storyId) as { data: Buffer } | undefined;
  const updatesOf = (storyId: string) =>
    db.prepare('SELECT seq, data FROM story_updates WHERE story_id = ? ORDER BY seq').all(storyId) as LogRow[];

  return {
    async appendUpdates(entries) {
      return db.append(entries, () => {
        const insert = db.prepare('INSERT INTO story_updates (story_id, data) VALUES (?, ?)');
        const deleted = db.prepare(INSERT_DELETION);
        return entries.map(({ storyId, update, deletion }) => {
          if (deletion) deleted.run(storyId, deletion.userId, deletion.at, Buffer.from(deletion.ds));
          return Number(insert.run(storyId, Buffer.from(update)).lastInsertRowid);
        });
      });
    },

    async loadLog(storyId): Promise<StoredLog> {
      return db.snapshot(() => {
        const snapshot = snapshotOf(storyId);
        const rows = updatesOf(storyId);
        return {
          snapshot: snapshot ? new Uint8Array(snapshot.data) : null,
          updates: rows.map((r) => new Uint8Array(r.data)),
          seqs: rows.map((r) => r.seq),
          updateBytes: rows.reduce((sum, r) => sum + r.data.byteLength, 0),
        };
      });
    },

    async compact(storyId, fold) {
      await db.write(() => {
        const snapshot = snapshotOf(storyId);
        const rows = updatesOf(storyId);
        if (rows.length === 0) return;
        const updates = [...(snapshot ? [snapshot.data] : []), ...rows.map((r) => r.data)].map((b) => new Uint8Array(b));
        db.prepare(
          'INSERT INTO story_snapshots (story_id, data) VALUES (?, ?) ON CONFLICT (story_id) DO UPDATE SET data = excluded.data',
        ).run(storyId, Buffer.from(fold(updates)));
        // The write lock of this IMMEDIATE transaction keeps other writers out, so "up to the last read" is exactly what was read.
        db.prepare('DELETE FROM story_updates WHERE story_id = ? AND seq <= ?').run(storyId, rows[rows.length - 1].seq);
      });
    },

    async loadClientOwners(storyId) {
      const rows = db.prepare('SELECT client_id, user_id FROM story_clients WHERE story_id = ?').all(storyId) as {
        client_id: number;
        user_id: string;
      }[];
      return new Map(rows.map((r) => [r.client_id, r.user_id]));
    },

    async claimClients(storyId, claims) {
      return db.write(() => {
        const insert = db.prepare('INSERT OR IGNORE INTO story_clients (story_id, client_id, user_id) VALUES (?, ?, ?)');
        const owner = db.prepare('SELECT user_id FROM story_clients WHERE story_id = ? AND client_id = ?');
        claims.forEach((userId, id) => insert.run(storyId, id, userId));
        return new Map([...claims.keys()].map((id) => [id, (owner.get(storyId, id) as { user_id: string }).user_id]));
      });
    },

    async listDeletions(storyId, since) {
      const rows = db.prepare('SELECT * FROM story_deletions WHERE story_id = ? AND at >= ? ORDER BY id').all(storyId, since) as Row[];
      return rows.map(toDeletion);
    },

    async recordRestored(r) {
      await db.write(() =>
        db
          .prepare('INSERT INTO story_deletions (story_id, user_id, at, ds, restored) VALUES (?, ?, ?, ?, 1)')
          .run(r.storyId, r.userId, r.at, Buffer.from(r.ds)),
      );
    },

    // --- Damaged rows: quarantine ---

    async quarantine(storyId, rows, foundAt) {
      // The write lock of this IMMEDIATE transaction keeps appends and compactions out until every row has moved.
      return db.write(() => {
        const insert = db.prepare('INSERT INTO story_quarantine (story_id, kind, seq, data, reason, found_at) VALUES (?, ?, ?, ?, ?, ?)');
        const takeUpdate = db.prepare('DELETE FROM story_updates WHERE story_id = ? AND seq = ? RETURNING data');
        const snapshotIs = db.prepare('SELECT 1 FROM story_snapshots WHERE story_id = ? AND data = ?');
        let moved = 0;
        for (const row of rows) {
          if (row.kind === 'update') {
            const taken = takeUpdate.get(storyId, row.seq) as { data: Buffer } | undefined;
            if (!taken) continue;
            insert.run(storyId, 'update', row.seq, taken.data, row.reason, foundAt);
          } else {
            const data = Buffer.from(row.data);
            if (!snapshotIs.get(storyId, data)) continue;
            if (row.replacement)
              db.prepare('UPDATE story_snapshots SET data = ? WHERE story_id = ?').run(Buffer.from(row.replacement), storyId);
            else db.prepare('DELETE FROM story_snapshots WHERE story_id = ?').run(storyId);
            insert.run(storyId, 'snapshot', null, data, row.reason, foundAt);
          }
          moved++;
        }
        return moved;
      });
    },

    async storyDamage(storyId) {
      const row = db
        .prepare(
          `SELECT COUNT(*) AS entries, MIN(found_at) AS first_found_at, MAX(found_at) AS last_found_at
           FROM story_quarantine WHERE story_id = ? AND resolved_at IS NULL`,
        )
        .get(storyId) as Row | undefined;
      return toStoryDamage(row);
    },

    async listDamagedStories() {
      const rows = db
        .prepare(
          `SELECT q.story_id, s.headline, q.reason, q.found_at FROM story_quarantine q JOIN stories s ON s.id = q.story_id
           WHERE q.resolved_at IS NULL ORDER BY q.found_at DESC, q.id DESC`,
        )
        .all() as Row[];
      return toDamagedStories(rows);
    },

    async markDamageReviewed(storyId, at, by) {
      return db.write(
        () =>
          db
            .prepare('UPDATE story_quarantine SET resolved_at = ?, resolved_by = ? WHERE story_id = ? AND resolved_at IS NULL')
            .run(at, by, storyId).changes,
      );
    },

    async listQuarantine() {
      const rows = db
        .prepare(
          `SELECT id, story_id, kind, seq, length(data) AS bytes, reason, found_at, resolved_at, resolved_by
           FROM story_quarantine ORDER BY story_id, id`,
        )
        .all() as Row[];
      return rows.map(toQuarantineEntry);
    },
  };
}
