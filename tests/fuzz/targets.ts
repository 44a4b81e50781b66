/**
 * What the fuzz suite aims at. The story ids are fixed, so a seed generates the same bytes on every
 * run (and in every fresh world after a failure).
 */
export const STORY_IDS = {
  /** Known content that only the two honest editors change: compared with the model after every batch. */
  honest: '5f1b9a52-0c1e-4d8e-9b7a-2d3c4e5f6a71',
  /** The fuzz writer's to change at will: it must stay readable, and storage must hold what memory holds. */
  sandbox: '7a2c4e6f-1b3d-4f5a-8c9e-0d1f2a3b4c5d',
  /** A well-formed id of no story. */
  absent: '0b8e6d4c-2a1f-4e3d-9c5b-6a7f8e9d0c1b',
} as const;

export type StoryRef = keyof typeof STORY_IDS;
export const STORY_REFS = Object.keys(STORY_IDS) as StoryRef[];

/** Who a fuzz connection is: a signed-in writer, a signed-in viewer, or nobody (no cookie). */
export type Identity = 'writer' | 'viewer' | 'anonymous';

/**
 * The stories an identity's join requests name. A fuzz writer may legitimately edit a story it has
 * joined, so it never joins the honest one: everything it sends there must be refused as not joined.
 */
export const JOINABLE: Record<Identity, readonly StoryRef[]> = {
  writer: ['sandbox', 'absent'],
  viewer: ['honest', 'sandbox', 'absent'],
  anonymous: ['honest', 'sandbox'],
};

/** Where an identity's well-formed comment operations go: a viewer may comment, so not in the honest story. */
export const COMMENTABLE: Record<Identity, readonly StoryRef[]> = {
  writer: STORY_REFS,
  viewer: ['sandbox', 'absent'],
  anonymous: STORY_REFS,
};

/** The y-websocket endpoint: who connects to which story (the upgrade itself is authenticated). */
export const Y_WEBSOCKET_STORIES: Record<'writer' | 'viewer', readonly StoryRef[]> = {
  writer: ['sandbox'],
  viewer: ['honest', 'sandbox'],
};
