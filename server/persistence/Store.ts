/**
 * The storage contract, one interface per aggregate: accounts (AccountStore.ts), the story log
 * (StoryLogStore.ts), stories (StoryStore.ts), publications (PublicationStore.ts), media (MediaStore.ts),
 * notifications (NotificationStore.ts), the newsroom's search (StorySearchStore.ts), its lists of sections and
 * tags (TaxonomyStore.ts), stories' activity timelines (StoryActivityStore.ts), archive and Trash
 * (StoryRetentionStore.ts), webhooks' endpoints and deliveries (WebhookStore.ts) and the public site's
 * settings (SiteSettingsStore.ts). Every backend —
 * SQLite (sqlite/), Postgres (pg/) — implements each in a file of its own and passes the same contract
 * suite (tests/integration/storeContract*.ts), whose rule ids (S-ACC-3, S-LOG-5…) name the aggregate.
 * Methods are async so network-backed stores fit the same shape.
 *
 * A Store is all of them at once: callers reach every method on one object, and a module that needs only
 * one aggregate can ask for just that interface. The rest of the server imports the records from here.
 */
import type { AccountStore } from './AccountStore';
import type { MediaStore } from './MediaStore';
import type { NotificationStore } from './NotificationStore';
import type { PublicationStore } from './PublicationStore';
import type { SiteSettingsStore } from './SiteSettingsStore';
import type { StoryActivityStore } from './StoryActivityStore';
import type { StoryLogStore } from './StoryLogStore';
import type { StoryRetentionStore } from './StoryRetentionStore';
import type { StorySearchStore } from './StorySearchStore';
import type { StoryStore } from './StoryStore';
import type { TaxonomyStore } from './TaxonomyStore';
import type { WebhookStore } from './WebhookStore';

export type { AccessChanged, StopWatching, TokenRecord, UserRecord } from './AccountStore';
export type { PublicationRecord, RevisionRecord } from './PublicationStore';
export { type DamagedRow, type LogEntry, type QuarantineEntry, type StoredLog, logUpdates } from './StoryLogStore';
export type { CommentSummary, DueSchedule, StatusChange, StoryRecord } from './StoryStore';

/** What belongs to the database as a whole rather than to one aggregate. */
type Database = {
  /**
   * The database's own consistency check (SQLite: PRAGMA integrity_check): the problems it reports,
   * none when healthy; null when the backend has no such check (Postgres).
   */
  integrityCheck(): Promise<string[] | null>;
  close(): Promise<void>;
};

export type Store = AccountStore &
  StoryLogStore &
  StoryStore &
  PublicationStore &
  MediaStore &
  NotificationStore &
  StorySearchStore &
  StoryActivityStore &
  TaxonomyStore &
  StoryRetentionStore &
  WebhookStore &
  SiteSettingsStore &
  Database;
