import type { AddressInfo } from 'node:net';
import { createServer } from 'node:http';
import { Server } from 'socket.io';
import { SOCKET_PARSER } from '../../shared/socketParser';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ReconnectPolicy, type ReconnectPolicyOptions } from '../../client/lib/sync/ReconnectPolicy';
import { closeSocket, connectSocket, reconnectionOf, type GalleyClientSocket } from '../../client/lib/sync/socket';
import { ReconnectSpread } from '../../server/transport/ReconnectSpread';

/** A policy whose connect attempts are timed; without a hint its phase is `random()`, here 0.5. */
function policyWith(options: Partial<ReconnectPolicyOptions> = {}) {
  const attempts: number[] = [];
  const policy = new ReconnectPolicy({ connect: () => attempts.push(Date.now()), random: () => 0.5, ...options });
  return { policy, attempts };
}

/** A connection that lasted: what follows is a new outage. */
function stableConnection(policy: ReconnectPolicy): void {
  policy.connected();
  vi.advanceTimersByTime(60_000);
}

/** Loses the connection, fails every attempt, and returns when each was made, in ms from the loss. */
function failingAttempts(policy: ReconnectPolicy, attempts: number[], count: number): number[] {
  const lostAt = Date.now();
  const seen = attempts.length;
  policy.lost();
  for (let i = 0; i < count; i++) {
    vi.advanceTimersToNextTimer();
    expect(attempts.length).toBe(seen + i + 1);
    policy.lost();
  }
  return attempts.slice(seen).map((at) => at - lostAt);
}

