/**
 * The JSON API under /api: request schemas (validated by the server at the
 * boundary, reused by the client's forms) and response shapes.
 */
import { z } from 'zod';
import { LIMITS } from './limits';
import { ROLES, type Role } from './roles';
import type { PublicationProblems } from './publicationChecks';
import type { StoryField } from './story';
import type { VersionKind } from './versions';
import type { StoryWorkflow } from './workflow';

const email = z.string().trim().toLowerCase().max(LIMITS.emailMaxChars).email('Enter a valid email address');
const password = z
  .string()
  .min(LIMITS.passwordMinChars, `Password must be at least ${LIMITS.passwordMinChars} characters`)
  .max(LIMITS.passwordMaxChars);
const name = z.string().trim().min(1, 'Name is required').max(LIMITS.nameMaxChars);

export const SignInBody = z.strictObject({ email, password: z.string().min(1).max(LIMITS.passwordMaxChars) });
export const SetupBody = z.strictObject({ email, name, password });
export const CreateUserBody = z.strictObject({ email, name, password, role: z.enum(ROLES) });
export const CreateStoryBody = z.strictObject({ headline: z.string().max(LIMITS.headlineMaxChars).optional() }).optional();
export const StoryIdParam = z.uuid('Story ids are UUIDs');
export const UserIdParam = z.uuid('User ids are UUIDs');
export const TokenIdParam = z.uuid('Token ids are UUIDs');
export const UpdateUserBody = z
  .strictObject({ name: name.optional(), role: z.enum(ROLES).optional(), active: z.boolean().optional(), password: password.optional() })
  .refine((body) => Object.keys(body).length > 0, 'Say what to change: name, role, active or password');
export const ChangePasswordBody = z.strictObject({
  currentPassword: z.string().min(1).max(LIMITS.passwordMaxChars),
  newPassword: password,
});
export const CreateTokenBody = z.strictObject({ name: z.string().trim().min(1, 'Name the token').max(LIMITS.nameMaxChars) });
export const RevisionNumberParam = z.coerce.number().int().positive().max(1_000_000);
export const SaveVersionBody = z.strictObject({
  name: z.string().trim().min(1, 'Name the version').max(LIMITS.noteMaxChars),
});
/** "Revert changes by <author> since <version>": the author, by user id. */
export const RevertAuthorBody = z.strictObject({ userId: z.uuid('Choose whose changes to revert') });
export const ReturnStoryBody = z.strictObject({
  note: z.string().trim().min(1, 'Say what needs changing').max(LIMITS.noteMaxChars),
});
/** How far ahead a story may be scheduled. */
export const MAX_SCHEDULE_DAYS = 366;
export const ScheduleStoryBody = z.strictObject({
  at: z.iso
    .datetime({ offset: true, message: 'Give a date and time, like 2026-12-01T09:00:00Z' })
    .refine((at) => Date.parse(at) > Date.now(), 'Choose a time in the future')
    .refine((at) => Date.parse(at) < Date.now() + MAX_SCHEDULE_DAYS * 86_400_000, `Choose a time within ${MAX_SCHEDULE_DAYS} days`),
});
/** A chosen web address; null goes back to following the headline (before first publication only). */
export const SetSlugBody = z.strictObject({
  slug: z
    .string()
    .trim()
    .max(LIMITS.slugMaxChars * 2)
    .nullable(),
});
/** For routes that take no query string: unknown fields are refused here too. */
export const NoQuery = z.strictObject({});
/** For routes that take no body. */
export const NoBody = z.strictObject({}).optional();

export type SignInBody = z.infer<typeof SignInBody>;
export type SetupBody = z.infer<typeof SetupBody>;
export type CreateUserBody = z.infer<typeof CreateUserBody>;

export type PublicUser = { id: string; email: string; name: string; role: Role; color: string };
/** What admins see of an account. */
export type AccountSummary = PublicUser & { active: boolean; createdAt: string };
export type TokenSummary = { id: string; name: string; createdAt: string; lastUsedAt: string | null; revokedAt: string | null };

