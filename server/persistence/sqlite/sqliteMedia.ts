import { mediaSearch, toMedia } from '../mediaRows';
import type { MediaStore } from '../MediaStore';
import type { Row } from '../storeRows';
import type { MediaFiles } from './MediaFiles';
import type { SqliteConnection } from './SqliteConnection';

/** Images on SQLite: records in the database, files in the data directory (MediaFiles). */
export function sqliteMedia(db: SqliteConnection, files: MediaFiles): MediaStore {
  const bySha = (sha256: string) => db.prepare('SELECT * FROM media WHERE sha256 = ?').get(sha256) as Row | undefined;
  const byId = (id: string) => db.prepare('SELECT * FROM media WHERE id = ?').get(id) as Row | undefined;

  return {
    async addMedia(record, original) {
      const known = bySha(record.sha256);
      if (known) return { media: toMedia(known), existing: true };
      // The file first: a record is never left pointing at nothing.
      await files.write(record.id, 'original', original);
      return db.write(() => {
        const raced = bySha(record.sha256);
        if (raced) return { media: toMedia(raced), existing: true };
        db.prepare(
          `INSERT INTO media (id, sha256, format, width, height, bytes, uploaded_by, created_at, alt, caption, credit)
           VALUES (@id, @sha256, @format, @width, @height, @bytes, @uploadedBy, @createdAt, @alt, @caption, @credit)`,
        ).run(record);
        return { media: record, existing: false };
      });
    },

    async getMedia(id) {
      const row = byId(id);
      return row && toMedia(row);
    },

    async listMedia(query) {
      const { where, values } = mediaSearch(query, (i) => `@p${i}`);
      const params = Object.fromEntries(values.map((v, i) => [`p${i + 1}`, v]));
      const rows = db
        .prepare(`SELECT m.* FROM media m JOIN users u ON u.id = m.uploaded_by ${where} ORDER BY m.created_at DESC, m.id DESC LIMIT @limit`)
        .all({ ...params, limit: query.limit }) as Row[];
      return rows.map(toMedia);
    },

    async updateMediaDetails(id, details) {
      return db.write(() => {
        const row = byId(id);
        if (!row) return undefined;
        const next = { ...toMedia(row), ...details };
        db.prepare('UPDATE media SET alt = @alt, caption = @caption, credit = @credit WHERE id = @id').run(next);
        return next;
      });
    },

    loadMediaFile: (id, name) => files.read(id, name),
    saveMediaFile: (id, name, bytes) => files.write(id, name, bytes),

    async setPublishedMedia(storyId, mediaIds) {
      await db.write(() => {
        db.prepare('DELETE FROM published_media WHERE story_id = ?').run(storyId);
        const insert = db.prepare('INSERT OR IGNORE INTO published_media (story_id, media_id) SELECT ?, id FROM media WHERE id = ?');
        for (const id of new Set(mediaIds)) insert.run(storyId, id);
      });
    },

    async isMediaPublic(id) {
      // A story's page shows it, or the site's masthead or default social image is it.
      const sql = `SELECT 1 FROM published_media WHERE media_id = @id
        UNION ALL SELECT 1 FROM site_settings WHERE logo_media_id = @id OR social_media_id = @id LIMIT 1`;
      return db.prepare(sql).get({ id }) !== undefined;
    },

    async storiesShowingMedia(id) {
      return (db.prepare('SELECT story_id FROM published_media WHERE media_id = ? ORDER BY story_id').all(id) as Row[]).map((r) =>
        String(r.story_id),
      );
    },
  };
}
