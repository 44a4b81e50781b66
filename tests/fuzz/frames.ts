/**
 * What the fuzz suite sends, as plain data that fast-check generates and shrinks: sessions (one
 * connection each) of frames, turned into bytes only when sent. Each prints in a failure report as
 * what it is and its exact bytes in hex.
 */
import { encode } from '@msgpack/msgpack';
import fc from 'fast-check';
import { applyMutations, type ByteFormat, describeMutation, hex, type Mutation } from './byteMutations';
import type { Identity, StoryRef } from './targets';

/** A value too big to generate item by item: made when its frame is encoded. */
export class Sized {
  constructor(
    readonly kind: 'bin' | 'str' | 'array',
    readonly size: number,
    /** The byte, character code or number repeated. */
    readonly fill: number,
  ) {}

  make(): Uint8Array | string | number[] {
    if (this.kind === 'bin') return Buffer.alloc(this.size, this.fill);
    if (this.kind === 'str') return String.fromCharCode(this.fill).repeat(this.size);
    return new Array<number>(this.size).fill(this.fill);
  }

  toString(): string {
    return `${this.kind}(${this.size}×0x${this.fill.toString(16)})`;
  }

  [fc.toStringMethod](): string {
    return this.toString();
  }
}

export type Frame =
  /** Any value, msgpack-encoded as one binary frame: how Galley's Socket.IO parser sends a packet. */
  | { kind: 'msgpack'; label: string; value: unknown }
  /** Bytes as they are, as one binary frame. */
  | { kind: 'bytes'; label: string; bytes: Uint8Array }
  /** One WebSocket text frame. */
  | { kind: 'text'; label: string; text: string | Sized }
  /** Another frame's bytes, damaged. */
  | { kind: 'mutated'; label: string; base: Frame; format: ByteFormat; mutations: Mutation[] };

export type SocketIoSession = {
  transport: 'socket.io';
  as: Identity;
  /** Before the fuzzed frames: nothing (they come before CONNECT), CONNECT, or CONNECT and a valid join of `story`. */
  prelude: 'none' | 'connect' | 'join';
  story: StoryRef;
  frames: Frame[];
};

export type YWebsocketSession = {
  transport: 'y-websocket';
  as: 'writer' | 'viewer';
  story: StoryRef;
  frames: Frame[];
};

export type Session = SocketIoSession | YWebsocketSession;

/** What goes on the wire for a frame: bytes for a binary frame, a string for a text frame. */
export function frameData(frame: Frame): Uint8Array | string {
  switch (frame.kind) {
    case 'msgpack':
      return encode(materialize(frame.value), { ignoreUndefined: true, useBigInt64: true });
    case 'bytes':
      return frame.bytes;
    case 'text':
      return typeof frame.text === 'string' ? frame.text : (frame.text.make() as string);
    case 'mutated': {
      const base = frameData(frame.base);
      return applyMutations(typeof base === 'string' ? Buffer.from(base) : base, frame.mutations);
    }
  }
}

/** Replaces Sized placeholders, keeping own keys such as `__proto__` as plain keys. */
function materialize(value: unknown): unknown {
  if (value instanceof Sized) return value.make();
  if (Array.isArray(value)) return value.map(materialize);
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array || value instanceof Date) return value;
  const out = {};
  for (const key of Object.keys(value)) {
    Object.defineProperty(out, key, {
      value: materialize((value as Record<string, unknown>)[key]),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

/** A plain object with exactly these own keys, `__proto__` and `constructor` included. */
export function objectFrom(entries: readonly (readonly [string, unknown])[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of entries) Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  return out;
}

export function describeFrame(frame: Frame): string {
  let data: Uint8Array | string;
  try {
    data = frameData(frame);
  } catch (error) {
    return `${frame.label}: ${summary(frame)} (not encodable: ${(error as Error).message})`;
  }
  const wire =
    typeof data === 'string'
      ? `text ${JSON.stringify(data.length > 120 ? `${data.slice(0, 120)}…` : data)} (${data.length} chars)`
      : `hex ${hex(data)}`;
  return `${frame.label}: ${summary(frame)}\n      ${wire}`;
}

function summary(frame: Frame): string {
  switch (frame.kind) {
    case 'msgpack':
      return show(frame.value);
    case 'bytes':
      return `${frame.bytes.length} bytes`;
    case 'text':
      return typeof frame.text === 'string' ? 'text' : String(frame.text);
    case 'mutated':
      return `(${summary(frame.base)}) then ${frame.mutations.map(describeMutation).join(', ')}`;
  }
}

export function describeSession(session: Session, index?: number): string {
  const where =
    session.transport === 'socket.io'
      ? `prelude ${session.prelude}${session.prelude === 'join' ? ` ${session.story}` : ''}`
      : `story ${session.story}`;
  const head = `${index === undefined ? '' : `session ${index}: `}${session.transport} as ${session.as}, ${where}, ${session.frames.length} frame(s)`;
  return [head, ...session.frames.map((f, i) => `    #${i} ${describeFrame(f)}`)].join('\n');
}

/** Makes a value print through `print` in fast-check's reports. */
export function printable<T extends object>(value: T, print: (value: T) => string): T {
  Object.defineProperty(value, fc.toStringMethod, { value: () => print(value), enumerable: false });
  return value;
}

/** A compact rendering of a generated value for reports. */
function show(value: unknown, budget = 240): string {
  const text = render(value, 0);
  return text.length > budget ? `${text.slice(0, budget)}…` : text;
}

function render(value: unknown, depth: number): string {
  if (depth > 6) return '…';
  if (value instanceof Sized) return String(value);
  if (value instanceof Uint8Array) return `<bin ${value.length}: ${hex(value, 16)}>`;
  if (value instanceof Date) return `Date(${Number.isNaN(value.getTime()) ? 'invalid' : value.toISOString()})`;
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…(${value.length})` : value);
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return `[${value.map((v) => render(v, depth + 1)).join(', ')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .map((k) => `${JSON.stringify(k)}: ${render((value as Record<string, unknown>)[k], depth + 1)}`)
      .join(', ')}}`;
  }
  return String(value);
}
