import type { AddressInfo } from 'node:net';
import { createServer } from 'node:http';
import { Server } from 'socket.io';
import { SOCKET_PARSER } from '../../shared/socketParser';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ReconnectPolicy, type ReconnectPolicyOptions } from '../../client/lib/collab/ReconnectPolicy';
import { connectSocket, reconnectionOf, type GalleyClientSocket } from '../../client/lib/collab/socket';

/** A policy whose connect attempts are counted; `random: 0.5` means no jitter. */
function policyWith(options: Partial<ReconnectPolicyOptions> = {}) {
  const attempts: number[] = [];
  const policy = new ReconnectPolicy({ connect: () => attempts.push(Date.now()), random: () => 0.5, ...options });
  return { policy, attempts };
}

/** Fails every attempt as it starts and returns the delays between them. */
function delaysOfFailingAttempts(policy: ReconnectPolicy, attempts: number[], count: number): number[] {
  const delays: number[] = [];
  for (let i = 0; i < count; i++) {
    const before = Date.now();
    const seen = attempts.length;
    policy.lost();
    vi.advanceTimersToNextTimer();
    expect(attempts.length).toBe(seen + 1);
    delays.push(Date.now() - before);
  }
  return delays;
}

describe('ReconnectPolicy', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('backs off exponentially from 500 ms, doubling, capped at 10 s', () => {
    const { policy, attempts } = policyWith();
    expect(delaysOfFailingAttempts(policy, attempts, 8)).toEqual([500, 1_000, 2_000, 4_000, 8_000, 10_000, 10_000, 10_000]);
    // The first connect failed too.
    expect(policy.failures).toBe(8);
  });

  it('spreads each delay over ±50% and never past the cap', () => {
    const low = policyWith({ random: () => 0 }).policy;
    const high = policyWith({ random: () => 0.999_999 }).policy;
    expect([0, 1, 2, 5].map((n) => low.delayFor(n))).toEqual([250, 500, 1_000, 5_000]);
    expect([0, 1, 2, 5].map((n) => high.delayFor(n))).toEqual([750, 1_500, 3_000, 10_000]);
    const real = new ReconnectPolicy({ connect: () => undefined });
    for (let i = 0; i < 200; i++) {
      const delay = real.delayFor(3);
      expect(delay).toBeGreaterThanOrEqual(2_000);
      expect(delay).toBeLessThanOrEqual(6_000);
    }
  });

  it('keeps backing off when the server accepts and drops at once', () => {
    const { policy, attempts } = policyWith();
    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      policy.connected();
      vi.advanceTimersByTime(1_000); // up for a second only
      const before = Date.now();
      policy.lost();
      vi.advanceTimersToNextTimer();
      delays.push(Date.now() - before);
    }
    expect(delays).toEqual([500, 1_000, 2_000, 4_000, 8_000]);
    expect(attempts).toHaveLength(5);
    // Each connection succeeded, so nothing counts as a failed attempt.
    expect(policy.failures).toBe(0);
  });

  it('starts the schedule over only after a connection lasted 10 s', () => {
    const { policy, attempts } = policyWith();
    delaysOfFailingAttempts(policy, attempts, 4); // next would be 8 s
    policy.connected();
    vi.advanceTimersByTime(9_999);
    policy.lost();
    expect(vi.getTimerCount()).toBe(1);
    const before = Date.now();
    vi.advanceTimersToNextTimer();
    expect(Date.now() - before).toBe(8_000);

    policy.connected();
    vi.advanceTimersByTime(10_000);
    const after = Date.now();
    policy.lost();
    vi.advanceTimersToNextTimer();
    expect(Date.now() - after).toBe(500);
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

  it('cancels the pending attempt when stopped', () => {
    const { policy, attempts } = policyWith();
    policy.lost();
    policy.stop();
    vi.runAllTimers();
    expect(attempts).toHaveLength(0);
    expect(policy.phase).toBe('stopped');
  });

  it('reconnects at once when the network returns, with a fresh schedule', () => {
    const { policy, attempts } = policyWith();
    delaysOfFailingAttempts(policy, attempts, 5);
    policy.lost(); // now waiting 10 s
    expect(policy.phase).toBe('waiting');
    policy.reconnectNow();
    expect(attempts).toHaveLength(6);
    expect(policy.phase).toBe('connecting');
    expect(vi.getTimerCount()).toBe(0);
    expect(policy.failures).toBe(0);
    const before = Date.now();
    policy.lost();
    vi.advanceTimersToNextTimer();
    expect(Date.now() - before).toBe(500);
  });

  it('lets an attempt under way finish, then retries after the base delay if it failed', () => {
    const { policy, attempts } = policyWith();
    delaysOfFailingAttempts(policy, attempts, 5); // the 5th attempt is under way; next would be 10 s
    policy.reconnectNow();
    expect(attempts).toHaveLength(5);
    const before = Date.now();
    policy.lost();
    vi.advanceTimersToNextTimer();
    expect(Date.now() - before).toBe(500);
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
    client?.disconnect();
    await io.close();
  });

  it('keeps coming back, with growing delays, to a server that drops every connection at once', async () => {
    io.on('connection', (socket) => {
      if (handshakes.length < 4) socket.disconnect(true);
    });
    client = connectSocket(url);
    await vi.waitFor(() => expect(handshakes).toHaveLength(4), { timeout: 10_000 });
    await vi.waitFor(() => expect(client!.connected).toBe(true));
    const gaps = handshakes.slice(1).map((at, i) => at - handshakes[i]);
    // 500, 1000, 2000 ms nominal, ±50% jitter: each window is above the previous one's floor.
    expect(gaps[0]).toBeGreaterThanOrEqual(250);
    expect(gaps[1]).toBeGreaterThanOrEqual(500);
    expect(gaps[2]).toBeGreaterThanOrEqual(1_000);
  });

  it('stops and says so when the server refuses the session', async () => {
    io.use((_socket, next) => next(new Error('unauthenticated')));
    client = connectSocket(url);
    const policy = reconnectionOf(client)!;
    await new Promise<void>((resolve) => policy.on('unauthenticated', resolve));
    expect(policy.phase).toBe('refused');
    // The first retry would have come within 750 ms.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(handshakes).toHaveLength(1);
  });

  it('gives up waiting when its owner disconnects between attempts', async () => {
    io.on('connection', (socket) => socket.disconnect(true));
    client = connectSocket(url);
    const policy = reconnectionOf(client)!;
    await vi.waitFor(() => expect(policy.phase).toBe('waiting'));
    client.disconnect();
    expect(policy.phase).toBe('stopped');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(handshakes).toHaveLength(1);
  });
});
