import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import { COMMENTS_ROOT } from '../../shared/comments';
import { STORY_COLORS_ROOT } from '../../shared/personColors';
import { PROVENANCE_ROOT } from '../../shared/provenance';
import { SUGGESTION_AUTHORS_ROOT } from '../../shared/suggestions';
import { GalleyError } from '../../shared/errors';
import type { AnyYType } from '../../shared/yType';
import { listStartOf, type Placement, refuseForkedItem, type StepBudget } from './forkedClient';

/** Which user first wrote with each Yjs client id in a story. */
export type ClientOwners = Map<number, string>;

/**
 * Roots only the server writes: comment threads (story:comment operations), who made each suggestion,
 * people's colours, who first wrote text that was written again (provenance).
 */
const SERVER_ROOTS: ReadonlySet<string> = new Set([COMMENTS_ROOT, SUGGESTION_AUTHORS_ROOT, STORY_COLORS_ROOT, PROVENANCE_ROOT]);

/** Owner recorded for the server's own writes (publication metadata). */
export const SERVER_OWNER = '@server';

/** What a client update would change, as far as ownership goes. */
export type UpdateCheck = {
  /** Client ids the sender writes with for the first time: the store must record (or refuse) them. */
  claims: number[];
  /** Client ids owned by other users that the update carries content for, new to this document. */
  foreign: number[];
  /**
   * Other client ids whose structs start at clocks the document already has. Yjs skips those structs
   * but still resolves their origins first, splitting the items they point into: an origin between the
   * two halves of an emoji breaks it into two replacement characters, in memory only, with no update to
   * store or forward. Such clocks are cut off before the update is applied (see `newContentOnly`).
   */
  repeated: number[];
};

type Span = { from: number; to: number };
type Decoded = ReturnType<typeof Y.decodeUpdate>;

/**
 * A client's update, decoded once for every check below (Yjs decodes it again to apply it). Only
 * Yjs update format v1 is decoded: v2 decoding of hostile bytes can spin or allocate without bound.
 */
export type ClientUpdate = {
  readonly bytes: Uint8Array;
  readonly structs: Decoded['structs'];
  readonly ds: Decoded['ds'];
  /** The clock range each client id covers (Skip structs are gaps, not content). */
  readonly spans: ReadonlyMap<number, Span>;
};

export function decodeClientUpdate(bytes: Uint8Array): ClientUpdate {
  let decoded: Decoded;
  try {
    decoded = Y.decodeUpdate(bytes);
  } catch (error) {
    throw new GalleyError('invalid', `Update could not be decoded: ${(error as Error).message}`);
  }
  return { bytes, structs: decoded.structs, ds: decoded.ds, spans: structSpans(decoded.structs) };
}

/**
 * Checks a client's update against the document before it is applied, so
 * nothing that fails here can leave a trace:
 * - new content must come from client ids owned by the sender: a forged id
 *   would let one user silently swallow another's later edits. Ids it claims
 *   for the first time are returned; new content under others' ids is
 *   reported as `foreign` (the caller refuses it, or strips it from a resync:
 *   see `newContentOnly`);
 * - it must not insert or delete anything under the server's own roots
 *   (`comments`, `suggestionAuthors`, `colors`, `provenance`): only the
 *   server writes there, after checking each `story:comment` operation;
 * - a new item must sit between its origin and right origin in the order the
 *   document has them (refuseMisorderedItems).
 * What the update builds on is not checked here: the document applies what it
 * can place and holds back the rest (StoryDocument, "held back").
 */
export function checkClientUpdate(doc: Y.Doc, update: ClientUpdate, owners: ClientOwners, userId: string): UpdateCheck {
  const known = (client: number) => Y.getState(doc.store, client);
  const check: UpdateCheck = { claims: [], foreign: [], repeated: [] };
  for (const [client, span] of update.spans) {
    const owner = owners.get(client);
    if (span.to > known(client) && owner === undefined) check.claims.push(client);
    else if (span.to > known(client) && owner !== userId) check.foreign.push(client);
    else if (span.from < known(client)) check.repeated.push(client);
  }
  const foreign = new Set(check.foreign);
  refuseServerRootWrites(doc, update, foreign, known);
  refuseMisorderedItems(doc, update, known, foreign);
  return check;
}

