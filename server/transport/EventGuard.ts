import { StoryIdParam } from '../../shared/api';
import { type Ack, GalleyError } from '../../shared/errors';
import type { Logger } from '../logger';
import type { MessageGate, MessageKind } from './MessageGate';
import type { GalleySocket } from './transportTypes';

/**
 * What a handler answers: ack data (or a function that makes it at the moment of the ack, so it
 * sees every change applied until the ack goes out), and work that must follow the ack on the wire.
 */
type Outcome = { data?: unknown; dataAtAck?: () => unknown; afterAck?: () => void };

/** Where bytes may be in an event's arguments: an argument itself, or one key of an argument object. */
type BytesPath = number | readonly [number, string];

export type EventRule = {
  /** The rate gate the event passes first (sync, awareness, comment), or none. */
  kind: MessageKind | null;
  /** Arguments before the optional ack callback; any other count is a bad request. */
  arity: number;
  /**
   * Where the event's arguments may hold bytes; anywhere else they are a bad request, refused before any
   * schema sees them: a schema for an object takes a byte array for an object with a key per byte, so a
   * megabyte of bytes would cost it a million-key error message.
   */
  bytes?: readonly BytesPath[];
};

type Handler = (...args: unknown[]) => Promise<Outcome | void> | Outcome | void;

/**
 * The one way a client's event reaches a handler. Socket.IO neither catches a listener that throws nor a
 * promise that rejects: one would kill the process, the other leave the client waiting. Here every event
 * is counted against the arity its rule gives, admitted through the connection's rate gate, handled, and
 * answered — `{ok: true, data}` on its ack, or the error (as the ack, or as `protocol:error` when the
 * client gave none); a refusal for bad input counts towards closing the connection. Nothing a client
 * sends can throw out of here.
 */
export class EventGuard {
  constructor(
    private readonly socket: GalleySocket,
    private readonly gate: MessageGate,
    private readonly log: Logger,
  ) {}

  on(event: string, rule: EventRule, handler: Handler): void {
    this.socket.on(event as 'story:leave', (...received: unknown[]) => {
      this.#run(event, rule, handler, received).catch((error: unknown) =>
        this.log.error({ err: error, event }, 'socket event guard failed'),
      );
    });
  }

  async #run(event: string, rule: EventRule, handler: Handler, received: unknown[]): Promise<void> {
    const ack = typeof received.at(-1) === 'function' ? (received.at(-1) as (answer: Ack<unknown>) => void) : undefined;
    const args = ack ? received.slice(0, -1) : received;
    try {
      if (args.length !== rule.arity) throw new GalleyError('bad_request', `${event} takes ${rule.arity} argument(s), not ${args.length}`);
      refuseStrayBytes(event, args, rule.bytes ?? []);
      if (rule.kind) await this.gate.admit(rule.kind);
      const outcome = (await handler(...args)) ?? {};
      ack?.({ ok: true, data: outcome.dataAtAck?.() ?? outcome.data ?? null });
      outcome.afterAck?.();
    } catch (error) {
      this.#answer(ack, errorAnswer(error, this.log), event.startsWith('story:') ? storyIdOf(args[0]) : undefined);
      await this.#countIfBad(error);
    }
  }

  #answer(ack: ((answer: Ack<unknown>) => void) | undefined, answer: Ack<never>, storyId: string | undefined): void {
    if (ack) ack(answer);
    else if (!answer.ok) this.socket.emit('protocol:error', { ...answer.error, storyId });
  }

  /** A connection that keeps sending bad input is closed. */
  async #countIfBad(error: unknown): Promise<void> {
    if (!(await this.gate.isAbusive(error)) || !this.socket.connected) return;
    this.log.warn({ userId: this.socket.data.user.id }, 'closing a connection that keeps sending bad input');
    this.socket.emit('protocol:error', { code: 'rate_limited', message: 'Too many bad messages; disconnecting' });
    this.socket.disconnect(true);
  }
}

/** Walks the arguments (the packet decoder bounded their size and depth) for bytes off the rule's paths. */
function refuseStrayBytes(event: string, args: unknown[], allowed: readonly BytesPath[]): void {
  const paths = new Set(allowed.map((path) => (typeof path === 'number' ? `${path}` : `${path[0]}.${path[1]}`)));
  const stack: Array<[unknown, string]> = args.map((arg, i) => [arg, `${i}`]);
  while (stack.length > 0) {
    const [value, path] = stack.pop()!;
    if (value instanceof Uint8Array || value instanceof ArrayBuffer) {
      if (!paths.has(path)) throw new GalleyError('bad_request', `${event} carries bytes where it takes none`);
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => stack.push([item, `${path}.${i}`]));
    } else if (typeof value === 'object' && value !== null) {
      Object.entries(value).forEach(([key, item]) => stack.push([item, `${path}.${key}`]));
    }
  }
}

function errorAnswer(error: unknown, log: Logger): Ack<never> {
  if (error instanceof GalleyError) return { ok: false, error: error.toBody() };
  log.error({ err: error }, 'socket handler failed');
  return { ok: false, error: { code: 'internal', message: 'Something went wrong on the server' } };
}

function storyIdOf(value: unknown): string | undefined {
  return StoryIdParam.safeParse(value).success ? (value as string) : undefined;
}
