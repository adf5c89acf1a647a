/**
 * Which of this host's own skips stand for the cluster (store/postgres/instant-skip.ts): a
 * scheduled instant of a claimed task skipped because this host's run of it was still going
 * (overlap: skip). Every other local skip (held, missed, deadline) is the claim's to decide.
 */
import type { TaskSpec } from '../../config/types.js';
import type { RunRecord } from '../../engine/run.js';
import { taskScope } from '../../config/scope.js';

export function isOwnOverlapSkip(run: RunRecord, spec: TaskSpec | undefined): boolean {
  return (
    spec !== undefined &&
    taskScope(spec) === 'cluster' &&
    run.skip?.reason === 'overlap' &&
    run.scheduledAt !== null &&
    run.attempt === 1 &&
    (run.trigger === 'schedule' || run.trigger === 'catch-up')
  );
}
