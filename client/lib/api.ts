/**
 * Typed access to the JSON API. Every failure becomes an ApiError carrying the
 * server's code, message and per-field messages, so forms can show them as-is.
 */
import type {
  CreateUserBody,
  PublicUser,
  Publication,
  SetupBody,
  SignInBody,
  StoryDetail,
  StorySummary,
} from '../../shared/api';
import type { ErrorBody, ErrorCode } from '../../shared/errors';

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

type Method = 'GET' | 'POST' | 'DELETE';

const sessionLostListeners = new Set<() => void>();

/** Called when a request is refused for lack of a session (it expired or was ended elsewhere). */
export function onSessionLost(listener: () => void): () => void {
  sessionLostListeners.add(listener);
  return () => sessionLostListeners.delete(listener);
}

async function request<T>(method: Method, path: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'network', 'Cannot reach the Galley server. Check your connection and try again.');
  }
  if (response.status === 204) return undefined as T;
  const payload: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    // A 401 from the session endpoints is an answer (wrong password, signed out), not a lost session.
    if (response.status === 401 && !path.startsWith('/api/session')) for (const listener of sessionLostListeners) listener();
    throw toApiError(response.status, payload);
  }
  return payload as T;
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
  listUsers: () => request<{ users: PublicUser[] }>('GET', '/api/users'),
  createUser: (body: CreateUserBody) => request<{ user: PublicUser }>('POST', '/api/users', body),
  listStories: () => request<{ stories: StorySummary[] }>('GET', '/api/stories'),
  createStory: () => request<{ id: string; story: StorySummary }>('POST', '/api/stories', {}),
  getStory: (id: string) => request<{ story: StoryDetail }>('GET', `/api/stories/${encodeURIComponent(id)}`),
  publishStory: (id: string) =>
    request<{ publication: Publication }>('POST', `/api/stories/${encodeURIComponent(id)}/publish`),
};

/** A message fit for a role="alert", whatever was thrown. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  return 'Something went wrong. Please try again.';
}
