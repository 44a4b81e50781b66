/**
 * When a failed delivery is tried again: exponential backoff from `baseMs` (WEBHOOK_RETRY_BASE_MS), capped at
 * an hour, with jitter (each wait somewhere in its upper half) so receivers coming back are not all hit at
 * once; null once the next try would fall after `giveUpAt` (24 hours after the event).
 */
const MAX_WAIT_MS = 3_600_000;

export function webhookRetryAt(now: number, attemptsSoFar: number, baseMs: number, giveUpAt: string): string | null {
  const wait = Math.min(MAX_WAIT_MS, baseMs * 2 ** attemptsSoFar);
  const at = now + wait / 2 + Math.random() * (wait / 2);
  return at > Date.parse(giveUpAt) ? null : new Date(at).toISOString();
}
