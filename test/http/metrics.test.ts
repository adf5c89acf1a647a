/**
 * /metrics against an engine on the fake clock (issue 19.2): every family parsed strictly, values
 * from known runs, a removed task's series gone, and the lateness histogram from scheduled fires.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { createDaemonMetrics, type DaemonMetrics } from '../../src/http/metrics.js';
import { escapeLabel } from '../../src/http/task-metrics.js';
import { createEngine, every, makeTask, ms } from '../support/engine-task.js';
import { parseExposition, valueOf, type Sample } from '../support/exposition.js';
import { flush } from '../support/fake-runner.js';

const START = '2026-06-01T00:00:00.000Z';
let metrics: DaemonMetrics | null = null;
afterEach(() => metrics?.close());

async function scrape(): Promise<Sample[]> {
  const { contentType, body } = await (metrics as DaemonMetrics).render();
  expect(contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
  return parseExposition(body);
}

describe('the task families', () => {
  test('known runs: counts, last success, duration, next instant, running, held, failing', async () => {
    const engine = createEngine(START);
    const { scheduler, runner, clock } = engine;
    scheduler.add(makeTask('tick', { schedule: every('1m') }));
    scheduler.add(makeTask('ok'));
    scheduler.add(makeTask('bad'));
    metrics = createDaemonMetrics(scheduler);
    scheduler.start();

    const idle = await scrape();
    // Succeeded and failed are there at 0 from the start: the first failure is an increase.
    const idleRuns = idle.filter((sample) => sample.name === 'taskkit_runs_total');
    expect(idleRuns.map((sample) => `${sample.labels['task']}/${sample.labels['status']}=${sample.value}`)).toEqual([
      'tick/succeeded=0',
      'tick/failed=0',
      'ok/succeeded=0',
      'ok/failed=0',
      'bad/succeeded=0',
      'bad/failed=0',
    ]);
    expect(valueOf(idle, 'taskkit_up')).toBe(1);
    expect(valueOf(idle, 'taskkit_task_next_run_timestamp_seconds', { task: 'tick' })).toBe(ms(START) / 1000 + 60);
    expect(valueOf(idle, 'taskkit_task_next_run_timestamp_seconds', { task: 'ok' })).toBeUndefined();

    clock.advanceTo('2026-06-01T00:01:00.000Z');
    const [tickRun] = runner.running();
    expect(valueOf(await scrape(), 'taskkit_task_running', { task: 'tick' })).toBe(1);
    clock.advanceBy(1500);
    runner.finish(tickRun as number, { status: 'succeeded', exitCode: 0 });
    await flush();
    const ok = scheduler.runNow('ok').id;
    const bad = scheduler.runNow('bad').id;
    clock.advanceBy(250);
    runner.finish(ok, { status: 'succeeded', exitCode: 0 });
    runner.finish(bad, { status: 'failed', exitCode: 1 });
    await flush();
    scheduler.hold('ok', 'maintenance');

    const samples = await scrape();
    expect(valueOf(samples, 'taskkit_runs_total', { task: 'tick', status: 'succeeded' })).toBe(1);
    expect(valueOf(samples, 'taskkit_runs_total', { task: 'ok', status: 'succeeded' })).toBe(1);
    expect(valueOf(samples, 'taskkit_runs_total', { task: 'bad', status: 'failed' })).toBe(1);
    expect(valueOf(samples, 'taskkit_runs_total', { task: 'bad', status: 'succeeded' })).toBe(0);
    expect(valueOf(samples, 'taskkit_task_last_success_timestamp_seconds', { task: 'ok' })).toBe(
      ms('2026-06-01T00:01:01.750Z') / 1000,
    );
    expect(valueOf(samples, 'taskkit_task_last_success_timestamp_seconds', { task: 'bad' })).toBeUndefined();
    expect(valueOf(samples, 'taskkit_task_last_run_duration_seconds', { task: 'tick' })).toBe(1.5);
    expect(valueOf(samples, 'taskkit_task_last_run_duration_seconds', { task: 'bad' })).toBe(0.25);
    expect(valueOf(samples, 'taskkit_task_running', { task: 'tick' })).toBe(0);
    expect(valueOf(samples, 'taskkit_task_held', { task: 'ok' })).toBe(1);
    expect(valueOf(samples, 'taskkit_task_held', { task: 'bad' })).toBe(0);
    expect(valueOf(samples, 'taskkit_task_failing', { task: 'bad' })).toBe(1);
    expect(valueOf(samples, 'taskkit_task_failing', { task: 'ok' })).toBe(0);
    // The one scheduled fire was on time (the fake clock fires at the instant); run-now is no fire.
    expect(valueOf(samples, 'taskkit_fire_lateness_seconds_count')).toBe(1);
    expect(valueOf(samples, 'taskkit_fire_lateness_seconds_bucket', { le: '0.001' })).toBe(1);

    scheduler.remove('bad');
    const after = await scrape();
    expect(after.filter((sample) => sample.labels['task'] === 'bad')).toEqual([]);
    expect(valueOf(after, 'taskkit_runs_total', { task: 'ok', status: 'succeeded' })).toBe(1);
  });

  test("a task the engine has not run since a restart shows the history's last run", async () => {
    const engine = createEngine(START);
    engine.scheduler.add(makeTask('old'));
    const stored = {
      id: 7,
      task: 'old',
      status: 'failed' as const,
      attempt: 1,
      startedAt: ms(START) - 3000,
      endedAt: ms(START) - 1000,
    };
    metrics = createDaemonMetrics({
      list: () => engine.scheduler.list(),
      on: (event, listener) => engine.scheduler.on(event, listener),
      storedLastRun: (task) => (task === 'old' ? (stored as never) : null),
    });
    const samples = await scrape();
    expect(valueOf(samples, 'taskkit_task_last_run_duration_seconds', { task: 'old' })).toBe(2);
    expect(valueOf(samples, 'taskkit_task_failing', { task: 'old' })).toBe(1);
  });

  test('2,500 tasks: one series per task and family, written across event-loop turns', async () => {
    const engine = createEngine(START);
    for (let index = 0; index < 2500; index++) engine.scheduler.add(makeTask(`t${index}`));
    metrics = createDaemonMetrics(engine.scheduler);
    let turns = 0;
    const counter = setInterval(() => turns++, 0);
    const samples = await scrape();
    clearInterval(counter);
    expect(samples.filter((sample) => sample.name === 'taskkit_task_held').length).toBe(2500);
    expect(new Set(samples.map((sample) => sample.labels['task'])).size).toBe(2501);
    expect(turns).toBeGreaterThan(0);
  });
});

test('label values are escaped as the format wants', () => {
  expect(escapeLabel('a"b\\c\nd')).toBe('a\\"b\\\\c\\nd');
});
