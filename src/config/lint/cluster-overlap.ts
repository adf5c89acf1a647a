/**
 * Rule `cluster-overlap`: `overlap: queue` or `replace` on a task whose runs are claimed in cluster
 * mode (../shared/CLUSTER.md 8). Both act on the runs of one host: a host queues behind, or
 * replaces, only its own run. Across hosts the claim enforces `skip` (an instant claimed while a run
 * of the task is running on another host is skipped), so the policy holds on one host only.
 */
import type { LintSubject } from './context.js';
import { taskScope } from '../scope.js';

export function lintClusterOverlap({ c, task, cluster }: LintSubject): void {
  if (!cluster || (task.overlap !== 'queue' && task.overlap !== 'replace') || taskScope(task) === 'host') return;
  c.warn(
    'cluster-overlap',
    ['overlap'],
    'value',
    `overlap: ${task.overlap} acts on this host's runs only: in cluster mode an instant that comes while a run ` +
      'of the task goes on on another host is skipped, as under overlap: skip; use overlap: skip to say so, ' +
      'or scope: host to run the task on every host',
  );
}
