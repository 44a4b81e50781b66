import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * scrypt, memory-hard, r=8, p=1, N=2^cost. Production's cost, 15, uses 32 MiB per hash (OWASP's
 * recommended floor); `PASSWORD_HASH_COST` (server/config.ts) may raise it, and only tests may lower it.
 */
export const PASSWORD_HASH_COST = { default: 15, max: 17, testMin: 4 } as const;
/** Enough for the largest cost accepted (2^17 × 128 × r = 128 MiB), whatever the hash being verified was made with. */
const MAX_MEMORY = 256 * 1024 * 1024;
const KEY_LENGTH = 64;

const paramsFor = (cost: number): ScryptOptions => ({ N: 2 ** cost, r: 8, p: 1, maxmem: MAX_MEMORY });

let params = paramsFor(PASSWORD_HASH_COST.default);
let dummy: Promise<string> | undefined;

/**
 * The cost of hashes made from now on, set once at start-up from the configuration. Hashes made
 * before keep theirs: each carries its own parameters, and verifying reads them.
 */
export function configurePasswordHashing(cost: number): void {
  if (!Number.isInteger(cost) || cost < PASSWORD_HASH_COST.testMin || cost > PASSWORD_HASH_COST.max) {
    throw new RangeError(`password hash cost ${cost} is outside ${PASSWORD_HASH_COST.testMin}–${PASSWORD_HASH_COST.max}`);
  }
  params = paramsFor(cost);
  // Made now, so that the first sign-in with an unknown email takes no longer than the next.
  dummy = hashPassword(randomBytes(16).toString('hex'));
}

function derive(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/** Format: scrypt$N$r$p$salt$hash (base64), so parameters can be raised later. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, params);
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64'), key.toString('base64')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const key = await derive(password, Buffer.from(salt, 'base64'), { N: Number(n), r: Number(r), p: Number(p), maxmem: MAX_MEMORY });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** A hash at the configured cost to verify against when the email is unknown, so both answers take as long. */
export function dummyHash(): Promise<string> {
  return (dummy ??= hashPassword(randomBytes(16).toString('hex')));
}
