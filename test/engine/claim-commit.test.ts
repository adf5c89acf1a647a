// The claims' commit (engine/ports.ts ClaimCommit, issue 20.2): with a commit given, a run the claim
// says go to is handed to the runner only after the commit, and the engine commits once per turn
// (a wake, an API call, a run's end) for all the runs claimed in it, not once per run.
import { describe, expect, test } from 'vitest';
import type { RunBatcher, RunRequest, Runner } from '../../src/runner/types.js';
import { FakeRunner, flush } from '../support/fake-runner.js';
import { createEngine, every, makeTask } from '../support/engine-task.js';

/** An engine whose claim, commit and runner write what they are asked to one shared log, in order. */
function journaled(start: string, options: { maxConcurrent?: number; batcher?: boolean } = {}) {
  const calls: string[] = [];
  const fake = new FakeRunner();
  const runner: Runner = {
    start(request: RunRequest, onOutput) {
      calls.push(`start #${request.runId}`);
      return fake.start(request, onOutput);
    },
  };
  // The daemon's spawner (runner/runner.ts): the starts of process tasks are held, sent in one write.
  const batcher: RunBatcher = {
    holds: (task) => task.action.kind === 'shell',
    together: (work, beforeWrite) => {
      calls.push('together');
      work();
      beforeWrite();
      calls.push('write');
    },
  };
  const engine = createEngine(start, {
    ...(options.maxConcurrent === undefined ? {} : { maxConcurrent: options.maxConcurrent }),
    runner: options.batcher === true ? { ...runner, batcher } : runner,
    claim: (run) => {
      calls.push(`claim #${run.id}`);
      return true;
    },
    claimCommit: () => calls.push('commit'),
  });
  return { ...engine, calls, fake };
}

describe('the claims of one turn are committed once, before any of their runs starts', () => {
  test('a wake with three tasks due: three claims, one commit, then three starts', () => {
    const { clock, scheduler, calls } = journaled('2026-08-01T12:00:30.000Z');
    for (const name of ['a', 'b', 'c']) scheduler.add(makeTask(name, { schedule: every('1m') }));
    scheduler.start();
    clock.advanceTo('2026-08-01T12:01:00.000Z');
    expect(calls).toEqual(['claim #1', 'claim #2', 'claim #3', 'commit', 'start #1', 'start #2', 'start #3']);
  });

  test('run-now: the claim, the commit, the start, and the record it returns is the started run', () => {
    const { scheduler, calls } = journaled('2026-08-01T12:00:00.000Z');
    scheduler.add(makeTask('job'));
    expect(scheduler.runNow('job')).toMatchObject({ id: 1, status: 'running', pid: 1001 });
    expect(calls).toEqual(['claim #1', 'commit', 'start #1']);
  });

  test('a run that ends frees its slot: the waiting run is claimed, committed and started in that turn', async () => {
    const { clock, scheduler, calls, fake } = journaled('2026-08-01T12:00:30.000Z', { maxConcurrent: 1 });
    for (const name of ['a', 'b']) scheduler.add(makeTask(name, { schedule: every('1m') }));
    scheduler.start();
    clock.advanceTo('2026-08-01T12:01:00.000Z');
    expect(calls).toEqual(['claim #1', 'commit', 'start #1']);
    fake.finish(1, { status: 'succeeded', exitCode: 0 });
    await flush();
    expect(calls.slice(3)).toEqual(['claim #2', 'commit', 'start #2']);
  });

  test('a runner with a batcher: its runs are started held, then the commit, then one write; the others after', () => {
    const { clock, scheduler, calls } = journaled('2026-08-01T12:00:30.000Z', { batcher: true });
    const fn = { kind: 'function' as const, fn: () => undefined };
    scheduler.add(makeTask('a', { schedule: every('1m') }));
    scheduler.add(makeTask('b', { schedule: every('1m'), action: fn }));
    scheduler.add(makeTask('c', { schedule: every('1m') }));
    scheduler.start();
    clock.advanceTo('2026-08-01T12:01:00.000Z');
    expect(calls).toEqual([
      'claim #1',
      'claim #2',
      'claim #3',
      'together',
      'start #1',
      'start #3',
      'commit',
      'write',
      'start #2',
    ]);
  });

  test('the batcher is not asked for a turn that claimed nothing', () => {
    const { clock, scheduler, calls } = journaled('2026-08-01T12:00:30.000Z', { batcher: true });
    scheduler.add(makeTask('held', { schedule: every('1m') }));
    scheduler.start();
    scheduler.hold('held');
    clock.advanceTo('2026-08-01T12:05:00.000Z');
    expect(calls).toEqual([]);
  });

  test('a turn that claims nothing commits nothing', () => {
    const { clock, scheduler, calls } = journaled('2026-08-01T12:00:30.000Z');
    scheduler.add(makeTask('held', { schedule: every('1m') }));
    scheduler.start();
    scheduler.hold('held');
    clock.advanceTo('2026-08-01T12:05:00.000Z');
    expect(calls).toEqual([]);
  });

  test('a commit that throws is logged and the runs still start (the store keeps and retries its writes)', () => {
    const { scheduler, runner, logs } = createEngine('2026-08-01T12:00:00.000Z', {
      claim: () => true,
      claimCommit: () => {
        throw new Error('disk I/O error');
      },
    });
    scheduler.add(makeTask('job'));
    expect(scheduler.runNow('job')).toMatchObject({ status: 'running' });
    expect(runner.requests.map((request) => request.runId)).toEqual([1]);
    expect(logs).toContainEqual(['error', "the claims' commit failed: Error: disk I/O error"]);
  });

  test('stopping during the turn drops a claimed run before it starts: it never reaches the runner', () => {
    const { clock, scheduler, calls, eventsOf } = journaled('2026-08-01T12:00:30.000Z');
    scheduler.add(makeTask('a', { schedule: every('1m') }));
    scheduler.add(makeTask('b', { schedule: every('1m') }));
    scheduler.start();
    // A listener acts in the wake's turn, after both claims, before the commit: it stops the engine.
    scheduler.on('task-changed', (status) => {
      if (status.name === 'b') void scheduler.stop();
    });
    clock.advanceTo('2026-08-01T12:01:00.000Z');
    expect(calls).toEqual(['claim #1', 'claim #2', 'commit']);
    expect(eventsOf('run-finished')).toMatchObject([
      { id: 1, status: 'cancelled', error: 'dropped: taskkit is stopping' },
      { id: 2, status: 'cancelled', error: 'dropped: taskkit is stopping' },
    ]);
  });
});
