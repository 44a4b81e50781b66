/**
 * Row → record mapping shared by every SQL backend: the column names are the
 * same in SQLite and Postgres (see sqlite/sqliteSchema.ts, pg/pgSchema.ts).
 */
import type { TokenScope } from '../../shared/api';
import { isPriority, type StoryPlanning } from '../../shared/planning';
import type { StoryImage } from '../../shared/figures';
import type { StoryStatus } from '../../shared/workflow';
import type { VersionKind } from '../../shared/versions';
import type { SessionRecord, TokenRecord, UserRecord } from './AccountStore';
import type {
  NewPublication,
  PublicationCorrection,
  PublicationCredit,
  PublicationEntry,
  PublicationRecord,
  RevisionRecord,
} from './PublicationStore';
import type { DamagedStory, DeletionRecord, QuarantineEntry, StoryDamage } from './StoryLogStore';
import { storedLead } from './storedImage';
import type { DueStory, StoryListing, StoryRecord } from './StoryStore';

export type Row = Record<string, unknown>;

export const orNull = (value: unknown) => (value as string | null) ?? null;
/** A lead image as its column holds it: JSON text, or NULL for none. */
export const leadColumn = (lead: StoryImage | null | undefined) => (lead ? JSON.stringify(lead) : null);
/** A copy, not a view of the driver's Buffer (which may share a pooled allocation). */
export const bytes = (value: unknown) => new Uint8Array(value as Buffer);

export const toUser = (r: Row): UserRecord => ({
  id: r.id as string,
  email: r.email as string,
  name: r.name as string,
  role: r.role as UserRecord['role'],
  color: r.color as string,
  passwordHash: r.password_hash as string,
  createdAt: r.created_at as string,
  deactivatedAt: orNull(r.deactivated_at),
});

export const toSession = (r: Row): SessionRecord => ({
  idHash: r.id_hash as string,
  userId: r.user_id as string,
  createdAt: r.created_at as string,
  expiresAt: r.expires_at as string,
});

export const toToken = (r: Row): TokenRecord => ({
  id: r.id as string,
  userId: r.user_id as string,
  name: r.name as string,
  tokenHash: r.token_hash as string,
  createdAt: r.created_at as string,
  lastUsedAt: orNull(r.last_used_at),
  revokedAt: orNull(r.revoked_at),
  scope: r.scope as TokenScope,
});

export const toStory = (r: Row): StoryRecord => ({
  id: r.id as string,
  headline: r.headline as string,
  createdAt: r.created_at as string,
  createdBy: r.created_by as string,
  updatedAt: r.updated_at as string,
  status: r.status as StoryStatus,
  statusChangedAt: (r.status_changed_at as string | null) ?? (r.created_at as string),
  statusChangedBy: orNull(r.status_changed_by),
  statusNote: orNull(r.status_note),
  scheduledFor: orNull(r.scheduled_for),
  scheduledById: orNull(r.scheduled_by_id),
  slug: orNull(r.slug),
  // SQLite has no booleans: 1/0 there, true/false in Postgres.
  live: r.live === true || r.live === 1,
  publishedAt: orNull(r.published_at),
  lastPublishedAt: orNull(r.last_published_at),
  publishedBy: orNull(r.published_by),
  archivedAt: orNull(r.archived_at),
});

export const toStoryListing = (r: Row): StoryListing => ({
  ...toStory(r),
  openComments: Number(r.open_comments ?? 0),
  mentionedIds: JSON.parse(String(r.mentioned_ids ?? '[]')) as string[],
  planning: toPlanning(r),
});

export const toDueStory = (r: Row): DueStory => ({
  storyId: r.id as string,
  dueAt: r.due_at as string,
  assigneeIds: JSON.parse(String(r.assignee_ids ?? '[]')) as string[],
});

/** Written by setStoryPlanning from a checked reading of the document; checked again on the way out all the same. */
export function toPlanning(r: Row): StoryPlanning {
  const list = (value: unknown) => {
    const parsed: unknown = JSON.parse(String(value ?? '[]'));
    return Array.isArray(parsed) ? parsed.filter((item): item is string => typeof item === 'string') : [];
  };
  return {
    assigneeIds: list(r.assignee_ids),
    section: orNull(r.section),
    tags: list(r.tags),
    dueAt: orNull(r.due_at),
    priority: isPriority(r.priority) ? r.priority : 'normal',
  };
}

