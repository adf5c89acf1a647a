// The write batcher (issue 4: "writes do not block the timer"): one write per turn, coalescing by key,
// flush at N items and on close, failures logged and retried with backoff, never thrown.
import { describe, expect, test } from 'vitest';
import {
  describeKeys,
  WriteBatcher,
  type BatchTimers,
  type WriteBatcherOptions,
} from '../../../src/store/sqlite/write-batcher.js';
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

function setup(
  options: Partial<WriteBatcherOptions<string>> & { failWhen?: (items: readonly string[]) => boolean } = {},
) {
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
    expect(logs).toEqual([
      ['error', 'db: could not write 1 change(s) (disk I/O error); keeping them in memory, retrying in 100 ms'],
    ]);
    expect(timers.waiting()).toEqual([100]);
    batcher.enqueue('2', '2');
    expect(timers.waiting()).toEqual([100]);
    timers.fire();
    expect(logs[1]).toEqual([
      'error',
      'db: could not write 2 change(s) (disk I/O error); keeping them in memory, retrying in 200 ms',
    ]);
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
    expect(logs.at(-1)).toEqual([
      'error',
      'db: writes keep failing; dropped the 2 oldest waiting change(s) to bound memory: k0, k1',
    ]);
  });

  test('close with writes that still fail reports them lost', () => {
    const { batcher, timers, logs } = setup({ failWhen: () => true });
    batcher.enqueue('1', '1');
    batcher.close();
    expect(logs.at(-1)).toEqual(['error', 'db: closing with 1 change(s) that could not be written; they are lost: 1']);
    expect(timers.waiting()).toEqual([]);
    expect(batcher.pending).toBe(0);
  });
});

/** A failure as better-sqlite3 reports it: an Error with SQLite's result code. */
function sqliteError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

describe('a storage fault: a lock, a full or read-only disk (issue 8)', () => {
  test('is not blamed on an item: a batch that fails for size alone is kept whole, then written whole', () => {
    const writes: string[][] = [];
    const logs: [string, string][] = [];
    const timers = new ManualTimers();
    let free = 3; // bytes the "disk" has left
    const batcher = new WriteBatcher<string>({
      label: 'db',
      timers,
      log: (level, message) => logs.push([level, message]),
      write: (items) => {
        if (items.join('').length > free) throw sqliteError('SQLITE_FULL', 'database or disk is full');
        writes.push([...items]);
      },
    });
    for (const [key, item] of [
      ['1', 'a'],
      ['2', 'b'],
      ['3', 'big output'],
    ] as const)
      batcher.enqueue(key, item);
    timers.fire();
    timers.fire();
    timers.fire();
    // Before issue 8, the second failure wrote 'a' and 'b' alone and dropped the big run as poison.
    expect(writes).toEqual([]);
    expect(batcher.pending).toBe(3);
    expect(batcher.stats.dropped).toBe(0);
    free = 100;
    timers.fire();
    expect(writes).toEqual([['a', 'b', 'big output']]);
    expect(logs.at(-1)).toEqual([
      'info',
      'db: writing again; stored the 3 change(s) kept in memory after 3 failed attempt(s)',
    ]);
  });

  test.each([
    'SQLITE_BUSY',
    'SQLITE_LOCKED',
    'SQLITE_FULL',
    'SQLITE_IOERR_WRITE',
    'SQLITE_READONLY_DBMOVED',
    'SQLITE_CANTOPEN',
  ])('%s: each retry is one write attempt, never one per item', (code) => {
    let attempts = 0;
    const timers = new ManualTimers();
    const batcher = new WriteBatcher<string>({
      label: 'db',
      timers,
      log: () => {},
      write: () => {
        attempts++;
        throw sqliteError(code, 'no');
      },
    });
    for (let i = 0; i < 50; i++) batcher.enqueue(String(i), String(i));
    for (let i = 0; i < 4; i++) timers.fire();
    expect(attempts).toBe(4);
    expect(batcher.pending).toBe(50);
  });

  test("a poison item is still dropped when the error is the item's (SQLITE_TOOBIG)", () => {
    const writes: string[][] = [];
    const timers = new ManualTimers();
    const batcher = new WriteBatcher<string>({
      label: 'db',
      timers,
      log: () => {},
      write: (items) => {
        if (items.includes('huge')) throw sqliteError('SQLITE_TOOBIG', 'string or blob too big');
        writes.push([...items]);
      },
    });
    batcher.enqueue('1', 'ok');
    batcher.enqueue('2', 'huge');
    timers.fire();
    timers.fire();
    expect(writes).toEqual([['ok']]);
    expect(batcher.stats.dropped).toBe(1);
  });

  test('while a retry waits, flush() leaves the database alone and the backoff does not grow', () => {
    let attempts = 0;
    let failing = true;
    const { batcher, timers } = setup({
      retryDelayMs: 100,
      write: () => {
        attempts++;
        if (failing) throw sqliteError('SQLITE_BUSY', 'database is locked');
      },
    });
    batcher.enqueue('1', '1');
    timers.fire();
    expect(attempts).toBe(1);
    // Every run start (the journal) and every read flushes: none may wait on the lock again.
    for (let i = 0; i < 20; i++) expect(batcher.flush()).toBe(false);
    expect(attempts).toBe(1);
    expect(timers.waiting()).toEqual([100]);
    failing = false;
    timers.fire();
    expect(attempts).toBe(2);
    expect(batcher.pending).toBe(0);
    expect(batcher.flush()).toBe(true);
  });

  test('close still tries once, even while a retry waits', () => {
    let attempts = 0;
    const { batcher, timers, logs } = setup({
      write: () => {
        attempts++;
        if (attempts === 1) throw sqliteError('SQLITE_FULL', 'database or disk is full');
      },
    });
    batcher.enqueue('1', '1');
    timers.fire();
    batcher.close();
    expect(attempts).toBe(2);
    expect(batcher.stats.dropped).toBe(0);
    expect(logs.at(-1)).toEqual([
      'info',
      'db: writing again; stored the 1 change(s) kept in memory after 1 failed attempt(s)',
    ]);
  });
});

describe('describeKeys: what the log names when changes are given up (issue 8)', () => {
  test.each([
    [[], ''],
    [['run:7'], 'run:7'],
    [['run:12', 'run:13', 'run:14', 'run:16', 'task:backup', 'run:17'], 'run:12-14, run:16, task:backup, run:17'],
    [['task:a', 'task:b'], 'task:a, task:b'],
    [['k0', 'k1'], 'k0, k1'],
  ])('%j -> %j', (keys, text) => {
    expect(describeKeys(keys)).toBe(text);
  });
});
