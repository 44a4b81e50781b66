/**
 * The Body toolbar's buttons as data: accessible name, the state that makes
 * it "pressed", and what it does. Shortcuts are the extensions' own.
 */
import type { Editor } from '@tiptap/core';

export type ToolbarIcon = 'bold' | 'italic' | 'heading' | 'link' | 'quote' | 'bulletList' | 'orderedList' | 'picture' | 'library';

export type ToolbarCommand = {
  label: string;
  icon: ToolbarIcon;
  /** In aria-keyshortcuts syntax, with Mod for Control or Meta. */
  shortcut?: string;
  active: { name: string; attributes?: Record<string, unknown> };
  run?: (editor: Editor) => void;
};

export const TOOLBAR_COMMANDS: ToolbarCommand[] = [
  { label: 'Bold', icon: 'bold', shortcut: 'Mod+B', active: { name: 'bold' }, run: (e) => e.chain().focus().toggleBold().run() },
  { label: 'Italic', icon: 'italic', shortcut: 'Mod+I', active: { name: 'italic' }, run: (e) => e.chain().focus().toggleItalic().run() },
  {
    label: 'Heading',
    icon: 'heading',
    shortcut: 'Mod+Alt+2',
    active: { name: 'heading' },
    // A heading of any level toggles back to text; plain text becomes a section heading (h2).
    run: (e) => {
      const level = e.isActive('heading', { level: 3 }) ? 3 : 2;
      e.chain().focus().toggleHeading({ level }).run();
    },
  },
  // Link needs a URL first: the toolbar asks for it (the shortcut goes through LiveEditor's `link` event).
  { label: 'Link', icon: 'link', shortcut: 'Mod+K', active: { name: 'link' } },
  {
    label: 'Quote',
    icon: 'quote',
    shortcut: 'Mod+Shift+B',
    active: { name: 'blockquote' },
    run: (e) => e.chain().focus().toggleBlockquote().run(),
  },
  {
    label: 'Bulleted list',
    icon: 'bulletList',
    shortcut: 'Mod+Shift+8',
    active: { name: 'bulletList' },
    run: (e) => e.chain().focus().toggleBulletList().run(),
  },
  {
    label: 'Numbered list',
    icon: 'orderedList',
    shortcut: 'Mod+Shift+7',
    active: { name: 'orderedList' },
    run: (e) => e.chain().focus().toggleOrderedList().run(),
  },
];

const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);

/** "Mod+B" → "Meta+B" on Apple devices, "Control+B" elsewhere. */
export function keyShortcut(shortcut: string): string {
  return shortcut.replace('Mod', isMac ? 'Meta' : 'Control');
}

/** "Mod+Shift+8" → "⌘⇧8" or "Ctrl+Shift+8", for tooltips. */
export function shortcutHint(shortcut: string): string {
  if (!isMac) return shortcut.replace('Mod', 'Ctrl');
  return shortcut.replace('Mod+', '⌘').replace('Shift+', '⇧').replace('Alt+', '⌥');
}

/** Sets, changes or removes the link on the selection; `href` is already validated. */
export function applyLink(editor: Editor, href: string | null): void {
  const chain = editor.chain().focus().extendMarkRange('link');
  if (href === null) {
    chain.unsetLink().run();
  } else if (editor.state.selection.empty && !editor.isActive('link')) {
    // Nothing selected: the address itself becomes the linked text.
    chain.insertContent({ type: 'text', text: href.replace(/^mailto:/, ''), marks: [{ type: 'link', attrs: { href } }] }).run();
  } else {
    chain.setLink({ href }).run();
  }
}
