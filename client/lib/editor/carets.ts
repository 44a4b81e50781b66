/**
 * How other people's carets look. The caret itself is a zero-width widget
 * inside the text; its name label is drawn in an overlay *next to* the
 * editable element, not inside it, so names never become part of the field's
 * text (what screen readers read, what copy and tests see) and never shift it.
 */
import type { DecorationAttrs } from '@tiptap/pm/view';
import { safeColor } from '../people';

type CaretUser = { name?: unknown; color?: unknown };

const colorOf = (user: CaretUser) => safeColor(typeof user.color === 'string' ? user.color : undefined);

export function renderCaret(user: CaretUser): HTMLElement {
  const caret = document.createElement('span');
  caret.className = 'collaboration-carets__caret';
  caret.setAttribute('aria-hidden', 'true');
  caret.style.borderColor = colorOf(user);
  caret.dataset.name = typeof user.name === 'string' ? user.name : 'Someone';
  caret.title = caret.dataset.name;
  caret.dataset.color = colorOf(user);
  return caret;
}

export function renderSelection(user: CaretUser): DecorationAttrs {
  // A light tint of the person's colour (hex + alpha).
  return { nodeName: 'span', class: 'collaboration-carets__selection', style: `background-color: ${colorOf(user)}33` };
}

/** How long a caret's name label stays after the caret last moved (Google Docs does about as long). */
const LABEL_SHOWN_MS = 2_500;

/**
 * Keeps one label per remote caret in `overlay` (a positioned sibling of the
 * editable element), placed just above the caret. A label shows while its caret
 * moves and fades out LABEL_SHOWN_MS after it stops, so it never sits over the
 * line above for long; hovering the caret shows it again. Call `update()` after
 * every editor transaction; returns the teardown.
 */
export function caretLabels(editable: HTMLElement, overlay: HTMLElement): { update: () => void; destroy: () => void } {
  let frame = 0;
  /** Where each person's caret was last drawn, whether their label has faded, and the timer that fades it. */
  const shown = new Map<string, { at: string; idle: boolean; timer?: ReturnType<typeof setTimeout> }>();
  let hovered: string | null = null;
  const showFor = (name: string) => {
    const entry = shown.get(name);
    if (!entry) return;
    clearTimeout(entry.timer);
    entry.idle = false;
    entry.timer = setTimeout(() => {
      entry.idle = true;
      update();
    }, LABEL_SHOWN_MS);
    update();
  };
  const draw = () => {
    frame = 0;
    const carets = [...editable.querySelectorAll<HTMLElement>('.collaboration-carets__caret')];
    const origin = overlay.getBoundingClientRect();
    const labels = overlay.children;
    const present = new Set<string>();
    carets.forEach((caret, index) => {
      let label = labels[index] as HTMLElement | undefined;
      if (!label) {
        label = document.createElement('span');
        label.className = 'collaboration-carets__label';
        overlay.append(label);
      }
      const name = caret.dataset.name ?? '';
      const rect = caret.getBoundingClientRect();
      const at = `${rect.left - origin.left},${rect.top - origin.top}`;
      label.textContent = name;
      label.style.backgroundColor = caret.dataset.color ?? '';
      label.style.left = `${rect.left - origin.left}px`;
      label.style.top = `${rect.top - origin.top}px`;
      present.add(name);
      let entry = shown.get(name);
      if (!entry || entry.at !== at) {
        entry ??= { at, idle: false };
        entry.at = at;
        shown.set(name, entry);
        showFor(name);
      }
      label.classList.toggle('collaboration-carets__label--idle', entry.idle && hovered !== name);
    });
    while (labels.length > carets.length) labels[labels.length - 1].remove();
    for (const [name, entry] of shown) {
      if (present.has(name)) continue;
      clearTimeout(entry.timer);
      shown.delete(name);
    }
  };
  const update = () => {
    if (!frame) frame = requestAnimationFrame(draw);
  };
  // Hovering a caret shows its name; it stays a moment after the pointer leaves (for the editable or beyond).
  const caretName = (target: EventTarget | null) =>
    (target instanceof Element ? target.closest<HTMLElement>('.collaboration-carets__caret') : null)?.dataset.name ?? null;
  const hover = (event: MouseEvent) => {
    const name = caretName(event.type === 'mouseover' ? event.target : event.relatedTarget);
    if (name === hovered) return;
    const left = hovered;
    hovered = name;
    if (left) showFor(left);
    update();
  };
  editable.addEventListener('mouseover', hover);
  editable.addEventListener('mouseout', hover);
  const resizes = new ResizeObserver(update);
  resizes.observe(editable);
  return {
    update,
    destroy: () => {
      cancelAnimationFrame(frame);
      resizes.disconnect();
      editable.removeEventListener('mouseover', hover);
      editable.removeEventListener('mouseout', hover);
      for (const entry of shown.values()) clearTimeout(entry.timer);
      overlay.replaceChildren();
    },
  };
}
