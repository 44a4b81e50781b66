import * as Y from 'yjs';
import { GalleyError } from '../../shared/errors';

/** Which user first wrote with each Yjs client id in a story. */
export type ClientOwners = Map<number, string>;

/** Owner recorded for the server's own writes (publication metadata). */
export const SERVER_OWNER = '@server';

type Span = { from: number; to: number };

/**
 * Checks a client's update against the document before it is applied, so
 * nothing that fails here can leave a trace:
 * - only Yjs update format v1 is decoded (v2 decoding of hostile bytes can
 *   spin or allocate without bound);
 * - it must not depend on structs the server lacks: they would pile up as
 *   pending state that never resolves;
 * - new content must come from client ids owned by the sender: a forged id
 *   would let one user silently swallow another's later edits.
 * Returns the client ids the sender claims for the first time.
 */
export function checkClientUpdate(doc: Y.Doc, update: Uint8Array, owners: ClientOwners, userId: string): number[] {
  const { structs, ds } = decode(update);
  const known = Y.decodeStateVector(Y.encodeStateVector(doc));
  const spans = structSpans(structs);
  for (const [client, span] of spans) {
    if (span.from > (known.get(client) ?? 0)) {
      throw new GalleyError('invalid', 'Update depends on changes the server does not have; resync and resend');
    }
  }
  for (const [client, deletions] of ds.clients) {
    const end = Math.max(known.get(client) ?? 0, spans.get(client)?.to ?? 0);
    if (deletions.some((d) => d.clock + d.len > end)) {
      throw new GalleyError('invalid', 'Update deletes content the server does not have; resync and resend');
    }
  }
  const claims: number[] = [];
  for (const [client, span] of spans) {
    if (span.to <= (known.get(client) ?? 0)) continue; // nothing new from this client id
    const owner = owners.get(client);
    if (owner === undefined) claims.push(client);
    else if (owner !== userId) throw new GalleyError('forbidden', `Yjs client id ${client} belongs to another user`);
  }
  return claims;
}

function decode(update: Uint8Array) {
  try {
    return Y.decodeUpdate(update);
  } catch (error) {
    throw new GalleyError('invalid', `Update could not be decoded: ${(error as Error).message}`);
  }
}

/** The clock range each client id covers in the update (Skip structs are gaps, not content). */
function structSpans(structs: ReturnType<typeof Y.decodeUpdate>['structs']): Map<number, Span> {
  const spans = new Map<number, Span>();
  for (const struct of structs) {
    if (struct instanceof Y.Skip) continue;
    const { client, clock } = struct.id;
    const span = spans.get(client);
    const to = clock + struct.length;
    if (!span) spans.set(client, { from: clock, to });
    else {
      span.from = Math.min(span.from, clock);
      span.to = Math.max(span.to, to);
    }
  }
  return spans;
}
