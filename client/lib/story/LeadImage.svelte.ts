/**
 * The story's lead image as the page shows it (shared/figures.ts): which
 * picture, or whose upload is under way, followed live; its words are
 * Y.Text roots, bound to their inputs letter by letter (sharedTextInput).
 */
import type * as Y from 'yjs';
import { LEAD_ROOT, LEAD_TEXT_ROOTS, imageSide, isMediaId, type LeadTextKey } from '../../../shared/figures';
import type { MediaSummary } from '../../../shared/media';

export class LeadImage {
  media = $state<string | null>(null);
  width = $state<number | null>(null);
  height = $state<number | null>(null);
  /** This device's or someone else's upload under way, and who is uploading. */
  upload = $state<string | null>(null);
  uploadBy = $state<string | null>(null);
  /** The alt text as it is now: what the picture's own `alt` says. */
  alt = $state('');
  readonly #doc: Y.Doc;
  readonly #map: Y.Map<unknown>;

  constructor(doc: Y.Doc) {
    this.#doc = doc;
    this.#map = doc.getMap<unknown>(LEAD_ROOT);
    this.#map.observe(this.#read);
    this.text('alt').observe(this.#readAlt);
    this.#read();
    this.#readAlt();
  }

  #readAlt = (): void => {
    this.alt = this.text('alt').toString();
  };

  #read = (): void => {
    const media = this.#map.get('media');
    const upload = this.#map.get('upload');
    const uploadBy = this.#map.get('uploadBy');
    this.media = isMediaId(media) ? media : null;
    this.width = imageSide(this.#map.get('width'));
    this.height = imageSide(this.#map.get('height'));
    this.upload = typeof upload === 'string' ? upload : null;
    this.uploadBy = typeof uploadBy === 'string' ? uploadBy : null;
  };

  text(key: LeadTextKey): Y.Text {
    return this.#doc.getText(LEAD_TEXT_ROOTS[key]);
  }

  /** A picture from the library becomes the lead image; words nobody has typed come from its last use. */
  choose(media: MediaSummary): void {
    this.#doc.transact(() => {
      this.#map.set('media', media.id);
      this.#map.set('width', media.width);
      this.#map.set('height', media.height);
      this.#map.delete('upload');
      this.#map.delete('uploadBy');
      for (const key of Object.keys(LEAD_TEXT_ROOTS) as LeadTextKey[]) {
        const text = this.text(key);
        if (text.length === 0 && media[key]) text.insert(0, media[key]);
      }
    }, this);
  }

  /** No lead image, and none of its words. */
  remove(): void {
    this.#doc.transact(() => {
      for (const key of ['media', 'width', 'height', 'upload', 'uploadBy']) this.#map.delete(key);
      for (const key of Object.keys(LEAD_TEXT_ROOTS) as LeadTextKey[]) this.text(key).delete(0, this.text(key).length);
    }, this);
  }

  destroy(): void {
    this.#map.unobserve(this.#read);
    this.text('alt').unobserve(this.#readAlt);
  }
}