export const toPublication = (r: Row): PublicationRecord => ({
  storyId: r.story_id as string,
  slug: r.slug as string,
  headline: r.headline as string,
  standfirst: r.standfirst as string,
  byline: r.byline as string,
  bodyHtml: r.body_html as string,
  lead: storedLead(r.lead),
  publishedAt: r.published_at as string,
  updatedAt: r.updated_at as string,
  publishedBy: r.published_by as string,
  unpublishedAt: orNull(r.unpublished_at),
  section: orNull(r.section),
  tags: jsonList(r.tags) as string[],
  authors: jsonList(r.authors) as PublicationCredit[],
  corrections: jsonList(r.corrections) as PublicationCorrection[],
});

export const toEntry = (r: Row): PublicationEntry => ({
  storyId: r.story_id as string,
  slug: r.slug as string,
  headline: r.headline as string,
  publishedAt: r.published_at as string,
  updatedAt: r.updated_at as string,
});

/** A JSON list column ('[]' by default; NULL read as none). */
const jsonList = (value: unknown): unknown[] => {
  const parsed: unknown = JSON.parse(String(value ?? '[]'));
  return Array.isArray(parsed) ? parsed : [];
};

/** The page's columns for section, tags and authors, as savePublication writes them. */
export const pageContextColumns = (p: NewPublication) => ({
  section: p.section ?? null,
  tags: JSON.stringify(p.tags ?? []),
  authors: JSON.stringify(p.authors ?? []),
});

/** The page's corrections after a publication: those before, then the revision's own, dated with it. */
export const correctionsAfter = (before: unknown, r: { correction?: string; publishedAt: string }): string =>
  JSON.stringify(r.correction ? [...jsonList(before), { text: r.correction, at: r.publishedAt }] : jsonList(before));

export const toRevision = (r: Row): RevisionRecord => ({
  storyId: r.story_id as string,
  number: r.number as number,
  kind: r.kind as VersionKind,
  name: orNull(r.name),
  authorIds: JSON.parse(r.author_ids as string) as string[],
  ...(r.correction ? { correction: r.correction as string } : {}),
  slug: r.slug as string,
  headline: r.headline as string,
  standfirst: r.standfirst as string,
  byline: r.byline as string,
  bodyHtml: r.body_html as string,
  content: r.content as string,
  docState: bytes(r.doc_state),
  publishedAt: r.published_at as string,
  publishedBy: r.published_by as string,
  publishedById: r.published_by_id as string,
});

export const toDeletion = (r: Row): DeletionRecord => ({
  storyId: r.story_id as string,
  userId: r.user_id as string,
  at: r.at as string,
  ds: bytes(r.ds),
  restored: r.restored === true || r.restored === 1,
});

// --- Damaged rows: quarantine ---

export const toQuarantineEntry = (r: Row): QuarantineEntry => ({
  id: Number(r.id),
  storyId: r.story_id as string,
  kind: r.kind as QuarantineEntry['kind'],
  seq: r.seq === null ? null : Number(r.seq),
  bytes: Number(r.bytes),
  reason: r.reason as string,
  foundAt: r.found_at as string,
  resolvedAt: orNull(r.resolved_at),
  resolvedBy: orNull(r.resolved_by),
});

/** A story's damage from `COUNT(*) AS entries, MIN(found_at) AS first_found_at, MAX(found_at) AS last_found_at`. */
export const toStoryDamage = (r: Row | undefined): StoryDamage | null =>
  r && Number(r.entries) > 0
    ? { entries: Number(r.entries), firstFoundAt: r.first_found_at as string, lastFoundAt: r.last_found_at as string }
    : null;

/** Groups unreviewed quarantine rows (story_id, headline, reason, found_at; newest first) by story, in that order. */
export function toDamagedStories(rows: Row[]): DamagedStory[] {
  const stories = new Map<string, DamagedStory>();
  for (const r of rows) {
    const storyId = r.story_id as string;
    const foundAt = r.found_at as string;
    const reason = r.reason as string;
    const story = stories.get(storyId);
    if (!story) {
      stories.set(storyId, {
        storyId,
        headline: r.headline as string,
        entries: 1,
        reasons: [reason],
        firstFoundAt: foundAt,
        lastFoundAt: foundAt,
      });
      continue;
    }
    story.entries++;
    if (!story.reasons.includes(reason)) story.reasons.push(reason);
    if (foundAt < story.firstFoundAt) story.firstFoundAt = foundAt;
  }
  return [...stories.values()];
}
