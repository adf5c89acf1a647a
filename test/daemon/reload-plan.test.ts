// daemon/reload-plan.ts: what a reload would do, computed on a real engine (fake clock and runner),
// then checked against what applyTasks really does: the plan must tell the truth about reload.
import { describe, expect, test } from 'vitest';
import type { Settings, TaskSpec, TasksFile } from '../../src/config/types.js';
import { applyTasks } from '../../src/daemon/reload.js';
import { planReload } from '../../src/daemon/reload-plan.js';
import type { Scheduler } from '../../src/engine/scheduler.js';
import { createEngine, every, makeTask } from '../support/engine-task.js';
import { flush } from '../support/fake-runner.js';

const settings: Settings = {
  timezone: 'UTC',
  stateDir: '/s',
  socket: null,
  maxConcurrent: 8,
  groups: {},
  shell: '/bin/sh',
  history: { keep: 200, outputLimitBytes: 262_144 },
  holdAfterFailures: null,
  notify: null,
  shutdownGraceMs: 30_000,
  reboot: 'once-per-boot',
};

const fileOf = (tasks: readonly TaskSpec[], more: Partial<Settings> = {}): TasksFile => ({
  path: '/etc/taskkit/tasks.yaml',
  settings: { ...settings, ...more },
  tasks,
  warnings: [],
});

const stateOf = (scheduler: Scheduler) => ({
  configPath: '/etc/taskkit/tasks.yaml',
  settings,
  tasks: scheduler.list(),
  orphans: scheduler.orphans(),
});

const report = makeTask('report', { schedule: every('1h'), timeoutMs: 300_000, overlap: 'queue' });
const sync = makeTask('sync', { schedule: every('1h'), overlap: 'queue' });
const keep = makeTask('keep', { schedule: every('1h') });

async function engineWith(...tasks: TaskSpec[]) {
  const engine = createEngine('2026-07-01T06:30:00Z');
  for (const task of tasks) engine.scheduler.add(task);
  engine.scheduler.start();
  await flush();
  return engine;
}

test('add, change, remove and unchanged agree with what applyTasks then does', async () => {
  const { scheduler } = await engineWith(report, sync, keep);
  const next = [makeTask('cleanup', { schedule: every('1h') }), { ...report, timeoutMs: 600_000 }, keep];
  const plan = planReload(stateOf(scheduler), fileOf(next));
  expect(plan.tasks.map((task) => [task.change, task.name])).toEqual([
    ['remove', 'sync'],
    ['add', 'cleanup'],
    ['change', 'report'],
  ]);
  expect(plan.unchanged).toBe(1);
  expect(plan.tasks.find((task) => task.name === 'report')?.keys).toEqual([
    { key: 'timeout', before: '5m', after: '10m' },
  ]);
  expect(plan.tasks.find((task) => task.name === 'cleanup')?.schedule).toBe('every 1h');
  // Nothing applied: the engine still runs the old definitions.
  expect(scheduler.get('report').spec).toBe(report);
  expect(scheduler.has('sync')).toBe(true);
  const summary = applyTasks(scheduler, next);
  expect(summary).toEqual({ added: ['cleanup'], changed: ['report'], removed: ['sync'], unchanged: ['keep'] });
});

test('a changed task: its running run keeps the old definition, its waiting runs stay for the new one', async () => {
  const { scheduler, runner } = await engineWith(report);
  const first = scheduler.runNow('report');
  scheduler.runNow('report'); // overlap: queue -> waits behind the first
  await flush();
  const changed = { ...report, timeoutMs: 600_000 };
  const [plan] = planReload(stateOf(scheduler), fileOf([changed])).tasks;
  expect(plan).toMatchObject({
    change: 'change',
    redefined: true,
    running: [{ id: first.id, startedAt: '2026-07-01T06:30:00.000Z' }],
    waiting: 1,
    hold: null,
    droppedReschedule: null,
  });
  // The truth: the running run was started with the old spec; after it ends, the waiting one starts with the new.
  applyTasks(scheduler, [changed]);
  expect(runner.requests.map((request) => request.task.timeoutMs)).toEqual([300_000]);
  runner.finish(first.id, { status: 'succeeded', exitCode: 0, signal: null, output: new Uint8Array() } as never);
  await flush();
  expect(runner.requests.map((request) => request.task.timeoutMs)).toEqual([300_000, 600_000]);
});

