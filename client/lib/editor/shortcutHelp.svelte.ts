import { tick } from 'svelte';

/** Whether the keyboard-shortcut help is open: one per page, opened by Ctrl+/ or the toolbar's button. */
class ShortcutHelp {
  open = $state(false);
  /** Where focus goes back to on close. */
  #returnTo: HTMLElement | null = null;

  show(): void {
    if (this.open) return;
    this.#returnTo = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    this.open = true;
  }

  close(): void {
    if (!this.open) return;
    this.open = false;
    const returnTo = this.#returnTo;
    this.#returnTo = null;
    // Once the modal dialog is gone: until then the rest of the page is inert and cannot take focus.
    void tick().then(() => returnTo?.focus());
  }
}

export const shortcutHelp = new ShortcutHelp();
