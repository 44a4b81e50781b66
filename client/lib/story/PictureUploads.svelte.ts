/**
 * Pictures this person adds to the open story. Adding one writes a
 * placeholder into the story at once (a figure in the Body, or the lead
 * image's `upload`), so everyone sees where it goes and who is adding it;
 * the bytes are kept on this device (PendingUploads) and uploaded, with the
 * progress shown to this person only; once the server has the picture, the
 * placeholder becomes the picture, its words filled from the picture's last
 * use. Offline, or when the server cannot be reached, the upload waits and
 * runs when the connection is back, also after a reload. A file the server
 * refuses takes its placeholder away and is said in words.
 */
import { ObservableV2 } from 'lib0/observable';
import * as Y from 'yjs';
import { FIGURE_NODE, LEAD_ROOT, LEAD_TEXT_ROOTS, type LeadTextKey } from '../../../shared/figures';
import type { MediaSummary } from '../../../shared/media';
import { ApiError } from '../api';
import { uploadMedia } from '../media/mediaUpload';
import type { FigureUploadState } from '../editor/figure';
import { pendingUploads, type PendingUpload, type PendingUploads, type UploadTarget } from './PendingUploads';

/** What the uploads need from the open story. */
export type UploadSession = {
  readonly storyId: string;
  readonly provider: { readonly doc: Y.Doc; readonly status: string };
  readonly me: { readonly name: string };
};

/** Waits between attempts when the server cannot be reached, longest last (then it stays there). */
const RETRY_MS = [2_000, 5_000, 15_000, 30_000, 60_000];

/** Refusals that are about the file itself: trying again cannot help. */
const REFUSED = new Set([400, 413, 415, 422]);

export class PictureUploads implements Pick<FigureUploadState, 'progress' | 'onProgress'> {
  /** Files the server refused, said under the Body or the lead image until dismissed. */
  refusals = $state<Array<{ target: UploadTarget; message: string }>>([]);
  readonly #session: UploadSession;
  readonly #store: PendingUploads;
  readonly #progress = new Map<string, number>();
  readonly #events = new ObservableV2<{ progress: (id: string) => void }>();
  readonly #running = new Set<string>();
  readonly #controller = new AbortController();
  #wake: () => void = () => {};

  constructor(session: UploadSession, store: PendingUploads = pendingUploads()) {
    this.#session = session;
    this.#store = store;
    window.addEventListener('online', this.#online);
    void this.#resume();
  }

  /** Percent sent of an upload this device is running, else null (someone else's, or not started). */
  progress(id: string): number | null {
    return this.#progress.get(id) ?? null;
  }

  onProgress(listener: (id: string) => void): () => void {
    this.#events.on('progress', listener);
    return () => this.#events.off('progress', listener);
  }

  /** A new upload's id: what the placeholder carries (figure `upload`, lead `upload`). */
  newId(): string {
    const bytes = crypto.getRandomValues(new Uint8Array(12));
    return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  }

  /** Keeps `file` for upload `id` (its placeholder is already in the story) and uploads it. */
  async add(id: string, file: File, target: UploadTarget): Promise<void> {
    const upload: PendingUpload = { id, storyId: this.#session.storyId, target, file, name: file.name, createdAt: Date.now() };
    this.#progress.set(id, 0);
    this.#events.emit('progress', [id]);
    await this.#store.put(upload).catch(() => undefined);
    void this.#run(upload);
  }

  /** Puts the lead image's placeholder in place of whatever lead image there was. */
  placeLead(id: string): void {
    const { doc } = this.#session.provider;
    doc.transact(() => {
      const lead = doc.getMap<unknown>(LEAD_ROOT);
      for (const key of ['media', 'width', 'height']) lead.delete(key);
      lead.set('upload', id);
      lead.set('uploadBy', this.#session.me.name);
    }, this);
  }

  /** Uploads kept from an earlier visit whose placeholder is still in the story; the others are forgotten. */
  async #resume(): Promise<void> {
    const kept = await this.#store.forStory(this.#session.storyId).catch(() => []);
    for (const upload of kept) {
      if (this.#placeholders(upload).length > 0 || !this.#synced()) void this.#run(upload);
      else void this.#store.remove(upload.id);
    }
  }

  #synced(): boolean {
    return this.#session.provider.status === 'connected';
  }

  async #run(upload: PendingUpload): Promise<void> {
    if (this.#running.has(upload.id)) return;
    this.#running.add(upload.id);
    try {
      for (let attempt = 0; !this.#controller.signal.aborted; attempt++) {
        try {
          const file = new File([upload.file], upload.name, { type: upload.file.type });
          const { media } = await uploadMedia(
            file,
            (sent) => {
              this.#progress.set(upload.id, Math.round(sent * 100));
              this.#events.emit('progress', [upload.id]);
            },
            this.#controller.signal,
          );
          this.#complete(upload, media);
          return;
        } catch (error) {
          if (error instanceof ApiError && REFUSED.has(error.status)) return this.#refuse(upload, error.message);
          await this.#waitToRetry(attempt);
        }
      }
    } finally {
      this.#running.delete(upload.id);
    }
  }

  /** Until the next wait is over, or the browser says it is back online. */
  #waitToRetry(attempt: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, RETRY_MS[Math.min(attempt, RETRY_MS.length - 1)]);
      const { signal } = this.#controller;
      function done() {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
      this.#wake = done;
      signal.addEventListener('abort', done);
    });
  }

