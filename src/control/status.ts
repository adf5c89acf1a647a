/** The `status` reply: the daemon's facts, tasks counted by state, runs in progress, the next instant. */
import type { TaskStatus } from '../engine/task-state.js';
import type { Instant } from '../schedule/types.js';
import { isPending, type Answer } from './answer.js';
import type { ClusterStatusView } from './cluster-view.js';
import { describeError } from './error-reply.js';
import type { StatusResult } from './protocol.js';
import { formatIso, toRunView } from './views.js';

/** What the daemon tells about itself. */
export interface DaemonInfo {
  readonly pid: number;
  readonly startedAt: Instant;
  readonly configPath: string;
  readonly socket: string;
  readonly stateDir: string;
  /** settings.timezone: schedules in other zones name theirs (describeSchedule). */
  readonly defaultTimezone: string;
  /** In cluster mode (issue 21), this host's name (os.hostname()): the engine's own runs ran here. Else absent. */
  readonly hostname?: string;
  /** The pid of the daemon's spawner process (runner/spawner-client.ts); null between a death and its restart. */
  readonly spawnerPid?: number | null;
}

/**
 * Count `tasks` by state and find the soonest instant of a task not held. `orphans` (tasks a reload
 * removed while runs of them went on) are no tasks of the file: their runs count as in progress
 * and are listed apart.
 */
export function describeStatus(
  info: DaemonInfo,
  tasks: readonly TaskStatus[],
  now: Instant,
  orphans: readonly TaskStatus[] = [],
): StatusResult {
  const counts = { total: tasks.length, scheduled: 0, running: 0, held: 0, onDemand: 0, done: 0 };
  let runsInProgress = 0;
  let next: TaskStatus | null = null;
  for (const task of tasks) {
    if (task.state === 'on-demand') counts.onDemand++;
    else if (task.state !== 'removed') counts[task.state]++;
    runsInProgress += task.running.length;
    // A held task's instants pass without running: it is not what runs next.
    if (task.nextAt !== null && !task.held && (next === null || next.nextAt === null || task.nextAt < next.nextAt))
      next = task;
  }
  const orphanedRuns = orphans.flatMap((task) => task.running);
  return {
    pid: info.pid,
    ...(info.spawnerPid === undefined ? {} : { spawnerPid: info.spawnerPid }),
    startedAt: new Date(info.startedAt).toISOString(),
    uptimeMs: Math.max(0, now - info.startedAt),
    configPath: info.configPath,
    socket: info.socket,
    stateDir: info.stateDir,
    tasks: counts,
    runsInProgress: runsInProgress + orphanedRuns.length,
    orphanedRuns: orphanedRuns.map((run) => toRunView(run)),
    nextAt: next === null ? null : { task: next.name, at: formatIso(next.nextAt) as string },
  };
}

/**
 * `status` with the cluster's section when the daemon gives one (cluster mode). Facts at once stay
 * synchronous; a read that fails leaves the section out and says why (`clusterError`): `status`
 * itself never fails because PostgreSQL does not answer.
 */
export function withClusterStatus(
  status: StatusResult,
  clusterStatus: (() => Answer<ClusterStatusView>) | undefined,
): Answer<StatusResult> {
  if (clusterStatus === undefined) return status;
  const failed = (error: unknown): StatusResult => ({ ...status, clusterError: describeError(error) });
  let answer: Answer<ClusterStatusView>;
  try {
    answer = clusterStatus();
  } catch (error) {
    return failed(error);
  }
  if (!isPending(answer)) return { ...status, cluster: answer };
  return Promise.resolve(answer).then((cluster) => ({ ...status, cluster }), failed);
}
