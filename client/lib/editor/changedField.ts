import * as Y from 'yjs';
import { isStoryField, type StoryField } from '../../../shared/story';
import type { AnyYType } from '../../../shared/yType';

/** The story field whose fragment holds the first of the changed types (a transaction's `changedParentTypes`). */
export function changedField(changed: Iterable<AnyYType>): StoryField | null {
  for (const type of changed) {
    let root: AnyYType = type;
    while (root._item?.parent instanceof Y.AbstractType) root = root._item.parent;
    const name = root.doc ? [...root.doc.share].find(([, shared]) => shared === root)?.[0] : undefined;
    if (name && isStoryField(name)) return name;
  }
  return null;
}
