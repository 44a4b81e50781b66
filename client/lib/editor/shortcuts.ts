/**
 * Every keyboard shortcut the story page answers, grouped as the help (Ctrl+/) lists them. The
 * formatting ones are the toolbar's own (TOOLBAR_COMMANDS), so the help and the buttons' hints agree.
 */
import { TOOLBAR_COMMANDS } from './toolbarCommands';

type Shortcut = { action: string; keys: string[] };
export type ShortcutGroup = { title: string; shortcuts: Shortcut[] };

/** Opens the shortcut help, in aria-keyshortcuts syntax. */
export const HELP_SHORTCUT = 'Mod+/';

export const SHORTCUT_GROUPS: ShortcutGroup[] = [
  {
    title: 'Formatting (Body)',
    shortcuts: TOOLBAR_COMMANDS.flatMap(({ label, shortcut }) => (shortcut ? [{ action: label, keys: [shortcut] }] : [])),
  },
  {
    title: 'Editing',
    shortcuts: [
      { action: 'Undo your last change', keys: ['Mod+Z'] },
      { action: 'Redo', keys: ['Mod+Shift+Z', 'Mod+Y'] },
      { action: 'Line break within a paragraph (Body)', keys: ['Shift+Enter'] },
      { action: 'Next field (Headline, Standfirst, Byline)', keys: ['Enter'] },
      { action: 'Select all in the field', keys: ['Mod+A'] },
      { action: 'Paste as plain text (no formatting, no pictures)', keys: ['Mod+Shift+V'] },
    ],
  },
  {
    title: 'Help',
    shortcuts: [
      { action: 'Show keyboard shortcuts', keys: [HELP_SHORTCUT] },
      { action: 'Close this list', keys: ['Escape'] },
    ],
  },
];

/** Whether a key press is the help shortcut: Ctrl+/ (⌘/ on Apple), on any layout that has a slash key. */
export function isHelpShortcut(event: KeyboardEvent): boolean {
  return (event.ctrlKey || event.metaKey) && !event.altKey && (event.key === '/' || event.code === 'Slash');
}
