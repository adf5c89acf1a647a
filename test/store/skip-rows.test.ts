// Issue 16.7 in the history database: consecutive skips of one task for one reason are one row
// (store/skip-rows.ts, through attachStore), a run in between or another reason splits them, a held
// day is one row, retention counts a folded row once, and migration 8 reads old skipped rows.
import Database from 'better-sqlite3';
import { describe, expect, test } from 'vitest';
import { attachStore } from '../../src/store/attach.js';
import { MIGRATIONS, migrate } from '../../src/store/sqlite/migrations.js';
import { flush } from '../support/fake-runner.js';
import { createEngine, every, iso, makeTask, ms } from '../support/engine-task.js';
import { useTempState } from './_support.js';

const temp = useTempState();

function setup(start = '2026-12-01T00:00:00.000Z', maxConcurrent?: number) {
  const engine = createEngine(start, maxConcurrent === undefined ? {} : { maxConcurrent });
  const store = temp.open({ now: () => engine.clock.now() });
  attachStore(engine.scheduler, store);
  return { ...engine, store };
}

/** [id, status, first, last, count, reason] of every kept row, newest first. */
function rows(store: ReturnType<typeof setup>['store'], task?: string) {
  return store
    .listRuns(task === undefined ? {} : { task })
    .map((run) => [
      run.id,
      run.status,
      iso(run.scheduledAt),
      iso(run.skip?.lastAt ?? null),
      run.skip?.count ?? null,
      run.skip?.reason ?? null,
    ]);
}

describe('consecutive skips are one row', () => {
  test('overlap: the skips while a run goes on are one row; a run in between starts a new one', async () => {
    const { clock, runner, scheduler, store } = setup();
    scheduler.add(makeTask('job', { schedule: every('1s') }));
    scheduler.start();
    clock.advanceTo('2026-12-01T00:00:05.000Z'); // run #1 (00:01) goes on; 02..05 skipped
    runner.finish(1);
    await flush();
    clock.advanceTo('2026-12-01T00:00:08.000Z'); // run at 06 goes on; 07, 08 skipped
    expect(rows(store)).toEqual([
      [7, 'skipped', '2026-12-01T00:00:07.000Z', '2026-12-01T00:00:08.000Z', 2, 'overlap'],
      [6, 'running', '2026-12-01T00:00:06.000Z', null, null, null],
      [2, 'skipped', '2026-12-01T00:00:02.000Z', '2026-12-01T00:00:05.000Z', 4, 'overlap'],
      [1, 'succeeded', '2026-12-01T00:00:01.000Z', null, null, null],
    ]);
    expect(store.getRun(2)).toMatchObject({ error: 'previous run #1 still running (overlap: skip)' });
  });

  test('a skip of another reason in between starts a new row', () => {
    const { clock, scheduler, store } = setup();
    scheduler.add(makeTask('job', { schedule: every('1s') }));
    scheduler.start();
    clock.advanceTo('2026-12-01T00:00:03.000Z'); // run #1 goes on; 02, 03 skipped (overlap)
    scheduler.hold('job');
    clock.advanceTo('2026-12-01T00:00:05.500Z');
    scheduler.resume('job'); // 04, 05 held
    clock.advanceTo('2026-12-01T00:00:07.000Z'); // 06, 07 skipped (overlap) again
    expect(rows(store).filter((row) => row[1] === 'skipped')).toEqual([
      [5, 'skipped', '2026-12-01T00:00:06.000Z', '2026-12-01T00:00:07.000Z', 2, 'overlap'],
      [4, 'skipped', '2026-12-01T00:00:04.000Z', '2026-12-01T00:00:05.000Z', 2, 'held'],
      [2, 'skipped', '2026-12-01T00:00:02.000Z', '2026-12-01T00:00:03.000Z', 2, 'overlap'],
    ]);
  });

  test('deadline: runs that waited past it are one row; their rows as queued runs go', async () => {
    const { clock, runner, scheduler, store } = setup('2026-12-01T00:00:00.000Z', 1);
    scheduler.add(makeTask('long'));
    scheduler.add(makeTask('job', { schedule: every('1m'), deadlineMs: 1_000, overlap: 'allow' }));
    scheduler.start();
    scheduler.runNow('long');
    clock.advanceTo('2026-12-01T00:03:30.000Z'); // 01:00, 02:00, 03:00 queued behind `long`
    expect(store.listRuns({ task: 'job' }).map((run) => run.status)).toEqual(['queued', 'queued', 'queued']);
    runner.finish(1);
    await flush();
    expect(rows(store, 'job')).toEqual([
      [2, 'skipped', '2026-12-01T00:01:00.000Z', '2026-12-01T00:03:00.000Z', 3, 'deadline'],
    ]);
  });

  test('a held day of an every-second task is one row x86400; the restart goes on after its last instant', () => {
    const first = setup('2026-12-01T00:00:00.500Z');
    first.scheduler.add(makeTask('tick', { schedule: every('1s') }));
    first.scheduler.start();
    first.scheduler.hold('tick');
    first.clock.advanceBy(12 * 60 * 60_000);
    // Asked while still held (history, show): the row counts so far.
    first.scheduler.settleSkipped();
    expect(rows(first.store)).toEqual([
      [1, 'skipped', '2026-12-01T00:00:01.000Z', '2026-12-01T12:00:00.000Z', 43_200, 'held'],
    ]);
    first.clock.advanceBy(12 * 60 * 60_000);
    first.scheduler.resume('tick');
    expect(rows(first.store)).toEqual([
      [1, 'skipped', '2026-12-01T00:00:01.000Z', '2026-12-02T00:00:00.000Z', 86_400, 'held'],
    ]);
    const restored = first.store.restoreTask(makeTask('tick', { schedule: every('1s') }));
    expect(iso(restored.state.lastScheduledAt ?? null)).toBe('2026-12-02T00:00:00.000Z');
  });
});

