// The write batcher (issue 4: "writes do not block the timer"): one write per turn, coalescing by key,
// flush at N items and on close, failures logged and retried with backoff, never thrown.
import { describe, expect, test } from 'vitest';
import { WriteBatcher, type BatchTimers, type WriteBatcherOptions } from '../../../src/store/sqlite/write-batcher.js';
import { nextTurn } from '../_support.js';

/** Timers that fire only when the test says so. */
class ManualTimers implements BatchTimers {
  readonly scheduled: { delayMs: number; fn: () => void; cancelled: boolean }[] = [];

  schedule(delayMs: number, fn: () => void): () => void {
    const entry = { delayMs, fn, cancelled: false };
    this.scheduled.push(entry);
    return () => {
      entry.cancelled = true;
    };
  }

  /** Delays of timers still waiting. */
  waiting(): number[] {
    return this.scheduled.filter((entry) => !entry.cancelled).map((entry) => entry.delayMs);
  }

  /** Fire every waiting timer once. */
  fire(): void {
    const due = this.scheduled.filter((entry) => !entry.cancelled);
    this.scheduled.length = 0;
    for (const entry of due) entry.fn();
  }
}

function setup(options: Partial<WriteBatcherOptions<string>> & { failWhen?: (items: readonly string[]) => boolean } = {}) {
  const timers = new ManualTimers();
  const writes: string[][] = [];
  const logs: [string, string][] = [];
  const { failWhen, ...rest } = options;
  const batcher = new WriteBatcher<string>({
    label: 'db',
    timers,
    log: (level, message) => logs.push([level, message]),
    write: (items) => {
      if (failWhen?.(items) === true) throw new Error('disk I/O error');
      writes.push([...items]);
    },
    ...rest,
  });
  return { batcher, timers, writes, logs };
}

describe('batching', () => {
  test('writes queued in one turn go in one write, after the turn (delay 0)', () => {
    const { batcher, timers, writes } = setup();
    batcher.enqueue('run:1', 'a');
    batcher.enqueue('run:2', 'b');
    batcher.enqueue('task:x', 'c');
    expect(writes).toEqual([]);
    expect(timers.waiting()).toEqual([0]);
    timers.fire();
    expect(writes).toEqual([['a', 'b', 'c']]);
    expect(batcher.pending).toBe(0);
    expect(batcher.stats).toMatchObject({ flushes: 1, written: 3, failures: 0, dropped: 0 });
  });

  test('a newer write with the same key replaces the waiting one, in its place', () => {
    const { batcher, timers, writes } = setup();
    batcher.enqueue('run:1', 'started');
    batcher.enqueue('task:x', 'x1');
    batcher.enqueue('run:1', 'finished');
    timers.fire();
    expect(writes).toEqual([['finished', 'x1']]);
  });

  test('delayMs sets the wait before a flush', () => {
    const { batcher, timers } = setup({ delayMs: 50 });
    batcher.enqueue('a', 'a');
    batcher.enqueue('b', 'b');
    expect(timers.waiting()).toEqual([50]);
  });

  test('at maxItems waiting, the flush happens at once', () => {
    const { batcher, timers, writes } = setup({ maxItems: 3 });
    batcher.enqueue('1', '1');
    batcher.enqueue('2', '2');
    expect(writes).toEqual([]);
    batcher.enqueue('3', '3');
    expect(writes).toEqual([['1', '2', '3']]);
    expect(timers.waiting()).toEqual([]);
  });

  test('close writes what waits, synchronously, and drops later writes with one warning', () => {
    const { batcher, timers, writes, logs } = setup();
    batcher.enqueue('1', '1');
    batcher.close();
    expect(writes).toEqual([['1']]);
    expect(timers.waiting()).toEqual([]);
    batcher.enqueue('2', '2');
    batcher.enqueue('3', '3');
    expect(writes).toEqual([['1']]);
    expect(logs).toEqual([['warn', 'db: closed; dropping writes from now on (first: 2)']]);
    expect(batcher.stats.dropped).toBe(2);
  });

  test('with the system timers, the flush runs on setImmediate', async () => {
    const writes: string[][] = [];
    const batcher = new WriteBatcher<string>({ label: 'db', log: () => {}, write: (items) => writes.push([...items]) });
    batcher.enqueue('1', '1');
    batcher.enqueue('2', '2');
    expect(writes).toEqual([]);
    await nextTurn();
    expect(writes).toEqual([['1', '2']]);
  });
});

