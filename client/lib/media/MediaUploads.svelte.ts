/**
 * Pictures being uploaded to the library, each with its progress and outcome. Two at a time: the server
 * buffers four uploads per process and refuses more (429), and the rest of the newsroom uploads too.
 */
import type { MediaUploadResult } from '../../../shared/media';
import { errorMessage } from '../api';
import { uploadMedia } from './mediaUpload';

const AT_ONCE = 2;

type UploadState = 'waiting' | 'sending' | 'processing' | 'done' | 'failed';

export type MediaUploadItem = {
  key: number;
  name: string;
  state: UploadState;
  /** Share of the bytes sent, 0 to 1. */
  sent: number;
  /** Why it failed, in the server's words. */
  error: string | null;
  result: MediaUploadResult | null;
};

export class MediaUploads {
  items = $state<MediaUploadItem[]>([]);
  #files = new Map<number, File>();
  #running = 0;
  #nextKey = 0;
  #abort = new AbortController();
  #onUploaded: (result: MediaUploadResult) => void;

  constructor(onUploaded: (result: MediaUploadResult) => void) {
    this.#onUploaded = onUploaded;
  }

  /** Queues the files, in the order given. */
  add(files: Iterable<File>): void {
    for (const file of files) {
      const key = this.#nextKey++;
      this.#files.set(key, file);
      this.items.push({ key, name: file.name, state: 'waiting', sent: 0, error: null, result: null });
    }
    this.#pump();
  }

  /** Cancels what is still sending: the page was left. */
  destroy(): void {
    this.#abort.abort();
  }

  #pump(): void {
    while (this.#running < AT_ONCE) {
      const item = this.items.find((candidate) => candidate.state === 'waiting');
      if (!item) return;
      void this.#send(item);
    }
  }

  async #send(item: MediaUploadItem): Promise<void> {
    const file = this.#files.get(item.key);
    this.#files.delete(item.key);
    item.state = file ? 'sending' : 'failed';
    if (!file) return;
    this.#running++;
    try {
      const result = await uploadMedia(
        file,
        (sent) => {
          item.sent = sent;
          if (sent >= 1 && item.state === 'sending') item.state = 'processing';
        },
        this.#abort.signal,
      );
      item.result = result;
      item.sent = 1;
      item.state = 'done';
      this.#onUploaded(result);
    } catch (error) {
      if (this.#abort.signal.aborted) return;
      item.state = 'failed';
      item.error = errorMessage(error);
    } finally {
      this.#running--;
      if (!this.#abort.signal.aborted) this.#pump();
    }
  }
}