describe('ReconnectPolicy', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('comes back at its hinted phase of each round, rounds counted from the loss, growing after twelve and capped at 30 s', () => {
    const { policy, attempts } = policyWith();
    policy.hint({ phase: 0.25, periodMs: 4_000 });
    stableConnection(policy);
    // Rounds of 4 s (×12), then 8, 16, 30, 30 s; each attempt a quarter into its round.
    const steady = Array.from({ length: 12 }, (_, round) => round * 4_000 + 1_000);
    expect(failingAttempts(policy, attempts, 16)).toEqual([...steady, 50_000, 60_000, 79_500, 109_500]);
    expect(policy.failures).toBe(16);
    expect(policy.phase).toBe('waiting');
  });

  it('says when the attempt it waits for is due', () => {
    const { policy, attempts } = policyWith();
    policy.hint({ phase: 0.25, periodMs: 4_000 });
    stableConnection(policy);
    const lostAt = Date.now();
    policy.lost();
    expect(policy.dueAt).toBe(lostAt + 1_000);
    vi.advanceTimersToNextTimer();
    expect(attempts).toEqual([lostAt + 1_000]);
    policy.lost();
    expect(policy.dueAt).toBe(lostAt + 5_000);
  });

  it('never shortens a hinted period longer than the cap', () => {
    const { policy } = policyWith();
    policy.hint({ phase: 0, periodMs: 60_000 });
    expect([0, 11, 12, 20].map((round) => policy.periodOf(round))).toEqual([60_000, 60_000, 60_000, 60_000]);
  });

  it('uses a random phase of the default 5.6 s period until the server hints', () => {
    const { policy, attempts } = policyWith({ random: () => 0.3 });
    stableConnection(policy);
    expect(failingAttempts(policy, attempts, 3)).toEqual([1_680, 7_280, 12_880]);
  });

  it('ignores a hint it cannot use', () => {
    const { policy, attempts } = policyWith();
    const bad = [
      null,
      'soon',
      { phase: 1, periodMs: 4_000 },
      { phase: -0.1, periodMs: 4_000 },
      { phase: Number.NaN, periodMs: 4_000 },
      { phase: '0.1', periodMs: 4_000 },
      { phase: 0.1, periodMs: 100 },
      { phase: 0.1, periodMs: 1e9 },
      { phase: 0.1, periodMs: Number.POSITIVE_INFINITY },
    ];
    for (const hint of bad) policy.hint(hint);
    stableConnection(policy);
    expect(failingAttempts(policy, attempts, 1)).toEqual([2_800]);
  });

  it('brings the connections a crash drops back at an even rate, all within one period of the server returning', () => {
    const clients = 500;
    for (const downMs of [700, 3_700, 5_599, 12_345, 61_000]) {
      const spread = new ReconnectSpread(5_600, 0.123);
      let serverUp = false;
      const attempts: number[] = [];
      const policies = Array.from({ length: clients }, () => {
        const policy: ReconnectPolicy = new ReconnectPolicy({
          connect: () => {
            attempts.push(Date.now());
            if (serverUp) policy.connected();
            else policy.lost();
          },
        });
        spread.admit((hint) => policy.hint(hint));
        policy.connected();
        return policy;
      });
      vi.advanceTimersByTime(60_000);
      const crashAt = Date.now();
      policies.forEach((policy) => policy.lost());
      vi.advanceTimersByTime(downMs);
      serverUp = true;
      const returnedAt = Date.now();
      vi.advanceTimersByTime(10_000);
      expect(policies.every((policy) => policy.phase === 'connected')).toBe(true);

      const afterReturn = attempts.filter((at) => at >= returnedAt).map((at) => at - returnedAt);
      expect(afterReturn).toHaveLength(clients);
      expect(Math.max(...afterReturn), `down ${downMs} ms`).toBeLessThan(5_600);
      // 500 over 5.6 s is 89 a second; the golden-ratio phases leave at most a couple more, and 20 % is 100.
      expect(peakPerSecond(afterReturn), `down ${downMs} ms`).toBeLessThanOrEqual(Math.ceil(clients / 5.6) + 2);
      // While it was down, one attempt a round each.
      const whileDown = attempts.filter((at) => at >= crashAt && at < returnedAt).length;
      expect(whileDown, `down ${downMs} ms`).toBeLessThanOrEqual(clients * Math.ceil(downMs / 5_600));
      policies.forEach((policy) => policy.stop());
    }
  });

  it('comes back once a round to a server that accepts and drops at once, rounds growing', () => {
    const { policy, attempts } = policyWith();
    policy.hint({ phase: 0.5, periodMs: 4_000 });
    policy.connected();
    const firstLoss = Date.now();
    for (let i = 0; i < 14; i++) {
      vi.advanceTimersByTime(1_000); // up for a second only
      policy.lost();
      vi.advanceTimersToNextTimer();
      policy.connected();
    }
    // The outage goes on through the short connections: its rounds are 4 s (×12), then 8 s, 16 s.
    const steady = Array.from({ length: 12 }, (_, round) => round * 4_000 + 2_000);
    expect(attempts.map((at) => at - firstLoss - 1_000)).toEqual([...steady, 52_000, 64_000]);
    // Each connection succeeded, so nothing counts as a failed attempt.
    expect(policy.failures).toBe(0);
  });

  it('keeps to one attempt a round when a dropped connection brings a new phase', () => {
    const { policy, attempts } = policyWith();
    policy.hint({ phase: 0.9, periodMs: 4_000 });
    stableConnection(policy);
    const lostAt = Date.now();
    policy.lost();
    vi.advanceTimersToNextTimer(); // round 0, at 3.6 s
    policy.connected();
    policy.hint({ phase: 0.1, periodMs: 4_000 });
    vi.advanceTimersByTime(100);
    policy.lost();
    vi.advanceTimersToNextTimer();
    // Not 0.4 s into round 0 again (already past, and round 0 had its attempt): 0.4 s into round 1.
    expect(attempts.map((at) => at - lostAt)).toEqual([3_600, 4_400]);
  });

  it('starts the rounds over only after a connection lasted 10 s', () => {
    const { policy, attempts } = policyWith();
    policy.hint({ phase: 0.5, periodMs: 4_000 });
    stableConnection(policy);
    const lostAt = Date.now();
    failingAttempts(policy, attempts, 2); // rounds 0 and 1 failed; round 2's attempt pending
    vi.advanceTimersToNextTimer();
    policy.connected(); // at 10 s
    vi.advanceTimersByTime(9_999);
    policy.lost();
    vi.advanceTimersToNextTimer();
    // Same outage: round 5 (rounds 3 and 4 passed while connected), 20 s + 2 s.
    expect(attempts.at(-1)! - lostAt).toBe(22_000);

    policy.connected();
    vi.advanceTimersByTime(10_000);
    const again = Date.now();
    policy.lost();
    vi.advanceTimersToNextTimer();
    expect(attempts.at(-1)! - again).toBe(2_000);
  });

  it('skips the rounds that passed while an attempt hung', () => {
    const { policy, attempts } = policyWith();
    policy.hint({ phase: 0.5, periodMs: 4_000 });
    stableConnection(policy);
    const lostAt = Date.now();
    policy.lost();
    vi.advanceTimersToNextTimer(); // round 0, at 2 s
    vi.advanceTimersByTime(21_000); // the attempt times out at 23 s
    policy.lost();
    vi.advanceTimersToNextTimer();
    // Rounds 1–5 (up to 24 s) are over.
    expect(attempts.map((at) => at - lostAt)).toEqual([2_000, 26_000]);
  });

  it('counts one failure when an attempt reports both an error and a close', () => {
    const { policy, attempts } = policyWith();
    policy.connected();
    policy.lost();
    vi.advanceTimersToNextTimer();
    policy.lost();
    policy.lost();
    expect(vi.getTimerCount()).toBe(1);
    expect(policy.failures).toBe(1);
    expect(attempts).toHaveLength(1);
  });

  it('stops for good on refusal and tells whoever listens', () => {
    const { policy, attempts } = policyWith();
    const refused = vi.fn();
    policy.on('unauthenticated', refused);
    policy.refused();
    policy.lost();
    vi.runAllTimers();
    expect(refused).toHaveBeenCalledOnce();
    expect(policy.phase).toBe('refused');
    expect(attempts).toHaveLength(0);
  });

  it('cancels the pending attempt when stopped, and stays stopped', () => {
    const { policy, attempts } = policyWith();
    policy.lost();
    policy.stop();
    policy.lost();
    vi.runAllTimers();
    expect(attempts).toHaveLength(0);
    expect(policy.phase).toBe('stopped');
  });

  it('reconnects at once when the network returns, then starts the rounds over', () => {
    const { policy, attempts } = policyWith();
    policy.hint({ phase: 0.5, periodMs: 4_000 });
    stableConnection(policy);
    failingAttempts(policy, attempts, 8); // 30 s into the outage
    expect(policy.phase).toBe('waiting');
    policy.reconnectNow();
    expect(attempts).toHaveLength(9);
    expect(policy.phase).toBe('connecting');
    expect(vi.getTimerCount()).toBe(0);
    expect(policy.failures).toBe(0);
    const failedAt = Date.now();
    policy.lost();
    vi.advanceTimersToNextTimer();
    expect(Date.now() - failedAt).toBe(2_000);
  });

  it('lets an attempt under way finish, then retries in fresh rounds if it failed', () => {
    const { policy, attempts } = policyWith();
    policy.hint({ phase: 0.5, periodMs: 4_000 });
    stableConnection(policy);
    failingAttempts(policy, attempts, 7);
    vi.advanceTimersToNextTimer(); // the 8th attempt is under way; the next would be 4 s on
    policy.reconnectNow();
    expect(attempts).toHaveLength(8);
    const failedAt = Date.now();
    policy.lost();
    vi.advanceTimersToNextTimer();
    expect(Date.now() - failedAt).toBe(2_000);
  });

  it('does nothing on reconnectNow while connected', () => {
    const { policy, attempts } = policyWith();
    policy.connected();
    policy.reconnectNow();
    expect(attempts).toHaveLength(0);
    expect(vi.getTimerCount()).toBe(0);
    expect(policy.phase).toBe('connected');
  });

  it('reports every phase change', () => {
    const { policy } = policyWith();
    const phases: string[] = [];
    policy.on('change', () => phases.push(policy.phase));
    policy.connected();
    policy.lost();
    vi.advanceTimersToNextTimer();
    policy.connected();
    expect(phases).toEqual(['connected', 'waiting', 'connecting', 'connected']);
  });
});

