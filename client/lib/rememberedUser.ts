/**
 * The last account signed in on this device, kept so that Galley still opens
 * (and local drafts stay editable) when the server cannot be reached. Only
 * what the header shows: no session id, no password. The server remains the
 * guard: the socket is refused without a valid session cookie.
 */
import type { PublicUser } from '../../shared/api';
import { ROLES } from '../../shared/roles';

const KEY = 'galley:last-user';

export function rememberUser({ id, email, name, role, color }: PublicUser): void {
  try {
    localStorage.setItem(KEY, JSON.stringify({ id, email, name, role, color }));
  } catch {
    // Storage full or disabled: Galley then just needs the server to open.
  }
}

export function rememberedUser(): PublicUser | null {
  try {
    const value = JSON.parse(localStorage.getItem(KEY) ?? 'null') as Partial<PublicUser> | null;
    if (!value || typeof value !== 'object') return null;
    const { id, email, name, role, color } = value;
    if (typeof id !== 'string' || typeof email !== 'string' || typeof name !== 'string' || typeof color !== 'string') return null;
    if (!(ROLES as readonly unknown[]).includes(role)) return null;
    return { id, email, name, role: role as PublicUser['role'], color };
  } catch {
    return null;
  }
}

export function forgetUser(): void {
  try {
    localStorage.removeItem(KEY);
  } catch {
    // Nothing was stored.
  }
}
