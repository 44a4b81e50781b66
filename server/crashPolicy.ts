import type { Logger } from './logger';

export type CrashPolicyOptions = {
  log: Logger;
  /** The clean shutdown: stop taking messages, commit everything applied, close the store. */
  shutdown: () => Promise<void>;
  /** What the process was doing, for the log line (open stories, connections…). */
  context: () => Record<string, unknown>;
  /** If the shutdown has not finished by then, exit anyway. */
  deadlineMs: number;
};

/**
 * What happens to an error nothing caught, thrown (`uncaughtException`) or rejected
 * (`unhandledRejection`). After one, the process's state is unknown, so it does not carry on: it logs
 * the error with what it was doing, shuts down cleanly — sockets closed first, so nothing new is
 * applied, then every update already applied is committed (an acknowledged edit was committed already;
 * one applied and forwarded to others but not yet acknowledged is committed now, not left to its
 * author to resend) — and exits with status 1 for the supervisor to restart it. Clients reconnect and
 * resend whatever was not acknowledged. Anything a client sends is caught long before this (the
 * transports' guards); this is the backstop for Galley's own bugs.
 */
export function installCrashPolicy(target: NodeJS.Process, { log, shutdown, context, deadlineMs }: CrashPolicyOptions): void {
  let crashing = false;
  const crash = (kind: string, error: unknown) => {
    log.fatal({ err: error, kind, ...safely(context) }, `${kind}: shutting down cleanly, then exiting`);
    if (crashing) return;
    crashing = true;
    setTimeout(() => {
      log.fatal({ deadlineMs }, 'clean shutdown took too long; exiting now');
      target.exit(1);
    }, deadlineMs);
    shutdown()
      .then(
        () => log.info('shut down after an uncaught error; exiting'),
        (failure: unknown) => log.fatal({ err: failure }, 'clean shutdown failed; exiting'),
      )
      .finally(() => target.exit(1));
  };
  target.on('uncaughtException', (error, origin) => crash(origin, error));
  target.on('unhandledRejection', (reason) => crash('unhandledRejection', reason));
}

function safely(context: () => Record<string, unknown>): Record<string, unknown> {
  try {
    return context();
  } catch {
    return {};
  }
}
