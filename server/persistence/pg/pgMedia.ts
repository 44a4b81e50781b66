import { mediaSearch, toMedia } from '../mediaRows';
import type { MediaStore } from '../MediaStore';
import type { PgDatabase } from './PgDatabase';

/** Images on Postgres: records and files both in the database, so every process serves every image. */
export function pgMedia(db: PgDatabase): MediaStore {
  return {
    async addMedia(record, original) {
      return db.tx(async (c) => {
        const inserted = await c.query(
          `INSERT INTO media (id, sha256, format, width, height, bytes, uploaded_by, created_at, alt, caption, credit)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (sha256) DO NOTHING`,
          [
            record.id,
            record.sha256,
            record.format,
            record.width,
            record.height,
            record.bytes,
            record.uploadedBy,
            record.createdAt,
            record.alt,
            record.caption,
            record.credit,
          ],
        );
        if (inserted.rowCount === 0) {
          const { rows } = await c.query('SELECT * FROM media WHERE sha256 = $1', [record.sha256]);
          return { media: toMedia(rows[0]), existing: true };
        }
        await c.query('INSERT INTO media_files (media_id, name, data) VALUES ($1, $2, $3)', [record.id, 'original', Buffer.from(original)]);
        return { media: record, existing: false };
      });
    },

    async getMedia(id) {
      const row = await db.row('SELECT * FROM media WHERE id = $1', [id]);
      return row && toMedia(row);
    },

    async listMedia(query) {
      const { where, values } = mediaSearch(query, (i) => `$${i}`);
      const rows = await db.rows(
        `SELECT m.* FROM media m JOIN users u ON u.id = m.uploaded_by ${where} ORDER BY m.created_at DESC, m.id DESC LIMIT $${values.length + 1}`,
        [...values, query.limit],
      );
      return rows.map(toMedia);
    },

    async updateMediaDetails(id, details) {
      const sets = (['alt', 'caption', 'credit'] as const).filter((k) => details[k] !== undefined).map((k) => [k, details[k]] as const);
      if (sets.length === 0) return this.getMedia(id);
      const row = await db.row(`UPDATE media SET ${sets.map(([k], i) => `${k} = $${i + 2}`).join(', ')} WHERE id = $1 RETURNING *`, [
        id,
        ...sets.map(([, v]) => v),
      ]);
      return row && toMedia(row);
    },

    async loadMediaFile(id, name) {
      const row = await db.row('SELECT data FROM media_files WHERE media_id = $1 AND name = $2', [id, name]);
      return row ? new Uint8Array(row.data as Buffer) : undefined;
    },

    async saveMediaFile(id, name, bytes) {
      await db.changes('INSERT INTO media_files (media_id, name, data) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [
        id,
        name,
        Buffer.from(bytes),
      ]);
    },

    async setPublishedMedia(storyId, mediaIds) {
      await db.tx(async (c) => {
        await c.query('DELETE FROM published_media WHERE story_id = $1', [storyId]);
        await c.query(
          'INSERT INTO published_media (story_id, media_id) SELECT $1, id FROM media WHERE id = ANY($2::text[]) ON CONFLICT DO NOTHING',
          [storyId, [...new Set(mediaIds)]],
        );
      });
    },

    async isMediaPublic(id) {
      // A story's page shows it, or the site's masthead or default social image is it.
      const sql = `SELECT 1 FROM published_media WHERE media_id = $1
        UNION ALL SELECT 1 FROM site_settings WHERE logo_media_id = $1 OR social_media_id = $1 LIMIT 1`;
      return (await db.row(sql, [id])) !== undefined;
    },

    async storiesShowingMedia(id) {
      return (await db.rows('SELECT story_id FROM published_media WHERE media_id = $1 ORDER BY story_id', [id])).map((r) =>
        String(r.story_id),
      );
    },
  };
}
