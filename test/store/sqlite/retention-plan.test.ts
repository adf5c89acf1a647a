// Which tasks a write batch prunes (store/sqlite/retention-plan.ts): only when prune could find
// something new, and a failed transaction's prunes are done again in its retry.
import { expect, test } from 'vitest';
import { RetentionPlan } from '../../../src/store/sqlite/retention-plan.js';
import { makeRun } from '../_support.js';

function pruner(): { prune: (task: string, keep: number) => number; calls: string[] } {
  const calls: string[] = [];
  return { calls, prune: (task, keep) => (calls.push(`${task}:${keep}`), 0) };
}

const running = (task: string, id = 1) => makeRun({ id, task, status: 'running', endedAt: null });
const ended = (task: string, id = 1) => makeRun({ id, task, status: 'succeeded' });

test('a task is pruned at its first write, when a row of it ended, under a new keep; not for a running row', () => {
  const plan = new RetentionPlan();
  const runs = pruner();
  const batch = (writes: [ReturnType<typeof makeRun>, number | undefined][]): string[] => {
    for (const [run, keep] of writes) plan.wrote(run, keep);
    plan.prune(runs);
    plan.committed();
    return runs.calls.splice(0);
  };
  expect(batch([[running('a'), 5]])).toEqual(['a:5']); // first write in this database
  expect(batch([[running('a', 2), 5]])).toEqual([]); // its started row: nothing new to delete
  expect(batch([[ended('a', 2), 5]])).toEqual(['a:5']);
  expect(batch([[running('a', 3), 2]])).toEqual(['a:2']); // a reload lowered keep
  expect(batch([[running('b'), undefined]])).toEqual([]); // keep unknown: never pruned, as before
  // In one batch the task's last keep counts, as before.
  expect(
    batch([
      [ended('c'), 5],
      [running('c', 2), 3],
    ]),
  ).toEqual(['c:3']);
});

test('a failed transaction forgets nothing: its tasks are pruned again in the retry', () => {
  const plan = new RetentionPlan();
  const runs = pruner();
  plan.wrote(running('a'), 5);
  plan.prune(runs); // the transaction then fails: no committed()
  plan.wrote(running('a'), 5); // the retry writes the same items
  plan.prune(runs);
  plan.committed();
  expect(runs.calls).toEqual(['a:5', 'a:5']);
  plan.wrote(running('a', 2), 5);
  plan.prune(runs);
  expect(runs.calls).toEqual(['a:5', 'a:5']);
});
