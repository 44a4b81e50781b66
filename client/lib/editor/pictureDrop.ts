/**
 * Pictures into the Body: dropped, pasted as files (a screenshot, "Copy
 * image"), or picked from the toolbar. Each becomes a placeholder figure where
 * it was put, at once and for everyone; its upload runs on this device
 * (PictureUploads) and the placeholder becomes the picture when it is done.
 */
import { Extension } from '@tiptap/core';
import { NodeSelection, Plugin, PluginKey, type EditorState } from '@tiptap/pm/state';
import type { EditorView } from '@tiptap/pm/view';
import { FIGURE_NODE } from '../../../shared/figures';
import { pictureEdit } from './figure';

/** What adding pictures needs from the story. */
export type PictureIntake = {
  /** Why pictures cannot be added now (a viewer, Suggesting mode), or null. */
  refusal(): string | null;
  newId(): string;
  /** Uploads `file` into the placeholder carrying `id`. */
  upload(id: string, file: File): void;
  /** The uploader's name, shown to the others on the placeholder. */
  readonly uploaderName: string;
};

const pictureDropKey = new PluginKey('pictureDrop');

export function isPicture(file: File): boolean {
  return file.type.startsWith('image/');
}

/**
 * Inserts a placeholder per picture at `pos` (the selection when null) and starts their uploads.
 * Returns what to tell the person: files that are not pictures, or why nothing was added.
 */
export function insertPictures(view: EditorView, files: readonly File[], pos: number | null, intake: PictureIntake): string | null {
  const pictures = files.filter(isPicture);
  const others = files.filter((file) => !isPicture(file));
  const refusal = pictures.length > 0 ? intake.refusal() : null;
  if (refusal) return refusal;
  if (pictures.length > 0) {
    pos ??= besideSelectedNode(view.state);
    const type = view.state.schema.nodes[FIGURE_NODE];
    const uploads = pictures.map((file) => ({ id: intake.newId(), file }));
    const nodes = uploads.map(({ id }) => type.create({ upload: id, uploadBy: intake.uploaderName }));
    const { tr } = view.state;
    if (pos === null) tr.replaceSelectionWith(nodes[0]);
    else tr.insert(pos, nodes[0]);
    // The rest follow the first, in the order they were given.
    let after = tr.mapping.map(pos ?? view.state.selection.from);
    for (const node of nodes.slice(1)) {
      after = Math.min(findAfter(tr.doc, after), tr.doc.content.size);
      tr.insert(after, node);
    }
    view.dispatch(pictureEdit(tr.scrollIntoView()));
    for (const { id, file } of uploads) intake.upload(id, file);
  }
  if (others.length === 0) return null;
  const names = others.map((file) => `“${file.name}”`).join(', ');
  return `${names} ${others.length === 1 ? 'is not a picture' : 'are not pictures'}: only pictures (JPEG, PNG, WebP, GIF, AVIF) can be added.`;
}

/** A selected picture is kept: new ones go after it instead of replacing it. */
export function besideSelectedNode(state: EditorState): number | null {
  return state.selection instanceof NodeSelection ? state.selection.to : null;
}

/** The end of the block that starts at or contains `pos`: where the next picture goes. */
function findAfter(doc: EditorView['state']['doc'], pos: number): number {
  const $pos = doc.resolve(Math.min(pos, doc.content.size));
  return $pos.depth === 0 ? pos + (doc.nodeAt(pos)?.nodeSize ?? 0) : $pos.after(1);
}

/** Drop and paste of picture files into the Body. `report` says what could not be added. */
export const PictureDrop = Extension.create<{ intake: PictureIntake | null; report: (message: string | null) => void }>({
  name: 'pictureDrop',

  addOptions() {
    return { intake: null, report: () => undefined };
  },

  addProseMirrorPlugins() {
    const { intake, report } = this.options;
    if (!intake) return [];
    return [
      new Plugin({
        key: pictureDropKey,
        props: {
          handleDrop: (view, event, _slice, moved) => {
            const files = [...(event.dataTransfer?.files ?? [])];
            if (moved || files.length === 0) return false;
            event.preventDefault();
            const at = view.posAtCoords({ left: event.clientX, top: event.clientY });
            const pos = at ? blockBoundary(view, at.pos) : null;
            report(insertPictures(view, files, pos, intake));
            return true;
          },
          handlePaste: (view, event) => {
            const files = [...(event.clipboardData?.files ?? [])];
            // A copied picture often comes with HTML that only points at it: the file is what was meant.
            if (files.length === 0 || hasText(event.clipboardData?.getData('text/html') ?? '')) return false;
            report(insertPictures(view, files, null, intake));
            return true;
          },
        },
      }),
    ];
  },
});

/** A dropped picture goes between blocks, before the block it was dropped on. */
function blockBoundary(view: EditorView, pos: number): number {
  const $pos = view.state.doc.resolve(pos);
  return $pos.depth === 0 ? pos : $pos.before(1);
}

function hasText(html: string): boolean {
  if (!html) return false;
  return (new DOMParser().parseFromString(html, 'text/html').body.textContent ?? '').trim() !== '';
}
