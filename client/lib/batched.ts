/**
 * Coalesces a burst of calls into one, on the next microtask. Used between
 * Yjs/Tiptap events and Svelte: those events can fire while Svelte is tearing
 * a component down (a focused editor losing focus as it is removed), where
 * updating reactive state is not allowed; and one keystroke fires several.
 */
export function batched(fn: () => void): () => void {
  let queued = false;
  return () => {
    if (queued) return;
    queued = true;
    queueMicrotask(() => {
      queued = false;
      fn();
    });
  };
}
