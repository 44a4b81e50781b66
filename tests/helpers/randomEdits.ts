import type * as Y from 'yjs';
import { STORY_FIELDS } from '../../shared/story';

/** Inserts or deletes at a random place in a random field. */
export function randomEdit(doc: Y.Doc, random: () => number): void {
  const fragment = doc.getXmlFragment(STORY_FIELDS[Math.floor(random() * STORY_FIELDS.length)]);
  const paragraph = fragment.get(Math.floor(random() * fragment.length)) as Y.XmlElement | undefined;
  const ytext = paragraph?.get(0) as Y.XmlText | undefined;
  if (!ytext) return;
  const at = Math.floor(random() * (ytext.length + 1));
  if (random() < 0.7 || ytext.length < 3) ytext.insert(at, String.fromCharCode(97 + Math.floor(random() * 26)));
  else ytext.delete(Math.min(at, ytext.length - 1), 1);
}

/** A small seeded generator, so a failing random run can be replayed. */
export function mulberry32(seed: number): () => number {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
