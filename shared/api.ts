/**
 * The JSON API under /api: request schemas (validated by the server at the
 * boundary, reused by the client's forms) and response shapes.
 */
import type { StoryPlanning } from './planning';
import { z } from 'zod/mini';
import type { StoryImage } from './figures';
import { LIMITS } from './limits';
import { ROLES, type Role } from './roles';
import type { PublicationProblems } from './publicationChecks';
import type { StoryField } from './story';
import type { VersionKind } from './versions';
import type { StoryWorkflow } from './workflow';

/** Lengths are checked with their own wording: zod/mini carries no default English messages. */
const upTo = (max: number) => z.maxLength(max, `At most ${max} characters`);
const email = z.pipe(z.string().check(z.trim(), z.toLowerCase(), upTo(LIMITS.emailMaxChars)), z.email('Enter a valid email address'));
const password = z
  .string()
  .check(
    z.minLength(LIMITS.passwordMinChars, `Password must be at least ${LIMITS.passwordMinChars} characters`),
    upTo(LIMITS.passwordMaxChars),
  );
const name = z.string().check(z.trim(), z.minLength(1, 'Name is required'), upTo(LIMITS.nameMaxChars));
const required = (message: string, max: number) => z.string().check(z.trim(), z.minLength(1, message), upTo(max));

export const SignInBody = z.strictObject({
  email,
  password: z.string().check(z.minLength(1, 'Enter your password'), upTo(LIMITS.passwordMaxChars)),
});
export const SetupBody = z.strictObject({ email, name, password });
export const CreateUserBody = z.strictObject({ email, name, password, role: z.enum(ROLES) });
export const CreateStoryBody = z.optional(z.strictObject({ headline: z.optional(z.string().check(upTo(LIMITS.headlineMaxChars))) }));
export const StoryIdParam = z.uuid('Story ids are UUIDs');
export const UserIdParam = z.uuid('User ids are UUIDs');
export const TokenIdParam = z.uuid('Token ids are UUIDs');
export const UpdateUserBody = z
  .strictObject({
    name: z.optional(name),
    role: z.optional(z.enum(ROLES)),
    active: z.optional(z.boolean()),
    password: z.optional(password),
  })
  .check(z.refine((body) => Object.keys(body).length > 0, 'Say what to change: name, role, active or password'));
export const ChangePasswordBody = z.strictObject({
  currentPassword: z.string().check(z.minLength(1, 'Enter your current password'), upTo(LIMITS.passwordMaxChars)),
  newPassword: password,
});
/** What an API token may do: act as its owner everywhere ('full'), or only read the content API ('content'). */
const TOKEN_SCOPES = ['full', 'content'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];
/** A token without a scope is a full one, as every token was before scopes. */
export const CreateTokenBody = z.strictObject({
  name: required('Name the token', LIMITS.nameMaxChars),
  scope: z.optional(z.enum(TOKEN_SCOPES, 'A token is full or content')),
});
export const RevisionNumberParam = z.pipe(
  z.coerce.number('Revision numbers are whole numbers'),
  z.int('Revision numbers are whole numbers').check(z.positive('Revision numbers start at 1'), z.lte(1_000_000, 'No such revision')),
);
export const SaveVersionBody = z.strictObject({ name: required('Name the version', LIMITS.noteMaxChars) });
/** "Revert changes by <author> since <version>": the author, by user id. */
export const RevertAuthorBody = z.strictObject({ userId: z.uuid('Choose whose changes to revert') });
export const ReturnStoryBody = z.strictObject({ note: required('Say what needs changing', LIMITS.noteMaxChars) });
/** Publishing: optionally a correction, shown at the foot of the public page and kept in the revision (docs/site.md). */
export const PublishStoryBody = z.optional(
  z.strictObject({ correction: z.optional(z.string().check(z.trim(), upTo(LIMITS.correctionMaxChars))) }),
);
/** How far ahead a story may be scheduled. */
export const MAX_SCHEDULE_DAYS = 366;
export const ScheduleStoryBody = z.strictObject({
  at: z.iso.datetime({ offset: true, error: 'Give a date and time, like 2026-12-01T09:00:00Z' }).check(
    z.refine((at) => Date.parse(at) > Date.now(), 'Choose a time in the future'),
    z.refine((at) => Date.parse(at) < Date.now() + MAX_SCHEDULE_DAYS * 86_400_000, `Choose a time within ${MAX_SCHEDULE_DAYS} days`),
  ),
});
/** A chosen web address; null goes back to following the headline (before first publication only). */
export const SetSlugBody = z.strictObject({ slug: z.nullable(z.string().check(z.trim(), upTo(LIMITS.slugMaxChars * 2))) });
/** For routes that take no query string: unknown fields are refused here too. */
export const NoQuery = z.strictObject({});
/** For routes that take no body. */
export const NoBody = z.optional(z.strictObject({}));

export type SignInBody = z.infer<typeof SignInBody>;
export type SetupBody = z.infer<typeof SetupBody>;
export type CreateUserBody = z.infer<typeof CreateUserBody>;

export type PublicUser = { id: string; email: string; name: string; role: Role; color: string };
/** What admins see of an account. */
export type AccountSummary = PublicUser & { active: boolean; createdAt: string };
export type TokenSummary = {
  id: string;
  name: string;
  scope: TokenScope;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
};

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
  /** Who has it, which desk, when it is due (shared/planning.ts), as its document last said. */
  planning: StoryPlanning;
  /** The assignees with their names. */
  assignees: Array<{ id: string; name: string }>;
  /** When it was archived (hidden from the newsroom's default list); null when it is not. */
  archivedAt: string | null;
  /** Who created it (a writer may archive their own: shared/roles.ts mayArchive). */
  createdBy: string;
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
export type NewsroomMember = { id: string; name: string; color: string };
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
 * tree of nodes in the editor's schema, and the lead image. See server/publishing/storyContent.ts.
 * A Body picture is a `figure` node whose attrs are a BodyFigure (shared/figures.ts).
 */
export type ContentNode = {
  type: string;
  attrs?: Record<string, string | number>;
  text?: string;
  marks?: ContentMark[];
  content?: ContentNode[];
};
export type ContentMark = { type: string; attrs?: Record<string, string> };
/** `lead` is left out when the story has none, and by revisions stored before lead images existed. */
export type StoryContent = Record<StoryField, ContentNode> & { lead?: StoryImage | null };

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
