/**
 * What every test server runs with, in this process or as a child process (serverProcess.ts):
 * - its clients' returns spread over one second, not the default's few: tests that restart a server wait
 *   for reconnections, and the spread itself is tested on its own (reconnectStorm.test.ts);
 * - cheap password hashing: scrypt N=2^4, well under a millisecond, instead of production's 2^15 (about
 *   100 ms and 32 MiB, several times that on a busy machine), since tests create and sign in hundreds of
 *   accounts. The configuration accepts a cost below production's only with NODE_ENV=test. Each hash
 *   carries its own parameters, so nothing else changes.
 */
import { configurePasswordHashing } from '../../server/auth/passwords';
import { loadConfig } from '../../server/config';

export const TEST_SERVER_ENV = { RECONNECT_SPREAD_MS: '1000', PASSWORD_HASH_COST: '4', NODE_ENV: 'test' } as const;

/**
 * Accounts made in this process (by a test server, or by a test straight in a store) get the test servers'
 * cheap hashes, and so do those made by the command-line tools a test runs (they inherit the environment).
 * Vitest runs it before every test file (tests/vitestSetup.ts); the e2e fixture's servers set it themselves.
 */
export function useTestPasswordHashing(): void {
  process.env.PASSWORD_HASH_COST = TEST_SERVER_ENV.PASSWORD_HASH_COST;
  process.env.NODE_ENV = TEST_SERVER_ENV.NODE_ENV;
  configurePasswordHashing(loadConfig(TEST_SERVER_ENV).passwordHashCost);
}
