// A run's phases and their moves in one table (engine/run-phase.ts): every phase can end, `ended`
// is final, and a move the table does not list throws where it happens.
import { describe, expect, test } from 'vitest';
import { ActiveRun, type Task } from '../../src/engine/active-run.js';
import { createRunRecord } from '../../src/engine/run-record.js';
import { RUN_TRANSITIONS, type RunPhase } from '../../src/engine/run-phase.js';
import { TaskEntry } from '../../src/engine/task-entry.js';
import { makeTask } from '../support/engine-task.js';

const PHASES = Object.keys(RUN_TRANSITIONS) as RunPhase[];

function reachable(from: RunPhase): Set<RunPhase> {
  const seen = new Set<RunPhase>([from]);
  for (const phase of seen) for (const next of RUN_TRANSITIONS[phase]) seen.add(next);
  return seen;
}

function newRun(): ActiveRun {
  const entry: Task = new TaskEntry(makeTask('job'), 0, {}, 0);
  return new ActiveRun(
    createRunRecord({ id: 7, task: 'job', trigger: 'manual', scheduledAt: null, attempt: 1, createdAt: 0 }),
    entry,
    1,
  );
}

describe('the transition table', () => {
  test('from created every phase is reachable, and every phase can end', () => {
    expect([...reachable('created')].sort()).toEqual([...PHASES].sort());
    for (const phase of PHASES) expect(reachable(phase).has('ended')).toBe(true);
  });

  test('ended is final and nothing goes back to created', () => {
    expect(RUN_TRANSITIONS.ended).toEqual([]);
    for (const phase of PHASES) expect(RUN_TRANSITIONS[phase]).not.toContain('created');
  });
});

describe('ActiveRun.moveTo', () => {
  test('follows the table', () => {
    const run = newRun();
    for (const phase of ['ready', 'claiming', 'running', 'ended'] as const) run.moveTo(phase);
    expect(run.phase).toBe('ended');
  });

  test('a move the table does not list throws and leaves the phase as it was', () => {
    const run = newRun();
    run.moveTo('ready');
    run.moveTo('running');
    expect(() => run.moveTo('ready')).toThrow('internal: run #7 cannot go from running to ready');
    expect(run.phase).toBe('running');
  });
});
