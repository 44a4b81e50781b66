/**
 * Sends a batch of sessions to the server, a few connections at a time: each opens its own
 * connection (Socket.IO over a raw WebSocket, or the y-websocket endpoint), sends its frames while
 * the server keeps the connection open, then waits for the server to have read them (a round trip)
 * before closing. Counts what was sent and keeps a log of when, to name the frames sent just before
 * a crash.
 */
import { setImmediate as nextTick } from 'node:timers/promises';
import WebSocket from 'ws';
import { PROTOCOL_VERSION } from '../../shared/protocol';
import { PacketType, RawSocketIO } from '../helpers/rawSocketIO';
import { brokenConnectionRule } from './connectionRules';
import { type Frame, frameData, type Session, type SocketIoSession, type YWebsocketSession } from './frames';
import type { FuzzWorld } from './FuzzWorld';
import { STORY_IDS } from './targets';

/** Sessions open at once. */
const LANES = 3;
/**
 * How long to wait for the server's answer to the round trip at the end of a session: the connection's
 * answers are judged once it is in, so on a busy machine it is worth waiting for.
 */
const ROUND_TRIP_MS = 5_000;
const CLOSE_MS = 1_000;
const JOIN_ACK_ID = 900_001;
const ROUND_TRIP_ACK_ID = 900_002;

type SentFrame = { at: number; session: number; frame: number };

export class BatchTraffic {
  framesSent = 0;
  /** Frames not sent because the server had already closed the connection (usually for bad input). */
  framesCutOff = 0;
  sessions = 0;
  /** Connections the server refused or that could not be opened. */
  refused = 0;
  readonly byTransport: Record<Session['transport'], number> = { 'socket.io': 0, 'y-websocket': 0 };
  readonly log: SentFrame[] = [];
  /** Rules a connection's answers broke (the oracle fails on the first). */
  readonly violations: string[] = [];

  sent(session: number, frame: number, transport: Session['transport']): void {
    this.framesSent++;
    this.byTransport[transport]++;
    this.log.push({ at: Date.now(), session, frame });
  }

  /** The last frames sent at or before `time` (by default, the last ones sent at all). */
  lastSentBefore(time = Infinity, count = 6): SentFrame[] {
    return this.log.filter((f) => f.at <= time).slice(-count);
  }
}

export async function sendBatch(world: FuzzWorld, sessions: readonly Session[]): Promise<BatchTraffic> {
  const traffic = new BatchTraffic();
  let next = 0;
  const lane = async () => {
    while (next < sessions.length && world.alive) {
      const index = next++;
      const session = sessions[index];
      traffic.sessions++;
      if (session.transport === 'socket.io') await sendSocketIo(world, session, index, traffic);
      else await sendYWebsocket(world, session, index, traffic);
    }
  };
  await Promise.all(Array.from({ length: LANES }, lane));
  return traffic;
}

async function sendSocketIo(world: FuzzWorld, session: SocketIoSession, index: number, traffic: BatchTraffic): Promise<void> {
  let socket: RawSocketIO;
  try {
    socket = await RawSocketIO.open(world.url, { cookie: world.cookieOf(session.as), timeoutMs: 5_000 });
  } catch {
    traffic.refused++;
    return;
  }
  try {
    if (session.prelude !== 'none') {
      socket.sendPacket({ type: PacketType.CONNECT, nsp: '/' });
      const answer = await socket
        .nextPacket((p) => p.type === PacketType.CONNECT || p.type === PacketType.CONNECT_ERROR)
        .catch(() => undefined);
      if (session.prelude === 'join' && answer?.type === PacketType.CONNECT) {
        await socket
          .emitWithAck(['story:join', { storyId: STORY_IDS[session.story], protocolVersion: PROTOCOL_VERSION }], JOIN_ACK_ID)
          .catch(() => undefined);
      }
    }
    await sendFrames(
      session,
      index,
      traffic,
      () => socket.open,
      (data) => (typeof data === 'string' ? socket.sendRawText(data) : socket.sendBytes(data)),
    );
    // A round trip: once answered, the server has read every frame before it.
    if (socket.open) await socket.emitWithAck(['newsroom:watch'], ROUND_TRIP_ACK_ID, ROUND_TRIP_MS).catch(() => undefined);
    const broken = await brokenConnectionRule(socket);
    if (broken) traffic.violations.push(`session ${index}: ${broken}`);
  } finally {
    await closeGracefully(socket.ws, socket.closed);
  }
}

async function sendYWebsocket(world: FuzzWorld, session: YWebsocketSession, index: number, traffic: BatchTraffic): Promise<void> {
  const url = `${world.url.replace(/^http/, 'ws')}/yjs/${STORY_IDS[session.story]}`;
  const ws = new WebSocket(url, { headers: { cookie: world.cookieOf(session.as)! } });
  ws.on('error', () => {});
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  const opened = await new Promise<boolean>((resolve) => {
    ws.once('open', () => resolve(true));
    ws.once('unexpected-response', () => resolve(false));
    ws.once('close', () => resolve(false));
  });
  if (!opened) {
    traffic.refused++;
    ws.terminate();
    return;
  }
  const received: Uint8Array[] = [];
  ws.on('message', (data: Buffer, isBinary) => isBinary && received.push(new Uint8Array(data)));
  try {
    await sendFrames(
      session,
      index,
      traffic,
      () => ws.readyState === WebSocket.OPEN,
      (data) => ws.send(data, { binary: typeof data !== 'string' }),
    );
    // A round trip: a sync step 1 with an empty state vector is answered with a step 2.
    if (ws.readyState === WebSocket.OPEN) {
      const before = received.length;
      ws.send(Uint8Array.of(0, 0, 1, 0));
      const deadline = Date.now() + ROUND_TRIP_MS;
      while (ws.readyState === WebSocket.OPEN && Date.now() < deadline && !received.slice(before).some((m) => m[0] === 0 && m[1] === 1)) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    }
  } finally {
    await closeGracefully(ws, closed);
  }
}

async function sendFrames(
  session: Session,
  index: number,
  traffic: BatchTraffic,
  open: () => boolean,
  send: (data: Uint8Array | string) => void,
): Promise<void> {
  for (const [i, frame] of session.frames.entries()) {
    if (!open()) {
      traffic.framesCutOff += session.frames.length - i;
      return;
    }
    send(encoded(frame));
    traffic.sent(index, i, session.transport);
    // Let the answers in between frames, as a client reading its socket would.
    await nextTick();
  }
}

/** Frames that cannot be encoded (a generator's mistake) fail loudly rather than being skipped. */
function encoded(frame: Frame): Uint8Array | string {
  try {
    return frameData(frame);
  } catch (error) {
    throw new Error(`fuzz generator made a frame that cannot be encoded (${frame.label}): ${(error as Error).message}`, { cause: error });
  }
}

async function closeGracefully(ws: WebSocket, closed: Promise<number>): Promise<void> {
  if (ws.readyState === WebSocket.OPEN) ws.close();
  await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, CLOSE_MS))]);
  ws.terminate();
}
