import { type Row, toDueStory, toPlanning, toStory, toStoryListing } from '../storeRows';
import type { StoryStore } from '../StoryStore';
import type { SqliteConnection } from './SqliteConnection';

/** Story records and the newsroom list, status changes, addresses and schedules, on SQLite. */
export function sqliteStories(db: SqliteConnection): StoryStore {
  const slugTaken = (slug: string, exceptStoryId: string) =>
    db
      .prepare('SELECT 1 FROM stories WHERE slug = ? AND id <> ? UNION ALL SELECT 1 FROM slug_redirects WHERE slug = ? AND story_id <> ?')
      .get(slug, exceptStoryId, slug, exceptStoryId) !== undefined;

  /** A published story's old address becomes a redirect; taking an old address back removes its redirect. */
  const moveAddress = (storyId: string, from: string, to: string | null) => {
    if (to === null) throw new Error('A published story keeps an address');
    db.prepare('INSERT OR IGNORE INTO slug_redirects (slug, story_id) VALUES (?, ?)').run(from, storyId);
    db.prepare('DELETE FROM slug_redirects WHERE slug = ?').run(to);
    db.prepare('UPDATE publications SET slug = ? WHERE story_id = ?').run(to, storyId);
  };

  return {
    async createStory(s) {
      await db.write(() =>
        db
          .prepare(
            `INSERT INTO stories (id, headline, status, slug, created_at, created_by, updated_at, status_changed_at, status_changed_by,
               status_note, scheduled_for, scheduled_by_id, live, published_at, last_published_at, published_by)
             VALUES (@id, @headline, @status, @slug, @createdAt, @createdBy, @updatedAt, @statusChangedAt, @statusChangedBy,
               @statusNote, @scheduledFor, @scheduledById, @live, @publishedAt, @lastPublishedAt, @publishedBy)`,
          )
          .run({ ...s, live: s.live ? 1 : 0 }),
      );
    },

    async getStory(id) {
      const row = db.prepare('SELECT * FROM stories WHERE id = ? AND trashed_at IS NULL').get(id) as Row | undefined;
      return row && toStory(row);
    },

    async listStories() {
      return (db.prepare('SELECT * FROM stories WHERE trashed_at IS NULL ORDER BY updated_at DESC').all() as Row[]).map(toStoryListing);
    },

    async touchStory(id, headline, updatedAt, comments) {
      await db.write(() =>
        db
          .prepare(
            'UPDATE stories SET headline = ?, updated_at = COALESCE(?, updated_at), open_comments = COALESCE(?, open_comments), mentioned_ids = COALESCE(?, mentioned_ids) WHERE id = ?',
          )
          .run(headline, updatedAt, comments?.openComments ?? null, comments ? JSON.stringify(comments.mentionedIds) : null, id),
      );
    },

    async setStoryPlanning(id, planning) {
      return db.write(() => {
        const before = db.prepare('SELECT assignee_ids, section, tags, due_at, priority FROM stories WHERE id = ?').get(id) as
          Row | undefined;
        if (!before) return undefined;
        db.prepare('UPDATE stories SET assignee_ids = ?, section = ?, tags = ?, due_at = ?, priority = ? WHERE id = ?').run(
          JSON.stringify(planning.assigneeIds),
          planning.section,
          JSON.stringify(planning.tags),
          planning.dueAt,
          planning.priority,
          id,
        );
        return toPlanning(before);
      });
    },

    async storiesDueBetween(from, until) {
      const rows = db
        .prepare(
          "SELECT id, due_at, assignee_ids FROM stories WHERE due_at > ? AND due_at <= ? AND assignee_ids <> '[]' AND trashed_at IS NULL ORDER BY due_at",
        )
        .all(from, until) as Row[];
      return rows.map(toDueStory);
    },

    async changeStatus(storyId, change, from) {
      const placeholders = from.map(() => '?').join(', ');
      return db.write(() => {
        const result = db
          .prepare(
            `UPDATE stories SET status = ?, status_changed_at = ?, status_changed_by = ?, status_note = ?, scheduled_for = ?,
               scheduled_by_id = ?, schedule_lease_until = NULL
             WHERE id = ? AND trashed_at IS NULL AND status IN (${placeholders})`,
          )
          .run(
            change.status,
            change.at,
            change.by,
            change.note ?? null,
            change.scheduledFor ?? null,
            change.scheduledById ?? null,
            storyId,
            ...from,
          );
        return result.changes === 1;
      });
    },

    async isSlugTaken(slug, exceptStoryId) {
      return slugTaken(slug, exceptStoryId);
    },

    async setSlug(storyId, slug) {
      return db.write(() => {
        if (slug !== null && slugTaken(slug, storyId)) return false;
        const story = db.prepare('SELECT slug, published_at FROM stories WHERE id = ?').get(storyId) as Row | undefined;
        if (!story || story.slug === slug) return story !== undefined;
        if (story.published_at !== null && story.slug !== null) moveAddress(storyId, story.slug as string, slug);
        db.prepare('UPDATE stories SET slug = ? WHERE id = ?').run(slug, storyId);
        return true;
      });
    },

    async findRedirect(slug) {
      const row = db.prepare('SELECT s.slug FROM slug_redirects r JOIN stories s ON s.id = r.story_id WHERE r.slug = ?').get(slug) as
        { slug: string | null } | undefined;
      return row?.slug ?? undefined;
    },

    async claimDueSchedules(now, leaseUntil) {
      return db.write(() => {
        const rows = db
          .prepare(
            `UPDATE stories SET schedule_lease_until = ?
             WHERE status = 'scheduled' AND scheduled_for <= ? AND (schedule_lease_until IS NULL OR schedule_lease_until <= ?)
             RETURNING id, scheduled_for, scheduled_by_id`,
          )
          .all(leaseUntil, now, now) as Row[];
        return rows.map((r) => ({
          storyId: r.id as string,
          scheduledFor: r.scheduled_for as string,
          scheduledById: r.scheduled_by_id as string,
        }));
      });
    },
  };
}
