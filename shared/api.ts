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

export type SignInBody = z.infer<typeof SignInBody>;
export type SetupBody = z.infer<typeof SetupBody>;
export type CreateUserBody = z.infer<typeof CreateUserBody>;

export type PublicUser = { id: string; email: string; name: string; role: Role; color: string };

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
