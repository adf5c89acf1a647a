/**
 * Holds and reschedules across hosts (src/daemon/cluster/task-sync.ts) with a real engine on the
 * fake clock and a fake database: a change made here is written to the task row (and read back);
 * a row changed elsewhere is applied to the engine without being written back; a row read while
 * this host's own change is being written does not undo it; a cancel notice stops only our runs.
 */
import { afterEach, describe, expect, test } from 'vitest';
import type { ClusterDb, ControlChange, TaskRow } from '../../../src/daemon/cluster/cluster-db.js';
import { startTaskSync, type TaskSync } from '../../../src/daemon/cluster/task-sync.js';
import { TaskRows } from '../../../src/daemon/cluster/task-rows.js';
import { createEngine, every } from '../../support/engine-task.js';
import { makeTask } from '../../support/task-spec.js';

const START = '2026-12-03T12:00:00Z';

function row(overrides: Partial<TaskRow> = {}): TaskRow {
  return {
    name: 'backup',
    fingerprint: 'fp',
    publishedBy: 'h1',
    publishedByHostname: 'host-a',
    publishedAt: Date.parse(START),
    held: false,
    heldUntil: null,
    holdNote: null,
    heldAt: null,
    reschedule: null,
    scheduleRev: 1,
    lastScheduledAt: null,
    scheduledRuns: 0,
    revision: 1,
    ...overrides,
  };
}

let sync: TaskSync | null = null;
afterEach(() => sync?.stop());

function fixture() {
  const { scheduler, clock } = createEngine(START);
  scheduler.add(makeTask('backup', { schedule: every('1m') }));
  let stored = row();
  const writes: ControlChange[] = [];
  let release: () => void = () => {};
  let holdWrites = false;
  const db: Pick<ClusterDb, 'readTask' | 'readTasks' | 'control'> = {
    readTask: () => Promise.resolve(stored),
    readTasks: () => Promise.resolve([stored]),
    control: async (_task, change) => {
      writes.push(change);
      if (holdWrites) await new Promise<void>((resolve) => (release = resolve));
      stored = {
        ...stored,
        revision: stored.revision + 1,
        ...(change.kind === 'hold'
          ? { held: true, holdNote: change.note, heldUntil: change.until, heldAt: clock.now() }
          : change.kind === 'resume'
            ? { held: false, holdNote: null, heldUntil: null, heldAt: null }
            : { reschedule: change.schedule, scheduleRev: stored.scheduleRev + 1 }),
      };
    },
  };
  const rows = new TaskRows(() => 'fp');
  rows.put(stored);
  sync = startTaskSync({
    db,
    engine: scheduler,
    rows,
    fingerprintOf: () => 'fp',
    hostname: 'host-a',
    now: () => clock.now(),
    log: () => {},
  });
  return {
    scheduler,
    writes,
    rows,
    setRow: (next: Partial<TaskRow>) => (stored = { ...stored, ...next, revision: stored.revision + 10 }),
    holdWrites: () => (holdWrites = true),
    release: () => release(),
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('control sync across hosts', () => {
  test('a hold made here is written to the row with its note, then read back', async () => {
    const f = fixture();
    f.scheduler.hold('backup', 'disk full');
    await settle();
    expect(f.writes).toEqual([{ kind: 'hold', note: 'disk full', until: null, by: expect.stringMatching(/@host-a$/) }]);
    expect(f.rows.get('backup')?.held).toBe(true);
    // The engine now agrees with the row: another task-changed writes nothing more.
    f.scheduler.hold('backup', 'disk full');
    await settle();
    expect(f.writes).toHaveLength(1);
  });

  test('a hold notified from another host is applied here and not written back', async () => {
    const f = fixture();
    f.setRow({ held: true, holdNote: 'from b' });
    sync?.notified(JSON.stringify({ k: 'task', name: 'backup' }));
    await settle();
    expect(f.scheduler.get('backup').held).toBe(true);
    expect(f.scheduler.get('backup').holdNote).toBe('from b');
    expect(f.writes).toEqual([]);
    f.setRow({ held: false, holdNote: null });
    await sync?.resync();
    expect(f.scheduler.get('backup').held).toBe(false);
    expect(f.writes).toEqual([]);
  });

  test('a row read while our own change is being written does not undo it', async () => {
    const f = fixture();
    f.holdWrites();
    f.scheduler.hold('backup', 'mine');
    await settle();
    // Another host's notification arrives before our write committed: the old row says "not held".
    sync?.notified(JSON.stringify({ k: 'task', name: 'backup' }));
    await settle();
    expect(f.scheduler.get('backup').held).toBe(true);
    f.release();
    await settle();
    expect(f.rows.get('backup')?.held).toBe(true);
  });

  test('a reschedule made here is written; one from another host is applied', async () => {
    const f = fixture();
    f.scheduler.reschedule('backup', every('5m'));
    await settle();
    expect(f.writes.map((w) => w.kind)).toEqual(['reschedule']);
    f.setRow({ reschedule: every('10m') });
    sync?.notified(JSON.stringify({ k: 'task', name: 'backup' }));
    await settle();
    expect(f.scheduler.get('backup').schedule).toEqual(every('10m'));
    expect(f.writes).toHaveLength(1);
  });

  test('a task whose cluster definition is another host’s is left alone', async () => {
    const f = fixture();
    f.setRow({ fingerprint: 'other', held: true });
    sync?.notified(JSON.stringify({ k: 'task', name: 'backup' }));
    await settle();
    expect(f.scheduler.get('backup').held).toBe(false);
  });
});
