/**
 * What the server's answers on one fuzzing Socket.IO connection must obey: no message is answered
 * `internal` (hostile input is refused as the client's fault; it must not make a handler fail), and a
 * connection answered more bad messages than the rule allows is closed.
 */
import { loadConfig } from '../../server/config';
import type { ErrorCode } from '../../shared/errors';
import { PacketType, type RawPacket, type RawSocketIO } from '../helpers/rawSocketIO';

/** More than this many bad messages a minute close a connection (BAD_MESSAGES_PER_MINUTE, the fuzz server's default). */
const BAD_MESSAGES_PER_MINUTE = loadConfig({}).messageRates.badPerMinute;
/** Answers that count as a bad message (as server/transport/MessageGate.ts counts them). */
const BAD_INPUT_CODES: ReadonlySet<string> = new Set<ErrorCode>(['bad_request', 'invalid', 'forbidden', 'too_large', 'not_joined']);
/** How long to wait for the close after the round trip (it is on its way by then; a busy machine may be slow to say so). */
const CLOSE_MS = 5_000;

/** The rule the connection's answers broke, if any; called once the connection's frames were all sent. */
export async function brokenConnectionRule(socket: RawSocketIO): Promise<string | undefined> {
  const codes = socket.packets.flatMap(errorCodeOf);
  if (codes.includes('internal')) return 'the server answered a message `internal` (a handler failed on input it did not validate)';
  const bad = codes.filter((code) => BAD_INPUT_CODES.has(code)).length;
  if (bad <= BAD_MESSAGES_PER_MINUTE) return undefined;
  await Promise.race([socket.closed, new Promise((resolve) => setTimeout(resolve, CLOSE_MS))]);
  if (!socket.open) return undefined;
  return `the server answered ${bad} bad messages on one connection and kept it open (the rule closes it after ${BAD_MESSAGES_PER_MINUTE} a minute)`;
}

/** The error code of an ACK or `protocol:error` packet from the server. */
function errorCodeOf(packet: RawPacket): string[] {
  const data = Array.isArray(packet.data) ? packet.data : [];
  const error =
    packet.type === PacketType.ACK
      ? (data[0] as { error?: { code?: unknown } } | undefined)?.error
      : packet.type === PacketType.EVENT && data[0] === 'protocol:error'
        ? (data[1] as { code?: unknown } | undefined)
        : undefined;
  return typeof error?.code === 'string' ? [error.code] : [];
}
