/**
 * The storage contract. Every backend (SQLite now, Postgres later) implements
 * it and passes the same contract suite (tests/integration/storeContract.ts).
 * Methods are async so network-backed stores fit the same shape.
 */
import type { Role } from '../../shared/roles';
import type { VersionKind } from '../../shared/versions';
import type { StoryStatus } from '../../shared/workflow';

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

/** Whether a patch changes what the user may do, or with which credentials (a rename does not). */
export const changesAccess = (patch: UserPatch): boolean =>
  patch.role !== undefined || patch.deactivatedAt !== undefined || patch.passwordHash !== undefined;

/** Whose access changed: these users, or — when some changes may have gone unseen — anyone's. */
export type AccessChanged = readonly string[] | 'everyone';

/** Stops a watch; resolves once it holds nothing open. */
export type StopWatching = () => Promise<void>;

export type StoryRecord = {
  id: string;
  headline: string;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  status: StoryStatus;
  /** When the status last changed and who changed it (a name; null for the system). */
  statusChangedAt: string;
  statusChangedBy: string | null;
  /** The note of a send-back; cleared by the next change. */
  statusNote: string | null;
  scheduledFor: string | null;
  /** The editor who scheduled: the scheduled publication goes out in their name. */
  scheduledById: string | null;
  /** Chosen before first publication, or the public address after it; null follows the headline. */
  slug: string | null;
  /** A public page is up. */
  live: boolean;
  /** First publication. */
  publishedAt: string | null;
  /** Latest publication. */
  lastPublishedAt: string | null;
  /** Who published last. */
  publishedBy: string | null;
};

/** A story as the newsroom list shows it: with what its open document last reported. */
export type StoryListing = StoryRecord & CommentSummary;

/** What the newsroom list shows of a story's comments (kept by StorySummaries from the document). */
export type CommentSummary = {
  /** Unresolved comment threads. */
  openComments: number;
  /** Users @mentioned in those threads' messages: the list tells them. */
  mentionedIds: string[];
};

/** A status change; fields left out are cleared. */
export type StatusChange = {
  status: StoryStatus;
  at: string;
  by: string | null;
  note?: string | null;
  scheduledFor?: string | null;
  scheduledById?: string | null;
};

/** A scheduled publication this process has claimed (see claimDueSchedules). */
export type DueSchedule = { storyId: string; scheduledFor: string; scheduledById: string };

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
  /** Set while the story is unpublished: its address answers 410 Gone. */
  unpublishedAt: string | null;
};

type PublicationStats = { count: number; lastUpdatedAt: string | null };

/** An immutable version of a story: one act of publishing, a named version or an automatic one. */
export type RevisionRecord = {
  storyId: string;
  /** 1, 2, 3… per story across every kind, assigned by the store. */
  number: number;
  kind: VersionKind;
  /** A named version's name; null for the other kinds. */
  name: string | null;
  /** Who changed the story since the version before (ids; their insertions and deletions). */
  authorIds: string[];
  slug: string;
  headline: string;
  standfirst: string;
  byline: string;
  bodyHtml: string;
  /** The structured content (StoryContent, JSON) as published. */
  content: string;
  /** Y.encodeStateAsUpdate of the story at publication. */
  docState: Uint8Array;
  /** When the version was taken and who took it (an automatic one: the server, with an empty name). */
  publishedAt: string;
  publishedBy: string;
  publishedById: string;
};

/** A publication's revision, as savePublication takes it: the store fills in the kind. */
export type PublicationRevision = Omit<RevisionRecord, 'number' | 'kind' | 'name' | 'authorIds'> & { authorIds?: string[] };

/**
 * Who deleted what: the delete set of one committed client update that deleted something,
 * encoded as a Yjs snapshot with an empty state vector (Y.encodeSnapshot). Yjs delete sets
 * carry no author; this record is what makes a person's deletions revertible. `restored`:
 * instead, the part of the user's deletions a selective revert brought back.
 */
export type DeletionRecord = { storyId: string; userId: string; at: string; ds: Uint8Array; restored: boolean };

/** `deletion`: the update deleted something, recorded in the same transaction. */
export type LogEntry = { storyId: string; update: Uint8Array; deletion?: Omit<DeletionRecord, 'storyId' | 'restored'> };

