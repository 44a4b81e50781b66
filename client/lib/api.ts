/**
 * Typed access to the JSON API. Every failure becomes an ApiError carrying the
 * server's code, message and per-field messages, so forms can show them as-is.
 */
import { ObservableV2 } from 'lib0/observable';
import type { z } from 'zod/mini';
import type { ActivityPage } from '../../shared/activity';
import type {
  AccountSummary,
  ChangePasswordBody,
  ChecksResult,
  CreateTokenBody,
  CreateUserBody,
  PublicUser,
  Publication,
  ReturnStoryBody,
  RevertResult,
  RevisionDetail,
  RevisionDiff,
  ChangedSince,
  DamagedStories,
  DamageReviewed,
  StoryAuthors,
  NewsroomMembers,
  RevisionSummary,
  PublishStoryBody,
  ScheduleStoryBody,
  SetSlugBody,
  SetupBody,
  SignInBody,
  StoryDetail,
  StorySummary,
  TokenSummary,
  UpdateUserBody,
  WorkflowResult,
} from '../../shared/api';
import type { ErrorBody, ErrorCode } from '../../shared/errors';
import type { StoryList } from '../../shared/newsroomQuery';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode | 'network',
    message: string,
    readonly fields: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

const events = new ObservableV2<{ sessionLost: () => void }>();

/** Called when a request is refused for lack of a session (it expired or was ended elsewhere). */
export function onSessionLost(listener: () => void): () => void {
  events.on('sessionLost', listener);
  return () => events.off('sessionLost', listener);
}

/** One call to the API (for area modules of their own, such as notificationsApi.ts). */
export async function request<T>(method: Method, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw networkError();
  }
  if (response.status === 204) return undefined as T;
  const payload: unknown = await response.json().catch(() => null);
  if (!response.ok) throw refusal(response.status, payload, method === 'POST' && path === '/api/session');
  return payload as T;
}

export const networkError = () => new ApiError(0, 'network', 'Cannot reach the Galley server. Check your connection and try again.');

/**
 * The error a refused request stands for (the server's code, message and per-field messages). A 401 means
 * the session is gone, and the app is told, except from sign-in, where it is the answer (wrong password).
 */
export function refusal(status: number, payload: unknown, signingIn = false): ApiError {
  if (status === 401 && !signingIn) events.emit('sessionLost', []);
  return toApiError(status, payload);
}

function toApiError(status: number, payload: unknown): ApiError {
  const error = (payload as { error?: Partial<ErrorBody> } | null)?.error;
  if (error && typeof error.message === 'string' && typeof error.code === 'string') {
    return new ApiError(status, error.code, error.message, error.fields ?? {});
  }
  return new ApiError(status, 'internal', `The server answered ${status}. Please try again.`);
}

