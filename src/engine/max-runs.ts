/**
 * A task's `max-runs` budget (DESIGN.md task options): scheduled and catch-up runs count, retries,
 * manual and dependency runs do not. It is derived from the task's runs, never counted twice: the
 * limit less the counted runs started and the counted runs still waiting (each reserves one unit
 * from when it is added until it starts, or gives it back when it ends unstarted). TaskEntry keeps
 * the runs and the started count; the rule is here.
 */
import type { Trigger } from './ports.js';
import type { RunRecord } from './run.js';
import { isWaiting, type RunPhase } from './run-phase.js';

/** A run not ended, as the budget sees it. */
interface BudgetRun {
  readonly phase: RunPhase;
  readonly record: Pick<RunRecord, 'trigger'>;
}

/** Scheduled and catch-up runs count towards `max-runs`; retries do not. */
export function countsTowardsMaxRuns(trigger: Trigger): boolean {
  return trigger === 'schedule' || trigger === 'catch-up';
}

/** How many more counted runs `maxRuns` (null: no limit) allows after `started` ones, `runs` waiting or going. */
export function runsLeftOfMaxRuns(maxRuns: number | null, started: number, runs: readonly BudgetRun[]): number {
  if (maxRuns === null) return Infinity;
  let reserved = 0;
  for (const run of runs) if (isWaiting(run.phase) && countsTowardsMaxRuns(run.record.trigger)) reserved++;
  return Math.max(0, maxRuns - started - reserved);
}

/** Whether a run that ended as `record` gives its reserved unit back: a counted run that never started. */
export function givesBudgetBack(record: Pick<RunRecord, 'trigger' | 'startedAt'>): boolean {
  return countsTowardsMaxRuns(record.trigger) && record.startedAt === null;
}
