/**
 * A Tiptap editor for one story field, bound to that field's Y.XmlFragment.
 * It is editable exactly while the session says we may edit, and follows the
 * server's word live (`story:access`: an admin can make us a viewer, and back,
 * while the story is open). The Editor itself stays a plain object; reads
 * such as `isActive('bold')` or `characters` are reactive through
 * createSubscriber, re-read after every editor transaction while something on
 * screen uses them.
 */
import { Editor } from '@tiptap/core';
import Collaboration from '@tiptap/extension-collaboration';
import CollaborationCaret from '@tiptap/extension-collaboration-caret';
import { ObservableV2 } from 'lib0/observable';
import { untrack } from 'svelte';
import { createSubscriber } from 'svelte/reactivity';
import type { CopiedText } from '../../../shared/provenanceClaim';
import type { AwarenessUser } from '../../../shared/protocol';
import { countWords, FIELD_LABELS, type StoryField } from '../../../shared/story';
import { batched } from '../batched';
import type { SocketIOProvider } from '../sync/SocketIOProvider';
import { Attribution, attributionKey, type AttributionState } from './attribution';
import { caretLabels, renderCaret, renderSelection } from './carets';
import { CommentHighlights, type CommentHighlightState } from './commentHighlights';
import { LinkShortcut } from './links';
import { FIGURE_NODE } from '../../../shared/figures';
import type { MediaSummary } from '../../../shared/media';
import { pictureEdit, type FigureUploadState } from './figure';
import { PasteReport } from './pasteReport';
import { besideSelectedNode, insertPictures, PictureDrop, type PictureIntake } from './pictureDrop';
import { fieldExtensions, FIELD_SPECS } from './fields';
import { StoryUndo } from './StoryUndo';
import { Suggesting, type SuggestingState } from './suggestions';

/** What a field's editor needs from the open story (StorySession). */
export type FieldSession = {
  readonly provider: SocketIOProvider;
  /** How this client appears to others. */
  readonly me: AwarenessUser;
  /** The server's word (or, until it answers, the account's role). */
  readonly canEdit: boolean;
  enterField(field: StoryField): void;
  leaveField(field: StoryField): void;
  /** An awareness `user` with its colour in this story (carets). */
  inStoryColors<T extends { id?: unknown; color?: unknown }>(user: T): T;
  /** Text an undo or redo wrote again copies earlier text: told to the server (see StorySession.claimCopies). */
  claimCopies(copies: readonly CopiedText[]): void;
};

/** What every field's editor shares: the story, and the views and modes that span its fields. */
export type StoryEditorsOptions = {
  session: FieldSession;
  /** "Who wrote this?": the attribution view's state. */
  authors: AttributionState;
  /** Suggesting mode and the suggesters' colours. */
  suggesting: SuggestingState;
  /** The story's comment threads: highlighted in each field, started from its selection. */
  comments: CommentHighlightState;
  /** Pictures added to the Body on this device: their uploads, and how new ones are taken in. */
  pictures: PictureIntake & FigureUploadState;
};

export type LiveEditorOptions = StoryEditorsOptions & {
  field: StoryField;
  /** The story's undo history, shared by every field (see StoryUndo). */
  undo: StoryUndo;
  /** Enter in a one-paragraph field. */
  onEnter: () => void;
};

type LiveEditorEvents = {
  /** After any editor transaction, once per burst: what reactive reads follow. */
  transaction: () => void;
  /** The field's content changed, locally or remotely. */
  update: () => void;
  /** Ctrl+K in a field that has links: the toolbar opens its link form. */
  link: () => void;
};

