// Issue 15 point 10, README "Timeouts, cancel and retries": a cancel that comes while a timed-out
// run is in its kill-after overtakes the timeout. The run ends `cancelled`: no retry and no
// on-failure, one rule (runner/lifecycle.ts gives the status, engine/run-flow.ts the sequel). A
// timeout left alone is retried and its last attempt triggers on-failure. On the fake clock, with
// the real lifecycle: the task ignores SIGTERM and ends at the SIGKILL, kill-after after the timeout.
import { describe, expect, test } from 'vitest';
import { startLifecycle, stoppedStatus } from '../../src/runner/lifecycle.js';
import type { RunHandle, RunOutcome, RunRequest, Runner } from '../../src/runner/types.js';
import { createEngine, makeTask } from '../support/engine-task.js';
import type { FakeClock } from '../support/fake-clock.js';
import { flush } from '../support/fake-runner.js';

const START = '2027-02-01T00:00:00.000Z';
const TIMEOUT = 30_000;
const KILL_AFTER = 10_000;

/** Runs that ignore SIGTERM: a stop ends them at the escalation (SIGKILL), as `trap '' TERM; sleep` does. */
class StubbornRunner implements Runner {
  readonly started: RunRequest[] = [];
  clock: FakeClock | null = null;

  start(request: RunRequest): RunHandle {
    this.started.push(request);
    const clock = this.clock as FakeClock;
    let resolve: (outcome: RunOutcome) => void = () => {};
    const done = new Promise<RunOutcome>((settle) => (resolve = settle));
    const life = startLifecycle(
      { clock, timeoutMs: request.task.timeoutMs, killAfterMs: request.task.killAfterMs },
      {
        deliver: () => life.recordSignal('SIGTERM'),
        escalate: () => {
          life.recordSignal('SIGKILL');
          const { endedAt, stop } = life.end();
          resolve({
            status: stop === null ? 'failed' : stoppedStatus(stop.cause),
            exitCode: null,
            signal: 'SIGKILL',
            startedAt: life.startedAt,
            endedAt,
            output: Buffer.alloc(0),
            outputTruncated: false,
            outputBytes: 0,
            stop,
            error: null,
          });
        },
      },
    );
    return { pid: 1000 + request.runId, done, cancel: (reason) => void life.stop(reason) };
  }

  tasks(): string[] {
    return this.started.map((request) => `${request.task.name}#${request.runId}`);
  }
}

function setUp(): {
  clock: FakeClock;
  runner: StubbornRunner;
  scheduler: ReturnType<typeof createEngine>['scheduler'];
} {
  const runner = new StubbornRunner();
  const { clock, scheduler } = createEngine(START, { runner });
  runner.clock = clock;
  scheduler.add(
    makeTask('backup', {
      timeoutMs: TIMEOUT,
      killAfterMs: KILL_AFTER,
      retry: { attempts: 1, delayMs: 1_000, backoff: 1, maxDelayMs: 1_000 },
      onFailure: ['pager'],
    }),
  );
  scheduler.add(makeTask('pager'));
  scheduler.start();
  return { clock, runner, scheduler };
}

describe('cancel during the kill-after of a timed-out run', () => {
  test('the cancel overtakes the timeout: cancelled, the timeout kept as a fact; no retry, no on-failure', async () => {
    const { clock, runner, scheduler } = setUp();
    scheduler.runNow('backup');
    clock.advanceBy(TIMEOUT + 5_000);
    expect(scheduler.cancel('backup').map((run) => [run.id, run.status])).toEqual([[1, 'running']]);
    clock.advanceBy(KILL_AFTER - 5_000);
    await flush();
    const ended = await scheduler.waitForRun(1);
    expect([ended.status, ended.stop]).toEqual([
      'cancelled',
      {
        cause: 'cancel',
        afterMs: TIMEOUT + 5_000,
        signals: ['SIGTERM', 'SIGKILL'],
        killAfterMs: KILL_AFTER,
        abandoned: null,
        timedOutAfterMs: TIMEOUT,
      },
    ]);
    clock.advanceBy(60_000);
    await flush();
    expect(runner.tasks()).toEqual(['backup#1']);
    expect(scheduler.get('backup')).toMatchObject({ queued: 0, running: [] });
  });

  test('a timeout left alone is retried, and the last attempt triggers on-failure', async () => {
    const { clock, runner, scheduler } = setUp();
    scheduler.runNow('backup');
    clock.advanceBy(TIMEOUT + KILL_AFTER);
    await flush();
    expect((await scheduler.waitForRun(1)).status).toBe('timed-out');
    clock.advanceBy(1_000);
    expect(runner.tasks()).toEqual(['backup#1', 'backup#2']);
    clock.advanceBy(TIMEOUT + KILL_AFTER);
    await flush();
    expect((await scheduler.waitForRun(2)).status).toBe('timed-out');
    expect(runner.tasks()).toEqual(['backup#1', 'backup#2', 'pager#3']);
  });

  test('a cancel of the retry in its kill-after ends the chain too: no on-failure', async () => {
    const { clock, runner, scheduler } = setUp();
    scheduler.runNow('backup');
    clock.advanceBy(TIMEOUT + KILL_AFTER);
    await flush();
    clock.advanceBy(1_000);
    expect(runner.tasks()).toEqual(['backup#1', 'backup#2']);
    clock.advanceBy(TIMEOUT + 1);
    scheduler.cancel('backup');
    clock.advanceBy(KILL_AFTER);
    await flush();
    expect(await scheduler.waitForRun(2)).toMatchObject({ status: 'cancelled', stop: { timedOutAfterMs: TIMEOUT } });
    clock.advanceBy(60_000);
    await flush();
    expect(runner.tasks()).toEqual(['backup#1', 'backup#2']);
  });
});

describe('the engine keeps the rule whatever the runner reports', () => {
  test('a run cancelled on purpose whose runner still says timed-out: no retry and no on-failure', async () => {
    const { clock, runner, scheduler, eventsOf } = createEngine(START);
    runner.finishOnCancel = false;
    scheduler.add(
      makeTask('backup', {
        retry: { attempts: 1, delayMs: 1_000, backoff: 1, maxDelayMs: 1_000 },
        onFailure: ['pager'],
      }),
    );
    scheduler.add(makeTask('pager'));
    scheduler.start();
    scheduler.runNow('backup');
    scheduler.cancel('backup');
    runner.finish(1, { status: 'timed-out', exitCode: null, signal: 'SIGKILL' });
    await flush();
    clock.advanceBy(60_000);
    await flush();
    expect(eventsOf('run-started').map((run) => `${run.task}#${run.id}`)).toEqual(['backup#1']);
  });
});
