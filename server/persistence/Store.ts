/**
 * The storage contract. Every backend (SQLite now, Postgres later) implements
 * it and passes the same contract suite (tests/integration/store.contract.ts).
 * Methods are async so network-backed stores fit the same shape.
 */
import type { Role } from '../../shared/roles';
import type { StoryStatus } from '../../shared/story';

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
};

export type UserPatch = Partial<Pick<UserRecord, 'name' | 'role' | 'passwordHash' | 'deactivatedAt'>>;

export type StoryRecord = {
  id: string;
  headline: string;
  status: StoryStatus;
  slug: string | null;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  publishedAt: string | null;
  publishedBy: string | null;
};

/** What the public site serves for a story: rendered once at publication. */
export type PublicationRecord = {
  storyId: string;
  slug: string;
  headline: string;
  standfirst: string;
  byline: string;
  bodyHtml: string;
  /** First publication. */
  publishedAt: string;
  /** Latest publication. */
  updatedAt: string;
  publishedBy: string;
};

export type PublicationStats = { count: number; lastUpdatedAt: string | null };

/** An immutable record of one act of publishing. */
export type RevisionRecord = {
  storyId: string;
  slug: string;
  headline: string;
  standfirst: string;
  byline: string;
  bodyHtml: string;
  /** Y.encodeStateAsUpdate of the story at publication. */
  docState: Uint8Array;
  publishedAt: string;
  publishedBy: string;
  publishedById: string;
};

export type LogEntry = { storyId: string; update: Uint8Array };

export type StoredLog = {
  snapshot: Uint8Array | null;
  updates: Uint8Array[];
  /** Bytes in `updates`: with their count, decides when to compact. */
  updateBytes: number;
  /** Highest sequence number in the log, 0 if none. */
  lastSeq: number;
};

/** Every Yjs update of a stored log, snapshot first: apply them in order to rebuild the story. */
export const logUpdates = (log: StoredLog): Uint8Array[] => (log.snapshot ? [log.snapshot, ...log.updates] : log.updates);

export interface Store {
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

  createStory(story: StoryRecord): Promise<void>;
  getStory(id: string): Promise<StoryRecord | undefined>;
  listStories(): Promise<StoryRecord[]>;
  /** Refreshes the list's view of a story after edits. */
  touchStory(id: string, headline: string, updatedAt: string): Promise<void>;

  /**
   * Appends Yjs updates (possibly for several stories) in ONE transaction:
   * the group commit. Resolves once committed, with each entry's log sequence
   * number, in order.
   */
  appendUpdates(entries: readonly LogEntry[]): Promise<number[]>;
  /** The story's snapshot (if compacted) and the log after it, in order. */
  loadLog(storyId: string): Promise<StoredLog>;
  /**
   * Atomically stores `snapshot` as the story's state and deletes its log
   * entries with sequence ≤ `throughSeq` (all of which the snapshot contains).
   */
  compact(storyId: string, snapshot: Uint8Array, throughSeq: number): Promise<void>;

  /** Which user first wrote with each Yjs client id in the story. */
  loadClientOwners(storyId: string): Promise<Map<number, string>>;
  /** Records `userId` as the owner of client ids not yet owned (first writer wins). */
  claimClients(storyId: string, clientIds: readonly number[], userId: string): Promise<void>;

  isSlugTaken(slug: string, exceptStoryId: string): Promise<boolean>;
  /** Atomically: stores the revision, replaces the public page, marks the story published. */
  savePublication(publication: PublicationRecord, revision: RevisionRecord): Promise<void>;
  getPublicationBySlug(slug: string): Promise<PublicationRecord | undefined>;
  /** Newest first. */
  listPublications(limit: number, offset?: number): Promise<PublicationRecord[]>;
  /** How many stories are public, and the latest `updatedAt` among them (null when none): paging and Last-Modified. */
  publicationStats(): Promise<PublicationStats>;
  listRevisions(storyId: string): Promise<RevisionRecord[]>;

  close(): Promise<void>;
}