test('a removed task: its running run goes on as an orphan, its waiting run is dropped', async () => {
  const { scheduler } = await engineWith(sync, keep);
  const running = scheduler.runNow('sync');
  scheduler.runNow('sync');
  await flush();
  const [plan] = planReload(stateOf(scheduler), fileOf([keep])).tasks;
  expect(plan).toMatchObject({ change: 'remove', name: 'sync', running: [{ id: running.id }], waiting: 1 });
  applyTasks(scheduler, [keep]);
  expect(scheduler.orphans().map((task) => [task.name, task.running.map((run) => run.id), task.queued])).toEqual([
    ['sync', [running.id], 0],
  ]);
  // Added back while that run goes on: the plan says the new task adopts it.
  const [back] = planReload(stateOf(scheduler), fileOf([keep, sync])).tasks;
  expect(back).toMatchObject({ change: 'add', name: 'sync', running: [{ id: running.id }] });
});

describe('holds', () => {
  test('a hold by hand stays when the file does not touch hold:', async () => {
    const { scheduler } = await engineWith(report);
    scheduler.hold('report', 'disk full', null);
    const [plan] = planReload(stateOf(scheduler), fileOf([{ ...report, timeoutMs: 1_000 }])).tasks;
    expect(plan?.hold).toBe('kept');
    applyTasks(scheduler, [{ ...report, timeoutMs: 1_000 }]);
    expect(scheduler.get('report').held).toBe(true);
  });

  test('hold: true added begins a hold; removed from the file, the hold ends', async () => {
    const { scheduler } = await engineWith(report);
    const held = { ...report, hold: true };
    const [begins] = planReload(stateOf(scheduler), fileOf([held])).tasks;
    expect(begins).toMatchObject({ hold: 'begins', keys: [{ key: 'hold', before: 'false', after: 'true' }] });
    applyTasks(scheduler, [held]);
    expect(scheduler.get('report').held).toBe(true);
    const [ends] = planReload(stateOf(scheduler), fileOf([report])).tasks;
    expect(ends?.hold).toBe('ends');
    applyTasks(scheduler, [report]);
    expect(scheduler.get('report').held).toBe(false);
  });
});

describe('a run-time reschedule', () => {
  test('is dropped by a change of the task in the file', async () => {
    const { scheduler } = await engineWith(report);
    scheduler.reschedule('report', every('5m'));
    const [plan] = planReload(stateOf(scheduler), fileOf([{ ...report, description: 'x' }])).tasks;
    expect(plan?.droppedReschedule).toBe('every 5m');
    applyTasks(scheduler, [{ ...report, description: 'x' }]);
    expect(scheduler.get('report').rescheduled).toBe(false);
  });

  test('is kept when only notify: changed (no new definition)', async () => {
    const { scheduler } = await engineWith(report);
    scheduler.reschedule('report', every('5m'));
    const notify = { target: { kind: 'run', run: './page.sh' }, on: ['failure'], after: 1, repeatMs: null } as const;
    const [plan] = planReload(stateOf(scheduler), fileOf([{ ...report, notify }])).tasks;
    expect(plan).toMatchObject({ change: 'change', redefined: false, droppedReschedule: null });
    applyTasks(scheduler, [{ ...report, notify }]);
    expect(scheduler.get('report').rescheduled).toBe(true);
  });
});

test('settings: the changes, the restart-only ones marked', async () => {
  const { scheduler } = await engineWith(keep);
  const plan = planReload(stateOf(scheduler), fileOf([keep], { maxConcurrent: 2, groups: { db: 1 } }));
  expect(plan.tasks).toEqual([]);
  expect(plan.settings).toEqual([
    { key: 'max-concurrent', before: '8', after: '2', needsRestart: true },
    { key: 'groups.db', before: null, after: '1', needsRestart: false },
  ]);
});
