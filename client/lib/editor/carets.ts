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

/**
 * Keeps one label per remote caret in `overlay` (a positioned sibling of the
 * editable element), placed just above the caret. Call `update()` after every
 * editor transaction; returns the teardown.
 */
export function caretLabels(editable: HTMLElement, overlay: HTMLElement): { update: () => void; destroy: () => void } {
  let frame = 0;
  const draw = () => {
    frame = 0;
    const carets = [...editable.querySelectorAll<HTMLElement>('.collaboration-carets__caret')];
    const origin = overlay.getBoundingClientRect();
    const labels = overlay.children;
    carets.forEach((caret, index) => {
      let label = labels[index] as HTMLElement | undefined;
      if (!label) {
        label = document.createElement('span');
        label.className = 'collaboration-carets__label';
        overlay.append(label);
      }
      const rect = caret.getBoundingClientRect();
      label.textContent = caret.dataset.name ?? '';
      label.style.backgroundColor = caret.dataset.color ?? '';
      label.style.left = `${rect.left - origin.left}px`;
      label.style.top = `${rect.top - origin.top}px`;
    });
    while (labels.length > carets.length) labels[labels.length - 1].remove();
  };
  const update = () => {
    if (!frame) frame = requestAnimationFrame(draw);
  };
  const resizes = new ResizeObserver(update);
  resizes.observe(editable);
  return {
    update,
    destroy: () => {
      cancelAnimationFrame(frame);
      resizes.disconnect();
      overlay.replaceChildren();
    },
  };
}
