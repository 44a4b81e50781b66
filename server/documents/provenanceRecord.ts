import type { CopiedText } from '../../shared/provenanceClaim';
import { originalAuthors, PROVENANCE_ROOT, provenanceKey, readProvenance, type ProvenanceEntry } from '../../shared/provenance';
import type { StoryDocument } from './StoryDocument';
import { SERVER_OWNER } from './updateGuard';

type Entry = ProvenanceEntry & { client: number; clock: number };

/**
 * Records who first wrote the text of each copy (shared/provenance.ts) in the story's provenance
 * record, as the server's own change; resolves once committed, to how many characters it recorded.
 * Copies the caller has made or checked: the selective revert's, or a client's claim (ProvenanceClaims).
 * The first author of copied text is whoever the record names for the original, else the owner of
 * the original's client id (`owners`, the server's binding). Nothing is recorded where the copy's own
 * client id is already bound to that person, nor over what the record already says: an entry is fixed
 * once written.
 */
export function recordCopies(document: StoryDocument, copies: readonly CopiedText[], owners: ReadonlyMap<number, string>): Promise<number> {
  // No await until the change: it is planned on the record as it is now.
  const index = readProvenance(document.doc);
  const entries: Entry[] = [];
  for (const { to, from, length } of copies) {
    for (const part of originalAuthors(index, from.client, from.clock, length)) {
      const author = part.author ?? owners.get(from.client);
      if (author === undefined || author === SERVER_OWNER || author === owners.get(to.client)) continue;
      const clock = to.clock + (part.clock - from.clock);
      for (const free of originalAuthors(index, to.client, clock, part.length)) {
        if (free.author === null) entries.push({ client: to.client, clock: free.clock, length: free.length, author });
      }
    }
  }
  const recorded = withoutOverlaps(entries);
  if (recorded.length === 0) return document.flushed().then(() => 0);
  const map = document.doc.getMap<ProvenanceEntry>(PROVENANCE_ROOT);
  return document
    .applyServerChange(() =>
      recorded.forEach(({ client, clock, length, author }) => map.set(provenanceKey(client, clock), { length, author })),
    )
    .then(() => recorded.reduce((sum, entry) => sum + entry.length, 0));
}

/** Sorted, cut where an earlier entry covers them (only a forged claim names the same items twice), adjacent ones of one author joined. */
function withoutOverlaps(entries: Entry[]): Entry[] {
  entries.sort((a, b) => a.client - b.client || a.clock - b.clock);
  const kept: Entry[] = [];
  for (const entry of entries) {
    const last = kept.at(-1);
    const lastEnd = last && last.client === entry.client ? last.clock + last.length : -1;
    const start = Math.max(entry.clock, lastEnd);
    const end = entry.clock + entry.length;
    if (end <= start) continue;
    if (last && lastEnd === start && last.author === entry.author) last.length += end - start;
    else kept.push({ ...entry, clock: start, length: end - start });
  }
  return kept;
}
