import { describe, expect, it } from 'vitest';
import type { Connection } from '../../server/documents/StoryDocument';
import { AwarenessBatch } from '../../server/documents/AwarenessBatch';

const connection = (id: string): Connection => ({
  id,
  user: { id, name: id, role: 'writer' } as Connection['user'],
  awarenessClients: new Set(),
});
const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('AwarenessBatch', () => {
  it('sends one turn’s changes once, past their only sender', async () => {
    const sent: [number[], Connection | null][] = [];
    const batch = new AwarenessBatch(
      (clients, except) => sent.push([clients, except]),
      () => {},
    );
    const a = connection('a');
    batch.add([1], a);
    batch.add([1], a);
    batch.add([2], a);
    expect(sent).toEqual([]);
    await turn();
    expect(sent).toEqual([[[1, 2], a]]);
  });

  it('sends to everyone when the turn had several senders, or a change from elsewhere', async () => {
    const sent: [number[], Connection | null][] = [];
    const batch = new AwarenessBatch(
      (clients, except) => sent.push([clients, except]),
      () => {},
    );
    batch.add([1], connection('a'));
    batch.add([2], connection('b'));
    await turn();
    batch.add([3], connection('a'));
    batch.add([4], null);
    await turn();
    batch.add([5], null);
    await turn();
    expect(sent).toEqual([
      [[1, 2], null],
      [[3, 4], null],
      [[5], null],
    ]);
  });

  it('reports a failed send instead of throwing out of the turn, and keeps working', async () => {
    const errors: unknown[] = [];
    let fail = true;
    const sent: number[][] = [];
    const batch = new AwarenessBatch(
      (clients) => {
        if (fail) throw new Error('socket gone');
        sent.push(clients);
      },
      (error) => errors.push(error),
    );
    batch.add([1], null);
    await turn();
    fail = false;
    batch.add([2], null);
    await turn();
    expect((errors[0] as Error).message).toBe('socket gone');
    expect(sent).toEqual([[2]]);
  });
});
