// A join (`after-all`) in `list`, `show` and `--json` (issue 17.3): what it waits for, from the engine's status.
import { expect, test } from 'vitest';
import { renderTaskList } from '../../src/cli/format/task-list.js';
import { describeOptions } from '../../src/cli/format/task-detail.js';
import { PLAIN_PAINTER } from '../../src/cli/io.js';
import { describeDependencyStart, describeJoin } from '../../src/control/join-view.js';
import { toDefinitionView, toTaskView } from '../../src/control/views.js';
import { flush } from '../support/fake-runner.js';
import { createEngine, every, makeTask } from '../support/engine-task.js';

const START = '2026-11-01T00:00:00.000Z';

test('toTaskView: join with the parents succeeded, when, and those waited for; null without after-all', async () => {
  const { scheduler, runner, clock } = createEngine(START);
  scheduler.add(makeTask('extract'));
  scheduler.add(makeTask('transform'));
  scheduler.add(makeTask('load', { afterAll: ['extract', 'transform'] }));
  expect(toTaskView(scheduler.get('extract'), 'UTC').join).toBeNull();
  const waiting = toTaskView(scheduler.get('load'), 'UTC');
  expect(waiting.join).toEqual({
    parents: ['extract', 'transform'],
    succeeded: [],
    waitingFor: ['extract', 'transform'],
    since: null,
  });
  clock.advanceBy(60_000);
  runner.finish(scheduler.runNow('extract').id);
  await flush();
  const view = toTaskView(scheduler.get('load'), 'UTC');
  expect(view.join).toEqual({
    parents: ['extract', 'transform'],
    succeeded: [{ task: 'extract', at: '2026-11-01T00:01:00.000Z' }],
    waitingFor: ['transform'],
    since: null,
  });
  expect(describeJoin(view.join!)).toBe('after all of extract, transform (waiting for transform)');
  expect(view.schedule).toBe('after all extract, transform');
  const table = renderTaskList([toTaskView(scheduler.get('extract'), 'UTC'), view], Date.parse(START), PLAIN_PAINTER);
  // STATE says which parent the join still waits for once one has succeeded.
  expect(table[2]).toMatch(
    /^load\s+after all extract, transform\s+after all extract, transform \(waiting for transform\)\s+-\s+-\s*$/,
  );
});

test("list's STATE: a join not begun says nothing more; one with a schedule says 'join waiting for'", async () => {
  const { scheduler, runner } = createEngine(START);
  scheduler.add(makeTask('a'));
  scheduler.add(makeTask('b'));
  scheduler.add(makeTask('timed', { afterAll: ['a', 'b'], schedule: every('1h') }));
  scheduler.add(makeTask('plain', { afterAll: ['a', 'b'] }));
  const states = (): string[] =>
    renderTaskList(
      ['timed', 'plain'].map((name) => toTaskView(scheduler.get(name), 'UTC')),
      Date.parse(START),
      PLAIN_PAINTER,
    )
      .slice(1, 3)
      .map((line) => line.replace(/\s+/g, ' '));
  expect(states()).toEqual([
    expect.stringMatching(/^timed every 1h scheduled in /),
    'plain after all a, b after all a, b - -',
  ]);
  runner.finish(scheduler.runNow('b').id);
  await flush();
  expect(states()).toEqual([
    expect.stringMatching(/^timed every 1h scheduled \(join waiting for a\) in /),
    'plain after all a, b after all a, b (waiting for a) - -',
  ]);
});

test('a join with a schedule of its own shows its schedule; after and after-all together both show', () => {
  const { scheduler } = createEngine(START);
  scheduler.add(makeTask('a'));
  scheduler.add(makeTask('timed', { afterAll: ['a'], schedule: every('1h') }));
  expect(toTaskView(scheduler.get('timed'), 'UTC').schedule).toBe('every 1h');
  expect(describeDependencyStart({ after: ['backup'], afterAll: ['x', 'y'] })).toBe('after backup; after all x, y');
  expect(describeDependencyStart({ after: [] })).toBeNull();
  expect(describeJoin({ parents: ['x'], succeeded: [], waitingFor: [], since: null })).toBe('after all of x');
});

test("show's options say after-all; the definition view lists it ([] without)", () => {
  const spec = makeTask('load', { afterAll: ['extract', 'transform'] });
  expect(toDefinitionView(spec).afterAll).toEqual(['extract', 'transform']);
  expect(toDefinitionView(makeTask('x')).afterAll).toEqual([]);
  expect(describeOptions(toDefinitionView(spec))).toContain('after-all extract, transform');
});
