// DESIGN.md task options, `retry` and `on-failure`: a failed or timed-out run (not a cancelled one)
// with attempts left is retried after min(delay * backoff^(attempt-1), max-delay), trigger 'retry',
// attempt + 1, the same scheduledAt; on-failure fires only when the last attempt fails for good.
import { describe, expect, test } from 'vitest';
import { flush } from '../support/fake-runner.js';
import { createEngine, iso, makeTask, ms } from '../support/engine-task.js';

const retry = { attempts: 4, delayMs: 10_000, backoff: 3, maxDelayMs: 60_000 };

describe('retry', () => {
  test('backoff instants are exact: +10s, +30s, +60s (90s capped), +60s; then on-failure once', async () => {
    const { clock, runner, scheduler, eventsOf } = createEngine('2026-10-01T00:00:00.000Z');
    scheduler.add(
      makeTask('flaky', {
        schedule: { kind: 'at', instants: [ms('2026-10-01T00:01:00.000Z')] },
        retry,
        onFailure: ['pager'],
      }),
    );
    scheduler.add(makeTask('pager'));
    scheduler.start();
    clock.advanceTo('2026-10-01T00:01:00.000Z');
    for (const delay of [10_000, 30_000, 60_000, 60_000]) {
      const [id] = runner.running();
      runner.finish(id as number, { status: id === 3 ? 'timed-out' : 'failed', exitCode: id === 3 ? null : 1 });
      await flush();
      expect(scheduler.get('flaky')).toMatchObject({ queued: 1, running: [] });
      clock.advanceBy(delay - 1);
      expect(runner.running()).toEqual([]);
      clock.advanceBy(1);
      expect(runner.running()).toEqual([(id as number) + 1]);
    }
    const flaky = eventsOf('run-started').filter((run) => run.task === 'flaky');
    expect(flaky.map((run) => [run.trigger, run.attempt, iso(run.scheduledAt), iso(run.startedAt)])).toEqual([
      ['schedule', 1, '2026-10-01T00:01:00.000Z', '2026-10-01T00:01:00.000Z'],
      ['retry', 2, '2026-10-01T00:01:00.000Z', '2026-10-01T00:01:10.000Z'],
      ['retry', 3, '2026-10-01T00:01:00.000Z', '2026-10-01T00:01:40.000Z'],
      ['retry', 4, '2026-10-01T00:01:00.000Z', '2026-10-01T00:02:40.000Z'],
      ['retry', 5, '2026-10-01T00:01:00.000Z', '2026-10-01T00:03:40.000Z'],
    ]);
    expect(eventsOf('run-started').filter((run) => run.task === 'pager')).toEqual([]);
    runner.finish(5, { status: 'failed', exitCode: 1 });
    await flush();
    const pager = eventsOf('run-started').filter((run) => run.task === 'pager');
    expect(pager.map((run) => [run.trigger, iso(run.startedAt)])).toEqual([['dependency', '2026-10-01T00:03:40.000Z']]);
    expect(scheduler.get('flaky')).toMatchObject({ queued: 0, lastRun: { id: 5, attempt: 5, status: 'failed' } });
  });

  test('the retry record exists (queued) from the failure on, and attempt/trigger reach the runner', async () => {
    const { runner, scheduler } = createEngine('2026-10-01T00:00:00.000Z');
    scheduler.add(makeTask('flaky', { retry }));
    scheduler.runNow('flaky');
    runner.finish(1, { status: 'failed', exitCode: 2 });
    await flush();
    const retryRun = await Promise.race([scheduler.waitForRun(2), flush().then(() => 'pending')]);
    expect(retryRun).toBe('pending');
    expect(scheduler.get('flaky').lastRun).toMatchObject({ id: 1, status: 'failed', exitCode: 2 });
  });

  test('a success stops the retries, and on-failure does not fire', async () => {
    const { clock, runner, scheduler } = createEngine('2026-10-01T00:00:00.000Z');
    scheduler.add(makeTask('flaky', { retry, onFailure: ['pager'] }));
    scheduler.add(makeTask('pager'));
    scheduler.start(); // timers (schedule, retry, jitter) run from start() on
    scheduler.runNow('flaky');
    runner.finish(1, { status: 'failed', exitCode: 1 });
    await flush();
    clock.advanceBy(10_000);
    expect(runner.request(2)).toMatchObject({ trigger: 'retry', attempt: 2, scheduledAt: null });
    runner.finish(2);
    await flush();
    clock.advanceBy(3_600_000);
    expect(runner.requests.map((request) => request.task.name)).toEqual(['flaky', 'flaky']);
  });

  test('run-retrying links each failed attempt to its retry and the instant the retry waits for', async () => {
    const { clock, runner, scheduler } = createEngine('2026-10-01T00:00:00.000Z');
    scheduler.add(makeTask('flaky', { retry: { attempts: 2, delayMs: 10_000, backoff: 3, maxDelayMs: 60_000 } }));
    scheduler.start();
    const links: [number, number, number, string, string | null][] = [];
    const order: string[] = [];
    scheduler.on('run-finished', (run) => order.push(`finished #${run.id}`));
    scheduler.on('run-retrying', (failed, next, at) => {
      order.push(`retrying #${failed.id}`);
      links.push([failed.id, next.id, next.attempt, next.status, iso(at)]);
    });
    scheduler.runNow('flaky');
    runner.finish(1, { status: 'failed', exitCode: 1 });
    await flush();
    clock.advanceBy(10_000);
    runner.finish(2, { status: 'timed-out', exitCode: null });
    await flush();
    clock.advanceBy(30_000);
    runner.finish(3, { status: 'failed', exitCode: 1 });
    await flush();
    expect(links).toEqual([
      [1, 2, 2, 'queued', '2026-10-01T00:00:10.000Z'],
      [2, 3, 3, 'queued', '2026-10-01T00:00:40.000Z'],
    ]);
    // The last attempt failed for good: no link after it; each link follows its run's end.
    expect(order).toEqual(['finished #1', 'retrying #1', 'finished #2', 'retrying #2', 'finished #3']);
  });

  test('a cancelled run is not retried', async () => {
    const { clock, runner, scheduler } = createEngine('2026-10-01T00:00:00.000Z');
    scheduler.add(makeTask('flaky', { retry, onFailure: ['pager'] }));
    scheduler.add(makeTask('pager'));
    scheduler.start();
    scheduler.runNow('flaky');
    scheduler.cancel('flaky');
    await flush();
    clock.advanceBy(3_600_000);
    expect(runner.requests.map((request) => request.runId)).toEqual([1]);
    expect(scheduler.get('flaky')).toMatchObject({ queued: 0, lastRun: { status: 'cancelled' } });
  });

  test('without retry, on-failure fires after the first failure', async () => {
    const { runner, scheduler } = createEngine('2026-10-01T00:00:00.000Z');
    scheduler.add(makeTask('once', { onFailure: ['pager'] }));
    scheduler.add(makeTask('pager'));
    scheduler.runNow('once');
    runner.finish(1, { status: 'timed-out', exitCode: null, signal: 'SIGTERM' });
    await flush();
    expect(runner.requests.map((request) => [request.task.name, request.trigger])).toEqual([
      ['once', 'manual'],
      ['pager', 'dependency'],
    ]);
  });
});
