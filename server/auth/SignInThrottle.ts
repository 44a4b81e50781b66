import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { GalleyError } from '../../shared/errors';

const WINDOW_SECONDS = 15 * 60;

export type SignInLimits = { failuresPerAccount: number; failuresPerIp: number };

/**
 * Brute-force protection for sign-in: failed attempts are counted per account
 * (known or not, so the answer does not reveal which emails exist) and per
 * IP; past either limit, sign-in is refused for the rest of the window.
 */
export class SignInThrottle {
  readonly #byAccount: RateLimiterAbstract;
  readonly #byIp: RateLimiterAbstract;

  /** With `redis` (several processes) the counts are shared, so N processes do not allow N times the guesses. */
  constructor(limits: SignInLimits, redis?: unknown) {
    this.#byAccount = limiter('account', limits.failuresPerAccount, redis);
    this.#byIp = limiter('ip', limits.failuresPerIp, redis);
  }

  /** Throws `rate_limited` while either key is locked out. */
  async check(email: string, ip: string): Promise<void> {
    const [account, address] = await Promise.all([this.#byAccount.get(email), this.#byIp.get(ip)]);
    const blocked = [account, address].filter((r): r is RateLimiterRes => r !== null && r.remainingPoints <= 0);
    if (blocked.length > 0) {
      const minutes = Math.ceil(Math.max(...blocked.map((r) => r.msBeforeNext)) / 60_000);
      throw new GalleyError('rate_limited', `Too many failed sign-ins; try again in ${minutes} minute${minutes === 1 ? '' : 's'}`);
    }
  }

  async failed(email: string, ip: string): Promise<void> {
    // consume() rejects once over the limit (and starts the block): that is the point, not an error.
    const count = (limiter: RateLimiterAbstract, key: string) =>
      limiter.consume(key).catch((result: unknown) => {
        if (!(result instanceof RateLimiterRes)) throw result;
      });
    await Promise.all([count(this.#byAccount, email), count(this.#byIp, ip)]);
  }

  async succeeded(email: string): Promise<void> {
    await this.#byAccount.delete(email);
  }
}

function limiter(name: string, points: number, redis: unknown): RateLimiterAbstract {
  const options = { points, duration: WINDOW_SECONDS, blockDuration: WINDOW_SECONDS };
  if (!redis) return new RateLimiterMemory(options);
  return new RateLimiterRedis({
    ...options,
    storeClient: redis,
    useRedisPackage: true,
    keyPrefix: `galley:sign-in:${name}`,
    // Redis away: count in this process meanwhile rather than refuse every sign-in.
    insuranceLimiter: new RateLimiterMemory(options),
  });
}
