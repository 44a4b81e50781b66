import { orNull, toDueStory, toPlanning, toStory, toStoryListing } from '../storeRows';
import type { StoryStore } from '../StoryStore';
import { lock, SLUG_LOCK } from './advisoryLocks';
import type { PgDatabase, Querier } from './PgDatabase';

async function slugTaken(c: Querier, slug: string, exceptStoryId: string): Promise<boolean> {
  const { rowCount } = await c.query(
    'SELECT 1 FROM stories WHERE slug = $1 AND id <> $2 UNION ALL SELECT 1 FROM slug_redirects WHERE slug = $1 AND story_id <> $2',
    [slug, exceptStoryId],
  );
  return (rowCount ?? 0) > 0;
}

/** A published story's old address becomes a redirect; taking an old address back removes its redirect. */
async function moveAddress(c: Querier, storyId: string, from: string, to: string | null): Promise<void> {
  if (to === null) throw new Error('A published story keeps an address');
  await c.query('INSERT INTO slug_redirects (slug, story_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [from, storyId]);
  await c.query('DELETE FROM slug_redirects WHERE slug = $1', [to]);
  await c.query('UPDATE publications SET slug = $1 WHERE story_id = $2', [to, storyId]);
}

/** Story records and the newsroom list, status changes, addresses and schedules, on Postgres. */
export function pgStories(db: PgDatabase): StoryStore {
  return {
    async createStory(s) {
      await db.pool.query(
        `INSERT INTO stories (id, headline, status, slug, created_at, created_by, updated_at, status_changed_at, status_changed_by,
           status_note, scheduled_for, scheduled_by_id, live, published_at, last_published_at, published_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
        [
          s.id,
          s.headline,
          s.status,
          s.slug,
          s.createdAt,
          s.createdBy,
          s.updatedAt,
          s.statusChangedAt,
          s.statusChangedBy,
          s.statusNote,
          s.scheduledFor,
          s.scheduledById,
          s.live,
          s.publishedAt,
          s.lastPublishedAt,
          s.publishedBy,
        ],
      );
    },

    async getStory(id) {
      const row = await db.row('SELECT * FROM stories WHERE id = $1 AND trashed_at IS NULL', [id]);
      return row && toStory(row);
    },

    async listStories() {
      return (await db.rows('SELECT * FROM stories WHERE trashed_at IS NULL ORDER BY updated_at DESC')).map(toStoryListing);
    },

    async touchStory(id, headline, updatedAt, comments) {
      await db.pool.query(
        'UPDATE stories SET headline = $1, updated_at = COALESCE($2, updated_at), open_comments = COALESCE($3, open_comments), mentioned_ids = COALESCE($4, mentioned_ids) WHERE id = $5',
        [headline, updatedAt, comments?.openComments ?? null, comments ? JSON.stringify(comments.mentionedIds) : null, id],
      );
    },

    async setStoryPlanning(id, planning) {
      // The old planning comes from the row the UPDATE locked: two nodes writing at once cannot both report a change.
      const row = await db.row(
        `WITH old AS (SELECT assignee_ids, section, tags, due_at, priority FROM stories WHERE id = $1 FOR UPDATE)
         UPDATE stories SET assignee_ids = $2, section = $3, tags = $4, due_at = $5, priority = $6
         FROM old WHERE stories.id = $1
         RETURNING old.assignee_ids, old.section, old.tags, old.due_at, old.priority`,
        [id, JSON.stringify(planning.assigneeIds), planning.section, JSON.stringify(planning.tags), planning.dueAt, planning.priority],
      );
      return row && toPlanning(row);
    },

    async storiesDueBetween(from, until) {
      const rows = await db.rows(
        "SELECT id, due_at, assignee_ids FROM stories WHERE due_at > $1 AND due_at <= $2 AND assignee_ids <> '[]' AND trashed_at IS NULL ORDER BY due_at",
        [from, until],
      );
      return rows.map(toDueStory);
    },

    async changeStatus(storyId, change, from) {
      // One UPDATE: under READ COMMITTED a concurrent change makes it re-check `status` on the new row, so only one wins.
      const changed = await db.changes(
        `UPDATE stories SET status = $1, status_changed_at = $2, status_changed_by = $3, status_note = $4, scheduled_for = $5,
           scheduled_by_id = $6, schedule_lease_until = NULL
         WHERE id = $7 AND trashed_at IS NULL AND status = ANY($8::text[])`,
        [
          change.status,
          change.at,
          change.by,
          change.note ?? null,
          change.scheduledFor ?? null,
          change.scheduledById ?? null,
          storyId,
          from,
        ],
      );
      return changed === 1;
    },

    async isSlugTaken(slug, exceptStoryId) {
      return slugTaken(db.pool, slug, exceptStoryId);
    },

    async setSlug(storyId, slug) {
      return db.tx(async (c) => {
        await lock(c, SLUG_LOCK);
        if (slug !== null && (await slugTaken(c, slug, storyId))) return false;
        const story = (await c.query('SELECT slug, published_at FROM stories WHERE id = $1 FOR UPDATE', [storyId])).rows[0];
        if (!story || story.slug === slug) return story !== undefined;
        if (story.published_at !== null && story.slug !== null) await moveAddress(c, storyId, story.slug, slug);
        await c.query('UPDATE stories SET slug = $1 WHERE id = $2', [slug, storyId]);
        return true;
      });
    },

    async findRedirect(slug) {
      const row = await db.row('SELECT s.slug FROM slug_redirects r JOIN stories s ON s.id = r.story_id WHERE r.slug = $1', [slug]);
      return orNull(row?.slug) ?? undefined;
    },

    async claimDueSchedules(now, leaseUntil) {
      // FOR UPDATE in id order: concurrent claimers lock rows in one order (no deadlock), and one that
      // waited re-checks the lease on the row the winner wrote, so each schedule goes to one claimer.
      const rows = await db.rows(
        `WITH due AS (
           SELECT id FROM stories
           WHERE status = 'scheduled' AND scheduled_for <= $2 AND (schedule_lease_until IS NULL OR schedule_lease_until <= $2)
           ORDER BY id FOR UPDATE
         )
         UPDATE stories s SET schedule_lease_until = $1 FROM due WHERE s.id = due.id
         RETURNING s.id, s.scheduled_for, s.scheduled_by_id`,
        [leaseUntil, now],
      );
      return rows.map((r) => ({
        storyId: r.id as string,
        scheduledFor: r.scheduled_for as string,
        scheduledById: r.scheduled_by_id as string,
      }));
    },
  };
}
