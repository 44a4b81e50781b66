/** Limits enforced at the server boundary and respected by the client. */
export const LIMITS = {
  /** Largest single Socket.IO message (sync or awareness), in bytes. */
  maxMessageBytes: 1_000_000,
  /** Largest awareness update, in bytes: presence is small, anything bigger is abuse. */
  maxAwarenessBytes: 16_384,
  /** Messages a connection may have waiting for admission before new ones are refused. */
  maxMessageBacklog: 500,
  /** Socket.IO's hard cap: bigger frames close the connection; up to it, oversize messages get a `too_large` error. */
  maxFrameBytes: 8_000_000,
  /** Before a connection is signed in, its one CONNECT packet may be this large (it carries at most a token). */
  maxHandshakeBytes: 2_048,
  /** Inside a Socket.IO packet: the longest string (comment bodies are far shorter), … */
  maxPacketStringBytes: 65_536,
  /** … the most items in an array, … */
  maxPacketArrayLength: 256,
  /** … and the most keys in an object. */
  maxPacketMapLength: 32,
  /** Largest JSON body accepted by the HTTP API, in bytes. */
  maxJsonBodyBytes: 64 * 1024,
  /** Story ids are UUIDs. */
  storyIdLength: 36,
  headlineMaxChars: 120,
  slugMaxChars: 80,
  emailMaxChars: 254,
  nameMaxChars: 80,
  passwordMinChars: 8,
  passwordMaxChars: 200,
  /** A send-back note or a revision name. */
  noteMaxChars: 2000,
  /** A correction noted on republishing (docs/site.md). */
  correctionMaxChars: 1000,
  /** Published stories shown under "Recent stories". */
  recentStories: 5,
  /** The site search's words (`/search?q=`): longer is refused (400) before the store sees it. */
  siteSearchQuery: 200,
  /** Sections with a block of their latest stories on the home page, and stories in each block. */
  homeSections: 6,
  homeSectionStories: 4,
  /**
   * Rendered public answers a node keeps in memory (server/http/renderedAnswers.ts): at most this many, …
   * (a story page is about 10 KB, so every story of a large site fits)
   */
  renderedAnswersMax: 5_000,
  /** … and this many bytes of bodies in all (a feed of 20 long stories is a few hundred KB). */
  renderedAnswersMaxBytes: 64 * 1024 * 1024,
  /** One `story:provenance` claim: at most this many copied runs (under `maxPacketArrayLength`), … */
  copiesPerClaim: 200,
  /** … and this many characters in all (a longer restore is claimed in several). */
  copiedCharsPerClaim: 200_000,
  /** Provenance claims one connection may send per second (more wait their turn). */
  claimsPerSecond: 10,
  /** The newsroom's search: the longest query, … */
  searchQueryMaxChars: 200,
  /** … stories a page of the list holds, … */
  storyPageSize: 50,
  /** … and the words of a story that are indexed (Postgres keeps word positions up to 16,383). */
  searchIndexMaxWords: 16_000,
  /** A story's activity timeline: entries a page holds, … */
  activityPageSize: 50,
  /** … and the largest detail one entry keeps, as JSON bytes (a note or version name of noteMaxChars fits). */
  activityDetailMaxBytes: 16_384,
  /** The newsroom's managed lists (shared/taxonomy.ts): the most sections, … */
  sectionsMax: 200,
  /** … and the most tags. */
  tagsMax: 1_000,
} as const;
