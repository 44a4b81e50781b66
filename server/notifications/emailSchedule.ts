/** When a daily digest goes out: every day at this hour (UTC), with everything queued since the last. */
const DIGEST_HOUR_UTC = 7;

/** The next digest time strictly after `now` (ISO strings both). */
export function nextDigestAt(now: string): string {
  const at = new Date(now);
  const next = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate(), DIGEST_HOUR_UTC));
  if (next.getTime() <= at.getTime()) next.setUTCDate(next.getUTCDate() + 1);
  return next.toISOString();
}

/** Sending again after a failure: 1, 2, 4, 8… times `retryMs`; null once `attempts` (so far) reach the limit. */
const EMAIL_MAX_ATTEMPTS = 6;
export function retryAt(now: number, attempts: number, retryMs: number): string | null {
  if (attempts + 1 >= EMAIL_MAX_ATTEMPTS) return null;
  return new Date(now + retryMs * 2 ** attempts).toISOString();
}
