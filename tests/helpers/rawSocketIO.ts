/**
 * A Socket.IO client with no guard rails, written against the wire itself (engine.io v4 over a
 * WebSocket, Socket.IO packets in msgpack, as Galley's parser sends them), so tests can send what no
 * well-behaved client would: packets of any shape, any event name, truncated or hostile msgpack, text
 * frames. Only for tests against 127.0.0.1.
 */
import { decode, encode } from '@msgpack/msgpack';
import WebSocket from 'ws';

/** Socket.IO packet types (socket.io-protocol v5). */
export const PacketType = { CONNECT: 0, DISCONNECT: 1, EVENT: 2, ACK: 3, CONNECT_ERROR: 4 } as const;

export type RawPacket = { type: number; nsp: string; data?: unknown; id?: number };

export type RawSocketOptions = { cookie?: string; headers?: Record<string, string>; timeoutMs?: number };

export class RawSocketIO {
  /** Every Socket.IO packet the server sent, decoded, in order. */
  readonly packets: RawPacket[] = [];
  /** Resolves with the close code once the WebSocket has closed, for whatever reason. */
  readonly closed: Promise<number>;
  #waiters = new Set<() => void>();

  private constructor(readonly ws: WebSocket) {
    this.closed = new Promise((resolve) => ws.once('close', (code) => resolve(code)));
    ws.on('error', () => {});
    ws.on('message', (data, isBinary) => {
      if (!isBinary) {
        // Engine.io text packets: answer pings so the server keeps us, ignore the rest.
        if (data.toString() === '2') this.#send('3');
        return;
      }
      try {
        this.packets.push(decode(data as Buffer) as RawPacket);
      } catch {
        // Not ours to judge: the server's own encoder wrote it.
      }
      for (const wake of this.#waiters) wake();
    });
  }

  /** Opens the engine.io connection (its handshake done), without sending any Socket.IO packet yet. */
  static async open(url: string, options: RawSocketOptions = {}): Promise<RawSocketIO> {
    const address = `${url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`;
    const ws = new WebSocket(address, { headers: { ...(options.cookie ? { cookie: options.cookie } : {}), ...options.headers } });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('engine.io handshake timed out')), options.timeoutMs ?? 5_000);
      ws.once('message', (data, isBinary) => {
        clearTimeout(timer);
        if (!isBinary && data.toString().startsWith('0')) resolve();
        else reject(new Error(`unexpected first frame: ${data.toString().slice(0, 60)}`));
      });
      ws.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
    return new RawSocketIO(ws);
  }

  /** Opens, connects to the main namespace and resolves once the server admitted the connection. */
  static async connected(url: string, options: RawSocketOptions = {}): Promise<RawSocketIO> {
    const socket = await RawSocketIO.open(url, options);
    socket.sendPacket({ type: PacketType.CONNECT, nsp: '/' });
    const answer = await socket.nextPacket((p) => p.type === PacketType.CONNECT || p.type === PacketType.CONNECT_ERROR);
    if (answer.type !== PacketType.CONNECT) throw new Error(`connection refused: ${JSON.stringify(answer.data)}`);
    return socket;
  }

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  /** A Socket.IO packet, msgpack-encoded as one binary frame (what Galley's parser sends). */
  sendPacket(packet: RawPacket | Record<string, unknown>): void {
    this.sendBytes(encode(packet, { ignoreUndefined: true }));
  }

  /** An EVENT packet: `[event, ...args]`, with an ack id if given. */
  emit(data: unknown[], id?: number): void {
    this.sendPacket({ type: PacketType.EVENT, nsp: '/', data, ...(id === undefined ? {} : { id }) });
  }

  /** Sends an event with an ack id and resolves with the server's ACK packet data. */
  async emitWithAck(data: unknown[], id: number, timeoutMs = 5_000): Promise<unknown[]> {
    this.emit(data, id);
    const ack = await this.nextPacket((p) => p.type === PacketType.ACK && p.id === id, timeoutMs);
    return ack.data as unknown[];
  }

  /** Any bytes, as one binary WebSocket frame (an engine.io binary message). */
  sendBytes(bytes: Uint8Array): void {
    if (this.open) this.ws.send(bytes, { binary: true });
  }

  /** An engine.io text message (`4` + text): Galley's parser takes only binary. */
  sendText(text: string): void {
    this.#send(`4${text}`);
  }

  /** Any text, as one WebSocket text frame, with no engine.io packet type in front (it may be one, or not). */
  sendRawText(frame: string): void {
    this.#send(frame);
  }

  #send(frame: string): void {
    if (this.open) this.ws.send(frame);
  }

  /** The first packet (already received or still to come) that matches; rejects after `timeoutMs` or on close. */
  nextPacket(match: (packet: RawPacket) => boolean, timeoutMs = 5_000): Promise<RawPacket> {
    return new Promise((resolve, reject) => {
      let seen = 0;
      const check = () => {
        for (; seen < this.packets.length; seen++) {
          if (match(this.packets[seen])) return finish(() => resolve(this.packets[seen]));
        }
      };
      const finish = (settle: () => void) => {
        clearTimeout(timer);
        this.#waiters.delete(check);
        settle();
      };
      const timer = setTimeout(() => finish(() => reject(new Error('no matching packet'))), timeoutMs);
      this.#waiters.add(check);
      void this.closed.then(() => finish(() => reject(new Error('closed before a matching packet'))));
      check();
    });
  }

  close(): void {
    this.ws.terminate();
  }
}