  #online = (): void => this.#wake();

  #complete(upload: PendingUpload, media: MediaSummary): void {
    const { doc } = this.#session.provider;
    doc.transact(() => {
      for (const placeholder of this.#placeholders(upload)) {
        if (placeholder instanceof Y.XmlElement) fillFigure(placeholder, media);
        else fillLead(doc, placeholder, media);
      }
    }, this);
    this.#forget(upload.id);
  }

  #refuse(upload: PendingUpload, message: string): void {
    const { doc } = this.#session.provider;
    doc.transact(() => {
      for (const placeholder of this.#placeholders(upload)) {
        if (placeholder instanceof Y.XmlElement) removeChild(placeholder);
        else for (const key of ['upload', 'uploadBy']) placeholder.delete(key);
      }
    }, this);
    this.refusals = [...this.refusals, { target: upload.target, message: `“${upload.name}” was not added: ${message}` }];
    this.#forget(upload.id);
  }

  #forget(id: string): void {
    this.#progress.delete(id);
    this.#events.emit('progress', [id]);
    void this.#store.remove(id).catch(() => undefined);
  }

  /** Where upload `id` is waiting in the story: Body figures carrying it, or the lead image. */
  #placeholders(upload: PendingUpload): Array<Y.XmlElement | Y.Map<unknown>> {
    const { doc } = this.#session.provider;
    if (upload.target === 'lead') {
      const lead = doc.getMap<unknown>(LEAD_ROOT);
      return lead.get('upload') === upload.id ? [lead] : [];
    }
    return figuresWaitingFor(doc.getXmlFragment('body'), upload.id);
  }

  dismiss(index: number): void {
    this.refusals = this.refusals.filter((_, i) => i !== index);
  }

  destroy(): void {
    this.#controller.abort();
    window.removeEventListener('online', this.#online);
  }
}

function figuresWaitingFor(parent: Y.XmlFragment | Y.XmlElement, id: string, depth = 0): Y.XmlElement[] {
  if (depth > 32) return [];
  return parent.toArray().flatMap((child) => {
    if (!(child instanceof Y.XmlElement)) return [];
    if (child.nodeName === FIGURE_NODE) return child.getAttribute('upload') === id ? [child] : [];
    return figuresWaitingFor(child, id, depth + 1);
  });
}

function removeChild(el: Y.XmlElement): void {
  const parent = el.parent;
  if (!(parent instanceof Y.XmlFragment)) return;
  const index = parent.toArray().indexOf(el);
  if (index >= 0) parent.delete(index, 1);
}

/** The placeholder becomes the picture; words nobody has typed yet come from the picture's last use. */
function fillFigure(figure: Y.XmlElement, media: MediaSummary): void {
  figure.setAttribute('media', media.id);
  // Numbers, as the editor writes them (the binding stores a node's attributes as they are).
  const sides = figure as unknown as Y.XmlElement<{ width: number; height: number }>;
  sides.setAttribute('width', media.width);
  sides.setAttribute('height', media.height);
  for (const key of ['alt', 'caption', 'credit'] as const) {
    if (!figure.getAttribute(key) && media[key]) figure.setAttribute(key, media[key]);
  }
  figure.removeAttribute('upload');
  figure.removeAttribute('uploadBy');
}

function fillLead(doc: Y.Doc, lead: Y.Map<unknown>, media: MediaSummary): void {
  lead.set('media', media.id);
  lead.set('width', media.width);
  lead.set('height', media.height);
  lead.delete('upload');
  lead.delete('uploadBy');
  for (const key of Object.keys(LEAD_TEXT_ROOTS) as LeadTextKey[]) {
    const text = doc.getText(LEAD_TEXT_ROOTS[key]);
    if (text.length === 0 && media[key]) text.insert(0, media[key]);
  }
}
