/**
 * How deliveries are signed (docs/webhooks.md#verifying-a-delivery), as Stripe signs its own: the header
 * `Galley-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" under the endpoint's secret>`.
 * Signing the time with the body lets a receiver refuse an old delivery replayed at it; every attempt is
 * signed afresh, and receivers drop repeats by the event id (Galley-Event-Id).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'Galley-Signature';

/** A new endpoint's secret: 32 random bytes, prefixed so one found in a log says what it is. */
export const newWebhookSecret = () => `whsec_${randomBytes(32).toString('base64url')}`;

const hmac = (secret: string, timestamp: number, body: string) => createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');

export function signatureHeader(secret: string, body: string, nowMs: number): string {
  const timestamp = Math.floor(nowMs / 1000);
  return `t=${timestamp},v1=${hmac(secret, timestamp, body)}`;
}

/**
 * A receiver's check, as docs/webhooks.md shows it: the signature is the body's under `secret`, made within
 * `toleranceSeconds` of `nowMs` (either way: clocks differ).
 */
export function verifySignature(secret: string, header: string, body: string, nowMs: number, toleranceSeconds = 300): boolean {
  const parts = new Map(header.split(',').map((part) => [part.slice(0, part.indexOf('=')), part.slice(part.indexOf('=') + 1)]));
  const timestamp = Number(parts.get('t'));
  const signature = parts.get('v1') ?? '';
  if (!Number.isInteger(timestamp) || Math.abs(nowMs / 1000 - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(hmac(secret, timestamp, body), 'hex');
  const given = Buffer.from(signature, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