/** Client ids the update brings new content for that have no known owner (no other check). */
export function unownedClients(doc: Y.Doc, update: ClientUpdate, owners: ClientOwners): number[] {
  return [...update.spans]
    .filter(([client, span]) => span.to > Y.getState(doc.store, client) && !owners.has(client))
    .map(([client]) => client);
}

/** Steps along the document's lists one update may cost refuseMisorderedItems: far above an honest update's. */
const MAX_ORDER_STEPS = 1_000_000;

/**
 * Refuses a new item placed between an origin and a right origin the document has in the other order.
 * Yjs inserts an item somewhere between the two (YATA) and takes that order for granted: with a forged
 * pair, where the item lands depends on what arrived first, so the same updates replayed in another
 * order (a fresh join's sync, a reload, a compaction) put the text in another order, and storage and
 * the editors' copies stop agreeing. A pair the document already holds is checked in place. A pair that
 * involves the update's own new items is checked by applying the update to a copy of the document,
 * unless the item simply continues the one before it (what typing and pasting send).
 */
function refuseMisorderedItems(doc: Y.Doc, update: ClientUpdate, known: (client: number) => number, foreign: Set<number>): void {
  const heldOrNone = (id: Y.ID | null) => id === null || id.clock < known(id.client);
  const steps: StepBudget = { count: 0, max: MAX_ORDER_STEPS };
  let trial = false;
  // Clients with a new item earlier in this update: one that is not in the document yet could land
  // between a later item's neighbours, so such later items are checked where it is (in a copy).
  const writing = new Set<number>();
  for (const struct of update.structs) {
    if (!(struct instanceof Y.Item)) continue;
    if (struct.id.clock + struct.length <= known(struct.id.client)) continue; // already here: ignored when applied
    if (foreign.has(struct.id.client)) continue; // refused, or left out of a resync
    const first = !writing.has(struct.id.client);
    writing.add(struct.id.client);
    if (continuesPrevious(update.structs, struct, known)) continue;
    const placed = newPart(struct, known(struct.id.client));
    if (first && heldOrNone(placed.origin) && heldOrNone(placed.rightOrigin)) {
      if (placed.origin && placed.rightOrigin) expectInOrder(doc.store, placed.origin, placed.rightOrigin, steps);
      refuseForkedItem(doc.store, placed, () => listStartOf(doc, struct), steps);
    } else trial = true;
  }
  if (trial) refuseMisplacedInCopy(doc, update, steps, foreign);
}

/**
 * Where the part of an item the document lacks goes: Yjs cuts what it has off the front, and the rest
 * continues the document's own item at the cut (which, from a forked client, is another history's).
 */
function newPart(item: Y.Item, known: number): Placement {
  if (item.id.clock >= known) return item;
  return { id: Y.createID(item.id.client, known), origin: Y.createID(item.id.client, known - 1), rightOrigin: item.rightOrigin };
}

/**
 * The item whose origin ends the update's previous struct and that shares its right origin: placed right
 * after it, in a stretch of the list already checked for the previous one (a new one: what the document
 * already has is skipped, so not checked, and may be another history's).
 */
function continuesPrevious(structs: Decoded['structs'], item: Y.Item, known: (client: number) => number): boolean {
  const origin = item.origin;
  if (!origin) return false;
  const previous = structs.find((s) => s.id.client === origin.client && s.id.clock + s.length - 1 === origin.clock);
  return (
    previous instanceof Y.Item && previous.id.clock >= known(previous.id.client) && Y.compareIDs(previous.rightOrigin, item.rightOrigin)
  );
}

