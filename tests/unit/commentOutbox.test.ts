import { describe, expect, it } from 'vitest';
import type { CommentOp } from '../../shared/comments';
import type { Ack } from '../../shared/errors';
import { ANCHOR_RETRIES, CommentOutbox, outboxKey } from '../../client/lib/story/CommentOutbox';

/** localStorage as the browser has it: strings only, shared by everything that opens the same key. */
class MemoryStorage {
  readonly items = new Map<string, string>();
  getItem = (key: string) => this.items.get(key) ?? null;
  setItem = (key: string, value: string) => void this.items.set(key, String(value));
  removeItem = (key: string) => void this.items.delete(key);
}
const storageOf = (memory: MemoryStorage) => memory as unknown as Storage;

const THREAD = '00000000-0000-4000-8000-000000000001';
const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const start = (n: number): CommentOp => ({
  type: 'start',
  threadId: id(100 + n),
  messageId: id(200 + n),
  field: 'body',
  start: new Uint8Array([1, 2, 3]),
  end: new Uint8Array([4, 5, n]),
  quote: 'word',
  body: `comment ${n}`,
  mentions: [],
});
const reply = (n: number): CommentOp => ({ type: 'reply', threadId: THREAD, messageId: id(300 + n), body: `reply ${n}`, mentions: [] });
/** The message an operation carries (the tests only queue starts and replies). */
const messageOf = (op: CommentOp) => ('messageId' in op ? op.messageId : null);
const ok: Ack = { ok: true, data: null };
const refused = (code: 'storage_failed' | 'forbidden' | 'invalid'): Ack => ({ ok: false, error: { code, message: code } });

describe('CommentOutbox', () => {
  it('keeps operations in order across a reload, anchors (bytes) included', () => {
    const memory = new MemoryStorage();
    const key = outboxKey('user-1', 'story-1');
    const first = new CommentOutbox(storageOf(memory), key);
    first.add(start(1));
    first.add(reply(2));
    first.add(reply(3));

    const reloaded = new CommentOutbox(storageOf(memory), key);
    const ops = reloaded.pending.map((p) => p.op);
    expect(ops.map((op) => op.type)).toEqual(['start', 'reply', 'reply']);
    expect(ops[0]).toEqual(start(1));
    expect((ops[0] as Extract<CommentOp, { type: 'start' }>).end).toBeInstanceOf(Uint8Array);
    // Another person's (or story's) outbox is separate.
    expect(new CommentOutbox(storageOf(memory), outboxKey('user-2', 'story-1')).pending).toEqual([]);
  });

  it('sends one at a time, oldest first, and empties itself (and storage) when all are accepted', async () => {
    const memory = new MemoryStorage();
    const outbox = new CommentOutbox(storageOf(memory), 'k');
    outbox.add(start(1));
    outbox.add(reply(2));
    const sent: string[] = [];
    let inFlight = 0;
    const result = await outbox.flush(
      async (op) => {
        inFlight++;
        expect(inFlight).toBe(1);
        sent.push(op.type === 'start' ? op.body : op.type);
        await new Promise((r) => setTimeout(r, 5));
        inFlight--;
        return ok;
      },
      () => expect.unreachable(),
    );
    expect(result).toBe('done');
    expect(sent).toEqual(['comment 1', 'reply']);
    expect(outbox.pending).toEqual([]);
    expect(memory.items.size).toBe(0);
  });

  it('stops at a retryable refusal or a lost answer, keeping that operation and everything after it', async () => {
    const outbox = new CommentOutbox(storageOf(new MemoryStorage()), 'k');
    outbox.add(start(1));
    outbox.add(reply(2));
    outbox.add(reply(3));
    const answers = [ok, refused('storage_failed')];
    expect(
      await outbox.flush(
        async () => answers.shift()!,
        () => expect.unreachable(),
      ),
    ).toBe('retry');
    expect(outbox.pending.map((p) => messageOf(p.op))).toEqual([id(302), id(303)]);

    expect(
      await outbox.flush(
        () => Promise.reject(new Error('disconnected')),
        () => expect.unreachable(),
      ),
    ).toBe('retry');
    expect(outbox.pending).toHaveLength(2);

    expect(
      await outbox.flush(
        async () => ok,
        () => expect.unreachable(),
      ),
    ).toBe('done');
    expect(outbox.pending).toEqual([]);
  });

  it('drops an operation refused for good, reports it, and goes on with the rest', async () => {
    const outbox = new CommentOutbox(storageOf(new MemoryStorage()), 'k');
    outbox.add({ type: 'resolve', threadId: THREAD });
    outbox.add(reply(2));
    const reported: string[] = [];
    const sent: string[] = [];
    const result = await outbox.flush(
      async (op) => {
        sent.push(op.type);
        return op.type === 'resolve' ? refused('forbidden') : ok;
      },
      (error, op) => reported.push(`${op.type}: ${error.code}`),
    );
    expect(result).toBe('done');
    expect(sent).toEqual(['resolve', 'reply']);
    expect(reported).toEqual(['resolve: forbidden']);
    expect(outbox.pending).toEqual([]);
  });

  it('retries a new thread whose anchor the server does not know yet, a few times, then gives up on it', async () => {
    const outbox = new CommentOutbox(storageOf(new MemoryStorage()), 'k');
    outbox.add(start(1));
    const reported: string[] = [];
    for (let attempt = 0; attempt < ANCHOR_RETRIES; attempt++) {
      expect(
        await outbox.flush(
          async () => refused('invalid'),
          () => reported.push('refused'),
        ),
      ).toBe('retry');
      expect(outbox.pending).toHaveLength(1);
    }
    expect(
      await outbox.flush(
        async () => refused('invalid'),
        () => reported.push('refused'),
      ),
    ).toBe('done');
    expect(reported).toEqual(['refused']);
    expect(outbox.pending).toEqual([]);
  });

  it('lets two tabs share one queue instead of overwriting each other', () => {
    const memory = new MemoryStorage();
    const tabA = new CommentOutbox(storageOf(memory), 'k');
    const tabB = new CommentOutbox(storageOf(memory), 'k');
    tabA.add(reply(1));
    tabB.add(reply(2));
    expect(tabA.pending.map((p) => messageOf(p.op))).toEqual([id(301), id(302)]);
  });

  it('one flush at a time', async () => {
    const outbox = new CommentOutbox(storageOf(new MemoryStorage()), 'k');
    outbox.add(reply(1));
    let release!: () => void;
    const first = outbox.flush(
      () => new Promise<Ack>((r) => (release = () => r(ok))),
      () => {},
    );
    expect(
      await outbox.flush(
        async () => ok,
        () => {},
      ),
    ).toBe('busy');
    release();
    expect(await first).toBe('done');
  });

  it('works without storage (disabled), in memory', async () => {
    const outbox = new CommentOutbox(null, 'k');
    outbox.add(reply(1));
    expect(outbox.pending).toHaveLength(1);
    expect(
      await outbox.flush(
        async () => ok,
        () => {},
      ),
    ).toBe('done');
    expect(outbox.pending).toHaveLength(0);
  });
});
