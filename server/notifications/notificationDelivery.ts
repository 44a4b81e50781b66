/**
 * How notifications leave the server, built from the configuration: pushed to each person's tabs
 * through Socket.IO (their `user:<id>` room; the Redis adapter carries it to every node), and, with
 * SMTP_URL, queued for email and sent by this process's EmailOutbox. Without SMTP_URL nothing is queued
 * and no mail is ever sent.
 */
import type { Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import nodemailer from 'nodemailer';
import { userRoom } from '../../shared/notifications';
import type { ServerToClientEvents } from '../../shared/protocol';
import type { Config } from '../config';
import type { Logger } from '../logger';
import type { Store } from '../persistence/Store';
import { EmailOutbox } from './EmailOutbox';
import { Notifier } from './Notifier';

/** The one thing of Socket.IO's server this needs: emitting to a room, on every node. */
type Rooms = {
  to(room: string): { emit<E extends keyof ServerToClientEvents>(event: E, ...args: Parameters<ServerToClientEvents[E]>): boolean };
};

/** How often each process looks for digests and retries that have come due. */
const EMAIL_CHECK_MS = 30_000;

export function notificationDelivery(
  config: Pick<Config, 'email' | 'publicUrl' | 'host'>,
  deps: { store: Store; log: Logger; httpServer: HttpServer; io: () => Rooms },
): { notifier: Notifier; outbox: EmailOutbox | null } {
  const outbox = config.email ? emailOutbox(config, config.email, deps) : null;
  const notifier = new Notifier({
    store: deps.store,
    log: deps.log,
    push: {
      added: (userId, notification, unread) => deps.io().to(userRoom(userId)).emit('notification:new', notification, unread),
      read: (userId, ids, unread) => deps.io().to(userRoom(userId)).emit('notification:read', ids, unread),
    },
    email: { enabled: outbox !== null, queued: () => outbox?.wake() },
  });
  outbox?.start();
  return { notifier, outbox };
}

function emailOutbox(
  config: Pick<Config, 'publicUrl' | 'host'>,
  email: NonNullable<Config['email']>,
  deps: { store: Store; log: Logger; httpServer: HttpServer },
): EmailOutbox {
  // Links need an origin with no request to take it from: PUBLIC_URL, else where this server listens.
  const origin = () => config.publicUrl ?? `http://${config.host}:${(deps.httpServer.address() as AddressInfo | null)?.port ?? 0}`;
  return new EmailOutbox(deps, {
    transport: nodemailer.createTransport(email.smtpUrl),
    from: email.from,
    origin,
    checkEveryMs: Math.min(EMAIL_CHECK_MS, email.retryMs),
    retryMs: email.retryMs,
  });
}
