/**
 * Svelte attachment for a <dialog>: modal while it is on screen (focus moves
 * in, Escape closes it, the page behind is inert), closed when it goes.
 */
export function modal(dialog: HTMLDialogElement): () => void {
  dialog.showModal();
  return () => dialog.close();
}
