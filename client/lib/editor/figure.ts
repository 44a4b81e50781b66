/**
 * The Body's picture (shared/figures.ts): a leaf block whose words (alt text,
 * caption, credit) and layout are attributes, so they sync like any other
 * change to the document. Its node view is plain DOM: the picture (or, while
 * its upload runs, a placeholder with the uploader's progress or name) and the
 * form that edits it. Edits to a picture are never suggestions: adding one is
 * refused while suggesting (see PictureDrop), and its words are edited
 * directly, like a link's address.
 */
import { Node, type Editor } from '@tiptap/core';
import type { Node as PMNode } from '@tiptap/pm/model';
import { NodeSelection, Plugin, PluginKey, TextSelection } from '@tiptap/pm/state';
import type { EditorView, NodeView } from '@tiptap/pm/view';
import { suggestChangesKey } from '@handlewithcare/prosemirror-suggest-changes';
import {
  EMPTY_FIGURE,
  FIGURE_LAYOUT_LABELS,
  FIGURE_LAYOUTS,
  FIGURE_NODE,
  imageSide,
  isMediaId,
  type FigureAttrs,
} from '../../../shared/figures';
import { MEDIA_LIMITS, mediaUrl } from '../../../shared/media';

/** What a figure's view needs from the story: the uploads under way on this device. */
export type FigureUploadState = {
  /** Percent sent of this device's upload `id`, or null when it is not this device's. */
  progress(id: string): number | null;
  /** Called with the upload's id whenever its progress changes; returns the unsubscribe. */
  onProgress(listener: (id: string) => void): () => void;
  /** A picture's words as given here: what the media library offers at its next use. */
  remember(media: string, word: 'alt' | 'caption' | 'credit', value: string): void;
};

type TextKey = 'alt' | 'caption' | 'credit';
const TEXT_FIELDS: ReadonlyArray<{ key: TextKey; label: string; max: number; hint?: string }> = [
  { key: 'alt', label: 'Alt text', max: MEDIA_LIMITS.altMaxChars, hint: 'What the picture shows, for people who cannot see it' },
  { key: 'caption', label: 'Caption', max: MEDIA_LIMITS.captionMaxChars },
  { key: 'credit', label: 'Credit', max: MEDIA_LIMITS.creditMaxChars },
];

/** How long typing in a picture's field waits before it is written to the story (every keystroke would be a write). */
const TYPING_PAUSE_MS = 350;

/** A transaction on a picture: applied as it is even in Suggesting mode. */
export function pictureEdit<T extends { setMeta(key: unknown, value: unknown): T }>(tr: T): T {
  return tr.setMeta(suggestChangesKey, { skip: true });
}

export const Figure = Node.create<{ uploads: FigureUploadState | null }>({
  name: FIGURE_NODE,
  group: 'block',
  atom: true,
  draggable: true,
  selectable: true,

  addOptions() {
    return { uploads: null };
  },

  addAttributes() {
    const attr = (name: keyof FigureAttrs) => ({
      default: EMPTY_FIGURE[name],
      parseHTML: (element: HTMLElement) => {
        const value = element.dataset[name];
        if (value === undefined) return EMPTY_FIGURE[name];
        return name === 'width' || name === 'height' ? imageSide(value) : value;
      },
      renderHTML: () => ({}),
    });
    return Object.fromEntries((Object.keys(EMPTY_FIGURE) as Array<keyof FigureAttrs>).map((name) => [name, attr(name)]));
  },

  /**
   * Copied within Galley, a picture pastes as itself (an upload under way does not travel); a picture
   * pasted with its bytes arrives as a placeholder made for this paste (PasteReport).
   */
  parseHTML() {
    return [{ tag: 'figure[data-media]' }, { tag: 'figure[data-upload]' }];
  },

  renderHTML({ node }) {
    const attrs = node.attrs as FigureAttrs;
    if (!isMediaId(attrs.media)) return ['p', {}];
    const data = Object.fromEntries(
      (['media', 'width', 'height', 'alt', 'caption', 'credit', 'layout'] as const).map((key) => [`data-${key}`, String(attrs[key] ?? '')]),
    );
    return ['figure', data, ['img', { src: mediaUrl(attrs.media, '640.jpeg'), alt: attrs.alt }], ['figcaption', {}, attrs.caption]];
  },

  addNodeView() {
    const uploads = this.options.uploads;
    return ({ node, editor, getPos }) => new FigureView(node, editor, getPos, uploads);
  },

  addProseMirrorPlugins() {
    return [new Plugin({ key: new PluginKey('figureTyping'), props: { handleTextInput: typeAfterSelectedFigure } })];
  },
});

