/**
 * Rule `no-effect` for `scope:` (issue 21): outside cluster mode every task runs on its one host, so
 * `scope` does nothing; and an `@reboot` task runs on every host at its own start whatever it says
 * (config/scope.ts taskScope), so `scope: cluster` does nothing there either.
 */
import type { LintSubject } from './context.js';

export function lintScopeNoEffect({ c, task, written, cluster }: LintSubject): void {
  if (written['scope'] === undefined) return;
  if (!cluster) {
    c.warn(
      'no-effect',
      ['scope'],
      'key',
      '"scope" has no effect: settings.cluster is not set, so every task runs on this one host; remove it',
    );
  } else if (written['scope'] === 'cluster' && task.schedule.kind === 'reboot') {
    c.warn(
      'no-effect',
      ['scope'],
      'value',
      '"scope: cluster" has no effect on an @reboot task: it runs on every host at that host\'s start; remove it',
    );
  }
}
