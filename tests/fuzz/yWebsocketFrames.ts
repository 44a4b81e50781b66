/**
 * Generated sessions on the y-websocket endpoint (`/yjs/<storyId>`): messages of every type (0 sync,
 * 1 awareness, 2 auth, 3 query awareness, and types that do not exist), truncated varints, damaged
 * real sync and awareness messages, empty, oversized and text frames.
 */
import * as encoding from 'lib0/encoding';
import fc from 'fast-check';
import { LIMITS } from '../../shared/limits';
import { concat, mutationsArb, VARINT_BOMBS } from './byteMutations';
import { describeSession, type Frame, printable, Sized, type YWebsocketSession } from './frames';
import { textFrameArb } from './socketIoFrames';
import { Y_WEBSOCKET_STORIES } from './targets';
import { awarenessUpdateArb, syncMessageArb } from './yjsMessages';

const MESSAGE_SYNC = 0;
const MESSAGE_AWARENESS = 1;
const MESSAGE_AUTH = 2;
const MESSAGE_QUERY_AWARENESS = 3;

const withType = (type: number, ...parts: Uint8Array[]): Uint8Array => {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, type);
  return concat(encoding.toUint8Array(encoder), ...parts);
};

const varUint8Array = (bytes: Uint8Array): Uint8Array => {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint8Array(encoder, bytes);
  return encoding.toUint8Array(encoder);
};

const bytesFrame =
  (label: string) =>
  (bytes: Uint8Array): Frame => ({ kind: 'bytes', label, bytes });

/** Well-formed messages of each type the endpoint knows, and some it does not. */
const messageArb: fc.Arbitrary<Frame> = fc.oneof(
  { weight: 8, arbitrary: syncMessageArb.map((m) => withType(MESSAGE_SYNC, m)).map(bytesFrame('sync')) },
  { weight: 4, arbitrary: awarenessUpdateArb.map((u) => withType(MESSAGE_AWARENESS, varUint8Array(u))).map(bytesFrame('awareness')) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.nat({ max: 3 }), fc.string({ maxLength: 20 }))
      .map(([kind, reason]) => {
        const encoder = encoding.createEncoder();
        encoding.writeVarUint(encoder, kind);
        encoding.writeVarString(encoder, reason);
        return withType(MESSAGE_AUTH, encoding.toUint8Array(encoder));
      })
      .map(bytesFrame('auth')),
  },
  {
    weight: 1,
    arbitrary: fc
      .uint8Array({ maxLength: 4 })
      .map((tail) => withType(MESSAGE_QUERY_AWARENESS, tail))
      .map(bytesFrame('query awareness')),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom(4, 5, 100, 127, 128, 2 ** 31, 2 ** 32, 2 ** 53 - 1), fc.uint8Array({ maxLength: 8 }))
      .map(([type, tail]) => withType(type, tail))
      .map(bytesFrame('unknown type')),
  },
);

const truncatedArb: fc.Arbitrary<Frame> = fc
  .tuple(
    fc.constantFrom(new Uint8Array(0), Uint8Array.of(MESSAGE_SYNC), Uint8Array.of(MESSAGE_AWARENESS), Uint8Array.of(MESSAGE_SYNC, 1)),
    fc.nat({ max: VARINT_BOMBS.length - 1 }),
  )
  .map(([head, bomb]) => concat(head, VARINT_BOMBS[bomb]))
  .map(bytesFrame('huge or unterminated varint'));

const oddSizeArb: fc.Arbitrary<Frame> = fc.oneof(
  fc.constant<Frame>({ kind: 'bytes', label: 'empty frame', bytes: new Uint8Array(0) }),
  fc.uint8Array({ maxLength: 48 }).map(bytesFrame('random bytes')),
  // Past the endpoint's frame limit: the WebSocket is closed with 1009.
  fc.constant<Frame>({ kind: 'msgpack', label: 'oversized frame (bin)', value: new Sized('bin', LIMITS.maxMessageBytes + 17, 0) }),
);

const yWebsocketFrameArb: fc.Arbitrary<Frame> = fc.oneof(
  { weight: 10, arbitrary: messageArb },
  {
    weight: 5,
    arbitrary: fc
      .record({ base: messageArb, mutations: mutationsArb('lib0') })
      .map(({ base, mutations }) => ({ kind: 'mutated' as const, label: 'damaged message', base, format: 'lib0' as const, mutations })),
  },
  { weight: 2, arbitrary: truncatedArb },
  { weight: 1, arbitrary: oddSizeArb },
  { weight: 1, arbitrary: textFrameArb },
);

export const yWebsocketSessionArb: fc.Arbitrary<YWebsocketSession> = fc
  .constantFrom('writer' as const, 'viewer' as const)
  .chain((as) =>
    fc.record({
      transport: fc.constant('y-websocket' as const),
      as: fc.constant(as),
      story: fc.constantFrom(...Y_WEBSOCKET_STORIES[as]),
      frames: fc.array(yWebsocketFrameArb, { minLength: 1, maxLength: 30, size: 'max' }),
    }),
  )
  .map((session) => printable(session, describeSession));
