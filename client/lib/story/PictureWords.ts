/**
 * "Credits default from the last use": the alt text, caption and credit a
 * picture is given in a story become the ones the media library offers the
 * next time it is used. Sent once typing pauses; a failure only means the
 * library offers older words, so it is not reported.
 */
import type { MediaDetailsBody } from '../../../shared/media';
import { mediaApi } from '../media/mediaApi';

export type PictureWord = 'alt' | 'caption' | 'credit';

const PAUSE_MS = 1_500;

export class PictureWords {
  readonly #pending = new Map<string, { words: MediaDetailsBody; timer: ReturnType<typeof setTimeout> }>();

  remember(media: string, word: PictureWord, value: string): void {
    const pending = this.#pending.get(media);
    if (pending) clearTimeout(pending.timer);
    const words = { ...pending?.words, [word]: value.trim() };
    this.#pending.set(media, { words, timer: setTimeout(() => this.#send(media), PAUSE_MS) });
  }

  #send(media: string): void {
    const pending = this.#pending.get(media);
    this.#pending.delete(media);
    if (pending) void mediaApi.update(media, pending.words).catch(() => undefined);
  }

  /** Sends what is waiting now (the story is being closed). */
  destroy(): void {
    for (const [media, pending] of [...this.#pending]) {
      clearTimeout(pending.timer);
      this.#send(media);
    }
  }
}
