import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import { GalleyError } from '../../shared/errors';

/** Which user first wrote with each Yjs client id in a story. */
export type ClientOwners = Map<number, string>;

/** Owner recorded for the server's own writes (publication metadata). */
export const SERVER_OWNER = '@server';

/** What a client update would change, as far as ownership goes. */
export type UpdateCheck = {
  /** Client ids the sender writes with for the first time: the store must record (or refuse) them. */
  claims: number[];
  /** Client ids owned by other users that the update carries content for, new to this document. */
  foreign: number[];
};

type Span = { from: number; to: number };
type Decoded = ReturnType<typeof Y.decodeUpdate>;

/**
 * Checks a client's update against the document before it is applied, so
 * nothing that fails here can leave a trace:
 * - only Yjs update format v1 is decoded (v2 decoding of hostile bytes can
 *   spin or allocate without bound);
 * - it must not depend on structs the server lacks, by gap or by reference:
 *   they would pile up as pending state that never resolves, and an ack for
 *   them would promise what was never stored;
 * - new content must come from client ids owned by the sender: a forged id
 *   would let one user silently swallow another's later edits. Ids it claims
 *   for the first time are returned; new content under others' ids is
 *   reported as `foreign`, and the dependency check treats it as absent
 *   (the caller refuses it, or strips it from a resync: see `withoutClients`).
 */
export function checkClientUpdate(doc: Y.Doc, update: Uint8Array, owners: ClientOwners, userId: string): UpdateCheck {
  const decoded = decode(update);
  const known = (client: number) => Y.getState(doc.store, client);
  const spans = structSpans(decoded.structs);
  const check: UpdateCheck = { claims: [], foreign: [] };
  for (const [client, span] of spans) {
    if (span.to <= known(client)) continue; // nothing new from this client id
    const owner = owners.get(client);
    if (owner === undefined) check.claims.push(client);
    else if (owner !== userId) check.foreign.push(client);
  }
  for (const client of check.foreign) spans.delete(client);
  verifyDependencies(decoded, spans, known);
  return check;
}

/** Client ids the update brings new content for that have no known owner (decoding only, no other check). */
export function unownedClients(doc: Y.Doc, update: Uint8Array, owners: ClientOwners): number[] {
  const spans = structSpans(decode(update).structs);
  return [...spans].filter(([client, span]) => span.to > Y.getState(doc.store, client) && !owners.has(client)).map(([client]) => client);
}

/** The update without any struct from the given client ids (its deletions are kept). */
export function withoutClients(update: Uint8Array, clients: number[]): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, clients.length);
  for (const client of clients) {
    encoding.writeVarUint(encoder, client);
    encoding.writeVarUint(encoder, Number.MAX_SAFE_INTEGER);
  }
  return Y.diffUpdate(update, encoding.toUint8Array(encoder));
}

function verifyDependencies({ structs, ds }: Decoded, spans: Map<number, Span>, known: (client: number) => number): void {
  const available = (client: number) => Math.max(known(client), spans.get(client)?.to ?? 0);
  for (const [client, span] of spans) {
    if (span.from > known(client)) missing('Update depends on changes the server does not have; resync and resend');
  }
  for (const struct of structs) {
    if (!(struct instanceof Y.Item) || !spans.has(struct.id.client)) continue;
    for (const ref of [struct.origin, struct.rightOrigin, struct.parent instanceof Y.ID ? struct.parent : null]) {
      if (ref && ref.clock >= available(ref.client)) missing('Update refers to changes the server does not have; resync and resend');
    }
  }
  for (const [client, deletions] of ds.clients) {
    if (deletions.some((d) => d.clock + d.len > available(client))) {
      missing('Update deletes content the server does not have; resync and resend');
    }
  }
}

function missing(message: string): never {
  throw new GalleyError('invalid', message);
}

function decode(update: Uint8Array): Decoded {
  try {
    return Y.decodeUpdate(update);
  } catch (error) {
    throw new GalleyError('invalid', `Update could not be decoded: ${(error as Error).message}`);
  }
}

/** The clock range each client id covers in the update (Skip structs are gaps, not content). */
function structSpans(structs: Decoded['structs']): Map<number, Span> {
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
