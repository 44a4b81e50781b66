/**
 * Byte-level damage to well-formed frames: bit flips, truncation, appended and inserted bytes, and
 * the length fields a decoder trusts rewritten to lie (msgpack str/bin/ext/array/map headers widened
 * to their 32-bit form with a huge declared size; lib0 varints that are huge or never end).
 * Mutations are data, applied when the frame is sent, so fast-check can shrink them.
 */
import fc from 'fast-check';

/** How the bytes are structured, for the mutations that rewrite a length field. */
export type ByteFormat = 'msgpack' | 'lib0';

/** A declared size: an absolute number of bytes or items, or a few more than the real one. */
type DeclaredSize = number | { over: number };

export type Mutation =
  | { op: 'flip'; at: number; bit: number }
  | { op: 'set'; at: number; byte: number }
  | { op: 'truncate'; at: number }
  | { op: 'append'; bytes: Uint8Array }
  | { op: 'insert'; at: number; bytes: Uint8Array }
  | { op: 'remove'; at: number; length: number }
  | { op: 'repeat'; at: number; length: number; times: number }
  /** msgpack: the `token`-th str/bin/ext/array/map header rewritten to its 32-bit form declaring `size`. */
  | { op: 'lengthBomb'; token: number; size: DeclaredSize; extType?: number }
  /** lib0: a huge or unterminated varint put at `at` (replacing the byte there, or inserted). */
  | { op: 'varint'; at: number; bomb: number; replace: boolean };

/** Sizes a hostile header declares: big enough that allocating them up front would hurt. */
export const HUGE_SIZES = [0xffffffff, 0x40000000, 0x7fffffff, 0x80000000, 0x10000000, 8_000_001, 1_000_001, 65_536] as const;

/** lib0 varints: unterminated, 2^32-1, past 2^53, a long run of continuation bytes. */
export const VARINT_BOMBS: readonly Uint8Array[] = [
  Uint8Array.of(0x80),
  Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0x0f),
  Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f),
  Uint8Array.of(...Array(12).fill(0x80)),
  Uint8Array.of(...Array(10).fill(0xff), 0x01),
  Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0x7f),
];

export const declaredSizeArb: fc.Arbitrary<DeclaredSize> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...HUGE_SIZES) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 300 }).map((over) => ({ over })) },
);

const mutationArb = (format: ByteFormat): fc.Arbitrary<Mutation> =>
  fc.oneof(
    { weight: 4, arbitrary: fc.record({ op: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }) },
    {
      weight: 2,
      arbitrary: fc.record({
        op: fc.constant('set' as const),
        at: fc.nat(),
        byte: fc.constantFrom(0x00, 0xff, 0x7f, 0x80, 0xc1, 0xc9, 0xdd, 0xdf),
      }),
    },
    { weight: 3, arbitrary: fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('append' as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }) },
    {
      weight: 2,
      arbitrary: fc.record({ op: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
    },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('remove' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 8 }) }) },
    {
      weight: 1,
      arbitrary: fc.record({
        op: fc.constant('repeat' as const),
        at: fc.nat(),
        length: fc.integer({ min: 1, max: 16 }),
        times: fc.integer({ min: 2, max: 64 }),
      }),
    },
    format === 'msgpack'
      ? {
          weight: 4,
          arbitrary: fc.record(
            {
              op: fc.constant('lengthBomb' as const),
              token: fc.nat(),
              size: declaredSizeArb,
              extType: fc.constantFrom(0, -1, 1, 127, -128),
            },
            { requiredKeys: ['op', 'token', 'size'] },
          ),
        }
      : {
          weight: 4,
          arbitrary: fc.record({
            op: fc.constant('varint' as const),
            at: fc.nat(),
            bomb: fc.nat({ max: VARINT_BOMBS.length - 1 }),
            replace: fc.boolean(),
          }),
        },
  );

export const mutationsArb = (format: ByteFormat): fc.Arbitrary<Mutation[]> => fc.array(mutationArb(format), { minLength: 1, maxLength: 3 });

