/**
 * Issue 14, reconnect storm: after a crash and restart, the editors must not all come back in the same
 * second. 200 headless editors (the app's own socket, provider and reconnect policy) on 20 stories; the
 * server is killed with SIGKILL and started again on the same port 2 s later. In every second after it
 * listens again at most 20 % of them may try to connect, each must come back on its first try, all
 * within one round (5.6 s, RECONNECT_SPREAD_MS, where the recovery took 5.9 s before the fix), what each
 * typed while it was down must be stored exactly once, and while it was down each may have tried once a
 * round, no more. The round bounds when they try, which the product decides; how long the joins then take
 * depends on the machine, so the time until all are back is only bounded loosely (a second round).
 * Likewise the 20 % holds for when the policy scheduled each attempt: 200 editors share this process's
 * event loop, and when it is busy their timers fire in bunches, which says nothing about the product.
 * The full 500-editor run is `npm run bench:reconnect` (docs/performance.md).
 */
import { afterAll, expect, it } from 'vitest';
import { loadConfig } from '../../server/config';
import { attemptsPerSecond, peakInWindow, runReconnectStorm } from '../helpers/reconnectStorm';
import { killAllServerProcesses } from '../helpers/serverProcess';

const CLIENTS = 200;
const STORIES = 20;
const MAX_SHARE_PER_SECOND = 0.2;
/** Timer slack: an attempt due at the end of the round may fire a little later on a busy machine. */
const TIMER_SLACK_MS = 300;
/** The period the server hints by default. */
const PERIOD_MS = loadConfig({}).reconnectPeriodMs;

afterAll(() => killAllServerProcesses());

it('spreads the reconnections after a restart: at most 20 % in any second, each back on its first try within one round, nothing lost', async () => {
  const storm = await runReconnectStorm({ clients: CLIENTS, stories: STORIES, downMs: 2_000 });
  const peak = peakInWindow(storm.scheduled);
  const recovery = Math.max(...storm.backAfterMs);
  console.log(
    `reconnect storm: ${CLIENTS} editors on ${STORIES} stories, server down ${storm.outageMs} ms ` +
      `(the editors noticed within ${storm.noticedWithinMs} ms); ` +
      `peak ${peak} attempts scheduled in a 1 s window after it listened (${((100 * peak) / CLIENTS).toFixed(1)} %; ` +
      `${peakInWindow(storm.attempts)} as the timers fired), ` +
      `per second ${JSON.stringify(attemptsPerSecond(storm.attempts))}; ` +
      `${storm.failedAttempts} failed attempts; all back ${recovery} ms after it listened`,
  );
  expect(storm.backAfterMs).toHaveLength(CLIENTS);
  expect(peak).toBeLessThanOrEqual(CLIENTS * MAX_SHARE_PER_SECOND);
  // Every attempt is one the policy scheduled, and none came before its time (timers round to the ms).
  expect(storm.scheduled).toHaveLength(storm.attempts.length);
  storm.attempts.forEach((at, i) => expect(at).toBeGreaterThanOrEqual(storm.scheduled[i] - 2));
  // Nobody tried twice once it listened (no second round), and the last try came within the round.
  const afterRestart = storm.attempts.filter((at) => at >= 0);
  expect(afterRestart.length).toBeLessThanOrEqual(CLIENTS);
  expect(Math.max(...afterRestart)).toBeLessThanOrEqual(PERIOD_MS + TIMER_SLACK_MS);
  expect(recovery).toBeLessThan(2 * PERIOD_MS);
  expect(storm.storedCopies).toEqual(storm.storedCopies.map(() => 1));
  expect(storm.failedAttempts).toBeLessThanOrEqual(CLIENTS * Math.ceil(storm.outageMs / PERIOD_MS));
}, 90_000);
