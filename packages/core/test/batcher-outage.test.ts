import { describe, expect, it } from 'vitest';
import { Batcher } from '../src/storage/batcher.js';

describe('Batcher during a database outage', () => {
  it('fails every call of a grouped execution at once, without running each alone', async () => {
    const executions: number[][] = [];
    const batcher = new Batcher(
      async (items: number[]) => {
        executions.push(items);
        throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
      },
      { maxInFlight: 1, maxBatch: 10 },
    );
    const results = await Promise.allSettled([1, 2, 3].map((i) => batcher.run(i)));
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(executions).toEqual([[1, 2, 3]]);
  });

  it('fails the calls queued behind a failing execution with it, rather than after a wait of their own', async () => {
    const executions: number[][] = [];
    let fail!: () => void;
    const batcher = new Batcher(
      async (items: number[]) => {
        executions.push(items);
        await new Promise<void>((resolve) => (fail = resolve));
        throw Object.assign(new Error('Query read timeout'), {});
      },
      { maxInFlight: 1, maxBatch: 10 },
    );
    const first = batcher.run(1);
    await new Promise((r) => setImmediate(r));
    // Arrives while the first execution hangs: it waits in the queue.
    const queued = batcher.run(2);
    await new Promise((r) => setImmediate(r));
    fail();
    await expect(first).rejects.toThrow('Query read timeout');
    await expect(queued).rejects.toThrow('Query read timeout');
    expect(executions).toEqual([[1]]);
  });

  it('still runs each item alone after any other failure, so the error reaches only its call', async () => {
    const executions: number[][] = [];
    const batcher = new Batcher(
      async (items: number[]) => {
        executions.push(items);
        if (items.includes(2)) throw new Error('duplicate key value violates unique constraint');
        return items;
      },
      { maxInFlight: 1, maxBatch: 10 },
    );
    const results = await Promise.allSettled([1, 2, 3].map((i) => batcher.run(i)));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(executions).toEqual([[1, 2, 3], [1], [2], [3]]);
  });
});
