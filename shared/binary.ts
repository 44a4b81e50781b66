import { GalleyError } from './errors';

/**
 * Turns a Socket.IO binary payload into a private Uint8Array. Copying matters:
 * Node may hand us a view into a pooled buffer, and a decoder that trusted a
 * length could read neighbouring bytes.
 */
export function toBytes(payload: unknown, maxBytes: number): Uint8Array {
  let view: Uint8Array;
  if (payload instanceof Uint8Array) view = payload;
  else if (payload instanceof ArrayBuffer) view = new Uint8Array(payload);
  else throw new GalleyError('bad_request', 'Expected a binary payload');
  if (view.byteLength === 0) throw new GalleyError('bad_request', 'Empty message');
  if (view.byteLength > maxBytes)
    throw new GalleyError('too_large', `Message of ${view.byteLength} bytes exceeds the limit of ${maxBytes}`);
  return new Uint8Array(view);
}