export type StoredLog = {
  snapshot: Uint8Array | null;
  updates: Uint8Array[];
  /** Each update's sequence number in the log (its row's identity: what a quarantine names). */
  seqs: number[];
  /** Bytes in `updates`: with their count, decides when to compact. */
  updateBytes: number;
};

/** Every Yjs update of a stored log, snapshot first: apply them in order to rebuild the story. */
export const logUpdates = (log: StoredLog): Uint8Array[] => (log.snapshot ? [log.snapshot, ...log.updates] : log.updates);

// --- Damaged rows: quarantine (see loadLog and docs/security.md, "Storage faults") ---

/**
 * A stored row a story could not be loaded from, to move out of its log into story_quarantine (kept,
 * never deleted). An update is named by its sequence number; the snapshot by the bytes that were read,
 * since a compaction may have replaced it meanwhile (then it is left alone). `replacement`: the part of
 * a snapshot that could be placed, which becomes the snapshot (null: nothing of it could be).
 */
export type DamagedRow =
  { kind: 'update'; seq: number; reason: string } | { kind: 'snapshot'; data: Uint8Array; replacement: Uint8Array | null; reason: string };

/** What a story's quarantined rows not yet reviewed add up to. */
export type StoryDamage = { entries: number; firstFoundAt: string; lastFoundAt: string };

/** A story with quarantined rows not yet reviewed (the admins' "Damaged stories" list). */
export type DamagedStory = StoryDamage & { storyId: string; headline: string; reasons: string[] };