export const api = {
  needsSetup: () => request<{ needsSetup: boolean }>('GET', '/api/setup'),
  setup: (body: SetupBody) => request<{ user: PublicUser }>('POST', '/api/setup', body),
  session: () => request<{ user: PublicUser }>('GET', '/api/session'),
  signIn: (body: SignInBody) => request<{ user: PublicUser }>('POST', '/api/session', body),
  signOut: () => request<void>('DELETE', '/api/session'),
  /** Every session of this account, this one included. */
  signOutEverywhere: () => request<void>('DELETE', '/api/sessions'),
  changePassword: (body: z.infer<typeof ChangePasswordBody>) => request<void>('PUT', '/api/session/password', body),
  listTokens: () => request<{ tokens: TokenSummary[] }>('GET', '/api/tokens'),
  /** The token itself is in this answer only. */
  createToken: (body: z.infer<typeof CreateTokenBody>) => request<{ token: string; summary: TokenSummary }>('POST', '/api/tokens', body),
  revokeToken: (id: string) => request<void>('DELETE', `/api/tokens/${encodeURIComponent(id)}`),
  listUsers: () => request<{ users: AccountSummary[] }>('GET', '/api/users'),
  createUser: (body: CreateUserBody) => request<{ user: AccountSummary }>('POST', '/api/users', body),
  updateUser: (id: string, body: z.infer<typeof UpdateUserBody>) =>
    request<{ user: AccountSummary }>('PATCH', `/api/users/${encodeURIComponent(id)}`, body),
  endUserSessions: (id: string) => request<void>('DELETE', `/api/users/${encodeURIComponent(id)}/sessions`),
  /** A page of the newsroom list: `query` is newsroomView's (search words, filters, sort, cursor). */
  listStories: (query = '') => request<StoryList>('GET', query ? `/api/stories?${query}` : '/api/stories'),
  createStory: () => request<{ id: string; story: StorySummary }>('POST', '/api/stories', {}),
  getStory: (id: string) => request<{ story: StoryDetail }>('GET', storyPath(id)),
  /** The server's own pre-publish checks (slug uniqueness included) and the address it would publish at. */
  storyChecks: (id: string) => request<ChecksResult>('GET', storyPath(id, 'checks')),
  submitStory: (id: string) => request<WorkflowResult>('POST', storyPath(id, 'submit')),
  /** "Send back" with a note for the writers. */
  returnStory: (id: string, body: z.infer<typeof ReturnStoryBody>) => request<WorkflowResult>('POST', storyPath(id, 'return'), body),
  /** Publishes, or publishes an update of a live story; refused with per-field messages when checks fail. */
  /** Publishes; on republishing, `correction` is noted at the foot of the public page (docs/site.md). */
  publishStory: (id: string, body?: z.infer<typeof PublishStoryBody>) =>
    request<{ publication: Publication } & WorkflowResult>('POST', storyPath(id, 'publish'), body),
  scheduleStory: (id: string, body: z.infer<typeof ScheduleStoryBody>) => request<WorkflowResult>('POST', storyPath(id, 'schedule'), body),
  unscheduleStory: (id: string) => request<WorkflowResult>('DELETE', storyPath(id, 'schedule')),
  unpublishStory: (id: string) => request<WorkflowResult>('POST', storyPath(id, 'unpublish')),
  /** A chosen web address, or null to follow the headline again. */
  setSlug: (id: string, body: z.infer<typeof SetSlugBody>) => request<WorkflowResult>('PUT', storyPath(id, 'slug'), body),
  listRevisions: (id: string) => request<{ revisions: RevisionSummary[] }>('GET', storyPath(id, 'revisions')),
  getRevision: (id: string, n: number) => request<{ revision: RevisionDetail }>('GET', storyPath(id, `revisions/${n}`)),
  /** Revision `n` against the draft, or against revision `to`. */
  revisionDiff: (id: string, n: number, to?: number) =>
    request<RevisionDiff>('GET', storyPath(id, to === undefined ? `revisions/${n}/diff` : `revisions/${n}/diff/${to}`)),
  /** A named version of the story as it is now. */
  saveVersion: (id: string, name: string) => request<{ revision: RevisionSummary }>('POST', storyPath(id, 'versions'), { name }),
  /** Who changed the story since version `n`. */
  changedSince: (id: string, n: number) => request<ChangedSince>('GET', storyPath(id, `revisions/${n}/changed-by`)),
  /** Takes back one person's changes since version `n`, for everyone. */
  revertAuthor: (id: string, n: number, userId: string) =>
    request<RevertResult>('POST', storyPath(id, `revisions/${n}/revert`), { userId }),
  /** Tells the server this person restored version `n` (their own edit): it goes into the story's timeline. */
  reportRestore: (id: string, n: number) => request<void>('POST', storyPath(id, `revisions/${n}/restored`)),
  /** A page of the story's activity timeline, newest first; `before`: the `next` of the page before. */
  storyActivity: (id: string, before?: string) =>
    request<ActivityPage>('GET', storyPath(id, before ? `activity?before=${encodeURIComponent(before)}` : 'activity')),
  /** Who wrote with each Yjs client id in the story ("Who wrote this?"). */
  storyAuthors: (id: string) => request<StoryAuthors>('GET', storyPath(id, 'authors')),
  /** Everyone who may be @mentioned in a comment. */
  listMembers: () => request<NewsroomMembers>('GET', '/api/members'),
  /** Stories with stored rows that could not be read, quarantined and not yet reviewed (admins). */
  listDamagedStories: () => request<DamagedStories>('GET', '/api/damaged-stories'),
  /** Marks a damaged story's quarantined rows reviewed; they are kept. */
  reviewDamage: (storyId: string) => request<DamageReviewed>('POST', `/api/damaged-stories/${encodeURIComponent(storyId)}/review`),
};

function storyPath(id: string, rest?: string): string {
  const base = `/api/stories/${encodeURIComponent(id)}`;
  return rest ? `${base}/${rest}` : base;
}

/** Server-rendered pages, opened in a new tab: the draft as it would be published, and a revision as it was. */
export const previewUrl = (id: string) => `/preview/${encodeURIComponent(id)}`;
export const revisionPreviewUrl = (id: string, n: number) => `${previewUrl(id)}/revisions/${n}`;
/** Where a published story lives on the public site. */
export const publicStoryUrl = (slug: string) => `/stories/${encodeURIComponent(slug)}`;

/** A message fit for a role="alert", whatever was thrown. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  return 'Something went wrong. Please try again.';
}
