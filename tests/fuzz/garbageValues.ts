/**
 * Values of every shape msgpack can carry, for arguments and packets no client should send: edge
 * numbers, hostile strings and keys (`__proto__`, `constructor`), binary, dates, nesting, and sizes
 * from empty to past the server's limits.
 */
import fc from 'fast-check';
import { LIMITS } from '../../shared/limits';
import { objectFrom, Sized } from './frames';
import { STORY_IDS } from './targets';

/** Event names Socket.IO, Node's EventEmitter or Object.prototype give a meaning to. */
export const RESERVED_NAMES = [
  'disconnect',
  'disconnecting',
  'error',
  'newListener',
  'removeListener',
  'connect',
  'connect_error',
  'connection',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  'then',
] as const;

/** Names of events the server sends, and near misses of the ones it takes. */
export const STRAY_NAMES = [
  'story:workflow',
  'story:versions',
  'story:access',
  'newsroom:presence',
  'newsroom:changed',
  'protocol:error',
  'connection:hint',
  'story:Join',
  'story:join ',
  ' story:sync',
  'story:',
  ':',
  'story:sync\u0000',
  'newsroom:watch:',
] as const;

const HOSTILE_STRINGS = [
  '',
  ' ',
  '\u0000',
  '\ud800',
  '\uffff',
  '..\\..\\',
  '../../../etc/passwd',
  '<script>alert(1)</script>',
  '%s%n%x',
  '{"__proto__":{"polluted":1}}',
  'a'.repeat(300),
  ...Object.values(STORY_IDS),
  STORY_IDS.honest.toUpperCase(),
  ...RESERVED_NAMES,
];

/** Sizes around the server's limits (awareness, message, frame). */
const BIG_SIZES = [
  0,
  1,
  255,
  256,
  65_535,
  65_536,
  LIMITS.maxAwarenessBytes + 1,
  LIMITS.maxMessageBytes,
  LIMITS.maxMessageBytes + 1,
  2_000_000,
] as const;

/** Occasionally past Socket.IO's frame cap (the connection is closed); kept rare, as each is 8 MB. */
const sizedArb: fc.Arbitrary<Sized> = fc
  .oneof(
    {
      weight: 20,
      arbitrary: fc.tuple(fc.constantFrom('bin' as const, 'str' as const), fc.constantFrom(...BIG_SIZES), fc.integer({ min: 0, max: 255 })),
    },
    {
      weight: 4,
      arbitrary: fc.tuple(fc.constant('array' as const), fc.constantFrom(0, 1, 65_536, 1_000_000), fc.integer({ min: 0, max: 127 })),
    },
    {
      weight: 1,
      arbitrary: fc.tuple(fc.constantFrom('bin' as const, 'str' as const), fc.constant(LIMITS.maxFrameBytes + 1), fc.constant(0x61)),
    },
  )
  .map(([kind, size, fill]) => new Sized(kind, size, kind === 'str' ? 0x20 + (fill % 0x5f) : fill));

const edgeNumbers = fc.constantFrom(
  0,
  -0,
  -1,
  1,
  0.5,
  -1.5,
  2 ** 31,
  -(2 ** 31),
  2 ** 32,
  2 ** 53,
  -(2 ** 53),
  2 ** 64,
  1e308,
  -1e308,
  5e-324,
  NaN,
  Infinity,
  -Infinity,
);

export const keyArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 8 }) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '__proto__',
      'constructor',
      'prototype',
      'type',
      'nsp',
      'data',
      'id',
      'storyId',
      'protocolVersion',
      'stateVector',
      'toJSON',
    ),
  },
);

const leafArb: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom(null, undefined, true, false) },
  { weight: 3, arbitrary: fc.integer() },
  { weight: 2, arbitrary: edgeNumbers },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 64n - 1n }) },
  { weight: 3, arbitrary: fc.string({ maxLength: 24 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 3, arbitrary: fc.uint8Array({ maxLength: 40 }) },
  { weight: 1, arbitrary: fc.date({ noInvalidDate: true }) },
  { weight: 1, arbitrary: sizedArb },
);

/** Any msgpack-encodable value, nested a little. */
export const garbageArb: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 6, arbitrary: leafArb },
    { weight: 1, arbitrary: fc.array(tie('value'), { maxLength: 4 }) },
    { weight: 1, arbitrary: fc.array(fc.tuple(keyArb, tie('value')), { maxLength: 4 }).map(objectFrom) },
  ),
})).value;
