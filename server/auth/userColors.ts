/** Distinct colours with at least 4.5:1 contrast against white text labels. */
const PALETTE = ['#b42318', '#c4320a', '#8a6100', '#027a48', '#0e7090', '#175cd3', '#5925dc', '#9e165f', '#3f621a', '#6941c6'];

/** Stable per user id, so a person keeps their colour on every device. */
export function colorForUser(userId: string): string {
  let hash = 0;
  for (const char of userId) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return PALETTE[hash % PALETTE.length];
}