export function applyMutations(bytes: Uint8Array, mutations: readonly Mutation[]): Uint8Array {
  return mutations.reduce(applyMutation, bytes);
}

function applyMutation(bytes: Uint8Array, m: Mutation): Uint8Array {
  const n = bytes.length;
  const pos = (at: number) => (n === 0 ? 0 : at % n);
  const gap = (at: number) => at % (n + 1);
  switch (m.op) {
    case 'flip': {
      if (n === 0) return bytes;
      const out = bytes.slice();
      out[pos(m.at)] ^= 1 << m.bit;
      return out;
    }
    case 'set': {
      if (n === 0) return bytes;
      const out = bytes.slice();
      out[pos(m.at)] = m.byte;
      return out;
    }
    case 'truncate':
      return bytes.slice(0, pos(m.at));
    case 'append':
      return concat(bytes, m.bytes);
    case 'insert':
      return concat(bytes.subarray(0, gap(m.at)), m.bytes, bytes.subarray(gap(m.at)));
    case 'remove':
      return concat(bytes.subarray(0, pos(m.at)), bytes.subarray(pos(m.at) + m.length));
    case 'repeat': {
      const slice = bytes.subarray(pos(m.at), pos(m.at) + m.length);
      return concat(bytes.subarray(0, pos(m.at)), ...Array<Uint8Array>(m.times).fill(slice), bytes.subarray(pos(m.at) + m.length));
    }
    case 'varint': {
      const at = m.replace ? pos(m.at) : gap(m.at);
      return concat(bytes.subarray(0, at), VARINT_BOMBS[m.bomb], bytes.subarray(m.replace ? at + 1 : at));
    }
    case 'lengthBomb': {
      const tokens = msgpackTokens(bytes);
      if (tokens.length === 0) return bytes;
      const token = tokens[m.token % tokens.length];
      const size = typeof m.size === 'number' ? m.size : token.size + m.size.over;
      const header = widenedHeader(token, size, m.extType ?? token.extType);
      return concat(bytes.subarray(0, token.offset), header, bytes.subarray(token.offset + token.headerBytes));
    }
  }
}

/** A msgpack header with a length or count: where it is, how long, and what it declares. */
type MsgpackToken = { offset: number; headerBytes: number; family: 'str' | 'bin' | 'ext' | 'array' | 'map'; size: number; extType: number };

/** The 32-bit form of a header (str32, bin32, ext32, array32, map32) declaring `size`. */
export function widenedHeader(token: Pick<MsgpackToken, 'family'>, size: number, extType = 0): Uint8Array {
  const prefix = { str: 0xdb, bin: 0xc6, ext: 0xc9, array: 0xdd, map: 0xdf }[token.family];
  const out = new Uint8Array(token.family === 'ext' ? 6 : 5);
  out[0] = prefix;
  new DataView(out.buffer).setUint32(1, size >>> 0);
  if (token.family === 'ext') out[5] = extType & 0xff;
  return out;
}

/**
 * The length-carrying headers of a msgpack value, in order. Stops quietly where the bytes stop
 * making sense (they may be damaged already): the tokens found so far are still usable.
 */
