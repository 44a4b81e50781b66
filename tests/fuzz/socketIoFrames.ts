/**
 * Generated Socket.IO sessions at the wire level (engine.io v4 over a WebSocket, one msgpack frame
 * per packet): every client event of the protocol with plausible and wrong arguments, arities, ack
 * ids and namespaces; reserved, unknown and non-string event names; packets of every type; damaged
 * and hostile msgpack; text frames. Sent before CONNECT, after it, and after a join.
 */
import fc from 'fast-check';
import { COMMENT_LIMITS } from '../../shared/comments';
import { CLIENT_EVENTS, PROTOCOL_VERSION } from '../../shared/protocol';
import { STORY_FIELDS } from '../../shared/story';
import { declaredSizeArb, HUGE_SIZES, mutationsArb, widenedHeader, concat } from './byteMutations';
import { describeSession, type Frame, printable, type SocketIoSession, Sized } from './frames';
import { garbageArb, keyArb, RESERVED_NAMES, STRAY_NAMES } from './garbageValues';
import { COMMENTABLE, type Identity, JOINABLE, STORY_IDS, STORY_REFS, type StoryRef } from './targets';
import { awarenessUpdateArb, relativePositionArb, stateVectorArb, syncMessageArb } from './yjsMessages';
import { encode } from '@msgpack/msgpack';

const EVENT = 2;

/**
 * A story id among `refs`, a random uuid, or anything. Where `refs` leaves the honest story out, so
 * does everything else: garbage can be the honest story's id, and a writer's join or a viewer's comment
 * there would be a legitimate change.
 */
const storyIdOf = (refs: readonly StoryRef[]): fc.Arbitrary<unknown> => {
  const allowed = (value: unknown) => refs.includes('honest') || typeof value !== 'string' || value.toLowerCase() !== STORY_IDS.honest;
  return fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...refs).map((ref) => STORY_IDS[ref]) },
    { weight: 1, arbitrary: fc.uuid() },
    { weight: 1, arbitrary: garbageArb.filter(allowed) },
  );
};

/** Ack ids a packet decoder accepts (integers, however odd), or none. */
const integerAckIdArb: fc.Arbitrary<number | undefined> = fc.oneof(
  { weight: 5, arbitrary: fc.constant(undefined) },
  { weight: 5, arbitrary: fc.nat({ max: 1_000_000 }) },
  { weight: 1, arbitrary: fc.constantFrom(-1, -(2 ** 31), 2 ** 31, 2 ** 32, 2 ** 53, -0) },
);

/** Ack ids: none, valid, and every kind a parser might choke on. */
const ackIdArb: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 5, arbitrary: integerAckIdArb },
  { weight: 1, arbitrary: fc.constantFrom(0.5, 1.5, 2 ** 64, 1e300, NaN, Infinity, '1', 'abc', null, true, [], {}) },
);

const namespaceArb: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 12, arbitrary: fc.constant('/') },
  {
    weight: 2,
    arbitrary: fc.constantFrom('', '/admin', '/x', '//', '/?a=1', '/../', 'http://evil.example/', '/'.repeat(1000), '/\u0000', '/%ZZ'),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 1, arbitrary: fc.constantFrom(1, null, true, [], {}, Uint8Array.of(0x2f)) },
);

const joinRequestArb = (as: Identity): fc.Arbitrary<unknown> =>
  fc.oneof(
    {
      weight: 6,
      arbitrary: fc
        .record(
          {
            storyId: storyIdOf(JOINABLE[as]),
            protocolVersion: fc.oneof({ weight: 6, arbitrary: fc.constant(PROTOCOL_VERSION) }, { weight: 1, arbitrary: garbageArb }),
            stateVector: fc.oneof({ weight: 3, arbitrary: stateVectorArb }, { weight: 1, arbitrary: garbageArb }),
            extra: garbageArb,
          },
          { requiredKeys: ['storyId', 'protocolVersion'] },
        )
        .map(({ extra, ...request }) =>
          extra === undefined ? request : { ...request, [typeof extra === 'string' ? extra : 'extra']: extra },
        ),
    },
    { weight: 1, arbitrary: garbageArb },
  );

const uuidPool = ['1c0d6a2e-3b4f-4a5b-8c6d-7e8f9a0b1c2d', '2d1e7b3f-4c5a-4b6c-9d7e-8f9a0b1c2d3e', '3e2f8c4a-5d6b-4c7d-ae8f-9a0b1c2d3e4f'];
const idArb = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...uuidPool) },
  { weight: 1, arbitrary: fc.uuid() },
  { weight: 1, arbitrary: garbageArb },
);
const bodyArb = fc.oneof(
  { weight: 4, arbitrary: fc.string({ minLength: 1, maxLength: 40 }) },
  { weight: 1, arbitrary: fc.constantFrom('', '   ', '@Honest Ana', '<img src=x onerror=alert(1)>') },
  { weight: 1, arbitrary: fc.constant(new Sized('str', COMMENT_LIMITS.bodyMaxChars + 1, 0x61)) },
);
const mentionsArb = fc.oneof(
  fc.array(fc.uuid(), { maxLength: 2 }),
  fc.constant(Array(COMMENT_LIMITS.mentionsMax + 1).fill(uuidPool[0])),
  garbageArb,
);

