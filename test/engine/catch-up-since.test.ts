// Scheduler.catchUpSince (issue 21 point 7): instants the engine passed whose claims could not be
// made (yielded while the cluster store was away) are caught up, when the caller says so, per the
// task's `catch-up` as a restart would: skip runs none, once the latest, all each one after another.
// Nothing is recorded for those not run, and a held task catches nothing up.
import { describe, expect, test } from 'vitest';
import type { ClaimVerdict } from '../../src/engine/ports.js';
import type { CatchUpPolicy } from '../../src/config/types.js';
import { flush } from '../support/fake-runner.js';
import { createEngine, every, iso, makeTask, ms } from '../support/engine-task.js';

const START = '2026-08-01T12:00:00.000Z';

/** Four instants (12:01-12:04) yield as unclaimable, then claims work again. */
function outage(catchUp: CatchUpPolicy) {
  let verdict: ClaimVerdict = { yielded: 'not claimed: PostgreSQL is not reachable' };
  const engine = createEngine(START, { claim: () => verdict });
  engine.scheduler.add(makeTask('job', { schedule: every('1m'), catchUp }));
  engine.scheduler.start();
  engine.clock.advanceTo('2026-08-01T12:04:30.000Z');
  expect(engine.runner.requests).toEqual([]);
  verdict = true;
  return engine;
}

const requested = (engine: ReturnType<typeof createEngine>): [string, string | null][] =>
  engine.runner.requests.map((request) => [request.trigger, iso(request.scheduledAt)]);

describe('catchUpSince', () => {
  test('catch-up: all runs each unclaimed instant after the mark, one after another', async () => {
    const engine = outage('all');
    const started = engine.scheduler.catchUpSince('job', ms('2026-08-01T12:01:00.000Z'));
    expect(started.map(iso)).toEqual([
      '2026-08-01T12:02:00.000Z',
      '2026-08-01T12:03:00.000Z',
      '2026-08-01T12:04:00.000Z',
    ]);
    expect(engine.runner.running()).toHaveLength(1);
    for (let i = 0; i < 3; i++) {
      engine.runner.finish(engine.runner.running()[0] as number);
      await flush();
    }
    expect(requested(engine)).toEqual([
      ['catch-up', '2026-08-01T12:02:00.000Z'],
      ['catch-up', '2026-08-01T12:03:00.000Z'],
      ['catch-up', '2026-08-01T12:04:00.000Z'],
    ]);
    // The schedule goes on from where it was: 12:05 is the next instant, run as scheduled.
    expect(iso(engine.scheduler.get('job').nextAt)).toBe('2026-08-01T12:05:00.000Z');
    engine.clock.advanceTo('2026-08-01T12:05:00.000Z');
    expect(requested(engine).at(-1)).toEqual(['schedule', '2026-08-01T12:05:00.000Z']);
  });

  test('catch-up: once runs the latest; skip runs none and records nothing', () => {
    const once = outage('once');
    expect(once.scheduler.catchUpSince('job', ms(START)).map(iso)).toEqual(['2026-08-01T12:04:00.000Z']);
    expect(requested(once)).toEqual([['catch-up', '2026-08-01T12:04:00.000Z']]);
    const skip = outage('skip');
    expect(skip.scheduler.catchUpSince('job', ms(START))).toEqual([]);
    expect(skip.runner.requests).toEqual([]);
    expect(skip.eventsOf('run-skipped')).toEqual([]);
  });

  test('nothing after the mark, a held task, or a stopped engine: nothing runs', async () => {
    const engine = outage('all');
    expect(engine.scheduler.catchUpSince('job', ms('2026-08-01T12:04:00.000Z'))).toEqual([]);
    engine.scheduler.hold('job');
    expect(engine.scheduler.catchUpSince('job', ms(START))).toEqual([]);
    engine.scheduler.resume('job');
    await engine.scheduler.stop({ graceMs: 0 });
    expect(engine.scheduler.catchUpSince('job', ms(START))).toEqual([]);
    expect(engine.runner.requests).toEqual([]);
  });
});
