/**
 * The JSON API under /api: request schemas (validated by the server at the
 * boundary, reused by the client's forms) and response shapes.
 */
import { z } from 'zod';
import { LIMITS } from './limits';
import { ROLES, type Role } from './roles';
import type { StoryStatus } from './story';

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
export const ChangePasswordBody = z.strictObject({ currentPassword: z.string().min(1).max(LIMITS.passwordMaxChars), newPassword: password });
export const CreateTokenBody = z.strictObject({ name: z.string().trim().min(1, 'Name the token').max(LIMITS.nameMaxChars) });
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
  status: StoryStatus;
  slug: string | null;
  createdAt: string;
  updatedAt: string;
  publishedAt: string | null;
  publishedBy: string | null;
  present: PresenceUser[];
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