/** Comment operations shaped like the real ones (shared/comments.ts), with wrong values mixed in. */
const commentOpArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.record({
    type: fc.constant('start'),
    threadId: idArb,
    messageId: idArb,
    field: fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...STORY_FIELDS) },
      { weight: 1, arbitrary: fc.constantFrom('comments', 'nope', 1) },
    ),
    start: relativePositionArb,
    end: relativePositionArb,
    quote: fc.oneof(fc.string({ maxLength: 20 }), fc.constant(new Sized('str', COMMENT_LIMITS.quoteMaxChars + 1, 0x71))),
    body: bodyArb,
    mentions: mentionsArb,
  }),
  fc.record(
    { type: fc.constantFrom('reply', 'edit'), threadId: idArb, messageId: idArb, body: bodyArb, mentions: mentionsArb },
    { requiredKeys: ['type', 'threadId', 'messageId', 'body'] },
  ),
  fc.record({ type: fc.constant('delete'), threadId: idArb, messageId: idArb }),
  fc.record({ type: fc.constantFrom('resolve', 'reopen', 'unknown', '__proto__'), threadId: idArb }),
);

/** Provenance claims shaped like the real ones (shared/provenanceClaim.ts): small ids that may name real items, wrong values mixed in. */
const itemIdArb = fc.oneof(
  { weight: 4, arbitrary: fc.record({ client: fc.nat({ max: 2 ** 32 - 1 }), clock: fc.nat({ max: 64 }) }) },
  { weight: 1, arbitrary: garbageArb },
);
const provenanceClaimArb = fc.record({
  copies: fc.oneof(
    {
      weight: 4,
      arbitrary: fc.array(fc.record({ to: itemIdArb, from: itemIdArb, length: fc.integer({ min: -1, max: 64 }) }), { maxLength: 4 }),
    },
    { weight: 1, arbitrary: garbageArb },
  ),
});

/** Plausible arguments for each client event, before arity and type damage. */
function plausibleArgs(event: string, as: Identity): fc.Arbitrary<unknown[]> {
  const anyStory = storyIdOf(STORY_REFS);
  switch (event) {
    case 'story:join':
      return fc.tuple(joinRequestArb(as));
    case 'story:leave':
      return fc.tuple(anyStory);
    case 'story:sync':
      return fc.tuple(anyStory, fc.oneof({ weight: 5, arbitrary: syncMessageArb }, { weight: 1, arbitrary: garbageArb }));
    case 'story:awareness':
      return fc.tuple(anyStory, fc.oneof({ weight: 5, arbitrary: awarenessUpdateArb }, { weight: 1, arbitrary: garbageArb }));
    case 'story:comment':
      return fc.oneof(fc.tuple(storyIdOf(COMMENTABLE[as]), commentOpArb), fc.tuple(anyStory, garbageArb));
    case 'story:provenance':
      return fc.oneof(fc.tuple(anyStory, provenanceClaimArb), fc.tuple(anyStory, garbageArb));
    default:
      return fc.constant([]);
  }
}

/** Wrong arities and types: keep, drop trailing, add extra, replace one, or none at all. */
function damagedArity(args: fc.Arbitrary<unknown[]>): fc.Arbitrary<unknown[]> {
  return fc
    .record({
      args,
      how: fc.oneof(
        { weight: 6, arbitrary: fc.constant('keep' as const) },
        { weight: 1, arbitrary: fc.constantFrom('drop' as const, 'extra' as const, 'replace' as const, 'none' as const) },
      ),
      at: fc.nat(),
      extra: fc.array(garbageArb, { minLength: 1, maxLength: 3 }),
    })
    .map(({ args, how, at, extra }) => {
      switch (how) {
        case 'keep':
          return args;
        case 'drop':
          return args.slice(0, args.length === 0 ? 0 : at % args.length);
        case 'extra':
          return [...args, ...extra];
        case 'replace':
          return args.length === 0 ? extra : args.map((a, i) => (i === at % args.length ? extra[0] : a));
        case 'none':
          return [];
      }
    });
}

