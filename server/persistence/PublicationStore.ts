/**
 * Publications: the public pages, the immutable revisions behind them (publications, named and automatic
 * versions), and the public listings. Part of the storage contract (Store.ts); rules S-PUB-* of the
 * contract suite.
 */
import type { StoryImage } from '../../shared/figures';
import type { VersionKind } from '../../shared/versions';

/** What the public site serves for a story: rendered once at publication. */
export type PublicationRecord = {
  storyId: string;
  slug: string;
  headline: string;
  standfirst: string;
  byline: string;
  bodyHtml: string;
  /** The lead image, shown above the body, as og:image and in the feeds; null when there is none. */
  lead: StoryImage | null;
  /** First publication. */
  publishedAt: string;
  /** Latest publication. */
  updatedAt: string;
  publishedBy: string;
  /** Set while the story is unpublished: its address answers 410 Gone. */
  unpublishedAt: string | null;
  /** The story's section and tags at the latest publication (its planning); null, [] for none. */
  section: string | null;
  tags: string[];
  /** The people credited at the latest publication (docs/site.md#authors). */
  authors: PublicationCredit[];
  /** Every correction noted on republishing, oldest first. */
  corrections: PublicationCorrection[];
};

export type PublicationCredit = { id: string; name: string };
/** A correction as the page shows it: its words and when the publication that noted it went out. */
export type PublicationCorrection = { text: string; at: string };

type PublicationStats = { count: number; lastUpdatedAt: string | null };

/** A live publication's address and dates, without its body: what sitemaps list (tens of thousands at once). */
export type PublicationEntry = Pick<PublicationRecord, 'storyId' | 'slug' | 'headline' | 'publishedAt' | 'updatedAt'>;

/**
 * A slice of the live entries: oldest first (sitemap pages keep their stories as new ones arrive at the end;
 * exactly the reverse of newest first, ties included) or newest first; `since` keeps those first published at or after it.
 */
type EntryQuery = { limit: number; offset?: number; since?: string; order: 'oldest' | 'newest' };

/** Where a page of the content API ended: the last story's first publication and id. */
export type PublicationCursor = { publishedAt: string; storyId: string };

/**
 * A page of live publications, newest first (publishedAt desc, then storyId), after `after` (keyset, so a
 * story published meanwhile neither repeats nor skips one); `since`/`until` bound publishedAt (inclusive, exclusive);
 * `filter` keeps the matching ones only.
 */
type PublicationPageQuery = { limit: number; after?: PublicationCursor; since?: string; until?: string; filter?: PublicationFilter };

/**
 * Which live publications a listing holds: every one, or those whose section is one of `sections` (names as
 * published), carrying one of `tags`, crediting the account `authorId` (PublicationRecord.authors). Keys
 * combine with AND; an empty list matches nothing.
 */
export type PublicationFilter = { sections?: readonly string[]; tags?: readonly string[]; authorId?: string };

/** The site search (docs/site.md#search): words as a reader types them; newest first. */
type PublicationSearch = { text: string; limit: number; offset?: number };

/** A page of search results and how many live publications match in all. */
export type PublicationSearchResult = { total: number; stories: PublicationRecord[] };

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
  /** A publication's correction, as the editor noted it on republishing; absent when none was. */
  correction?: string;
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

/**
 * A public page as savePublication takes it: without a lead image, section, tags or authors unless given.
 * Its corrections are the ones before plus the revision's own (`correction`), added by the store.
 */
export type NewPublication = Omit<PublicationRecord, 'unpublishedAt' | 'lead' | 'section' | 'tags' | 'authors' | 'corrections'> &
  Partial<Pick<PublicationRecord, 'lead' | 'section' | 'tags' | 'authors'>>;

/** A publication's revision, as savePublication takes it: the store fills in the kind. */
type PublicationRevision = Omit<RevisionRecord, 'number' | 'kind' | 'name' | 'authorIds'> & { authorIds?: string[] };

export interface PublicationStore {
  /**
   * Atomically: stores the revision (numbering it), replaces the public page,
   * marks the story published and live, clears any schedule; a revision's `correction` joins the page's
   * corrections, dated with the revision. With `scheduledFor`,
   * only if the story is still scheduled for exactly that time — so a scheduled
   * publication happens once however many processes try. Resolves to the
   * revision number, or null when that condition failed.
   */
  savePublication(publication: NewPublication, revision: PublicationRevision, scheduledFor?: string): Promise<number | null>;
  /** Takes the public page down (410 Gone); false if the story was not live. */
  unpublish(storyId: string, at: string, by: string): Promise<boolean>;
  /**
   * Stores a named or automatic version, numbered after the story's latest revision. With
   * `after`, only if the latest is still number `after` (0: none), so processes taking the
   * same automatic version at once store it once; null when it was not.
   */
  saveVersion(revision: Omit<RevisionRecord, 'number'>, after?: number): Promise<number | null>;

  /** The page at `slug`, unpublished ones included (they answer 410). */
  getPublicationBySlug(slug: string): Promise<PublicationRecord | undefined>;
  /** Live publications, newest first (ties by story id), those matching `filter` only when given. */
  listPublications(limit: number, offset?: number, filter?: PublicationFilter): Promise<PublicationRecord[]>;
  /** The page of a story by its id, unpublished ones included. */
  getPublication(storyId: string): Promise<PublicationRecord | undefined>;
  /** Live publications' entries (no bodies), for sitemaps. */
  listPublicationEntries(query: EntryQuery): Promise<PublicationEntry[]>;
  /** Live publications, keyset-paged for the content API. */
  pagePublications(query: PublicationPageQuery): Promise<PublicationRecord[]>;
  /**
   * The people credited by live publications (PublicationRecord.authors), each once, by the name their latest
   * publication gives them; in no particular order.
   */
  publishedCredits(): Promise<PublicationCredit[]>;
  /**
   * How many stories are live (those matching `filter` only, when given), and the latest `updatedAt` among them
   * (null when none): paging and Last-Modified.
   */
  publicationStats(filter?: PublicationFilter): Promise<PublicationStats>;
  /** The distinct section or tag names of live publications, in code-point order. */
  publishedTerms(kind: 'sections' | 'tags'): Promise<string[]>;
  /**
   * Live publications whose headline, standfirst, byline or body text (without its markup) hold every word of
   * `text`, case and accents ignored, each word as a prefix (a one-letter word whole); newest first, as
   * listPublications. Words are cut from `text` as the index cuts them, so nothing typed is read as syntax; the
   * first 32 count. Blank text, or text without a word, matches nothing.
   */
  searchPublications(query: PublicationSearch): Promise<PublicationSearchResult>;
  /**
   * A token that changes with every write to the public pages or their old addresses: a publication saved, unpublished,
   * moved to another address (its redirects), or purged with its story. Anything the public site renders from
   * publications stays the same while it does (server/http/RenderedAnswers.ts). Opaque: compare for equality only.
   */
  publicationsVersion(): Promise<string>;

  /** Oldest first. */
  listRevisions(storyId: string): Promise<RevisionRecord[]>;
  /** The highest-numbered revision: what a new version or publication is compared with. */
  latestRevision(storyId: string): Promise<RevisionRecord | undefined>;
  getRevision(storyId: string, number: number): Promise<RevisionRecord | undefined>;
}