/**
 * Applies the update to a copy of the document and checks that each new item landed left of its right
 * origin, with no earlier item of its own client between its neighbours.
 */
function refuseMisplacedInCopy(doc: Y.Doc, update: ClientUpdate, steps: StepBudget, foreign: Set<number>): void {
  const copy = new Y.Doc();
  try {
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
    Y.applyUpdate(copy, update.bytes);
    const placed = (id: Y.ID | null) => id === null || id.clock < Y.getState(copy.store, id.client);
    for (const struct of update.structs) {
      if (!(struct instanceof Y.Item) || foreign.has(struct.id.client)) continue;
      const known = Y.getState(doc.store, struct.id.client);
      if (struct.id.clock + struct.length <= known) continue;
      const item = newPart(struct, known);
      if (!placed(item.id) || !placed(item.origin) || !placed(item.rightOrigin)) continue;
      if (item.rightOrigin) expectInOrder(copy.store, item.id, item.rightOrigin, steps);
      const landed = Y.getItem(copy.store, item.id) as Y.Item;
      refuseForkedItem(copy.store, item, () => listStartOf(copy, landed), steps);
    }
  } catch (error) {
    if (error instanceof GalleyError) throw error;
    throw new GalleyError('invalid', `Update could not be applied: ${(error as Error).message}`);
  } finally {
    copy.destroy();
  }
}

/** Throws unless `to` comes after `from` in their list (what is garbage-collected is not checked). */
function expectInOrder(store: Y.Doc['store'], from: Y.ID, to: Y.ID, steps: StepBudget): void {
  const left = Y.getItem(store, from);
  const right = Y.getItem(store, to);
  if (!(left instanceof Y.Item) || !(right instanceof Y.Item)) return;
  if (left === right) {
    if (to.clock <= from.clock) misordered();
    return;
  }
  for (let next = left.right; next !== right; next = next.right) {
    if (next === null) misordered();
    if (++steps.count > steps.max) throw new GalleyError('invalid', 'Update places too many items too far from their neighbours');
  }
}

function misordered(): never {
  throw new GalleyError('invalid', 'Update places an item after its right neighbour');
}

/**
 * The update without what the document already has of the `repeated` client ids and without any struct
 * of the `dropped` ones (its deletions are kept): one diff against a made-up state vector.
 */
export function newContentOnly(doc: Y.Doc, update: ClientUpdate, repeated: number[], dropped: number[]): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, repeated.length + dropped.length);
  for (const client of repeated) {
    encoding.writeVarUint(encoder, client);
    encoding.writeVarUint(encoder, Y.getState(doc.store, client));
  }
  for (const client of dropped) {
    encoding.writeVarUint(encoder, client);
    encoding.writeVarUint(encoder, Number.MAX_SAFE_INTEGER);
  }
  return Y.diffUpdate(update.bytes, encoding.toUint8Array(encoder));
}

/**
 * Refuses an update whose new items go under a server root, or that deletes live items there.
 * A new item's root is named by its parent (a root name, or the ID of the item holding its
 * parent type) or, when the encoding left the parent out, shared with its origin or right
 * origin; those may be items of the same update, so chains are followed through the update to
 * the document. Deletions count only for items still live here: a client's full delete set
 * also lists what the server itself deleted there.
 */
function refuseServerRootWrites(doc: Y.Doc, { structs, ds }: ClientUpdate, foreign: Set<number>, known: (client: number) => number): void {
  const serverRoots = new Set([...SERVER_ROOTS].flatMap((name) => doc.share.get(name) ?? []));
  const roots = new NewItemRoots(doc, structs, known, serverRoots);
  for (const struct of structs) {
    if (!(struct instanceof Y.Item) || foreign.has(struct.id.client)) continue; // stripped from a resync, or refused
    if (struct.id.clock + struct.length <= known(struct.id.client)) continue; // already here: ignored when applied
    if (roots.underServerRoot(struct)) serverRootWrite();
  }
  if (serverRoots.size === 0) return;
  for (const [client, deletions] of ds.clients) {
    const stored = doc.store.clients.get(client);
    if (!stored) continue;
    for (const { clock, len } of deletions) {
      if (clock >= known(client)) continue; // new items of this update, checked above
      for (let i = Y.findIndexSS(stored, clock); i < stored.length && stored[i].id.clock < clock + len; i++) {
        const struct = stored[i];
        if (struct instanceof Y.Item && !struct.deleted && serverRoots.has(rootOf(struct))) serverRootWrite();
      }
    }
  }
}

