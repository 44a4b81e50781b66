/**
 * The colours a story gives the people in it: carets and their labels, avatars, "Who wrote this?" and
 * suggestions. The server assigns each person an index into PERSON_COLORS per story, in the `colors` map
 * of the story's Y.Doc (which only the server writes), when they join: one nobody else present has, so
 * no two people in a story at once share a colour, and the same one again when they come back if it is
 * free. Every colour has at least 4.5:1 contrast with white: white label text on it is readable, and it
 * stands out from the page (white, or the canvas grey) by well over 3:1.
 */
import type * as Y from 'yjs';

export const PERSON_COLORS = [
  '#b42318', // red
  '#175cd3', // blue
  '#027a48', // green
  '#9e165f', // magenta
  '#8a6100', // ochre
  '#5925dc', // violet
  '#0e7090', // teal
  '#c4320a', // orange
  '#3f621a', // olive
  '#7a2e0e', // brown
  '#c11574', // pink
  '#344054', // slate
  '#6941c6', // purple
] as const;

/** The root map of the story's Y.Doc: user id → index into PERSON_COLORS. */
export const STORY_COLORS_ROOT = 'colors';

/** A person's colour in the story, as the server assigned it; undefined until it has. */
export function storyColor(doc: Y.Doc, userId: string): string | undefined {
  const index = doc.getMap<unknown>(STORY_COLORS_ROOT).get(userId);
  return typeof index === 'number' && Number.isInteger(index) && index >= 0 && index < PERSON_COLORS.length
    ? PERSON_COLORS[index]
    : undefined;
}

/**
 * The colour for someone joining: one no one else present has, preferring one no one has had in this
 * story; with more people present than colours, the one fewest of them share.
 */
export function pickColorIndex(present: readonly number[], recorded: ReadonlySet<number>): number {
  const indexes = PERSON_COLORS.map((_, index) => index);
  const free = indexes.filter((index) => !present.includes(index));
  if (free.length > 0) return free.find((index) => !recorded.has(index)) ?? free[0];
  const sharing = (index: number) => present.filter((taken) => taken === index).length;
  return indexes.reduce((best, index) => (sharing(index) < sharing(best) ? index : best));
}
