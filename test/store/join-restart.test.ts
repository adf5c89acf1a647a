// Issue 17.3: a join's wait (`after-all`: which parents succeeded, since when) survives a restart:
// it is stored with the task's state and given back to the engine, trimmed to the parents listed.
import { expect, test } from 'vitest';
import type { TaskSpec } from '../../src/config/types.js';
import { flush } from '../support/fake-runner.js';
import { makeTask, ms } from '../support/engine-task.js';
import { bootOnStore, stateOf, useTempState } from './_support.js';

const temp = useTempState();

const boot = (at: string, tasks: readonly TaskSpec[]) => bootOnStore(temp, at, tasks);
const extract = makeTask('extract');
const transform = makeTask('transform');
const load = makeTask('load', { afterAll: ['extract', 'transform'] });

test('one parent succeeded before a restart: after it, the other one alone fires the join', async () => {
  const first = boot('2026-08-01T10:00:00.000Z', [extract, transform, load]);
  const run = first.scheduler.runNow('extract');
  first.clock.advanceBy(5_000);
  first.runner.finish(run.id);
  await flush();
  await first.stop();

  const second = boot('2026-08-01T11:00:00.000Z', [extract, transform, load]);
  expect(second.scheduler.get('load').join).toEqual({
    since: null,
    succeeded: [{ task: 'extract', at: ms('2026-08-01T10:00:05.000Z') }],
  });
  const next = second.scheduler.runNow('transform');
  second.runner.finish(next.id);
  await flush();
  expect(second.runner.requests.map((request) => [request.task.name, request.trigger])).toEqual([
    ['transform', 'manual'],
    ['load', 'dependency'],
  ]);
  await second.stop();

  // The run of load started the wait afresh, and that is what the third start finds.
  const third = boot('2026-08-01T12:00:00.000Z', [extract, transform, load]);
  expect(third.scheduler.get('load').join).toEqual({ since: ms('2026-08-01T11:00:00.000Z'), succeeded: [] });
  await third.stop();
});

test('a restart with a shorter after-all keeps only the parents still listed; without after-all, none', async () => {
  const first = boot('2026-08-01T10:00:00.000Z', [extract, transform, load]);
  for (const name of ['extract', 'transform']) {
    const run = first.scheduler.runNow(name);
    first.runner.finish(run.id, { status: 'failed', exitCode: 1 });
    await flush();
  }
  const ok = first.scheduler.runNow('extract');
  first.runner.finish(ok.id);
  await flush();
  expect(first.scheduler.get('load').join?.succeeded.map((parent) => parent.task)).toEqual(['extract']);
  await first.stop();

  const shorter = makeTask('load', { afterAll: ['transform'] });
  const second = boot('2026-08-01T11:00:00.000Z', [extract, transform, shorter]);
  expect(second.scheduler.get('load').join).toEqual({ since: null, succeeded: [] });
  await second.stop();

  const third = boot('2026-08-01T12:00:00.000Z', [extract, transform, makeTask('load')]);
  expect(third.scheduler.get('load').join).toBeUndefined();
  await third.stop();
});

test('a join_state the store cannot read is dropped with a notice: the join waits afresh', () => {
  const store = temp.open();
  store.saveTaskState(
    stateOf('load', { join: { since: null, succeeded: [{ task: 'extract', at: 'soon' as unknown as number }] } }),
  );
  store.flush();
  const restored = store.restoreTask(load);
  expect(restored.state.join).toBeUndefined();
  expect(restored.notice).toContain('join state');
  expect(restored.notice).toContain('so the join waits afresh');
});
