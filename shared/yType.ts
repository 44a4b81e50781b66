import type * as Y from 'yjs';

/**
 * Any Yjs shared type, whatever its event type. Yjs's own signatures (`changedParentTypes`, `_item.parent`)
 * use `any` for the event parameter, and it is invariant, so nothing narrower fits them.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
export type AnyYType = Y.AbstractType<any>;
