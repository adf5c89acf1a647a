/**
 * The control socket's history in cluster mode (CLUSTER-PLAN "Two stores"): `show`, `logs` and
 * `history` read the cluster's runs from PostgreSQL (every host's, with the host that ran each);
 * while PostgreSQL does not answer they read this host's own journal, the local SQLite store, and
 * the log says so once per outage. `list`'s last run of a task (sync, in memory) is the newer of
 * this host's own and the cluster's, read every few seconds; `list --here` keeps this host's.
 */
import type { DaemonControl } from '../../control/handlers.js';
import type { RunSummary } from '../../store/store.js';
import type { HistoryAnswers, HistoryControl } from '../history.js';
import type { Logger } from '../log.js';
import type { ClusterDb } from './cluster-db.js';

/** How often the cluster's last runs (`list`) are read again. */
const LAST_RUNS_EVERY_MS = 5_000;

export type ClusterHistoryAnswers = HistoryAnswers & Required<Pick<DaemonControl, 'localLastRun'>>;

export function clusterHistory(
  local: HistoryControl,
  remote: Pick<ClusterDb, 'history' | 'flushRuns'>,
  log: Logger,
  onStop: (stop: () => void) => void,
): ClusterHistoryAnswers {
  let fallingBack = false;
  let clusterLast = new Map<string, RunSummary>();
  const refresh = (): void => {
    remote.history.lastRuns().then(
      (runs) => (clusterLast = new Map(runs.map((run) => [run.task, run]))),
      () => undefined,
    );
  };
  refresh();
  const timer = setInterval(refresh, LAST_RUNS_EVERY_MS);
  timer.unref();
  onStop(() => clearInterval(timer));
  const newer = (a: RunSummary | null, b: RunSummary | undefined): RunSummary | null =>
    b === undefined || (a !== null && a.createdAt >= b.createdAt) ? a : b;
  const read = async <T>(ask: () => Promise<T>, fallback: () => T): Promise<T> => {
    try {
      const answer = await ask();
      if (fallingBack) log('info', 'cluster: history is read from PostgreSQL again');
      fallingBack = false;
      return answer;
    } catch (error) {
      if (!fallingBack)
        log(
          'warn',
          `cluster: PostgreSQL did not answer a history read (${describe(error)}); ` +
            `answering from this host's own runs until it does`,
        );
      fallingBack = true;
      return fallback();
    }
  };
  return {
    recentRuns: (task, limit) =>
      read(
        () => remote.history.listRuns(task, limit),
        () => local.recentRuns(task, limit),
      ),
    storedLastRun: (task) => newer(local.storedLastRun(task), clusterLast.get(task)),
    localLastRun: (task) => local.storedLastRun(task),
    runStats: (task) =>
      read(
        () => remote.history.runStats(task),
        () => local.runStats(task),
      ),
    findRun: (id) =>
      read(
        () => remote.history.getRun(id),
        () => local.findRun(id),
      ),
    latestRun: (task) =>
      read(
        () => remote.history.latestRun(task),
        () => local.latestRun(task),
      ),
    flushHistory: async () => {
      local.flushHistory();
      await remote.flushRuns().catch(() => undefined);
    },
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
