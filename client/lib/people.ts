/** Initials for avatars: "Ana Lopez" → "AL", "Prince" → "PR". */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return '?';
  if (words.length === 1) return [...words[0]].slice(0, 2).join('').toUpperCase();
  return ([...words[0]][0] + [...words[words.length - 1]][0]).toUpperCase();
}

/** Only the 6-digit hex colours the server hands out are used as CSS; anything else gets a neutral grey. */
export function safeColor(color: string | undefined): string {
  return typeof color === 'string' && /^#[0-9a-f]{6}$/i.test(color) ? color : '#667085';
}
