import { describe, expect, it } from 'vitest';
import { GroupCommit } from '../../server/persistence/GroupCommit';
import type { LogEntry, Store } from '../../server/persistence/Store';

/** Just enough of a Store to watch the transactions GroupCommit makes. */
function recordingStore(fail = false) {
  const transactions: LogEntry[][] = [];
  let seq = 0;
  const store = {
    async appendUpdates(entries: readonly LogEntry[]) {
      await new Promise((r) => setTimeout(r, 5));
      if (fail) throw new Error('disk full');
      transactions.push([...entries]);
      return entries.map(() => ++seq);
    },
  } as unknown as Store;
  return { store, transactions };
}

describe('GroupCommit', () => {
  it('writes updates that arrive together in one transaction and resolves each with its sequence number', async () => {
    const { store, transactions } = recordingStore();
    const commit = new GroupCommit(store);
    const seqs = await Promise.all(Array.from({ length: 50 }, (_, i) => commit.write(`s${i % 3}`, Uint8Array.of(i))));
    expect(transactions).toHaveLength(1);
    expect(transactions[0].map((e) => e.update[0])).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(seqs).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(commit.stats).toEqual({ transactions: 1, updates: 50 });
  });

  it('batches what arrives while a commit is in progress into the next one', async () => {
    const { store, transactions } = recordingStore();
    const commit = new GroupCommit(store);
    const first = commit.write('s', Uint8Array.of(1));
    await new Promise((r) => setImmediate(r)); // the first transaction has started
    const rest = Array.from({ length: 10 }, (_, i) => commit.write('s', Uint8Array.of(i + 2)));
    await Promise.all([first, ...rest]);
    expect(transactions.map((t) => t.length)).toEqual([1, 10]);
  });

  it('rejects every write of a failed transaction', async () => {
    const { store } = recordingStore(true);
    const commit = new GroupCommit(store);
    const results = await Promise.allSettled([commit.write('s', Uint8Array.of(1)), commit.write('s', Uint8Array.of(2))]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });
});
