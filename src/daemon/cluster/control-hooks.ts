/**
 * The control socket's cluster control hooks (../shared/CLUSTER.md sections 5 and 9): `hold`,
 * `resume`, `reschedule` reply after the task row's COMMIT (task-sync writes it), and `cancel` of a
 * run on another host (by its id, or each of a task's runs there for `cancel NAME`) notifies
 * `{"k":"cancel","run":id}`, then waits on the run's row. Both waits
 * are bounded, so a PostgreSQL that does not answer gives a reply that says so, not a hang.
 */
import type { ClusterControlHooks, HostedRun } from '../../control/cluster-control.js';
import { ControlError } from '../../control/protocol.js';
import type { ClusterDb } from './cluster-db.js';
import type { TaskSync } from './task-sync.js';
import { within } from './timeout.js';

/** The row write's statement_timeout (5 s) fits; a reply later than this says it is not written yet. */
const COMMIT_WAIT_MS = 6_000;
/** How long `cancel` waits for another host's run to end (SIGTERM, and its row written). */
export const REMOTE_CANCEL_WAIT_MS = 5_000;
const ROW_POLL_MS = 150;

export interface ControlHookSources {
  readonly db: Pick<ClusterDb, 'notifyCancel' | 'runningElsewhere' | 'history'>;
  /** This incarnation: `cancel NAME` asks the other hosts about their runs. */
  readonly hostId: () => string;
  /** The running task sync; null before the engine is attached. */
  readonly sync: () => Pick<TaskSync, 'committed'> | null;
  readonly cancelWaitMs?: number;
}

export function clusterControlHooks(sources: ControlHookSources): Required<ClusterControlHooks> {
  return {
    clusterCommitted: async (names) => {
      const sync = sources.sync();
      if (sync === null) return null;
      const writes = await Promise.allSettled(
        names.map((name) => within(sync.committed(name), COMMIT_WAIT_MS, `the cluster's row of ${name}`)),
      );
      const failed = writes.find((write) => write.status === 'rejected');
      return failed === undefined
        ? null
        : 'in effect on this host; it reaches the other hosts when PostgreSQL answers (written again until it does): ' +
            describe(failed.reason);
    },
    runningElsewhere: (task) => sources.db.runningElsewhere(task, sources.hostId()),
    cancelElsewhere: async (run) => {
      try {
        await sources.db.notifyCancel(run.id);
      } catch (error) {
        throw new ControlError(
          'STORE_UNAVAILABLE',
          `run #${run.id} of ${run.task} runs on ${run.host ?? 'another host'}; ` +
            `the request could not reach it (PostgreSQL): ${describe(error)}`,
        );
      }
      return waitForEnd(sources.db, run.id, sources.cancelWaitMs ?? REMOTE_CANCEL_WAIT_MS);
    },
  };
}

/** The run's row once it ended, or null when it still runs (or cannot be read) when `ms` is over. */
async function waitForEnd(db: Pick<ClusterDb, 'history'>, runId: number, ms: number): Promise<HostedRun | null> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const read = within<HostedRun | null>(db.history.getRun(runId), Math.max(until - Date.now(), 1), `run #${runId}`);
    const row = await read.catch(() => null);
    if (row !== null && row.status !== 'running' && row.status !== 'queued') return row;
    await new Promise((resolve) => setTimeout(resolve, ROW_POLL_MS));
  }
  return null;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