/**
 * Typing with a picture selected starts a paragraph after it instead of replacing it: a click selects a
 * picture, often someone else's or their upload still under way, and a keystroke must not delete it
 * (Delete and Backspace still do, on purpose).
 */
function typeAfterSelectedFigure(view: EditorView, _from: number, _to: number, text: string): boolean {
  const { selection, schema } = view.state;
  if (!(selection instanceof NodeSelection) || selection.node.type.name !== FIGURE_NODE) return false;
  const tr = view.state.tr.insert(selection.to, schema.nodes.paragraph.create(null, schema.text(text)));
  tr.setSelection(TextSelection.create(tr.doc, selection.to + 1 + text.length));
  view.dispatch(tr.scrollIntoView());
  return true;
}

class FigureView implements NodeView {
  readonly dom: HTMLElement;
  #node: PMNode;
  readonly #editor: Editor;
  readonly #getPos: () => number | undefined;
  readonly #uploads: FigureUploadState | null;
  readonly #frame: HTMLElement;
  readonly #inputs = new Map<TextKey, HTMLInputElement>();
  readonly #layouts = new Map<string, HTMLInputElement>();
  readonly #timers = new Map<TextKey, ReturnType<typeof setTimeout>>();
  readonly #offProgress: () => void;

  constructor(node: PMNode, editor: Editor, getPos: () => number | undefined, uploads: FigureUploadState | null) {
    this.#node = node;
    this.#editor = editor;
    this.#getPos = getPos;
    this.#uploads = uploads;
    this.dom = document.createElement('figure');
    this.dom.className = 'figure-block';
    this.dom.contentEditable = 'false';
    this.dom.setAttribute('role', 'group');
    this.#frame = document.createElement('div');
    this.#frame.className = 'figure-block__frame';
    this.dom.append(this.#frame, this.#form());
    this.#offProgress = uploads?.onProgress((id) => id === this.#attrs.upload && this.#drawFrame()) ?? (() => {});
    this.#draw();
  }

  get #attrs(): FigureAttrs {
    return this.#node.attrs as FigureAttrs;
  }

