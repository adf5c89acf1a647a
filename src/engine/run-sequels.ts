/**
 * What a run's end triggers (DESIGN.md `after`, `on-success`, `on-failure`, `after-all`): the names
 * of the tasks to run next, and the upstream run they get (TASKKIT_UPSTREAM_*). The engine's loop
 * (engine-loop.ts) triggers them.
 */
import type { TaskSpec } from '../config/types.js';
import type { UpstreamRun } from '../task-context.js';
import type { Task } from './active-run.js';
import type { AfterIndex } from './after-index.js';
import type { Clock } from './clock.js';
import { hasDependents, noteParentSuccess } from './joins.js';
import type { RunChain } from './run-chain.js';
import { failedForGood, type RunRecord } from './run.js';

const NONE: readonly string[] = Object.freeze([]);

/** Where the sequels of a run are found. */
export interface SequelIndex {
  readonly tasks: ReadonlyMap<string, Task>;
  readonly afterIndex: AfterIndex;
  readonly joinIndex: AfterIndex;
  readonly chains: ReadonlySet<RunChain>;
  /** A join whose wait changed (its state is stored). */
  changed(join: Task): void;
}

/**
 * The tasks a run of `spec` that ended as `record` triggers, in order, possibly with
 * repeats (the caller triggers each name once); none for a run retried or stopped on purpose.
 */
export function sequelNames(
  spec: TaskSpec,
  record: RunRecord,
  sequel: 'retried' | 'stopped' | null,
  clock: Clock,
  index: SequelIndex,
): readonly string[] {
  if (record.status === 'succeeded' && hasDependents(spec, index.afterIndex, index.joinIndex)) {
    const joins = index.joinIndex.dependentsOf(spec.name);
    const context = { tasks: index.tasks, chains: index.chains, changed: (join: Task) => index.changed(join) };
    const joined = noteParentSuccess(spec.name, record.endedAt ?? clock.now(), joins, context);
    return [...index.afterIndex.dependentsOf(spec.name), ...spec.onSuccess, ...joined];
  }
  if (sequel === null && failedForGood(record.status)) return spec.onFailure;
  return NONE;
}

/** The upstream run a dependency run of `from` is told of. */
export function upstreamOf(from: RunRecord): UpstreamRun {
  return {
    task: from.task,
    runId: from.id,
    status: from.status as UpstreamRun['status'],
    exitCode: from.exitCode,
  };
}
