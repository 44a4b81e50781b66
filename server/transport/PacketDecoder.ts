/**
 * The server's Socket.IO packet decoder: what every inbound frame goes through before any of Socket.IO's
 * own code looks at it. The stock msgpack decoder (notepack) trusts declared lengths (six bytes could make
 * it allocate and fill 1 GiB), accepts any packet shape, and hands any event name to the socket's emitter,
 * where `disconnect` or `error` would run Socket.IO's own listeners. Here:
 *
 * - a frame is decoded only with every declared length checked against the bytes actually there and our
 *   limits before anything is allocated (@msgpack/msgpack: iterative, with maxima, bytes as views of the
 *   frame), and walked for shape and depth;
 * - before the connection is signed in, only its CONNECT packet is decoded, and only a small one; frames
 *   that arrive while the sign-in is checked are refused undecoded (a Galley client sends nothing then);
 * - packets have exactly Socket.IO's shape for a client: CONNECT, DISCONNECT, EVENT or ACK, the main
 *   namespace, an integer ack id;
 * - an EVENT whose name is not in the protocol becomes the internal `INVALID_EVENT`, with the same ack id,
 *   so the one guard around every listener answers it `bad_request` and counts it. No other name reaches
 *   the socket, so reserved ones (`disconnect`, `error`, `newListener`…) never do.
 *
 * Anything else throws, and Socket.IO closes the connection (its `Client.ondata` catches decoder errors).
 */
import { EventEmitter } from 'node:events';
import { ExtensionCodec, Decoder as MsgpackDecoder } from '@msgpack/msgpack';
import type { Socket } from 'socket.io';
import { LIMITS } from '../../shared/limits';
import { CLIENT_EVENTS } from '../../shared/protocol';

/** What a packet with an event name outside the protocol is turned into (never sent by any client). */
export const INVALID_EVENT = '@invalid';

const CONNECT = 0;
const DISCONNECT = 1;
const EVENT = 2;
const ACK = 3;

type Packet = { type: number; nsp: string; data?: unknown; id?: number };
type Phase = 'handshake' | 'signing-in' | 'open';

/** Socket.IO's client also writes its send `options` ({compress}) into the packet; they are dropped here. */
const PACKET_KEYS = new Set(['type', 'nsp', 'data', 'id', 'options']);

/** Nesting deeper than this is not something any event of ours carries. */
const MAX_DEPTH = 8;

/**
 * The one msgpack extension clients send: notepack (the client's encoder) writes `undefined` as a one-byte
 * extension of type 0, and bytes that are not a Node Buffer as a longer one. Every other extension type
 * decodes to an ExtData, which the shape check refuses.
 */
const extensions = new ExtensionCodec();
extensions.register({
  type: 0,
  encode: () => null,
  decode: (data) => (data.byteLength === 1 ? undefined : data),
});

const openDecoder = new MsgpackDecoder({
  extensionCodec: extensions,
  maxStrLength: LIMITS.maxPacketStringBytes,
  maxBinLength: LIMITS.maxFrameBytes,
  maxExtLength: LIMITS.maxFrameBytes,
  maxArrayLength: LIMITS.maxPacketArrayLength,
  maxMapLength: LIMITS.maxPacketMapLength,
});
const handshakeDecoder = new MsgpackDecoder({
  extensionCodec: extensions,
  maxStrLength: LIMITS.maxHandshakeBytes,
  // An extension's bytes count as binary too: room for the `undefined` marker, nothing more.
  maxBinLength: 1,
  maxExtLength: 1,
  maxArrayLength: 0,
  maxMapLength: 8,
});

export class PacketDecoder extends EventEmitter {
  #phase: Phase = 'handshake';

  /** Called by Socket.IO with each frame of the connection. */
  add(frame: unknown): void {
    const bytes = frameBytes(frame);
    if (this.#phase === 'signing-in') throw new Error('A packet arrived before the connection was admitted');
    if (this.#phase === 'handshake' && bytes.byteLength > LIMITS.maxHandshakeBytes) throw new Error('Handshake packet too large');
    const decoder = this.#phase === 'open' ? openDecoder : handshakeDecoder;
    const packet = checkedPacket(decoder.decode(bytes));
    if (packet.type === CONNECT) this.#phase = 'signing-in';
    else if (this.#phase !== 'open') throw new Error('The first packet must be CONNECT');
    this.emit('decoded', packet);
  }

  /** The connection's credentials were accepted: full packets from now on. */
  admit(): void {
    this.#phase = 'open';
  }

  /** The credentials were refused: only a new CONNECT is read. */
  refuse(): void {
    this.#phase = 'handshake';
  }

  destroy(): void {
    this.removeAllListeners();
  }
}

/** The decoder of a socket's connection (Socket.IO keeps it on the socket's client). */
export function decoderOf(socket: Socket): PacketDecoder {
  const decoder = (socket.client as unknown as { decoder?: unknown }).decoder;
  // Fails closed: a Socket.IO upgrade that moved the decoder must not silently skip the sign-in rule.
  if (!(decoder instanceof PacketDecoder)) throw new Error('Socket.IO is not using PacketDecoder');
  return decoder;
}

function frameBytes(frame: unknown): Uint8Array {
  if (frame instanceof Uint8Array) return frame;
  if (frame instanceof ArrayBuffer) return new Uint8Array(frame);
  throw new Error('Packets are binary frames');
}

function checkedPacket(value: unknown): Packet {
  if (!isPlainObject(value) || Object.keys(value).some((key) => !PACKET_KEYS.has(key))) throw new Error('Not a packet');
  const { type, nsp, data, id } = value;
  if (nsp !== '/') throw new Error('Unknown namespace');
  if (id !== undefined && !(Number.isSafeInteger(id) && (id as number) >= 0)) throw new Error('Invalid ack id');
  checkShape(data);
  switch (type) {
    case CONNECT:
      if (data !== undefined && !isPlainObject(data)) throw new Error('Invalid CONNECT payload');
      return { type, nsp, data };
    case DISCONNECT:
      if (data !== undefined) throw new Error('Invalid DISCONNECT payload');
      return { type, nsp };
    case EVENT:
      if (!Array.isArray(data)) throw new Error('Invalid EVENT payload');
      return { type, nsp, data: knownEvent(data), id: id as number | undefined };
    case ACK:
      if (!Array.isArray(data) || id === undefined) throw new Error('Invalid ACK');
      return { type, nsp, data, id: id as number };
    default:
      throw new Error('Invalid packet type');
  }
}

/** The event as sent if its name is in the protocol; else the internal invalid event, saying what was sent. */
function knownEvent(data: unknown[]): unknown[] {
  const [name] = data;
  if (typeof name === 'string' && CLIENT_EVENTS.has(name)) return data;
  const shown =
    typeof name === 'string' ? `"${name.slice(0, 40)}"` : data.length === 0 ? 'no event name' : `a ${typeof name} as event name`;
  return [INVALID_EVENT, `Unknown event ${shown}`];
}

/** Only values msgpack gives for JSON-like data and bytes, nested at most MAX_DEPTH (iterative: no deep recursion). */
function checkShape(root: unknown): void {
  const stack: [unknown, number][] = [[root, 0]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (value === null || value === undefined || value instanceof Uint8Array) continue;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') continue;
    if (depth >= MAX_DEPTH) throw new Error('Packet nested too deeply');
    if (Array.isArray(value)) value.forEach((item) => stack.push([item, depth + 1]));
    else if (isPlainObject(value)) Object.values(value).forEach((item) => stack.push([item, depth + 1]));
    else throw new Error('Unsupported value in packet');
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}
