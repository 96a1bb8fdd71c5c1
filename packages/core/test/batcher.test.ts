import { describe, expect, it } from 'vitest';
import { Batcher } from '../src/storage/batcher.js';

/** An exec that records each execution's items and answers when told to. */
function recorder(fail?: (item: number) => boolean) {
  const executions: number[][] = [];
  const waiting: (() => void)[] = [];
  let running = 0;
  let maxRunning = 0;
  const exec = async (items: number[]) => {
    executions.push(items);
    running++;
    maxRunning = Math.max(maxRunning, running);
    await new Promise<void>((resolve) => waiting.push(resolve));
    running--;
    if (fail && items.some(fail)) throw new Error(`failed on ${items.filter(fail).join(',')}`);
    return items.map((i) => i * 10);
  };
  /** Lets every execution started so far finish, then waits for the executions they schedule. */
  const finishAll = async () => {
    while (waiting.length > 0) {
      for (const done of waiting.splice(0)) done();
      await new Promise((r) => setImmediate(r));
      await new Promise((r) => setImmediate(r));
    }
  };
  return { exec, executions, finishAll, maxRunning: () => maxRunning };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('Batcher', () => {
  it('runs the calls of one event-loop turn in one execution, each with its own result', async () => {
    const r = recorder();
    const batcher = new Batcher(r.exec, { maxInFlight: 1, maxBatch: 10 });
    const results = Promise.all([1, 2, 3].map((i) => batcher.run(i)));
    await tick();
    expect(r.executions).toEqual([[1, 2, 3]]);
    await r.finishAll();
    expect(await results).toEqual([10, 20, 30]);
  });

  it('keeps at most maxInFlight executions running; calls that arrive meanwhile go together next', async () => {
    const r = recorder();
    const batcher = new Batcher(r.exec, { maxInFlight: 1, maxBatch: 3 });
    const first = batcher.run(1);
    await tick();
    // While 1 runs, seven calls arrive over several turns: they wait, then go three at a time.
    const later: Promise<number>[] = [];
    for (const i of [2, 3, 4, 5, 6, 7, 8]) {
      later.push(batcher.run(i));
      if (i % 2 === 0) await tick();
    }
    expect(r.executions).toEqual([[1]]);
    await r.finishAll();
    expect(r.executions).toEqual([[1], [2, 3, 4], [5, 6, 7], [8]]);
    expect(r.maxRunning()).toBe(1);
    expect(await first).toBe(10);
    expect(await Promise.all(later)).toEqual([20, 30, 40, 50, 60, 70, 80]);
  });

  it('starts the calls queued meanwhile before answering an execution, so the two overlap', async () => {
    const r = recorder();
    const batcher = new Batcher(r.exec, { maxInFlight: 1, maxBatch: 10 });
    let startedWhenAnswered: number[][] = [];
    const first = batcher.run(1).then((out) => {
      startedWhenAnswered = r.executions.map((e) => [...e]);
      return out;
    });
    await tick();
    const second = batcher.run(2);
    await r.finishAll();
    expect(await first).toBe(10);
    expect(await second).toBe(20);
    // When call 1 got its answer, the execution of call 2 had already started.
    expect(startedWhenAnswered).toEqual([[1], [2]]);
    expect(r.maxRunning()).toBe(1);
  });

  it('runs up to maxInFlight executions side by side', async () => {
    const r = recorder();
    const batcher = new Batcher(r.exec, { maxInFlight: 2, maxBatch: 2 });
    const all = Promise.all([1, 2, 3, 4, 5].map((i) => batcher.run(i)));
    await tick();
    expect(r.executions).toEqual([
      [1, 2],
      [3, 4],
    ]);
    await r.finishAll();
    expect(r.maxRunning()).toBe(2);
    expect(await all).toEqual([10, 20, 30, 40, 50]);
  });

  it('when a grouped execution fails, runs its calls alone: only the faulty call rejects', async () => {
    const r = recorder((i) => i === 2);
    const batcher = new Batcher(r.exec, { maxInFlight: 1, maxBatch: 10 });
    const results = [1, 2, 3].map((i) => batcher.run(i).then(String, (e: Error) => e.message));
    await tick();
    await r.finishAll();
    expect(await Promise.all(results)).toEqual(['10', 'failed on 2', '30']);
    expect(r.executions).toEqual([[1, 2, 3], [1], [2], [3]]);
  });
});