function serverRootWrite(): never {
  throw new GalleyError(
    'forbidden',
    'Comments, suggestion authors, colours and provenance change only through the server, not Yjs updates',
  );
}

/** The root type of an item of the document. */
export function rootOf(item: Y.Item): AnyYType {
  let type = item.parent as AnyYType;
  while (type._item) type = type._item.parent as AnyYType;
  return type;
}

/** Whether an update's new items go under a server root, remembered along each chain of references. */
class NewItemRoots {
  #memo = new Map<Y.Item, boolean>();
  #byClient: Map<number, Y.Item[]> | undefined;

  constructor(
    private readonly doc: Y.Doc,
    private readonly structs: Decoded['structs'],
    private readonly known: (client: number) => number,
    private readonly serverRoots: Set<AnyYType>,
  ) {}

  underServerRoot(item: Y.Item): boolean {
    const chain = new Set<Y.Item>();
    let current = item;
    let answer: boolean;
    for (;;) {
      const memo = this.#memo.get(current);
      if (memo !== undefined) {
        answer = memo;
        break;
      }
      if (chain.has(current)) throw new GalleyError('invalid', 'Update items refer to each other in a cycle');
      chain.add(current);
      const parent = current.parent as unknown;
      if (typeof parent === 'string') {
        answer = SERVER_ROOTS.has(parent);
        break;
      }
      const ref = parent instanceof Y.ID ? parent : (current.origin ?? current.rightOrigin);
      const next = ref && ref.clock >= this.known(ref.client) ? this.#inUpdate(ref) : undefined;
      if (next) {
        current = next;
        continue;
      }
      answer = ref !== null && ref.clock < this.known(ref.client) && this.#inDocumentUnderServerRoot(ref);
      break;
    }
    chain.forEach((i) => this.#memo.set(i, answer));
    return answer;
  }

  #inDocumentUnderServerRoot(id: Y.ID): boolean {
    if (this.serverRoots.size === 0) return false;
    // Garbage-collected structs are what is left of deleted types, and no type under a server root is ever deleted.
    const struct = Y.getItem(this.doc.store, id) as Y.Item | Y.GC;
    return struct instanceof Y.Item && this.serverRoots.has(rootOf(struct));
  }

  /** The update's item that holds the given ID (its clock may fall inside a run of characters). */
  #inUpdate(id: Y.ID): Y.Item | undefined {
    this.#byClient ??= groupItems(this.structs);
    const items = this.#byClient.get(id.client) ?? [];
    let low = 0;
    let high = items.length - 1;
    while (low <= high) {
      const mid = (low + high) >> 1;
      const { clock } = items[mid].id;
      if (id.clock < clock) high = mid - 1;
      else if (id.clock >= clock + items[mid].length) low = mid + 1;
      else return items[mid];
    }
    return undefined;
  }
}

/** An update's items per client id, in clock order. */
function groupItems(structs: Decoded['structs']): Map<number, Y.Item[]> {
  const groups = new Map<number, Y.Item[]>();
  for (const struct of structs) {
    if (!(struct instanceof Y.Item)) continue;
    const group = groups.get(struct.id.client);
    if (group) group.push(struct);
    else groups.set(struct.id.client, [struct]);
  }
  groups.forEach((group) => group.sort((a, b) => a.id.clock - b.id.clock));
  return groups;
}

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
