import { encode } from '@msgpack/msgpack';
import { describe, expect, it } from 'vitest';
import { INVALID_EVENT, PacketDecoder } from '../../server/transport/PacketDecoder';
import { LIMITS } from '../../shared/limits';
import { SOCKET_PARSER } from '../../shared/socketParser';
import { cpuMsOf } from '../helpers/cpuTime';

/** A decoder past the handshake, collecting what it decodes. */
function admitted(): { decoder: PacketDecoder; decoded: unknown[] } {
  const decoder = new PacketDecoder();
  const decoded: unknown[] = [];
  decoder.on('decoded', (packet) => decoded.push(packet));
  decoder.add(encode({ type: 0, nsp: '/' }));
  decoder.admit();
  decoded.length = 0;
  return { decoder, decoded };
}

/** What Galley's own client encoder (notepack) writes for a packet. */
const clientFrame = (packet: object) => (new SOCKET_PARSER.Encoder().encode(packet as never) as unknown as Uint8Array[])[0];

describe('PacketDecoder', () => {
  it('decodes what Galley clients send, bytes and undefined included', () => {
    const { decoder, decoded } = admitted();
    const bytes = Uint8Array.of(0, 1, 2);
    decoder.add(clientFrame({ type: 2, nsp: '/', data: ['story:sync', 'id', bytes], id: 4, options: { compress: true } }));
    decoder.add(clientFrame({ type: 2, nsp: '/', data: ['story:leave', 'id'], id: undefined }));
    expect(decoded).toEqual([
      // A view of the frame (a Buffer, as the frame is one): the handlers copy what they keep.
      { type: 2, nsp: '/', data: ['story:sync', 'id', Buffer.from(bytes)], id: 4 },
      { type: 2, nsp: '/', data: ['story:leave', 'id'], id: undefined },
    ]);
  });

  it('reads only a small CONNECT packet before sign-in, and nothing while the sign-in is checked', () => {
    const decoder = new PacketDecoder();
    expect(() => decoder.add(encode({ type: 2, nsp: '/', data: ['story:leave', 'x'] }))).toThrow();
    expect(() => decoder.add(encode({ type: 1, nsp: '/' }))).toThrow(/CONNECT/);
    expect(() => decoder.add(encode({ type: 0, nsp: '/', data: { token: 'x'.repeat(LIMITS.maxHandshakeBytes) } }))).toThrow(/too large/);
    decoder.add(clientFrame({ type: 0, nsp: '/', data: { token: 'glt_abc' } }));
    expect(() => decoder.add(encode({ type: 2, nsp: '/', data: ['newsroom:watch'] }))).toThrow(/before the connection was admitted/);
    decoder.refuse();
    decoder.add(clientFrame({ type: 0, nsp: '/' }));
    decoder.admit();
    expect(() => decoder.add(encode({ type: 2, nsp: '/', data: ['newsroom:watch'] }))).not.toThrow();
  });

  it.each([
    ['ext32 of 1 GiB', [0xc9, 0x40, 0x00, 0x00, 0x00, 0x00]],
    ['bin32 of 2 GiB', [0xc6, 0x7f, 0xff, 0xff, 0xff]],
    ['str32 of 2 GiB', [0xdb, 0x7f, 0xff, 0xff, 0xff]],
    ['array32 of 4 billion', [0xdd, 0xff, 0xff, 0xff, 0xff]],
    ['map32 of 4 billion', [0xdf, 0xff, 0xff, 0xff, 0xff]],
    ['a map whose only key declares 1 MB of string', [0x81, 0xdb, 0x00, 0x10, 0x00, 0x00]],
  ])('refuses %s at once, before and after sign-in, without allocating it', (_name, bytes) => {
    for (const decoder of [new PacketDecoder(), admitted().decoder]) {
      const before = process.memoryUsage().arrayBuffers;
      const { ms } = cpuMsOf(() => expect(() => decoder.add(Uint8Array.from(bytes))).toThrow());
      expect(ms).toBeLessThan(50);
      expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(1_000_000);
    }
  });

  it.each([
    ['an empty data array', [], 'no event name'],
    ['a reserved name', ['disconnect', 'io client disconnect'], '"disconnect"'],
    ['error', ['error', { message: 'x' }], '"error"'],
    ['newListener', ['newListener', 'story:sync'], '"newListener"'],
    ['a name outside the protocol', ['story:delete', 'id'], '"story:delete"'],
    ['a number as name', [42], 'a number as event name'],
  ])('turns an EVENT with %s into the invalid event, keeping its ack id', (_name, data, shown) => {
    const { decoder, decoded } = admitted();
    decoder.add(encode({ type: 2, nsp: '/', data, id: 9 }));
    expect(decoded).toEqual([{ type: 2, nsp: '/', data: [INVALID_EVENT, `Unknown event ${shown}`], id: 9 }]);
  });

  it.each([
    ['a text frame', '42["story:join"]'],
    ['a frame that is not a map', encode([2, '/', ['story:join']])],
    ['another namespace', encode({ type: 0, nsp: '/admin' })],
    ['a packet type clients do not send', encode({ type: 4, nsp: '/', data: {} })],
    ['a binary event type', encode({ type: 5, nsp: '/', data: ['story:sync'] })],
    ['an unknown key', encode({ type: 2, nsp: '/', data: ['newsroom:watch'], attachments: 1 })],
    ['a fractional ack id', encode({ type: 2, nsp: '/', data: ['newsroom:watch'], id: 1.5 })],
    ['a negative ack id', encode({ type: 2, nsp: '/', data: ['newsroom:watch'], id: -1 })],
    ['an EVENT whose data is not an array', encode({ type: 2, nsp: '/', data: 'story:join' })],
    ['an ACK without an id', encode({ type: 3, nsp: '/', data: [] })],
    ['an ACK whose data is not an array', encode({ type: 3, nsp: '/', data: 5, id: 1 })],
    ['a DISCONNECT with data', encode({ type: 1, nsp: '/', data: 'bye' })],
    [
      'a __proto__ key',
      Uint8Array.from([
        0x83,
        0xa4,
        ...Buffer.from('type'),
        0x02,
        0xa3,
        ...Buffer.from('nsp'),
        0xa1,
        0x2f,
        0xa9,
        ...Buffer.from('__proto__'),
        0xc0,
      ]),
    ],
    ['an extension type other than notepack’s', encode({ type: 2, nsp: '/', data: ['newsroom:watch', new Date(0)] })],
    ['nesting deeper than any event carries', encode({ type: 2, nsp: '/', data: ['story:comment', 'id', [[[[[[[[[[1]]]]]]]]]]] })],
    ['trailing bytes', Uint8Array.from([...encode({ type: 2, nsp: '/', data: ['newsroom:watch'] }), 0x00])],
    ['a truncated frame', encode({ type: 2, nsp: '/', data: ['story:leave', 'abcdef'] }).slice(0, -3)],
  ])('refuses %s (the connection is closed)', (_name, frame) => {
    const { decoder, decoded } = admitted();
    expect(() => decoder.add(frame)).toThrow();
    expect(decoded).toEqual([]);
  });
});
