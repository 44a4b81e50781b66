/**
 * Accounts: users, their sessions and API tokens, and the feed of access changes every server follows.
 * Part of the storage contract (Store.ts); rules S-ACC-* of the contract suite.
 */
import type { TokenScope } from '../../shared/api';
import type { Role } from '../../shared/roles';

export type UserRecord = {
  id: string;
  email: string;
  name: string;
  role: Role;
  color: string;
  passwordHash: string;
  createdAt: string;
  deactivatedAt: string | null;
};

export type SessionRecord = {
  /** SHA-256 of the cookie value: a leaked database does not leak live sessions. */
  idHash: string;
  userId: string;
  createdAt: string;
  expiresAt: string;
};

/** A personal API token; only a hash of the token itself is stored. */
export type TokenRecord = {
  id: string;
  userId: string;
  name: string;
  tokenHash: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  /** What it may do: act as its owner ('full'), or only read the content API ('content'). */
  scope: TokenScope;
};

export type UserPatch = Partial<Pick<UserRecord, 'name' | 'role' | 'passwordHash' | 'deactivatedAt'>>;

/** Whether a patch changes what the user may do, or with which credentials (a rename does not). */
export const changesAccess = (patch: UserPatch): boolean =>
  patch.role !== undefined || patch.deactivatedAt !== undefined || patch.passwordHash !== undefined;

/** Whose access changed: these users, or — when some changes may have gone unseen — anyone's. */
export type AccessChanged = readonly string[] | 'everyone';

/** Stops a watch; resolves once it holds nothing open. */
export type StopWatching = () => Promise<void>;

export interface AccountStore {
  countUsers(): Promise<number>;
  createUser(user: UserRecord): Promise<void>;
  /** Creates the user only if there are no users yet; false when someone beat us to it. */
  createFirstUser(user: UserRecord): Promise<boolean>;
  getUserByEmail(email: string): Promise<UserRecord | undefined>;
  getUserById(id: string): Promise<UserRecord | undefined>;
  listUsers(): Promise<UserRecord[]>;
  updateUser(id: string, patch: UserPatch): Promise<void>;

  createSession(session: SessionRecord): Promise<void>;
  getSession(idHash: string): Promise<SessionRecord | undefined>;
  deleteSession(idHash: string): Promise<void>;
  /** Ends every session of a user, except `keepIdHash` if given ("sign out everywhere else"). */
  deleteUserSessions(userId: string, keepIdHash?: string): Promise<void>;

  createToken(token: TokenRecord): Promise<void>;
  getTokenByHash(tokenHash: string): Promise<TokenRecord | undefined>;
  listTokens(userId: string): Promise<TokenRecord[]>;
  /** Marks the token revoked; false if it is not the user's or already revoked. */
  revokeToken(id: string, userId: string, at: string): Promise<boolean>;
  touchToken(id: string, at: string): Promise<void>;

  /**
   * Follows changes of anyone's access — updateUser's role, deactivation or password, deleteSession,
   * deleteUserSessions, revokeToken — committed by any process on this store (this one, another server,
   * `npm run user`): each of those writes records whose access it changed in the same transaction, and
   * `listener` hears of it soon after the commit (within a second). `onError`: the feed was interrupted
   * (it resumes by itself, and then says 'everyone'). Until the returned stop, or close().
   */
  watchAccessChanges(listener: (changed: AccessChanged) => void, onError: (error: unknown) => void): StopWatching;
}