/** One quarantined row, with its size instead of its data. */
export type QuarantineEntry = {
  id: number;
  storyId: string;
  kind: 'update' | 'snapshot';
  /** Its sequence number in the log; null for a snapshot. */
  seq: number | null;
  bytes: number;
  reason: string;
  foundAt: string;
  /** When an admin marked it reviewed, and who (a name); the row stays. */
  resolvedAt: string | null;
  resolvedBy: string | null;
};

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

  /**
   * Follows changes of anyone's access — updateUser's role, deactivation or password, deleteSession,
   * deleteUserSessions, revokeToken — committed by any process on this store (this one, another server,
   * `npm run user`): each of those writes records whose access it changed in the same transaction, and
   * `listener` hears of it soon after the commit (within a second). `onError`: the feed was interrupted
   * (it resumes by itself, and then says 'everyone'). Until the returned stop, or close().
   */
  watchAccessChanges(listener: (changed: AccessChanged) => void, onError: (error: unknown) => void): StopWatching;

  createStory(story: StoryRecord): Promise<void>;
  getStory(id: string): Promise<StoryRecord | undefined>;
  listStories(): Promise<StoryListing[]>;
  /**
   * Refreshes the list's view of a story after edits. `updatedAt` null keeps "last edited" (only
   * comments changed); the comment summary is left as it is when omitted.
   */
  touchStory(id: string, headline: string, updatedAt: string | null, comments?: CommentSummary): Promise<void>;

  /**
   * Appends Yjs updates (possibly for several stories) in ONE transaction:
   * the group commit. Resolves once committed, with each entry's log sequence
   * number, in order.
   */
  appendUpdates(entries: readonly LogEntry[]): Promise<number[]>;
  /** The story's snapshot (if compacted) and the log after it, in order. */
  loadLog(storyId: string): Promise<StoredLog>;
  /**
   * Folds the story's snapshot and every log entry stored now into a new snapshot, atomically:
   * `fold` gets them in order (snapshot first) and returns their merge; the entries it got are
   * deleted, entries appended meanwhile (by this process or another) stay. Working from what is
   * stored, not from one process's copy of the document, keeps it correct with several writers.
   */
  compact(storyId: string, fold: (updates: Uint8Array[]) => Uint8Array): Promise<void>;

  /**
   * Moves damaged rows of the story's log (or its snapshot) into story_quarantine, in one transaction:
   * each row is inserted there and deleted from the log together, exactly once however many processes
   * try at once, and never while a compaction of the story runs. Rows already gone (compacted, or
   * moved by another process) are skipped. Resolves to how many rows were moved.
   */
  quarantine(storyId: string, rows: readonly DamagedRow[], foundAt: string): Promise<number>;
  /** The story's quarantined rows not yet reviewed; null when there are none. */
  storyDamage(storyId: string): Promise<StoryDamage | null>;
  /** Every story with quarantined rows not yet reviewed, the most recently found first. */
  listDamagedStories(): Promise<DamagedStory[]>;
  /** Marks the story's quarantined rows reviewed (they stay in quarantine); resolves to how many were marked. */
  markDamageReviewed(storyId: string, at: string, by: string): Promise<number>;
  /** Every quarantined row, reviewed or not, by story and in the order found. */
  listQuarantine(): Promise<QuarantineEntry[]>;
  /**
   * The database's own consistency check (SQLite: PRAGMA integrity_check): the problems it reports,
   * none when healthy; null when the backend has no such check (Postgres).
   */
  integrityCheck(): Promise<string[] | null>;

  /** Which user first wrote with each Yjs client id in the story. */
  loadClientOwners(storyId: string): Promise<Map<number, string>>;
  /**
   * Records each claimed client id's user as its owner unless it is owned already (first
   * writer wins, across processes), in one transaction, and resolves to the owner of each
   * claimed id afterwards. `claims` maps client id → the user claiming it.
   */
  claimClients(storyId: string, claims: ReadonlyMap<number, string>): Promise<Map<number, string>>;

  /**
   * Moves the story to a new status only if its status is one of `from`
   * (compare-and-set: two editors acting at once cannot both win). False when not.
   */
  changeStatus(storyId: string, change: StatusChange, from: readonly StoryStatus[]): Promise<boolean>;

  /** Whether another story holds `slug`, as its address or as an old address that redirects. */
  isSlugTaken(slug: string, exceptStoryId: string): Promise<boolean>;
  /**
   * Sets the story's address; false if another story holds it. Once the story
   * has been published, its old address becomes a redirect to the new one.
   */
  setSlug(storyId: string, slug: string | null): Promise<boolean>;
  /** The current address of the story that used to live at `slug`. */
  findRedirect(slug: string): Promise<string | undefined>;

  /**
   * Atomically: stores the revision (numbering it), replaces the public page,
   * marks the story published and live, clears any schedule. With `scheduledFor`,
   * only if the story is still scheduled for exactly that time — so a scheduled
   * publication happens once however many processes try. Resolves to the
   * revision number, or null when that condition failed.
   */
  savePublication(
    publication: Omit<PublicationRecord, 'unpublishedAt'>,
    revision: PublicationRevision,
    scheduledFor?: string,
  ): Promise<number | null>;
  /**
   * Stores a named or automatic version, numbered after the story's latest revision. With
   * `after`, only if the latest is still number `after` (0: none), so processes taking the
   * same automatic version at once store it once; null when it was not.
   */
  saveVersion(revision: Omit<RevisionRecord, 'number'>, after?: number): Promise<number | null>;
  /** The story's deletion records (restorations included) at or after `since`, oldest first. */
  listDeletions(storyId: string, since: string): Promise<DeletionRecord[]>;
  /** Records what a selective revert restored of a user's deletions. */
  recordRestored(record: Omit<DeletionRecord, 'restored'>): Promise<void>;
  /** Takes the public page down (410 Gone); false if the story was not live. */
  unpublish(storyId: string, at: string, by: string): Promise<boolean>;
  /** The page at `slug`, unpublished ones included (they answer 410). */
  getPublicationBySlug(slug: string): Promise<PublicationRecord | undefined>;
  /** Live publications, newest first. */
  listPublications(limit: number, offset?: number): Promise<PublicationRecord[]>;
  /** How many stories are live, and the latest `updatedAt` among them (null when none): paging and Last-Modified. */
  publicationStats(): Promise<PublicationStats>;
  /** Oldest first. */
  listRevisions(storyId: string): Promise<RevisionRecord[]>;
  /** The highest-numbered revision: what a new version or publication is compared with. */
  latestRevision(storyId: string): Promise<RevisionRecord | undefined>;
  getRevision(storyId: string, number: number): Promise<RevisionRecord | undefined>;

  /**
   * Claims scheduled publications due at `now` that no live claim holds, until
   * `leaseUntil`: a process that dies mid-publication leaves its claim to expire.
   */
  claimDueSchedules(now: string, leaseUntil: string): Promise<DueSchedule[]>;

  close(): Promise<void>;
}
