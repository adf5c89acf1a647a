// The run journal (issue 8, crash torture): a run's row is committed before the runner starts it, so
// a daemon killed right after a spawn leaves the run to be marked interrupted, its id is not handed
// out again, and its instant is not caught up a second time; both forms, runJournal (the daemon's:
// one commit per engine turn, issue 20.2) and journalClaim (a commit per claim). A real SQLite
// file read through a second connection (what is on disk, not what the store has queued); fake
// clock and runner.
import Database from 'better-sqlite3';
import { describe, expect, test } from 'vitest';
import type { RunRequest, Runner } from '../../src/runner/types.js';
import { attachStore } from '../../src/store/attach.js';
import { journalClaim, runJournal } from '../../src/store/journal.js';
import type { TaskSpec } from '../../src/config/types.js';
import type { SqliteStore } from '../../src/store/sqlite-store.js';
import type { SchedulerOptions } from '../../src/engine/scheduler-options.js';
import { INTERRUPTED_REASON } from '../../src/store/sqlite/runs.js';
import { FakeRunner, flush } from '../support/fake-runner.js';
import { createEngine, every, makeTask, ms } from '../support/engine-task.js';
import { nextTurn, useTempState } from './_support.js';

const temp = useTempState();

interface DiskRow {
  id: number;
  task: string;
  trigger: string;
  status: string;
  scheduled_at: number | null;
  attempt: number;
}

/** The run's row as committed to the file, through a connection of its own. */
function readFromDisk(path: string, id: number): DiskRow | undefined {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return db
      .prepare<[number], DiskRow>('SELECT id, task, trigger, status, scheduled_at, attempt FROM runs WHERE id = ?')
      .get(id);
  } finally {
    db.close();
  }
}

type Journaling = (store: SqliteStore) => Pick<SchedulerOptions, 'claim' | 'claimCommit'>;
const FORMS: [[string, Journaling], [string, Journaling]] = [
  [
    'runJournal (a commit per turn)',
    (store) => {
      const journal = runJournal(store);
      return { claim: journal.claim, claimCommit: journal.commit };
    },
  ],
  ['journalClaim (a commit per claim)', (store) => ({ claim: journalClaim(store) })],
];

/** An engine at 08:00 whose store claims each run; `onStart` sees each request as the runner gets it. */
async function setup(journaling: Journaling, onStart: (request: RunRequest) => void = () => {}, names = ['backup']) {
  let now = (): number => ms('2026-07-01T08:00:00.000Z');
  const store = temp.open({ now: () => now() });
  const fake = new FakeRunner();
  const inner: Runner = {
    start(request, onOutput) {
      onStart(request);
      return fake.start(request, onOutput);
    },
  };
  const engine = createEngine('2026-07-01T08:00:00.000Z', {
    runner: inner,
    ...journaling(store),
    firstRunId: store.nextRunId(),
  });
  now = () => engine.clock.now();
  attachStore(engine.scheduler, store);
  const tasks = names.map((name) => makeTask(name, { schedule: every('1h'), catchUp: 'all' }));
  for (const task of tasks) engine.scheduler.add(task);
  const [task] = tasks as [TaskSpec, ...TaskSpec[]];
  engine.scheduler.start();
  await nextTurn(); // the task's first state is saved, as at any daemon start
  return { ...engine, store, fake, task };
}

describe.each(FORMS)('%s', (name, journaling) => {
  test('the row is on disk, running, before the runner is asked to start the run', async () => {
    const seen: (DiskRow | undefined)[] = [];
    const { clock } = await setup(journaling, (request) => seen.push(readFromDisk(temp.dbPath, request.runId)));
    clock.advanceTo('2026-07-01T09:00:00.000Z');
    expect(seen).toEqual([
      {
        id: 1,
        task: 'backup',
        trigger: 'schedule',
        status: 'running',
        scheduled_at: ms('2026-07-01T09:00:00.000Z'),
        attempt: 1,
      },
    ]);
  });

  test('run-started then completes the row: it ends up exactly as the engine reported it', async () => {
    const { clock, store, eventsOf } = await setup(journaling);
    clock.advanceTo('2026-07-01T09:00:00.000Z');
    await nextTurn();
    expect(store.getRun(1)).toStrictEqual(eventsOf('run-started')[0]);
    expect(store.getRun(1)).toMatchObject({ pid: 1001, status: 'running' });
  });

  test(
    'killed right after the spawn: the run is interrupted, its id stays taken, ' + 'its instant is not caught up again',
    async () => {
      const { clock, task } = await setup(journaling);
      clock.advanceTo('2026-07-01T09:00:00.000Z');
      // The daemon dies here: nothing queued after the spawn (run-started, the task's new state) is written.
      const next = temp.open({ now: () => ms('2026-07-01T11:30:00.000Z') });
      expect(next.markInterrupted(ms('2026-07-01T11:30:00.000Z'))).toMatchObject([
        {
          id: 1,
          task: 'backup',
          status: 'interrupted',
          scheduledAt: ms('2026-07-01T09:00:00.000Z'),
          error: INTERRUPTED_REASON.running,
        },
      ]);
      expect(next.nextRunId()).toBe(2);
      // journalClaim commits the row alone: the saved state predates 09:00, but the row says 09:00 was
      // dealt with. runJournal's commit at the end of the wake takes the task's new state with it.
      const saved = next.loadTaskState('backup')?.lastScheduledAt;
      expect(saved).toBe(name.startsWith('runJournal') ? ms('2026-07-01T09:00:00.000Z') : null);
      // Either way only 10:00 and 11:00 are missed.
      expect(next.restoreTask(task).state.lastScheduledAt).toBe(ms('2026-07-01T09:00:00.000Z'));
      const restarted = createEngine('2026-07-01T11:30:00.000Z', { firstRunId: next.nextRunId() });
      restarted.scheduler.add(task, next.restoreTask(task).state);
      restarted.scheduler.start();
      restarted.runner.finish(2, { status: 'succeeded', exitCode: 0 });
      await flush();
      expect(
        restarted.runner.requests.map((request) => [
          request.runId,
          request.trigger,
          new Date(request.scheduledAt ?? 0).toISOString(),
        ]),
      ).toEqual([
        [2, 'catch-up', '2026-07-01T10:00:00.000Z'],
        [3, 'catch-up', '2026-07-01T11:00:00.000Z'],
      ]);
    },
  );
});

describe('runJournal: the runs of one wake', () => {
  test('three tasks due together: all three rows on disk before the first starts, in one transaction', async () => {
    const seen: number[][] = [];
    const rowsOnDisk = (): number[] => [1, 2, 3].filter((id) => readFromDisk(temp.dbPath, id)?.status === 'running');
    const { clock, store } = await setup(FORMS[0][1], () => seen.push(rowsOnDisk()), ['a', 'b', 'c']);
    const flushes = store.batchStats.flushes;
    clock.advanceTo('2026-07-01T09:00:00.000Z');
    expect(seen).toEqual([
      [1, 2, 3],
      [1, 2, 3],
      [1, 2, 3],
    ]);
    expect(store.batchStats.flushes - flushes).toBe(1);
  });
});