describe('retention', () => {
  test('a folded row counts once', async () => {
    const { clock, runner, scheduler, store } = setup();
    scheduler.add(makeTask('job', { schedule: every('1s'), history: { keep: 2, outputLimitBytes: 1_024 } }));
    scheduler.start();
    for (let round = 0; round < 3; round++) {
      clock.advanceBy(4_000); // a run and three skips, folded
      runner.finish(runner.running()[0] as number);
      await flush();
    }
    clock.advanceBy(1_000);
    store.flush();
    const kept = store.listRuns();
    // Two ended runs and two skipped rows (each of three instants) are kept, not two skips.
    expect(kept.filter((run) => run.status === 'skipped').map((run) => run.skip?.count)).toEqual([3, 3]);
    expect(kept.filter((run) => run.status === 'succeeded')).toHaveLength(2);
  });
});

describe('migration 8', () => {
  test('old skipped rows get a count of one and their kind from their words', () => {
    const db = new Database(temp.dbPath);
    temp.defer(() => db.close());
    migrate(db, temp.dbPath, MIGRATIONS.slice(0, 7));
    const insert = db.prepare(
      `INSERT INTO runs (task, trigger, status, scheduled_at, created_at, attempt, error)
       VALUES ('job', 'schedule', ?, ?, 0, 1, ?)`,
    );
    insert.run('skipped', ms('2026-12-01T00:00:00.000Z'), 'previous run #4 still running (overlap: skip)');
    insert.run('skipped', ms('2026-12-01T01:00:00.000Z'), 'missed 3 instants (catch-up: skip)');
    insert.run('skipped', null, 'something else');
    insert.run('succeeded', ms('2026-12-01T02:00:00.000Z'), null);
    expect(migrate(db, temp.dbPath, MIGRATIONS.slice(0, 8))).toEqual({ from: 7, to: 8 });
    expect(
      db.prepare('SELECT id, skip_reason, skip_count, skip_more, skip_last_at FROM runs ORDER BY id').all(),
    ).toEqual([
      { id: 1, skip_reason: 'overlap', skip_count: 1, skip_more: 0, skip_last_at: ms('2026-12-01T00:00:00.000Z') },
      { id: 2, skip_reason: 'missed', skip_count: 1, skip_more: 0, skip_last_at: ms('2026-12-01T01:00:00.000Z') },
      { id: 3, skip_reason: null, skip_count: 1, skip_more: 0, skip_last_at: null },
      { id: 4, skip_reason: null, skip_count: null, skip_more: 0, skip_last_at: null },
    ]);
  });
});
