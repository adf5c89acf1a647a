/**
 * Control verbs in cluster mode (issue 21, ../shared/CLUSTER.md sections 5 and 9): `hold`,
 * `resume` and `reschedule` reply once the cluster's task row is committed (or say why it is not
 * yet: the change is in effect on this host and is written when PostgreSQL answers), and `cancel`
 * of a run another host runs asks that host and waits on the run's row; `cancel NAME` does that for
 * each of the task's runs on other hosts, after cancelling this host's. The daemon's cluster glue
 * gives the hooks; on a single host they are absent and the replies are what they always were
 * (no promise on that path).
 */
import type { RunRecord } from '../engine/run.js';
import { whenAnswered, type Answer } from './answer.js';
import { ControlError, type ResultOf } from './protocol.js';
import { toRunView } from './views.js';

/** A stored run as the cluster's history gives it: with the host that ran it. */
export type HostedRun = RunRecord & { readonly host?: string };

/** DaemonControl's cluster control hooks (issue 21); absent on a single host. */
export interface ClusterControlHooks {
  /** The cluster's write of these tasks' change from here: null once committed, else why not yet. */
  clusterCommitted?(names: readonly string[]): Promise<string | null>;
  /** Ask the host running `run` to cancel it; its row once ended, or null when it still runs after the wait. */
  cancelElsewhere?(run: HostedRun): Promise<HostedRun | null>;
  /** The task's runs running on other hosts (`cancel NAME`). */
  runningElsewhere?(task: string): Promise<HostedRun[]>;
}

/** `result` once the cluster has the change (cluster mode), with `clusterPending` when it has not yet. */
export function afterClusterCommit<R extends object>(
  hooks: ClusterControlHooks,
  names: readonly string[],
  result: R,
): R | Promise<R & { clusterPending?: string }> {
  if (hooks.clusterCommitted === undefined) return result;
  return hooks
    .clusterCommitted(names)
    .then((pending) => (pending === null ? result : { ...result, clusterPending: pending }));
}

/** What `cancel RUN` replies for a run this host does not run: the runs, and those still running elsewhere. */
export interface CancelledElsewhere {
  readonly run: HostedRun;
  /** The run had not ended when the wait was over (its host was asked). */
  readonly stillRunning: boolean;
}

/**
 * A run not in this engine, as the history has it: another host's running run is asked to stop
 * (cluster mode); otherwise NOT_FOUND saying how it ended, or that there is no such run.
 */
export function cancelStored(
  hooks: ClusterControlHooks,
  runId: number,
  stored: HostedRun | null,
): Answer<CancelledElsewhere> {
  if (stored !== null && (stored.status === 'running' || stored.status === 'queued') && hooks.cancelElsewhere)
    return whenAnswered(hooks.cancelElsewhere(stored), (ended) =>
      ended === null ? { run: stored, stillRunning: true } : { run: ended, stillRunning: false },
    );
  throw new ControlError(
    'NOT_FOUND',
    stored === null
      ? `no run #${runId} (not running or waiting, and not in the history)`
      : `run #${runId} of ${stored.task} is not running or waiting (${stored.status}); nothing to cancel`,
  );
}

/**
 * `cancel NAME`: this host's runs (cancelled already), then, in a cluster, the task's runs on
 * other hosts, each asked to stop as `cancel RUN` asks (its owner is notified; the wait on its row is
 * bounded), listed with their host after this host's. PostgreSQL not answering: `clusterPending` says so.
 */
export function cancelEverywhere(
  hooks: ClusterControlHooks,
  task: string,
  cancelledHere: readonly RunRecord[],
): Answer<ResultOf<'cancel'>> {
  const here = cancelledHere.map((run) => toRunView(run));
  if (hooks.runningElsewhere === undefined || hooks.cancelElsewhere === undefined) return { runs: here };
  const cancelElsewhere = (run: HostedRun) => hooks.cancelElsewhere?.(run) ?? Promise.resolve(null);
  return hooks
    .runningElsewhere(task)
    .then((runs) =>
      Promise.all(
        runs.map((run) => cancelElsewhere(run).then((ended) => ({ run: ended ?? run, ended: ended !== null }))),
      ),
    )
    .then(
      (asked) => {
        const stillRunning = asked.filter((answer) => !answer.ended).map((answer) => answer.run.id);
        return {
          runs: [...here, ...asked.map((answer) => toRunView(answer.run))],
          ...(stillRunning.length > 0 ? { requestedElsewhere: stillRunning } : {}),
        };
      },
      (error: unknown) => ({
        runs: here,
        clusterPending: `${task}'s runs on other hosts were not asked to stop: ${describe(error)}`,
      }),
    );
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
