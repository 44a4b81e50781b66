/**
 * The Socket.IO packet encoding both ends use. The default parser sends an event
 * that carries binary as two WebSocket frames (a JSON header, then the attachment);
 * for Galley, where nearly every message is a small binary Yjs update, that doubles
 * the frames written and read. The msgpack parser (maintained by the Socket.IO
 * project) sends each packet as one binary frame. Every client must use it too.
 */
import * as msgpackParser from 'socket.io-msgpack-parser';

/**
 * Its encoder writes msgpack binary only from a Node Buffer (in Node) or an
 * ArrayBuffer (in browsers); any other byte array it turns into an extension type
 * or a map of numbers. Event arguments holding bytes are handed over as those.
 */
class Encoder extends msgpackParser.Encoder {
  override encode(packet: { data?: unknown }): ArrayBuffer {
    return super.encode({ ...packet, data: asEncodable(packet.data) });
  }
}

/** Node's Buffer on the server; browsers have none (shared/ is type-checked without Node's globals). */
const NodeBuffer = (
  globalThis as { Buffer?: { isBuffer(value: unknown): boolean; from(bytes: ArrayBufferLike, offset: number, length: number): Uint8Array } }
).Buffer;

/** Byte arrays anywhere in event arguments and acks (arrays and plain objects) in the form the encoder writes as binary. */
function asEncodable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(asEncodable);
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, asEncodable(item)]));
  }
  if (!(value instanceof Uint8Array)) return value;
  if (NodeBuffer) return NodeBuffer.isBuffer(value) ? value : NodeBuffer.from(value.buffer, value.byteOffset, value.byteLength);
  const whole = value.byteOffset === 0 && value.byteLength === value.buffer.byteLength && value.buffer instanceof ArrayBuffer;
  return whole ? value.buffer : value.slice().buffer;
}

export const SOCKET_PARSER = { Encoder, Decoder: msgpackParser.Decoder };
