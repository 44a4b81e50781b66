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

export type EventRule = {
  /** The rate gate the event passes first (sync, awareness, comment), or none. */
  kind: MessageKind | null;
  /** Arguments before the optional ack callback; any other count is a bad request. */
  arity: number;
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

function errorAnswer(error: unknown, log: Logger): Ack<never> {
  if (error instanceof GalleyError) return { ok: false, error: error.toBody() };
  log.error({ err: error }, 'socket handler failed');
  return { ok: false, error: { code: 'internal', message: 'Something went wrong on the server' } };
}

function storyIdOf(value: unknown): string | undefined {
  return StoryIdParam.safeParse(value).success ? (value as string) : undefined;
}
