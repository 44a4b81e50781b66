/** Which addresses webhooks may not reach and connect to (server/webhooks/webhookAddress.ts), and when a failed delivery is tried again. */
import { describe, expect, it } from 'vitest';
import { guardedLookup, isPrivateAddress } from '../../server/webhooks/webhookAddress';
import { webhookRetryAt } from '../../server/webhooks/webhookSchedule';

describe('isPrivateAddress', () => {
  it.each([
    '127.0.0.1',
    '127.255.0.9',
    '10.0.0.1',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.0.10',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '198.18.0.1',
    '::1',
    '::',
    'fe80::1',
    'fc00::1',
    'fd12:3456::1',
    'ff02::1',
    '::ffff:127.0.0.1',
    '::FFFF:10.0.0.1',
    '64:ff9b::7f00:1',
    'not an address',
  ])('refuses %s', (address) => expect(isPrivateAddress(address)).toBe(true));

  it.each(['8.8.8.8', '1.1.1.1', '172.32.0.1', '100.128.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'])('allows %s', (address) =>
    expect(isPrivateAddress(address)).toBe(false),
  );
});

describe('webhookRetryAt', () => {
  const now = Date.UTC(2026, 0, 1);
  const giveUpAt = new Date(now + 24 * 3_600_000).toISOString();
  const wait = (attempts: number) => Date.parse(webhookRetryAt(now, attempts, 1000, giveUpAt)!) - now;

  it('waits twice as long after each failure, somewhere in the upper half of each wait, capped at an hour', () => {
    for (let i = 0; i < 20; i++) {
      expect(wait(0)).toBeGreaterThanOrEqual(500);
      expect(wait(0)).toBeLessThanOrEqual(1000);
      expect(wait(3)).toBeGreaterThanOrEqual(4000);
      expect(wait(3)).toBeLessThanOrEqual(8000);
      expect(wait(30)).toBeLessThanOrEqual(3_600_000);
      expect(wait(30)).toBeGreaterThanOrEqual(1_800_000);
    }
  });

  it('gives up once the next try would fall after the give-up time', () => {
    expect(webhookRetryAt(now, 0, 1000, new Date(now + 400).toISOString())).toBeNull();
    expect(webhookRetryAt(now + 24 * 3_600_000, 5, 1000, giveUpAt)).toBeNull();
  });
});

describe('guardedLookup', () => {
  const lookup = (allowPrivate: boolean, all: boolean) =>
    new Promise<{ error: (Error & { code?: string }) | null; found: unknown }>((resolve) =>
      guardedLookup(allowPrivate)('localhost', { all }, (error, found) => resolve({ error, found })),
    );

  it('refuses to connect to a name that resolves to a private address', async () => {
    for (const all of [false, true]) {
      const { error } = await lookup(false, all);
      expect(error?.code).toBe('EWEBHOOKADDRESS');
      expect(error?.message).toMatch(/localhost resolves to a private or reserved address/);
    }
  });

  it('connects to it when private addresses are allowed, as Node asks (one address, or all)', async () => {
    expect((await lookup(true, false)).found).toMatch(/^(127\.0\.0\.1|::1)$/);
    expect((await lookup(true, true)).found).toEqual(expect.arrayContaining([expect.objectContaining({ address: expect.any(String) })]));
  });
});
