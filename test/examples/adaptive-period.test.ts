// examples/adaptive-period.js (TaskKit's setPeriod) in a real engine with the real module runner,
// on a fake clock: each run doubles the task's period up to args.max, and the next instant moves
// with it (issue 5: "handle.setPeriod changes the next instant").
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, expect, test } from 'vitest';
import { Scheduler } from '../../src/engine/scheduler.js';
import { createRunner } from '../../src/runner/runner.js';
import { every, iso, makeTask } from '../support/engine-task.js';
import { FakeClock } from '../support/fake-clock.js';
import { assertFreshWorkerBuild } from '../support/module-run.js';
import { EXAMPLES, makeTempDir } from './_support.js';

beforeAll(assertFreshWorkerBuild);

let scheduler: Scheduler | null = null;
afterEach(async () => {
  await scheduler?.stop({ graceMs: 0 });
  scheduler = null;
});

function startEngine(args: Record<string, unknown>): { clock: FakeClock; engine: Scheduler } {
  const clock = new FakeClock('2026-06-01T12:00:30.000Z');
  const engine = new Scheduler({ clock, runner: createRunner() });
  scheduler = engine;
  const action = { kind: 'module', path: `${EXAMPLES}adaptive-period.js`, exportName: 'default', args } as const;
  engine.add(makeTask('adaptive-period', { schedule: every('1m'), action }));
  engine.start();
  return { clock, engine };
}

test('each run doubles the period, 1m -> 2m -> 4m, then stays at max; the next instant follows', async () => {
  const state = join(makeTempDir('adaptive'), 'out', 'adaptive-period.json');
  const { clock, engine } = startEngine({ start: 60, max: 240, state });
  const seen: [string | null, unknown, string | null][] = [];
  for (let runId = 1; runId <= 4; runId++) {
    const due = engine.get('adaptive-period').nextAt;
    if (due === null) throw new Error('no next instant');
    clock.advanceTo(due);
    const run = await engine.waitForRun(runId);
    expect([run.status, run.trigger, run.scheduledAt]).toEqual(['succeeded', 'schedule', due]);
    seen.push([iso(run.scheduledAt), run.result, iso(engine.get('adaptive-period').nextAt)]);
  }
  // Periods stay anchored like the file's `every` (2000-01-01 local midnight): 12:02 is on the 2m grid.
  expect(seen).toEqual([
    ['2026-06-01T12:01:00.000Z', { previous: 60, period: 120 }, '2026-06-01T12:02:00.000Z'],
    ['2026-06-01T12:02:00.000Z', { previous: 120, period: 240 }, '2026-06-01T12:04:00.000Z'],
    ['2026-06-01T12:04:00.000Z', { previous: 240, period: 240 }, '2026-06-01T12:08:00.000Z'],
    ['2026-06-01T12:08:00.000Z', { previous: 240, period: 240 }, '2026-06-01T12:12:00.000Z'],
  ]);
  expect(engine.get('adaptive-period')).toMatchObject({ rescheduled: true, schedule: every('4m') });
  expect(readFileSync(state, 'utf8')).toBe('{"periodSeconds":240}\n');
});

test('without its args the run fails with one line, and the period is left alone', async () => {
  const { clock, engine } = startEngine({ start: 60 });
  clock.advanceTo('2026-06-01T12:01:00.000Z');
  const run = await engine.waitForRun(1);
  expect([run.status, run.error]).toEqual([
    'failed',
    'adaptive-period: args.start and args.max (whole seconds) and args.state (a file) are required',
  ]);
  expect(engine.get('adaptive-period')).toMatchObject({
    rescheduled: false,
    nextAt: Date.parse('2026-06-01T12:02:00.000Z'),
  });
});
