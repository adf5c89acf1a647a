// SchedulerOptions.restartCatchUp and Scheduler.catchUpRestart (cluster mode: a daemon starting
// into a live cluster): a restart's missed instants are handed to the caller instead of being caught
// up at start(); the caller hands back the range no host ran, which is caught up as a restart would
// (the skipped record of those not run, `catch-up`'s runs). Without the option nothing changes.
import { describe, expect, test } from 'vitest';
import type { CatchUpPolicy, TaskSpec } from '../../src/config/types.js';
import { createEngine, every, iso, makeTask, ms } from '../support/engine-task.js';

const DOWN_SINCE = ms('2026-07-01T06:00:00.000Z');
const NOW = '2026-07-01T10:20:00.000Z';

function restart(catchUp: CatchUpPolicy, taken: (task: TaskSpec) => boolean) {
  const handed: [string, string | null, string | null][] = [];
  const engine = createEngine(NOW, {
    restartCatchUp: (task, range) => {
      handed.push([task.name, iso(range.after), iso(range.upTo)]);
      return taken(task);
    },
  });
  engine.scheduler.add(makeTask('job', { schedule: every('1h'), catchUp }), { lastScheduledAt: DOWN_SINCE });
  return { ...engine, handed };
}

const skipped = (engine: ReturnType<typeof createEngine>) =>
  engine.eventsOf('run-skipped').map((run) => [run.trigger, iso(run.scheduledAt), run.error]);

describe('a restart catch-up handed over', () => {
  test('taken: start() catches nothing up; the range handed back is caught up as a restart would', () => {
    const engine = restart('skip', () => true);
    expect(engine.handed).toEqual([['job', '2026-07-01T06:00:00.000Z', NOW]]);
    // Before start(): ask again later.
    expect(engine.scheduler.catchUpRestart('job', ms('2026-07-01T08:00:00.000Z'), ms(NOW))).toBe(false);
    engine.scheduler.start();
    expect(skipped(engine)).toEqual([]);
    expect(iso(engine.scheduler.get('job').nextAt)).toBe('2026-07-01T11:00:00.000Z');
    // Another host ran 07:00 and 08:00: only 09:00 and 10:00 were missed.
    expect(engine.scheduler.catchUpRestart('job', ms('2026-07-01T08:00:00.000Z'), ms(NOW))).toBe(true);
    expect(skipped(engine)).toEqual([
      ['catch-up', '2026-07-01T09:00:00.000Z', 'missed 2 instants while taskkit was down (catch-up: skip)'],
    ]);
    expect(engine.runner.requests).toEqual([]);
  });

  test('catch-up once runs the latest of the range; nothing in the range, or held: nothing', () => {
    const once = restart('once', () => true);
    once.scheduler.start();
    expect(once.scheduler.catchUpRestart('job', ms('2026-07-01T08:00:00.000Z'), ms(NOW))).toBe(true);
    expect(once.runner.requests.map((request) => [request.trigger, iso(request.scheduledAt)])).toEqual([
      ['catch-up', '2026-07-01T10:00:00.000Z'],
    ]);
    const ran = restart('all', () => true);
    ran.scheduler.start();
    expect(ran.scheduler.catchUpRestart('job', ms('2026-07-01T10:00:00.000Z'), ms(NOW))).toBe(true);
    ran.scheduler.hold('job');
    expect(ran.scheduler.catchUpRestart('job', DOWN_SINCE, ms(NOW))).toBe(true);
    expect(ran.runner.requests).toEqual([]);
    expect(skipped(ran).filter((run) => run[0] === 'catch-up')).toEqual([]);
  });

  test('not taken: caught up at start() as without the option', () => {
    const engine = restart('skip', () => false);
    engine.scheduler.start();
    expect(skipped(engine)).toEqual([
      ['catch-up', '2026-07-01T07:00:00.000Z', 'missed 4 instants while taskkit was down (catch-up: skip)'],
    ]);
  });
});