export class LiveEditor {
  readonly field: StoryField;
  /** What the last paste could not keep, said under the field until dismissed or the next paste. */
  pasteNotice = $state<string | null>(null);
  #options: LiveEditorOptions;
  #editor: Editor | null = null;
  #editable = false;
  /** What explains this field (its error message), and whether it is invalid: kept on the textbox. */
  #description: { describedBy: string | null; invalid: boolean } = { describedBy: null, invalid: false };
  readonly #events = new ObservableV2<LiveEditorEvents>();
  #subscribe = createSubscriber((update) => {
    this.#events.on('transaction', update);
    return () => this.#events.off('transaction', update);
  });

  constructor(options: LiveEditorOptions) {
    this.#options = options;
    this.field = options.field;
  }

  /**
   * Svelte attachment: mounts the editor into `element` and destroys it with
   * the element. Nothing reactive is read here, so it runs exactly once.
   */
  attach = (element: HTMLElement): (() => void) => untrack(() => this.#mount(element));

  #mount(element: HTMLElement): () => void {
    const { session, field, undo, authors, suggesting, comments, pictures, onEnter } = this.#options;
    const report = (message: string | null) => (this.pasteNotice = message);
    this.#editable = session.canEdit;
    const editor = new Editor({
      element,
      editable: this.#editable,
      // Our stylesheet styles the editor; Tiptap's injected CSS would fight it.
      injectCSS: false,
      extensions: [
        ...fieldExtensions(field, { onEnter, uploads: pictures }),
        Collaboration.configure({ document: session.provider.doc, field, yUndoOptions: { undoManager: undo.manager } }),
        CollaborationCaret.configure({
          provider: session.provider,
          user: session.me,
          // In the person's colour in this story (StorySession.colorOf), not the one their awareness carries.
          render: (user) => renderCaret(session.inStoryColors(user)),
          selectionRender: (user) => renderSelection(session.inStoryColors(user)),
        }),
        Attribution.configure({ authors, fragment: session.provider.doc.getXmlFragment(field), field }),
        Suggesting.configure({ state: suggesting, field }),
        CommentHighlights.configure({ comments, field }),
        LinkShortcut.configure({ request: () => this.#events.emit('link', []) }),
        // Only the Body takes documents pasted whole, and pictures (the one-line fields keep text alone).
        ...(field === 'body'
          ? [PasteReport.configure({ report, intake: pictures }), PictureDrop.configure({ intake: pictures, report })]
          : []),
      ],
      editorProps: {
        attributes: {
          role: 'textbox',
          'aria-label': FIELD_LABELS[field],
          'aria-multiline': String(FIELD_SPECS[field].multiline),
          class: `field-editor field-editor--${field}`,
          spellcheck: 'true',
        },
      },
      onFocus: () => {
        undo.enterField(field);
        session.enterField(field);
      },
      onBlur: () => session.leaveField(field),
      onUpdate: () => this.#events.emit('update', []),
    });
    const overlay = document.createElement('div');
    overlay.className = 'collaboration-carets__overlay';
    overlay.setAttribute('aria-hidden', 'true');
    element.append(overlay);
    const labels = caretLabels(editor.view.dom, overlay);
    const changed = () => {
      labels.update();
      this.#notify();
    };
    editor.on('transaction', changed);
    this.#editor = editor;
    this.#markReadOnly();
    this.#markDescription();
    changed();
    // Not from inside whatever the provider is doing when it reports (a sync, an ack): just after.
    const followAccess = batched(() => {
      if (this.#editor === editor) this.#setEditable(session.canEdit);
    });
    const offAccess = session.provider.on('change', followAccess);
    const offAuthors = authors.onChange(() => editor.view.dispatch(editor.state.tr.setMeta(attributionKey, true)));
    return () => {
      offAccess();
      offAuthors();
      editor.off('transaction', changed);
      labels.destroy();
      overlay.remove();
      this.#editor = null;
      editor.destroy();
      this.#notify();
    };
  }

  #notify = batched(() => this.#events.emit('transaction', []));

  /** Ctrl+K (⌘K) pressed in this field, if it has links; returns the unsubscribe. */
  onLinkRequest(listener: () => void): () => void {
    this.#events.on('link', listener);
    return () => this.#events.off('link', listener);
  }

  /** Any change to the field's content, local or remote; returns the unsubscribe. */
  onUpdate(listener: () => void): () => void {
    this.#events.on('update', listener);
    return () => this.#events.off('update', listener);
  }

  get ready(): boolean {
    this.#subscribe();
    return this.#editor !== null;
  }

  /** Viewers read; everyone else writes. */
  #setEditable(editable: boolean): void {
    this.#editable = editable;
    if (this.#editor && this.#editor.isEditable !== editable) this.#editor.setEditable(editable, false);
    this.#markReadOnly();
  }

  /** Screen readers announce a read-only textbox as such, not as one that ignores typing. */
  #markReadOnly(): void {
    this.#editor?.view.dom.setAttribute('aria-readonly', String(!this.#editable));
  }

  /**
   * Points the textbox at the message that explains it (aria-describedby) and
   * marks it invalid, so a screen reader reads the problem with the field.
   */
  describe(describedBy: string | null, invalid: boolean): void {
    this.#description = { describedBy, invalid };
    this.#markDescription();
  }

  #markDescription(): void {
    const dom = this.#editor?.view.dom;
    if (!dom) return;
    const { describedBy, invalid } = this.#description;
    if (describedBy) dom.setAttribute('aria-describedby', describedBy);
    else dom.removeAttribute('aria-describedby');
    if (invalid) dom.setAttribute('aria-invalid', 'true');
    else dom.removeAttribute('aria-invalid');
  }

  isActive(name: string, attributes?: Record<string, unknown>): boolean {
    this.#subscribe();
    return this.#editor?.isActive(name, attributes ?? {}) ?? false;
  }

  /** Characters as the publisher counts them: runs of whitespace count once. */
  get characters(): number {
    this.#subscribe();
    return (this.#editor?.state.doc.textContent ?? '').replace(/\s+/g, ' ').trim().length;
  }

  /** The field's plain text, blocks on lines of their own: what the publication checks read. */
  get text(): string {
    this.#subscribe();
    return this.#editor?.getText({ blockSeparator: '\n' }) ?? '';
  }

  get words(): number {
    this.#subscribe();
    return countWords(this.#editor?.getText({ blockSeparator: '\n' }) ?? '');
  }

  /** Focuses the field where its selection already is (after an undo put it there). */
  reveal(): void {
    this.#editor?.view.focus();
  }

  focus(position: 'start' | 'end' = 'end'): void {
    const editor = this.#editor;
    if (!editor) return;
    editor.commands.focus(position);
    // Tiptap focuses on the next frame; focus now so the very next keystroke lands here.
    editor.view.focus();
  }

  /** Adds pictures at the selection (the toolbar's Add picture); what could not be added is said under the field. */
  addPictures(files: readonly File[]): void {
    const editor = this.#editor;
    if (!editor) return;
    this.pasteNotice = insertPictures(editor.view, files, null, this.#options.pictures);
  }

  /** Adds a picture from the media library at the selection, its words from its last use. */
  addFromLibrary(media: MediaSummary): void {
    const editor = this.#editor;
    if (!editor) return;
    const refusal = this.#options.pictures.refusal();
    this.pasteNotice = refusal;
    if (refusal) return;
    const { id, width, height, alt, caption, credit } = media;
    const figure = editor.schema.nodes[FIGURE_NODE].create({ media: id, width, height, alt, caption, credit });
    const { tr } = editor.state;
    const beside = besideSelectedNode(editor.state);
    if (beside === null) tr.replaceSelectionWith(figure);
    else tr.insert(beside, figure);
    editor.view.dispatch(pictureEdit(tr.scrollIntoView()));
    editor.commands.focus();
  }

  /** Runs a command against the live editor (toolbar buttons). */
  command(run: (editor: Editor) => void): void {
    if (this.#editor) run(this.#editor);
  }
}

/** One editor per field, with one undo history across them; Enter in a one-line field moves on to the next. */
export function createStoryEditors(options: StoryEditorsOptions): Record<StoryField, LiveEditor> {
  const order: StoryField[] = ['headline', 'standfirst', 'byline', 'body'];
  const editors = {} as Record<StoryField, LiveEditor>;
  const { session } = options;
  const undo = new StoryUndo(session.provider.doc, {
    reveal: (field) => editors[field].reveal(),
    claimCopies: (copies) => session.claimCopies(copies),
  });
  order.forEach((field, index) => {
    editors[field] = new LiveEditor({
      ...options,
      field,
      undo,
      // Long-form body: start at the top; one-line fields: carry on where the text ends.
      onEnter: () => {
        const next = order[index + 1] ?? field;
        editors[next].focus(next === 'body' ? 'start' : 'end');
      },
    });
  });
  return editors;
}
