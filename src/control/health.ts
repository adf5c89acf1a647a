/**
 * `taskkit status --check` (issue 16.6): the daemon's tasks as a monitoring plugin sees them.
 * One state for the whole (the worst of its problems), counts for perfdata, and each problem as
 * data: the CLI words it as one Nagios/Icinga plugin line (cli/format/health.ts).
 *
 * A problem has a `kind` and a `severity`. Today: `failing` (CRITICAL: the task's last run that
 * ran failed for good, no retry of it waiting), `overdue` (CRITICAL: no run succeeded within the
 * task's `expect-success-within`), `auto-held` (WARNING: `hold-after-failures` held it;
 * `--held-ok` does not cover it, nobody chose that hold) and `held` (WARNING, unless held tasks
 * count as OK).
 */
import type { TaskStatus } from '../engine/task-state.js';
import { isFailing } from './failing.js';
import { formatIso, toRunView, type RunFacts, type RunView } from './views.js';

export type HealthState = 'OK' | 'WARNING' | 'CRITICAL' | 'UNKNOWN';

/** The monitoring plugin exit codes (Nagios plugin guidelines). */
export const HEALTH_EXIT_CODES: Readonly<Record<HealthState, number>> = { OK: 0, WARNING: 1, CRITICAL: 2, UNKNOWN: 3 };

export type HealthProblem =
  | {
      readonly task: string;
      readonly kind: 'failing';
      readonly severity: 'CRITICAL';
      /** The run that failed for good (its last attempt). */
      readonly run: RunView;
    }
  | {
      readonly task: string;
      readonly kind: 'overdue';
      readonly severity: 'CRITICAL';
      /** When the task became overdue. */
      readonly overdueSince: string;
      /** When a run of it last succeeded; null: none known. */
      readonly lastSuccessAt: string | null;
    }
  | {
      readonly task: string;
      readonly kind: 'auto-held';
      readonly severity: 'WARNING';
      readonly heldAt: string | null;
      readonly note: string | null;
      /** Its consecutive failed slots. */
      readonly failures: number;
    }
  | {
      readonly task: string;
      readonly kind: 'held';
      readonly severity: 'WARNING';
      readonly heldAt: string | null;
      readonly heldUntil: string | null;
      readonly note: string | null;
    };

export interface HealthView {
  readonly state: Exclude<HealthState, 'UNKNOWN'>;
  /** Perfdata: tasks checked (ignored ones left out); failing, held (auto-held too), overdue among them; runs going. */
  readonly counts: {
    readonly tasks: number;
    readonly failing: number;
    readonly overdue: number;
    readonly held: number;
    readonly running: number;
  };
  /** Worst first (CRITICAL, then WARNING), each in task order. */
  readonly problems: readonly HealthProblem[];
  /** The names `ignore` left out. */
  readonly ignored: readonly string[];
}

export interface HealthOptions {
  /** Tasks left out of the check altogether. */
  readonly ignore: ReadonlySet<string>;
  /** A held task is OK rather than a WARNING. */
  readonly heldOk: boolean;
}

/**
 * Check `tasks`. `lastRunOf` gives a task's last run that ran (the engine's, else the history's
 * after a restart); whether that makes the task failing is control/failing.ts's rule.
 */
export function checkHealth(
  tasks: readonly TaskStatus[],
  lastRunOf: (task: TaskStatus) => RunFacts | null,
  options: HealthOptions,
): HealthView {
  const failing: HealthProblem[] = [];
  const overdue: HealthProblem[] = [];
  const held: HealthProblem[] = [];
  const autoHeld: HealthProblem[] = [];
  const ignored: string[] = [];
  let checked = 0;
  let heldCount = 0;
  let running = 0;
  for (const task of tasks) {
    if (options.ignore.has(task.name)) {
      ignored.push(task.name);
      continue;
    }
    checked++;
    running += task.running.length;
    const last = lastRunOf(task);
    // An auto-held task is not failing: the hold is what to see to, a WARNING (below).
    if (last !== null && isFailing(task, last)) {
      failing.push({ task: task.name, kind: 'failing', severity: 'CRITICAL', run: toRunView(last) });
    }
    if (task.overdueSince !== null) {
      overdue.push({
        task: task.name,
        kind: 'overdue',
        severity: 'CRITICAL',
        overdueSince: new Date(task.overdueSince).toISOString(),
        lastSuccessAt: formatIso(task.lastSuccessAt),
      });
    }
    if (task.held) {
      heldCount++;
      if (task.autoHeld) {
        autoHeld.push({
          task: task.name,
          kind: 'auto-held',
          severity: 'WARNING',
          heldAt: formatIso(task.heldAt),
          note: task.holdNote,
          failures: task.failedSlots,
        });
      } else if (!options.heldOk) {
        held.push({
          task: task.name,
          kind: 'held',
          severity: 'WARNING',
          heldAt: formatIso(task.heldAt),
          heldUntil: formatIso(task.heldUntil),
          note: task.holdNote,
        });
      }
    }
  }
  const critical = failing.length + overdue.length;
  const warnings = [...autoHeld, ...held];
  const state = critical > 0 ? 'CRITICAL' : warnings.length > 0 ? 'WARNING' : 'OK';
  return {
    state,
    counts: { tasks: checked, failing: failing.length, overdue: overdue.length, held: heldCount, running },
    problems: [...failing, ...overdue, ...warnings],
    ignored,
  };
}