describe('a failed flush', () => {
  test('is logged, never thrown, and retried with doubling backoff; new writes wait meanwhile', () => {
    let failing = true;
    const { batcher, timers, writes, logs } = setup({ failWhen: () => failing, retryDelayMs: 100 });
    batcher.enqueue('1', '1');
    expect(() => timers.fire()).not.toThrow();
    expect(logs).toEqual([['error', 'db: could not write 1 change(s) (disk I/O error); keeping them in memory, retrying in 100 ms']]);
    expect(timers.waiting()).toEqual([100]);
    batcher.enqueue('2', '2');
    expect(timers.waiting()).toEqual([100]);
    timers.fire();
    expect(logs[1]).toEqual(['error', 'db: could not write 2 change(s) (disk I/O error); keeping them in memory, retrying in 200 ms']);
    failing = false;
    timers.fire();
    expect(writes).toEqual([['1', '2']]);
    expect(batcher.stats).toMatchObject({ flushes: 1, written: 2, failures: 2, dropped: 0 });
    batcher.enqueue('3', '3');
    expect(timers.waiting()).toEqual([0]);
  });

  test('the backoff stops growing at maxRetryDelayMs', () => {
    const { batcher, timers } = setup({ failWhen: () => true, retryDelayMs: 100, maxRetryDelayMs: 300 });
    batcher.enqueue('1', '1');
    const delays: number[] = [];
    for (let i = 0; i < 4; i++) {
      timers.fire();
      delays.push(...timers.waiting());
    }
    expect(delays).toEqual([100, 200, 300, 300]);
  });

  test('after a second failure, a write the database refuses is dropped and the others go through', () => {
    const { batcher, timers, writes, logs } = setup({ failWhen: (items) => items.includes('poison') });
    batcher.enqueue('1', 'good');
    batcher.enqueue('2', 'poison');
    batcher.enqueue('3', 'fine');
    timers.fire();
    expect(writes).toEqual([]);
    timers.fire();
    expect(writes).toEqual([['good'], ['fine']]);
    expect(logs.at(-1)).toEqual(['error', 'db: dropped a change that cannot be written (2: disk I/O error)']);
    expect(batcher.pending).toBe(0);
    expect(timers.waiting()).toEqual([]);
  });

  test('when nothing can be written (disk full), nothing is dropped', () => {
    const { batcher, timers } = setup({ failWhen: () => true });
    batcher.enqueue('1', '1');
    batcher.enqueue('2', '2');
    timers.fire();
    timers.fire();
    timers.fire();
    expect(batcher.pending).toBe(2);
    expect(batcher.stats.dropped).toBe(0);
  });

  test('while writes fail, memory is bounded: the oldest waiting writes go first', () => {
    const { batcher, timers, logs } = setup({ failWhen: () => true, maxPending: 10 });
    batcher.enqueue('k0', '0');
    timers.fire();
    for (let i = 1; i <= 10; i++) batcher.enqueue(`k${i}`, String(i));
    expect(batcher.pending).toBe(9);
    expect(batcher.stats.dropped).toBe(2);
    expect(logs.at(-1)).toEqual(['error', 'db: writes keep failing; dropped the 2 oldest waiting change(s) to bound memory']);
  });

  test('close with writes that still fail reports them lost', () => {
    const { batcher, timers, logs } = setup({ failWhen: () => true });
    batcher.enqueue('1', '1');
    batcher.close();
    expect(logs.at(-1)).toEqual(['error', 'db: closing with 1 change(s) that could not be written; they are lost']);
    expect(timers.waiting()).toEqual([]);
    expect(batcher.pending).toBe(0);
  });
});
