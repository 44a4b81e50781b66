/**
 * The layout of a story's Y.Doc. This is a public contract: other Yjs clients
 * write to it, so names here never change without a migration (docs/document-layout.md).
 */
export const STORY_FIELDS = ['headline', 'standfirst', 'byline', 'body'] as const;
export type StoryField = (typeof STORY_FIELDS)[number];

/** Human labels, used by the editor and by validation messages. */
export const FIELD_LABELS: Record<StoryField, string> = {
  headline: 'Headline',
  standfirst: 'Standfirst',
  byline: 'Byline',
  body: 'Body',
};

export function isStoryField(value: unknown): value is StoryField {
  return typeof value === 'string' && (STORY_FIELDS as readonly string[]).includes(value);
}

/** Average adult silent reading speed for news copy. */
const WORDS_PER_MINUTE = 230;

export function countWords(text: string): number {
  const words = text.trim().match(/[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu);
  return words ? words.length : 0;
}

export function readingMinutes(words: number): number {
  return words === 0 ? 0 : Math.max(1, Math.round(words / WORDS_PER_MINUTE));
}
