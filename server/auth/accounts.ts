import { randomUUID } from 'node:crypto';
import type { AccountSummary, CreateUserBody, PublicUser } from '../../shared/api';
import { GalleyError } from '../../shared/errors';
import type { Store, UserRecord } from '../persistence/Store';
import type { Role } from '../../shared/roles';
import { hashPassword, verifyPassword } from './passwords';
import { colorForUser } from './userColors';

export function toPublicUser(user: UserRecord): PublicUser {
  return { id: user.id, email: user.email, name: user.name, role: user.role, color: user.color };
}

export function toAccountSummary(user: UserRecord): AccountSummary {
  return { ...toPublicUser(user), active: !user.deactivatedAt, createdAt: user.createdAt };
}

async function newUserRecord(input: CreateUserBody): Promise<UserRecord> {
  const id = randomUUID();
  return {
    id,
    email: input.email,
    name: input.name,
    role: input.role,
    color: colorForUser(id),
    passwordHash: await hashPassword(input.password),
    createdAt: new Date().toISOString(),
    deactivatedAt: null,
  };
}

/** Creates an account; the one path used by the API, the setup page and the CLI. */
export async function createAccount(store: Store, input: CreateUserBody): Promise<UserRecord> {
  if (await store.getUserByEmail(input.email)) {
    throw new GalleyError('conflict', 'An account with this email already exists', { email: 'Already in use' });
  }
  const user = await newUserRecord(input);
  await store.createUser(user);
  return user;
}

/** Creates the first admin; refuses once any account exists. */
export async function createFirstAdmin(store: Store, input: Omit<CreateUserBody, 'role'>): Promise<UserRecord> {
  const user = await newUserRecord({ ...input, role: 'admin' });
  if (!(await store.createFirstUser(user))) throw new GalleyError('conflict', 'Galley is already set up; sign in instead');
  return user;
}

export type AccountChange = { name?: string; role?: Role; active?: boolean; password?: string };

/** Renames, changes the role of, resets the password of, deactivates or reactivates an account; never leaves the newsroom without an active admin. */
export async function updateAccount(store: Store, id: string, change: AccountChange): Promise<UserRecord> {
  const user = await store.getUserById(id);
  if (!user) throw new GalleyError('not_found', 'No such account');
  const losesAdmin = user.role === 'admin' && !user.deactivatedAt && ((change.role && change.role !== 'admin') || change.active === false);
  if (losesAdmin) {
    const activeAdmins = (await store.listUsers()).filter((u) => u.role === 'admin' && !u.deactivatedAt);
    if (activeAdmins.length <= 1) throw new GalleyError('conflict', 'This is the last active admin; make someone else admin first');
  }
  const deactivatedAt = change.active === undefined ? undefined : change.active ? null : (user.deactivatedAt ?? new Date().toISOString());
  const passwordHash = change.password === undefined ? undefined : await hashPassword(change.password);
  await store.updateUser(id, { name: change.name, role: change.role, deactivatedAt, passwordHash });
  // A deactivated account, or one whose password an admin reset, is signed out everywhere.
  if (change.active === false || passwordHash) await store.deleteUserSessions(id);
  return (await store.getUserById(id))!;
}

export async function changePassword(
  store: Store,
  user: UserRecord,
  body: { currentPassword: string; newPassword: string },
): Promise<void> {
  if (!(await verifyPassword(body.currentPassword, user.passwordHash))) {
    throw new GalleyError('forbidden', 'Your current password is not right', { currentPassword: 'Not right' });
  }
  await store.updateUser(user.id, { passwordHash: await hashPassword(body.newPassword) });
}
