import { tick, untrack } from 'svelte';
import { on } from 'svelte/events';
import { MediaQuery } from 'svelte/reactivity';

/**
 * Narrower than a small laptop, the story page's panels (History, Comments) are sheets over the page, one
 * at a time, instead of a column beside the story: there is no room for both. StoryEditor's styles switch
 * at the same width.
 */
export const panelsAsSheets = new MediaQuery('max-width: 1023px');

/**
 * Svelte attachment for an open panel: as a sheet it takes focus when it opens (unless something in it
 * already has it); Escape in it closes it (`close`); once it is gone, focus goes back to what had it
 * before it opened, if closing left focus nowhere.
 */
export const panelFocus = (close: () => void) => (panel: HTMLElement) => {
  const opener = document.activeElement;
  untrack(() => {
    if (panelsAsSheets.current && !panel.contains(opener)) panel.focus();
  });
  // `on`, not addEventListener: it runs after the panel's own handlers (a composer cancels on Escape).
  const off = on(panel, 'keydown', (event) => {
    if (event.key !== 'Escape' || event.defaultPrevented || (event.target as Element).closest('dialog')) return;
    event.preventDefault();
    close();
  });
  return () => {
    off();
    // Once the page behind is no longer inert.
    void tick().then(() => {
      const here = document.activeElement;
      if ((!here || here === document.body) && opener instanceof HTMLElement) opener.focus();
    });
  };
};