/** Someone currently in a story. */
export type PresenceUser = { userId: string; name: string; color: string };

export type StorySummary = {
  id: string;
  headline: string;
  createdAt: string;
  updatedAt: string;
  workflow: StoryWorkflow;
  present: PresenceUser[];
  /** Unresolved comment threads. */
  openComments: number;
  /** The caller is @mentioned in one of them. */
  mentionsYou: boolean;
};

export type StoryDetail = StorySummary & {
  text: { headline: string; standfirst: string; byline: string; body: string };
};

export type Publication = {
  storyId: string;
  slug: string;
  url: string;
  publishedAt: string;
  publishedBy: string;
};

/** Answer of every workflow action. */
export type WorkflowResult = { workflow: StoryWorkflow };

/** Answer of GET /api/stories/:id/checks: what stops publication now (empty when ready). */
export type ChecksResult = { problems: PublicationProblems; slug: string };

/** Who wrote with each Yjs client id in a story: what the attribution view colours text by. */
export type StoryAuthor = { clientId: number; userId: string; name: string; color: string };
export type StoryAuthors = { authors: StoryAuthor[] };

/** Active newsroom members, whom comments may @mention. */
type NewsroomMember = { id: string; name: string; color: string };
export type NewsroomMembers = { members: NewsroomMember[] };

/** Someone who changed the story (inserted or deleted) between two versions. */
export type VersionAuthor = { userId: string; name: string; color: string };

/** One version of a story (a publication, a named or an automatic one), newest first in the history. */
export type RevisionSummary = {
  number: number;
  kind: VersionKind;
  /** A named version's name. */
  name: string | null;
  slug: string;
  headline: string;
  /** When it was taken and who took it ('' for an automatic version). */
  publishedAt: string;
  publishedBy: string;
  /** Who changed the story since the version before. */
  authors: VersionAuthor[];
};

/** Answer of GET /api/stories/:id/revisions/:n/changed-by: who changed the story since version n, and may be reverted. */
export type ChangedSince = { authors: VersionAuthor[] };
/** Answer of the selective revert: false when that person had changed nothing since. */
export type RevertResult = { reverted: boolean };

/**
 * The structured content of a story (allow-listed, as published): each field a
 * tree of nodes in the editor's schema. See server/publishing/storyContent.ts.
 */
export type ContentNode = {
  type: string;
  attrs?: Record<string, string | number>;
  text?: string;
  marks?: ContentMark[];
  content?: ContentNode[];
};
export type ContentMark = { type: string; attrs?: Record<string, string> };
export type StoryContent = Record<StoryField, ContentNode>;

export type RevisionDetail = RevisionSummary & {
  standfirst: string;
  byline: string;
  bodyHtml: string;
  content: StoryContent;
  /** Y.encodeStateAsUpdate of the story at publication, base64: "Restore this version" copies from it. */
  docState: string;
};

/** A readable diff of one field: sanitized HTML with <ins> and <del>. */
export type FieldDiff = { field: StoryField; label: string; changed: boolean; html: string };
/** How the text changed from revision `from` to revision `to`, or to the current draft when `to` is null. */
export type RevisionDiff = { from: number; to: number | null; fields: FieldDiff[] };

// --- Damaged stories (admins): stored rows that could not be read were quarantined ---

/** A story with quarantined rows not yet reviewed (GET /api/damaged-stories). */
export type DamagedStorySummary = {
  storyId: string;
  headline: string;
  /** Rows quarantined and not yet reviewed. */
  entries: number;
  /** Why they were, each once. */
  reasons: string[];
  firstFoundAt: string;
  lastFoundAt: string;
};
export type DamagedStories = { stories: DamagedStorySummary[] };
/** Answer of POST /api/damaged-stories/:id/review: how many rows were marked reviewed (they stay in quarantine). */
export type DamageReviewed = { reviewed: number };
