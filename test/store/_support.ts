/** Store tests: real SQLite files in a temp dir removed after each test, and complete RunRecords. */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import type { TaskSpec } from '../../src/config/types.js';
import type { RunRecord } from '../../src/engine/run.js';
import type { TaskStateRecord } from '../../src/store/store.js';
import { attachStore } from '../../src/store/attach.js';
import { openSqliteStore, type SqliteStore, type SqliteStoreOptions } from '../../src/store/sqlite-store.js';
import { createEngine, ms } from '../support/engine-task.js';

export interface TempState {
  /** A fresh state dir for the current test. */
  readonly dir: string;
  /** `<dir>/taskkit.db`. */
  readonly dbPath: string;
  /** Open a store on dbPath (or `options.path`); closed after the test. */
  open(options?: Partial<SqliteStoreOptions>): SqliteStore;
  /** Close something after the test (raw connections). */
  defer(close: () => void): void;
}

/** Registers beforeEach/afterEach hooks; read the fields inside tests only. */
export function useTempState(): TempState {
  let dir = '';
  let closers: (() => void)[] = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'taskkit-store-'));
  });
  afterEach(() => {
    for (const close of closers.reverse()) {
      try {
        close();
      } catch {
        // already closed by the test
      }
    }
    closers = [];
    chmodSync(dir, 0o700);
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    get dir() {
      return dir;
    },
    get dbPath() {
      return join(dir, 'taskkit.db');
    },
    open(options = {}) {
      const store = openSqliteStore({ path: join(dir, 'taskkit.db'), ...options });
      closers.push(() => store.close());
      return store;
    },
    defer(close) {
      closers.push(close);
    },
  };
}

/** A run with every field set to a distinct, non-default value (override any). */
export function makeRun(overrides: Partial<RunRecord> = {}): RunRecord {
  return {
    id: 7,
    task: 'backup',
    trigger: 'schedule',
    scheduledAt: Date.parse('2026-07-01T08:00:00.000Z'),
    createdAt: Date.parse('2026-07-01T08:00:00.003Z'),
    startedAt: Date.parse('2026-07-01T08:00:00.010Z'),
    endedAt: Date.parse('2026-07-01T08:00:02.500Z'),
    status: 'failed',
    exitCode: 3,
    signal: null,
    attempt: 2,
    pid: 4242,
    output: Buffer.from('line 1\nline 2 ✓\n'),
    outputTruncated: false,
    outputBytes: 18,
    stop: null,
    error: 'exited with code 3',
    ...overrides,
  };
}

/** Let setImmediate callbacks (the batcher's flush) run. */
/** A task_state record with nothing in it but `overrides`. */
export function stateOf(name: string, overrides: Partial<TaskStateRecord> = {}): TaskStateRecord {
  return {
    name,
    fingerprint: 'f',
    fileHold: false,
    hold: null,
    reschedule: null,
    lastScheduledAt: null,
    scheduledRuns: 0,
    failedSlots: 0,
    alerts: { failureAlertedAt: null, overdueAlertedAt: null },
    ...overrides,
  };
}

export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Running as root, permission bits do not stop us: tests of refused access cannot fail then. */
export const RUNNING_AS_ROOT = process.getuid?.() === 0;

/**
 * A daemon start at `at` on `temp`'s database, as daemon/main.ts does it: store opened, runs of a
 * dead daemon interrupted, tasks restored, engine started on the fake clock. `stop` also closes the store.
 */
export function bootOnStore(temp: TempState, at: string, tasks: readonly TaskSpec[]) {
  let now = (): number => ms(at);
  const store = temp.open({ now: () => now() });
  store.markInterrupted(ms(at));
  const engine = createEngine(at, { firstRunId: store.nextRunId() });
  now = () => engine.clock.now();
  attachStore(engine.scheduler, store);
  for (const task of tasks) engine.scheduler.add(task, store.restoreTask(task).state);
  engine.scheduler.start();
  const stop = async (): Promise<void> => {
    await engine.scheduler.stop({ graceMs: 0 });
    store.close();
  };
  return { ...engine, store, stop };
}