/** The data array of an EVENT packet: `[name, ...args]`, or empty. */
const eventDataArb = (as: Identity): fc.Arbitrary<unknown[]> =>
  fc.oneof(
    {
      weight: 10,
      arbitrary: fc.constantFrom(...CLIENT_EVENTS).chain((name) => damagedArity(plausibleArgs(name, as)).map((args) => [name, ...args])),
    },
    {
      weight: 3,
      arbitrary: fc
        .tuple(fc.constantFrom(...RESERVED_NAMES), fc.array(garbageArb, { maxLength: 3 }))
        .map(([name, args]) => [name, ...args]),
    },
    {
      weight: 1,
      arbitrary: fc.tuple(fc.constantFrom(...STRAY_NAMES), fc.array(garbageArb, { maxLength: 3 })).map(([name, args]) => [name, ...args]),
    },
    {
      weight: 1,
      arbitrary: fc.tuple(fc.string({ maxLength: 16 }), fc.array(garbageArb, { maxLength: 3 })).map(([name, args]) => [name, ...args]),
    },
    { weight: 1, arbitrary: fc.tuple(garbageArb, fc.array(garbageArb, { maxLength: 2 })).map(([name, args]) => [name, ...args]) },
    { weight: 1, arbitrary: fc.constant<unknown[]>([]) },
  );

/**
 * EVENT packets. A connection survives those on the main namespace with an integer ack id (`survivable`);
 * any other namespace or id ends it at once.
 */
const eventPacketArb = (as: Identity, survivable = false): fc.Arbitrary<Record<string, unknown>> =>
  fc
    .record({ nsp: survivable ? fc.constant('/') : namespaceArb, data: eventDataArb(as), id: survivable ? integerAckIdArb : ackIdArb })
    .map(({ nsp, data, id }) => ({ type: EVENT, nsp, data, ...(id === undefined ? {} : { id }) }));

/** Packets of any type (0–6 and others), any keys present or missing. */
const anyPacketArb: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .record(
        {
          type: fc.oneof(
            { weight: 6, arbitrary: fc.integer({ min: 0, max: 6 }) },
            { weight: 1, arbitrary: fc.constantFrom(-1, 7, 255, 0.5, 2 ** 32, '2', null, true) },
          ),
          nsp: namespaceArb,
          data: fc.oneof(fc.array(garbageArb, { maxLength: 3 }), garbageArb, fc.record({ token: garbageArb }, { requiredKeys: [] })),
          id: ackIdArb,
          attachments: fc.constantFrom(0, 1, 2 ** 31, -1),
          extraKey: fc.tuple(keyArb, garbageArb),
        },
        { requiredKeys: ['type'] },
      )
      .map(({ extraKey, ...packet }) => (extraKey ? { ...packet, [extraKey[0]]: extraKey[1] } : packet)),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      { type: 1, nsp: '/' },
      { type: 0, nsp: '/' },
      { type: 0, nsp: '/admin', data: {} },
      { type: 3, nsp: '/', id: 0, data: [] },
    ),
  },
  { weight: 1, arbitrary: garbageArb },
);

/** Where a hostile header sits in the frame: first, as the packet's data, or as an event argument. */
const hostilePrefixes: Record<'top' | 'data' | 'arg', Uint8Array> = {
  top: new Uint8Array(0),
  data: concat(Uint8Array.of(0x83), encode('type'), encode(EVENT), encode('nsp'), encode('/'), encode('data')),
  arg: concat(
    Uint8Array.of(0x83),
    encode('type'),
    encode(EVENT),
    encode('nsp'),
    encode('/'),
    encode('data'),
    Uint8Array.of(0x92),
    encode('story:sync'),
  ),
};

/** A msgpack str/bin/ext/array/map header declaring far more than the frame holds (e.g. `c9 40 00 00 00 00`). */
const lengthBombFrameArb: fc.Arbitrary<Frame> = fc
  .record({
    where: fc.constantFrom('top' as const, 'data' as const, 'arg' as const),
    family: fc.constantFrom('str' as const, 'bin' as const, 'ext' as const, 'array' as const, 'map' as const),
    size: fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...HUGE_SIZES) }, { weight: 1, arbitrary: declaredSizeArb }),
    extType: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: -128, max: 127 }) }),
    tail: fc.uint8Array({ maxLength: 8 }),
  })
  .map(({ where, family, size, extType, tail }) => {
    const declared = typeof size === 'number' ? size : tail.length + size.over;
    const bytes = concat(hostilePrefixes[where], widenedHeader({ family }, declared, extType), tail);
    return { kind: 'bytes' as const, label: `length bomb (${family}32 of ${declared} as ${where})`, bytes };
  });

