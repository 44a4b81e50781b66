import { randomUUID } from 'node:crypto';
import type { CreateUserBody, PublicUser } from '../../shared/api';
import { GalleyError } from '../../shared/errors';
import type { Store, UserRecord } from '../persistence/Store';
import { hashPassword } from './passwords';
import { colorForUser } from './userColors';

export function toPublicUser(user: UserRecord): PublicUser {
  return { id: user.id, email: user.email, name: user.name, role: user.role, color: user.color };
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
