/**
 * The oracle of test/control/list-rows.test.ts: the row a full TaskView trimmed to what `taskkit list`
 * reads gives, optional fields (`host`, `cluster`) absent as in the view. The daemon builds its rows
 * straight from the engine (control/list-rows.ts toTaskListRowAt); they must equal these.
 */
import type { TaskListRow } from '../../src/control/list-rows.js';
import type { TaskView } from '../../src/control/views.js';

export function toTaskListRow(view: TaskView): TaskListRow {
  const run = view.lastRun;
  const row: TaskListRow = {
    name: view.name,
    state: view.state,
    schedule: view.schedule,
    timezone: view.timezone,
    rescheduled: view.rescheduled,
    nextAt: view.nextAt,
    held: view.held,
    heldUntil: view.heldUntil,
    overdueSince: view.overdueSince,
    autoHeld: view.autoHeld,
    failing: view.failing,
    running: view.running,
    queued: view.queued,
    group: view.group,
    lastRun:
      run === null
        ? null
        : {
            status: run.status,
            outcome: run.outcome,
            createdAt: run.createdAt,
            startedAt: run.startedAt,
            endedAt: run.endedAt,
            ...(run.host === undefined ? {} : { host: run.host }),
          },
    join: view.join === null ? null : { succeeded: view.join.succeeded, waitingFor: view.join.waitingFor },
  };
  return view.cluster === undefined ? row : { ...row, cluster: view.cluster };
}
