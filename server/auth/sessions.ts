import { createHash, randomBytes } from 'node:crypto';
import { parse as parseCookie } from 'cookie';
import type { Store, UserRecord } from '../persistence/Store';

export const SESSION_COOKIE = 'galley_session';

export const hashSessionId = (id: string) => createHash('sha256').update(id).digest('hex');

/** Issues a fresh session id (never reuses one sent by the client: no fixation). */
export async function startSession(store: Store, userId: string, ttlMs: number): Promise<{ id: string; expiresAt: Date }> {
  const id = randomBytes(32).toString('base64url');
  const now = new Date();
  const expiresAt = new Date(now.getTime() + ttlMs);
  await store.createSession({ idHash: hashSessionId(id), userId, createdAt: now.toISOString(), expiresAt: expiresAt.toISOString() });
  return { id, expiresAt };
}

/** The active user behind a session cookie value, or undefined. */
export async function userForSession(store: Store, sessionId: string | undefined): Promise<UserRecord | undefined> {
  if (!sessionId || sessionId.length > 100) return undefined;
  const session = await store.getSession(hashSessionId(sessionId));
  if (!session) return undefined;
  if (Date.parse(session.expiresAt) <= Date.now()) {
    await store.deleteSession(session.idHash);
    return undefined;
  }
  const user = await store.getUserById(session.userId);
  return user && !user.deactivatedAt ? user : undefined;
}

export async function endSession(store: Store, sessionId: string | undefined): Promise<void> {
  if (sessionId) await store.deleteSession(hashSessionId(sessionId));
}

/** The session id from a Cookie header, if any. */
export function sessionIdFromCookieHeader(header: string | undefined): string | undefined {
  return header ? parseCookie(header)[SESSION_COOKIE] : undefined;
}
