// Issue 16 part 3: the dead-man's last success survives a restart: the store gives back the
// newest succeeded run of the task, and the deadline counts from it, not from the new start.
import { expect, test } from 'vitest';
import type { TaskSpec } from '../../src/config/types.js';
import { flush } from '../support/fake-runner.js';
import { iso, makeTask, ms } from '../support/engine-task.js';
import { bootOnStore, useTempState } from './_support.js';

const temp = useTempState();

const boot = (at: string, tasks: readonly TaskSpec[]) => bootOnStore(temp, at, tasks);

test('the last success survives a restart; the deadline counts from it', async () => {
  const sync = makeTask('sync', { expectSuccessWithinMs: 2 * 3_600_000 });
  const first = boot('2026-08-01T10:00:00.000Z', [sync]);
  const run = first.scheduler.runNow('sync');
  first.runner.finish(run.id, { endedAt: ms('2026-08-01T10:00:00.000Z') });
  await flush();
  const failed = first.scheduler.runNow('sync');
  first.runner.finish(failed.id, { status: 'failed', exitCode: 1, endedAt: ms('2026-08-01T10:00:00.000Z') });
  await flush();
  await first.stop();

  const second = boot('2026-08-01T11:00:00.000Z', [sync]);
  expect(iso(second.scheduler.get('sync').lastSuccessAt)).toBe('2026-08-01T10:00:00.000Z');
  second.clock.advanceTo('2026-08-01T11:59:59.000Z');
  expect(second.eventsOf('overdue')).toEqual([]);
  second.clock.advanceTo('2026-08-01T12:00:00.000Z');
  expect(second.eventsOf('overdue').map((task) => iso(task.overdueSince))).toEqual(['2026-08-01T12:00:00.000Z']);
  await second.stop();
});
