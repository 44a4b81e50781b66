import { Extension } from '@tiptap/core';

/** Links reporters may add: web pages and email addresses, nothing that runs code. */
const ALLOWED_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);

export function isAllowedLink(href: string): boolean {
  try {
    return ALLOWED_PROTOCOLS.has(new URL(href).protocol);
  } catch {
    return false;
  }
}

/**
 * Turns what someone typed into a link target, or null if it is not allowed.
 * "example.com/x" becomes "https://example.com/x"; "ana@example.com" becomes a mailto.
 */
export function normalizeLink(input: string): string | null {
  const text = input.trim();
  if (!text) return null;
  if (/^[a-z][a-z0-9+.-]*:/i.test(text)) return isAllowedLink(text) ? new URL(text).href : null;
  if (/^[^\s@/]+@[^\s@/]+\.[^\s@/]+$/.test(text)) return `mailto:${text}`;
  if (/^[^\s/]+\.[^\s/]+/.test(text)) return isAllowedLink(`https://${text}`) ? new URL(`https://${text}`).href : null;
  return null;
}

/**
 * Ctrl+K (⌘K) as in Google Docs: asks for the toolbar's link form, in a field whose schema has links
 * and while it may be edited; elsewhere the key is left to the browser.
 */
export const LinkShortcut = Extension.create<{ request: () => void }>({
  name: 'linkShortcut',

  addOptions() {
    return { request: () => undefined };
  },

  addKeyboardShortcuts() {
    return {
      'Mod-k': () => {
        if (!this.editor.isEditable || !this.editor.schema.marks.link) return false;
        this.options.request();
        return true;
      },
    };
  },
});
