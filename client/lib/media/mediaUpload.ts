/**
 * Uploads one image to the media library (POST /api/media). XMLHttpRequest rather than fetch: only it
 * reports how much of the body has been sent, and a 20 MB photo on a newsroom's Wi-Fi takes a while.
 */
import type { MediaUploadResult } from '../../../shared/media';
import { networkError, refusal } from '../api';

/**
 * Sends `file` as the multipart part `file`. `onProgress` gets the share of the bytes sent, 0 to 1; at 1 the
 * server is still checking and re-encoding the image. Resolves with the library's record (`existing` when
 * the same bytes were uploaded before); rejects with an ApiError carrying the server's message when it
 * refuses the file, or with the signal's reason when aborted.
 */
export function uploadMedia(file: File, onProgress: (sent: number) => void, signal?: AbortSignal): Promise<MediaUploadResult> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const xhr = new XMLHttpRequest();
    const abort = () => xhr.abort();
    const settle = () => signal?.removeEventListener('abort', abort);
    xhr.open('POST', '/api/media');
    xhr.setRequestHeader('accept', 'application/json');
    xhr.upload.addEventListener('progress', (event) => {
      if (event.lengthComputable && event.total > 0) onProgress(Math.min(1, event.loaded / event.total));
    });
    xhr.upload.addEventListener('load', () => onProgress(1));
    xhr.addEventListener('load', () => {
      settle();
      const payload = parse(xhr.responseText);
      if (xhr.status >= 200 && xhr.status < 300 && payload) resolve(payload as MediaUploadResult);
      else reject(refusal(xhr.status, payload));
    });
    xhr.addEventListener('error', () => {
      settle();
      reject(networkError());
    });
    xhr.addEventListener('abort', () => {
      settle();
      reject(signal?.reason ?? new DOMException('The upload was cancelled.', 'AbortError'));
    });
    signal?.addEventListener('abort', abort, { once: true });
    const form = new FormData();
    form.append('file', file);
    xhr.send(form);
  });
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