/** Engine.io text frames: control packets, text messages, Socket.IO's default text format, nonsense. */
export const textFrameArb: fc.Arbitrary<Frame> = fc
  .oneof(
    {
      weight: 3,
      arbitrary: fc.constantFrom(
        '',
        '1',
        '2',
        '3',
        '4',
        '5',
        '6',
        '40',
        '41',
        '42["story:join",{}]',
        '42["disconnect"]',
        '451-["story:sync",{"_placeholder":true,"num":0}]',
        '4\u0000',
        '2probe',
        '0{}',
      ),
    },
    { weight: 2, arbitrary: fc.string({ maxLength: 40 }).map((s) => `4${s}`) },
    { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
    { weight: 1, arbitrary: fc.constantFrom(new Sized('str', 100_000, 0x34), new Sized('str', 2_000_000, 0x78)) },
  )
  .map((text) => ({ kind: 'text' as const, label: 'text frame', text }));

const msgpackFrame =
  (label: string) =>
  (value: unknown): Frame => ({ kind: 'msgpack', label, value });

/**
 * Frames a connection survives (events and packets that decode) mostly, so sessions reach deep
 * states: joined, past many refusals, past the bad-message limit.
 */
const protocolFrameArb = (as: Identity): fc.Arbitrary<Frame> =>
  fc.oneof(
    { weight: 24, arbitrary: eventPacketArb(as, true).map(msgpackFrame('event')) },
    { weight: 2, arbitrary: eventPacketArb(as).map(msgpackFrame('event')) },
    { weight: 1, arbitrary: anyPacketArb.map(msgpackFrame('packet')) },
  );

/** Every kind of frame, including those that end the connection at once (a frame that does not decode). */
const wireFrameArb = (as: Identity): fc.Arbitrary<Frame> =>
  fc.oneof(
    { weight: 12, arbitrary: eventPacketArb(as).map(msgpackFrame('event')) },
    { weight: 2, arbitrary: anyPacketArb.map(msgpackFrame('packet')) },
    {
      weight: 3,
      arbitrary: fc
        .record({ base: fc.oneof(eventPacketArb(as), anyPacketArb).map(msgpackFrame('packet')), mutations: mutationsArb('msgpack') })
        .map(({ base, mutations }) => ({ kind: 'mutated' as const, label: 'damaged packet', base, format: 'msgpack' as const, mutations })),
    },
    { weight: 2, arbitrary: lengthBombFrameArb },
    { weight: 1, arbitrary: textFrameArb },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 48 }).map((bytes) => ({ kind: 'bytes' as const, label: 'random bytes', bytes })) },
  );

/**
 * The event through which an identity could legitimately change the honest story: a writer joining it
 * (then editing), a viewer commenting. Generated arguments already leave the story out of those; no
 * frame that pairs the event with the story is sent at all, in case garbage happens to spell one.
 */
const HONEST_CHANGE: Record<Identity, string | undefined> = { writer: 'story:join', viewer: 'story:comment', anonymous: undefined };

function couldChangeHonest(frame: Frame, event: string): boolean {
  if (frame.kind === 'mutated') return couldChangeHonest(frame.base, event);
  return frame.kind === 'msgpack' && mentions(frame.value, event) && mentions(frame.value, STORY_IDS.honest);
}

function mentions(value: unknown, text: string): boolean {
  if (typeof value === 'string') return value.toLowerCase() === text;
  if (Array.isArray(value)) return value.some((item) => mentions(item, text));
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array || value instanceof Sized) return false;
  return Object.entries(value).some(([key, item]) => key.toLowerCase() === text || mentions(item, text));
}

const sessionFrameArb = (as: Identity, frame: fc.Arbitrary<Frame>): fc.Arbitrary<Frame> => {
  const event = HONEST_CHANGE[as];
  return event ? frame.filter((f) => !couldChangeHonest(f, event)) : frame;
};

export const socketIoSessionArb: fc.Arbitrary<SocketIoSession> = fc
  .constantFrom(...(['writer', 'viewer', 'anonymous'] as const))
  .chain((as) =>
    fc.record({
      transport: fc.constant('socket.io' as const),
      as: fc.constant(as),
      prelude:
        as === 'anonymous'
          ? fc.constantFrom('none' as const, 'connect' as const)
          : fc.constantFrom('none' as const, 'connect' as const, 'join' as const, 'join' as const),
      story: fc.constantFrom(...JOINABLE[as].filter((ref) => ref !== 'absent')),
      frames: fc.oneof(
        { weight: 3, arbitrary: fc.array(sessionFrameArb(as, protocolFrameArb(as)), { minLength: 1, maxLength: 30, size: 'max' }) },
        { weight: 1, arbitrary: fc.array(sessionFrameArb(as, wireFrameArb(as)), { minLength: 1, maxLength: 12 }) },
      ),
    }),
  )
  .map((session) => printable(session, describeSession));
