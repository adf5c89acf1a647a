/**
 * Module tasks in a real engine with the real runner, on a fake clock (issue 5, "Done means"):
 * the run record carries the value and the console output; a throwing or broken module fails
 * its run and the next scheduled run still happens, with the task still scheduled.
 */
import { afterEach, beforeAll, expect, test } from 'vitest';
import { Scheduler } from '../../src/engine/scheduler.js';
import { createRunner } from '../../src/runner/runner.js';
import { every, iso, makeTask } from '../support/engine-task.js';
import { FakeClock } from '../support/fake-clock.js';
import { assertFreshWorkerBuild, MODULE_FIXTURES } from '../support/module-run.js';

beforeAll(assertFreshWorkerBuild);

let scheduler: Scheduler | null = null;
afterEach(async () => {
  await scheduler?.stop({ graceMs: 0 });
  scheduler = null;
});

/** An engine at 12:00:30 with one `every: 1m` module task, started. */
function startEngine(file: string, exportName = 'default'): { clock: FakeClock; engine: Scheduler } {
  const clock = new FakeClock('2026-06-01T12:00:30.000Z');
  const engine = new Scheduler({ clock, runner: createRunner() });
  scheduler = engine;
  const action = { kind: 'module', path: `${MODULE_FIXTURES}${file}`, exportName, args: { to: 'ops' } } as const;
  engine.add(makeTask('job', { schedule: every('1m'), action }));
  engine.start();
  return { clock, engine };
}

test('a scheduled module run records its returned value and its console output', async () => {
  const { clock, engine } = startEngine('output.js');
  clock.advanceTo('2026-06-01T12:01:00.000Z');
  const run = await engine.waitForRun(1);
  expect(run).toMatchObject({
    status: 'succeeded',
    exitCode: 0,
    error: null,
    result: 'written',
    trigger: 'schedule',
    pid: null,
  });
  expect(String(run.output)).toBe(
    'log formatted 7 { deep: [ 1, 2 ] }\nconsole.log line\nconsole.error line\npartial bytes\n',
  );
});

test.each([
  ['throws', 'throw.js', 'default', 'boom from module'],
  [
    'is missing',
    'no-such-module.js',
    'default',
    `cannot load module ${MODULE_FIXTURES}no-such-module.js: no such file`,
  ],
  [
    'has a syntax error',
    'syntax-error.js',
    'default',
    `cannot load module ${MODULE_FIXTURES}syntax-error.js: Unexpected token ';' (line 3)`,
  ],
  [
    'lacks the export',
    'named-exports.js',
    'nope',
    `module ${MODULE_FIXTURES}named-exports.js has no export "nope" (exports: answer, run)`,
  ],
  [
    'exports a non-function',
    'named-exports.js',
    'answer',
    `module ${MODULE_FIXTURES}named-exports.js: export "answer" is not a function (got number)`,
  ],
])('a module that %s fails its run; the next scheduled run still happens', async (_label, file, exportName, error) => {
  const { clock, engine } = startEngine(file, exportName);
  clock.advanceTo('2026-06-01T12:01:00.000Z');
  const first = await engine.waitForRun(1);
  expect([first.status, first.exitCode, first.error, iso(first.scheduledAt)]).toEqual([
    'failed',
    1,
    error,
    '2026-06-01T12:01:00.000Z',
  ]);
  expect(engine.get('job')).toMatchObject({ state: 'scheduled', nextAt: Date.parse('2026-06-01T12:02:00.000Z') });
  clock.advanceTo('2026-06-01T12:02:00.000Z');
  const second = await engine.waitForRun(2);
  expect([second.status, second.error, second.trigger, iso(second.scheduledAt)]).toEqual([
    'failed',
    error,
    'schedule',
    '2026-06-01T12:02:00.000Z',
  ]);
  expect(engine.get('job').lastRun?.id).toBe(2);
});
