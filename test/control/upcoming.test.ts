// Issue 13: `show`'s upcoming instants are the engine's own (schedule/task-instants.ts through
// Scheduler.upcoming): from its next instant, within the max-runs budget that queued runs hold.
import { afterEach, expect, test } from 'vitest';
import { closeAll, startControl } from '../support/control-fixture.js';
import { every, makeTask } from '../support/engine-task.js';
import { flush } from '../support/fake-runner.js';

afterEach(closeAll);

test('a queued counted run holds max-runs budget: show lists only the runs still left', async () => {
  const fixture = await startControl([makeTask('thrice', { schedule: every('1h'), maxRuns: 3, overlap: 'queue' })]);
  const client = await fixture.connect();
  fixture.clock.advanceTo('2026-03-01T14:00:00Z'); // 13:00 runs on; 14:00 waits behind it
  await flush();
  expect((await client.request('show', { name: 'thrice' })).upcoming).toEqual(['2026-03-01T15:00:00.000Z']);
  expect(fixture.scheduler.get('thrice').nextAt).toBe(Date.parse('2026-03-01T15:00:00Z'));
});

test(
  'after the wall clock steps back, show lists what the engine will fire, ' + 'not the instants it already fired',
  async () => {
    const fixture = await startControl([makeTask('hourly', { schedule: every('1h') })]);
    const client = await fixture.connect();
    fixture.clock.advanceTo('2026-03-01T13:00:00Z');
    fixture.runner.finish(1);
    await flush();
    fixture.clock.jumpWall(-2 * 3_600_000);
    fixture.clock.advanceBy(1_000); // the wake that notices the step
    expect((await client.request('show', { name: 'hourly' })).upcoming.slice(0, 2)).toEqual([
      '2026-03-01T14:00:00.000Z',
      '2026-03-01T15:00:00.000Z',
    ]);
  },
);
