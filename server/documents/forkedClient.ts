/**
 * Refuses a new item written with a client id whose earlier items it does not know: a forked client.
 *
 * A Yjs client inserts between two neighbours it sees side by side (its origin and right origin), and it
 * sees every item it wrote itself. So between an item's origin and right origin the document may hold
 * other clients' items (written concurrently), never an earlier item of the item's own client. Two
 * documents that use one client id (a forged or copied id, a client restored from an old state) break
 * that: the server skips the clocks it already has and integrates the rest against the other history's
 * items, and YATA's tie-break, which orders concurrent items by client id, cannot order two items of one
 * client. Where the item lands then depends on the order updates are applied, so a fresh join, a reload
 * or a compaction put the text in another order than the editors have.
 */
import * as Y from 'yjs';
import { GalleyError } from '../../shared/errors';
import type { AnyYType } from '../../shared/yType';

/** Where an item goes: its neighbours when it was written. */
export type Placement = Pick<Y.Item, 'id' | 'origin' | 'rightOrigin'>;

/** Steps along a list one update may cost; shared with the order check. */
export type StepBudget = { count: number; readonly max: number };

/**
 * Throws if an earlier item of `item`'s client lies between its origin and right origin in `store`.
 * `listStart` answers the first item of the item's list, needed only when it has no origin. Items whose
 * neighbours were garbage-collected are not checked (what is left of them has no place in a list).
 */
export function refuseForkedItem(store: Y.Doc['store'], item: Placement, listStart: () => Y.Item | null, steps: StepBudget): void {
  const { client, clock } = item.id;
  const earlier = (run: Y.Item, from = run.id.clock) => run.id.client === client && from < clock && from < run.id.clock + run.length;
  const right = item.rightOrigin ? Y.getItem(store, item.rightOrigin) : null;
  const origin = item.origin ? Y.getItem(store, item.origin) : null;
  if ((right && !(right instanceof Y.Item)) || (origin && !(origin instanceof Y.Item))) return;
  if (origin && origin === right) {
    // Both inside one run (its characters were split apart later): between them, the run's own clocks.
    const between = item.origin!.clock + 1;
    if (between < item.rightOrigin!.clock && earlier(origin, between)) forked();
    return;
  }
  // The part of the right origin's run before it lies between too…
  if (right && right.id.clock < item.rightOrigin!.clock && earlier(right)) forked();
  // …and so does the rest of the origin's run after it.
  if (origin && earlier(origin, item.origin!.clock + 1)) forked();
  let next = origin ? origin.right : listStart();
  for (; next !== null && next !== right; next = next.right) {
    if (earlier(next)) forked();
    if (++steps.count > steps.max) throw new GalleyError('invalid', 'Update places too many items too far from their neighbours');
  }
}

/** The first item of the list a decoded item goes into, when the encoding names its parent (no origin). */
export function listStartOf(doc: Y.Doc, item: Y.Item): Y.Item | null {
  const parent = item.parent as unknown;
  let type: AnyYType | undefined;
  if (typeof parent === 'string') type = doc.share.get(parent) as AnyYType | undefined;
  else if (parent instanceof Y.ID) {
    const holder = Y.getItem(doc.store, parent);
    if (holder instanceof Y.Item && holder.content instanceof Y.ContentType) type = holder.content.type as AnyYType;
  } else if (parent instanceof Y.AbstractType) type = parent as AnyYType;
  if (!type) return null;
  if (item.parentSub === null) return type._start;
  let first = type._map.get(item.parentSub) ?? null;
  while (first?.left) first = first.left;
  return first;
}

function forked(): never {
  throw new GalleyError('invalid', 'Update writes with a client id whose earlier edits it does not know');
}