  #form(): HTMLElement {
    const form = document.createElement('div');
    form.className = 'figure-block__fields';
    const uid = Math.random().toString(36).slice(2, 10);
    for (const { key, label, max, hint } of TEXT_FIELDS) {
      const wrapper = document.createElement('div');
      wrapper.className = `figure-block__field figure-block__field--${key}`;
      const input = document.createElement('input');
      input.id = `figure-${uid}-${key}`;
      input.type = 'text';
      input.maxLength = max;
      input.autocomplete = 'off';
      const labelEl = document.createElement('label');
      labelEl.htmlFor = input.id;
      labelEl.textContent = label;
      wrapper.append(labelEl, input);
      if (hint) {
        const hintEl = document.createElement('span');
        hintEl.className = 'figure-block__hint';
        hintEl.id = `${input.id}-hint`;
        hintEl.textContent = hint;
        input.setAttribute('aria-describedby', hintEl.id);
        wrapper.append(hintEl);
      }
      input.addEventListener('input', () => this.#typed(key));
      input.addEventListener('change', () => this.#write(key));
      this.#inputs.set(key, input);
      form.append(wrapper);
    }
    form.append(this.#layoutChoice(uid), this.#removeButton());
    return form;
  }

  #layoutChoice(uid: string): HTMLElement {
    const group = document.createElement('fieldset');
    group.className = 'figure-block__layout';
    const legend = document.createElement('legend');
    legend.textContent = 'Layout';
    group.append(legend);
    for (const layout of FIGURE_LAYOUTS) {
      const label = document.createElement('label');
      const radio = document.createElement('input');
      radio.type = 'radio';
      radio.name = `figure-${uid}-layout`;
      radio.value = layout;
      radio.addEventListener('change', () => radio.checked && this.#set({ layout }));
      this.#layouts.set(layout, radio);
      label.append(radio, ` ${FIGURE_LAYOUT_LABELS[layout]}`);
      group.append(label);
    }
    return group;
  }

  #removeButton(): HTMLElement {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'button button--small button--quiet figure-block__remove';
    button.textContent = 'Remove picture';
    button.addEventListener('click', () => {
      const pos = this.#getPos();
      if (pos === undefined) return;
      this.#editor.view.dispatch(pictureEdit(this.#editor.state.tr.delete(pos, pos + this.#node.nodeSize)));
      this.#editor.commands.focus();
    });
    return button;
  }

  #typed(key: TextKey): void {
    clearTimeout(this.#timers.get(key));
    this.#timers.set(
      key,
      setTimeout(() => this.#write(key), TYPING_PAUSE_MS),
    );
  }

  #write(key: TextKey): void {
    clearTimeout(this.#timers.get(key));
    this.#timers.delete(key);
    const value = this.#inputs.get(key)?.value ?? '';
    if (value === this.#attrs[key]) return;
    this.#set({ [key]: value });
    if (this.#attrs.media) this.#uploads?.remember(this.#attrs.media, key, value);
  }

  #set(change: Partial<FigureAttrs>): void {
    const pos = this.#getPos();
    if (pos === undefined || !this.#editor.isEditable) return;
    const { tr } = this.#editor.state;
    this.#editor.view.dispatch(pictureEdit(tr.setNodeMarkup(pos, undefined, { ...this.#attrs, ...change })));
  }

  update(node: PMNode): boolean {
    if (node.type !== this.#node.type) return false;
    this.#node = node;
    this.#draw();
    return true;
  }

  #draw(): void {
    const attrs = this.#attrs;
    this.dom.className = `figure-block figure-block--${attrs.layout}`;
    this.dom.setAttribute('aria-label', attrs.media ? `Picture: ${attrs.alt || 'no alt text yet'}` : 'Picture being uploaded');
    this.#drawFrame();
    const editable = this.#editor.isEditable;
    for (const [key, input] of this.#inputs) {
      // Someone else's change shows at once, except in the field this person is typing in.
      if (document.activeElement !== input && !this.#timers.has(key)) input.value = attrs[key];
      input.readOnly = !editable;
    }
    for (const [layout, radio] of this.#layouts) {
      radio.checked = layout === attrs.layout;
      radio.disabled = !editable;
    }
  }

  #drawFrame(): void {
    const attrs = this.#attrs;
    // Any Yjs client can write any attribute: only a media id ever becomes an address.
    if (isMediaId(attrs.media)) {
      const img = this.#frame.querySelector('img') ?? document.createElement('img');
      const src = mediaUrl(attrs.media, '960.jpeg');
      if (img.getAttribute('src') !== src) img.src = src;
      // In the editor a picture without alt text still has a name: saying it lacks one is the point.
      img.alt = attrs.alt || 'Picture without alt text';
      if (attrs.width && attrs.height) {
        img.width = attrs.width;
        img.height = attrs.height;
      }
      if (!img.isConnected) this.#frame.replaceChildren(img);
      return;
    }
    const placeholder = document.createElement('p');
    placeholder.className = 'figure-block__placeholder';
    placeholder.setAttribute('role', 'status');
    const progress = attrs.upload ? (this.#uploads?.progress(attrs.upload) ?? null) : null;
    placeholder.textContent =
      progress !== null ? `Uploading the picture… ${progress} %` : `${attrs.uploadBy ?? 'Someone'} is adding a picture…`;
    if (progress !== null) {
      const bar = document.createElement('progress');
      bar.max = 100;
      bar.value = progress;
      bar.setAttribute('aria-label', 'Upload progress');
      placeholder.append(bar);
    }
    this.#frame.replaceChildren(placeholder);
  }

  /** The form's own events stay the form's: ProseMirror must not treat typing in it as editing the text. */
  stopEvent(event: Event): boolean {
    const target = event.target as HTMLElement | null;
    return !!target?.closest('input, button, label, fieldset, .figure-block__fields');
  }

  ignoreMutation(): boolean {
    return true;
  }

  destroy(): void {
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#offProgress();
  }
}
