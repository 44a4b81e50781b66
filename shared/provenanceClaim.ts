/**
 * `story:provenance`: a client says which of its new items are copies of which earlier ones, after it
 * wrote text again (a restore, "Undo restore", an undo or redo that brought deleted text back). The
 * server checks each copy against the story's history and records who first wrote the text
 * (shared/provenance.ts). Validated at the server's boundary; counts and lengths bounded by LIMITS.
 */
import { z } from 'zod';
import { LIMITS } from './limits';

/** A Yjs item id. */
const ItemId = z.strictObject({
  client: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  clock: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
});

/** The `length` items from `to` (the sender's, new) hold the same text as the `length` items from `from`. */
export const CopiedText = z.strictObject({
  to: ItemId,
  from: ItemId,
  length: z.number().int().min(1).max(LIMITS.copiedCharsPerClaim),
});
export type CopiedText = z.infer<typeof CopiedText>;

export const ProvenanceClaim = z.strictObject({
  copies: z.array(CopiedText).min(1).max(LIMITS.copiesPerClaim),
});
export type ProvenanceClaim = z.infer<typeof ProvenanceClaim>;

/** The ack's data: how many characters the server recorded as someone else's (0: the binding already said whose). */
export type ProvenanceResult = { recorded: number };