/** The most attempts in any 1-second window (times sorted, in ms). */
function peakPerSecond(times: number[]): number {
  let peak = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (j < times.length && times[j] < times[i] + 1_000) j++;
    peak = Math.max(peak, j - i);
  }
  return peak;
}

describe('connectSocket with a real Socket.IO server', () => {
  let io: Server;
  let url: string;
  let client: GalleyClientSocket | undefined;
  /** Handshakes the server has seen, in milliseconds since the test started. */
  let handshakes: number[];
  let started: number;

  beforeEach(async () => {
    const httpServer = createServer();
    io = new Server(httpServer, { parser: SOCKET_PARSER });
    await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
    handshakes = [];
    started = Date.now();
    io.use((_socket, next) => {
      handshakes.push(Date.now() - started);
      next();
    });
  });
  afterEach(async () => {
    if (client) closeSocket(client);
    await io.close();
  });

  it('follows the server’s hint, and comes back once a round to a server that drops every connection at once', async () => {
    io.on('connection', (socket) => {
      socket.emit('connection:hint', { phase: 0.8, periodMs: 500 });
      if (handshakes.length < 4) setTimeout(() => socket.disconnect(true), 20);
    });
    client = connectSocket(url);
    await vi.waitFor(() => expect(handshakes).toHaveLength(4), { timeout: 10_000 });
    await vi.waitFor(() => expect(client!.connected).toBe(true));
    // Dropped 20 ms in, back 400 ms after the drop (0.8 of 500 ms), then once a 500 ms round (without the
    // hint, rounds of 5.6 s would not bring four handshakes within the wait).
    const sinceFirst = handshakes.slice(1).map((at) => at - handshakes[0]);
    expect(sinceFirst[0]).toBeGreaterThanOrEqual(420);
    expect(sinceFirst[1]).toBeGreaterThanOrEqual(920);
    expect(sinceFirst[2]).toBeGreaterThanOrEqual(1_420);
  });

  it('stops and says so when the server refuses the session', async () => {
    io.use((_socket, next) => next(new Error('unauthenticated')));
    client = connectSocket(url);
    const policy = reconnectionOf(client)!;
    await new Promise<void>((resolve) => policy.on('unauthenticated', resolve));
    expect(policy.phase).toBe('refused');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(policy.phase).toBe('refused');
    expect(handshakes).toHaveLength(1);
  });

  it('gives up waiting when its owner closes it between attempts', async () => {
    // Dropped at once, and told to come back every 400 ms: left alone, it would be back twice a second.
    io.on('connection', (socket) => {
      socket.emit('connection:hint', { phase: 0.5, periodMs: 400 });
      setTimeout(() => socket.disconnect(true), 20);
    });
    client = connectSocket(url);
    const policy = reconnectionOf(client)!;
    await vi.waitFor(() => expect(policy.phase).toBe('waiting'));
    // However many rounds a busy machine let pass before that was seen, none after the close.
    const before = handshakes.length;
    closeSocket(client);
    expect(policy.phase).toBe('stopped');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(handshakes).toHaveLength(before);
  });
});