function msgpackTokens(bytes: Uint8Array): MsgpackToken[] {
  const tokens: MsgpackToken[] = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 0;
  const need = (count: number) => {
    if (offset + count > bytes.length) throw new RangeError('end of input');
  };
  const sized = (family: MsgpackToken['family'], headerBytes: number, size: number, extType = 0) => {
    tokens.push({ offset, headerBytes, family, size, extType });
    offset += headerBytes;
  };
  const read = (depth: number): void => {
    if (depth > 64 || tokens.length > 4096) throw new RangeError('too deep');
    need(1);
    const b = bytes[offset];
    if (b <= 0x7f || b >= 0xe0 || b === 0xc0 || b === 0xc2 || b === 0xc3) return void offset++;
    if (b >= 0x80 && b <= 0x8f) return items('map', 1, b & 0x0f, depth);
    if (b >= 0x90 && b <= 0x9f) return items('array', 1, b & 0x0f, depth);
    if (b >= 0xa0 && b <= 0xbf) return skip('str', 1, b & 0x1f);
    const fixed: Record<number, number> = { 0xca: 5, 0xcb: 9, 0xcc: 2, 0xcd: 3, 0xce: 5, 0xcf: 9, 0xd0: 2, 0xd1: 3, 0xd2: 5, 0xd3: 9 };
    if (fixed[b]) {
      need(fixed[b]);
      return void (offset += fixed[b]);
    }
    switch (b) {
      case 0xc4:
      case 0xd9:
        need(2);
        return skip(b === 0xc4 ? 'bin' : 'str', 2, view.getUint8(offset + 1));
      case 0xc5:
      case 0xda:
        need(3);
        return skip(b === 0xc5 ? 'bin' : 'str', 3, view.getUint16(offset + 1));
      case 0xc6:
      case 0xdb:
        need(5);
        return skip(b === 0xc6 ? 'bin' : 'str', 5, view.getUint32(offset + 1));
      case 0xc7:
        need(3);
        return skip('ext', 3, view.getUint8(offset + 1), view.getInt8(offset + 2));
      case 0xc8:
        need(4);
        return skip('ext', 4, view.getUint16(offset + 1), view.getInt8(offset + 3));
      case 0xc9:
        need(6);
        return skip('ext', 6, view.getUint32(offset + 1), view.getInt8(offset + 5));
      case 0xd4:
      case 0xd5:
      case 0xd6:
      case 0xd7:
      case 0xd8:
        need(2);
        return skip('ext', 2, 1 << (b - 0xd4), view.getInt8(offset + 1));
      case 0xdc:
        need(3);
        return items('array', 3, view.getUint16(offset + 1), depth);
      case 0xdd:
        need(5);
        return items('array', 5, view.getUint32(offset + 1), depth);
      case 0xde:
        need(3);
        return items('map', 3, view.getUint16(offset + 1), depth);
      case 0xdf:
        need(5);
        return items('map', 5, view.getUint32(offset + 1), depth);
      default:
        throw new RangeError('never-used byte');
    }
  };
  const skip = (family: MsgpackToken['family'], headerBytes: number, size: number, extType = 0) => {
    sized(family, headerBytes, size, extType);
    need(size);
    offset += size;
  };
  const items = (family: 'array' | 'map', headerBytes: number, count: number, depth: number) => {
    sized(family, headerBytes, count);
    const values = family === 'map' ? count * 2 : count;
    if (values > bytes.length - offset) throw new RangeError('more items than bytes');
    for (let i = 0; i < values; i++) read(depth + 1);
  };
  try {
    while (offset < bytes.length) read(0);
  } catch {
    // Damaged input: keep what was found.
  }
  return tokens;
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

export function describeMutation(m: Mutation): string {
  switch (m.op) {
    case 'flip':
      return `flip bit ${m.bit} @${m.at}`;
    case 'set':
      return `set @${m.at}=${hexByte(m.byte)}`;
    case 'truncate':
      return `truncate @${m.at}`;
    case 'append':
      return `append ${hex(m.bytes)}`;
    case 'insert':
      return `insert @${m.at} ${hex(m.bytes)}`;
    case 'remove':
      return `remove ${m.length} @${m.at}`;
    case 'repeat':
      return `repeat ${m.length}×${m.times} @${m.at}`;
    case 'lengthBomb':
      return `length bomb on header #${m.token}: ${typeof m.size === 'number' ? `0x${m.size.toString(16)}` : `real+${m.size.over}`}`;
    case 'varint':
      return `varint ${hex(VARINT_BOMBS[m.bomb])} ${m.replace ? 'over' : 'into'} @${m.at}`;
  }
}

const hexByte = (b: number) => b.toString(16).padStart(2, '0');

/** Bytes in hex; long frames show their head and their length. */
export function hex(bytes: Uint8Array, max = 96): string {
  const head = Array.from(bytes.subarray(0, max), hexByte).join(' ');
  return bytes.length > max ? `${head} … (${bytes.length} bytes)` : head;
}
