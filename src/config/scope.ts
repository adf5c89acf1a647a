/**
 * `scope:` (issue 21, ../shared/CLUSTER.md 7): in cluster mode a task's runs are claimed once in the
 * cluster (`cluster`, the default) or run on every host without a claim (`host`: log rotation, local
 * cleanup; they also run while the database is down). `@reboot` tasks are always `host`: a boot is
 * one host's, and a run without an instant has nothing to claim once per cluster.
 */
import { TASK_KEY_TABLE } from './key-table.js';
import type { IssueCollector } from './collector.js';
import { readEnum } from './read-value.js';
import type { TaskScope, TaskSpec } from './types.js';

/** Where `spec`'s runs go in cluster mode. */
export function taskScope(spec: Pick<TaskSpec, 'scope' | 'schedule'>): TaskScope {
  return spec.scope === 'host' || spec.schedule.kind === 'reboot' ? 'host' : 'cluster';
}

/** A task's `scope:`; present only as `host` (`cluster` is the default: its fingerprint stays as it was). */
export function readScope(c: IssueCollector, raw: unknown): { scope?: 'host' } {
  if (raw === undefined) return {};
  return readEnum(c, ['scope'], raw, TASK_KEY_TABLE.scope.shape.values) === 'host' ? { scope: 'host' } : {};
}
