/**
 * The control socket's history in cluster mode (CLUSTER-PLAN "Two stores"): `show`, `logs` and
 * `history` read the cluster's runs from PostgreSQL (every host's, with the host that ran each);
 * while PostgreSQL does not answer they read this host's own journal, the local SQLite store, and
 * the log says so once per outage. `list`'s last runs stay the local in-memory ones (sync).
 */
import type { HistoryAnswers, HistoryControl } from '../history.js';
import type { Logger } from '../log.js';
import type { ClusterDb } from './cluster-db.js';

export function clusterHistory(
  local: HistoryControl,
  remote: Pick<ClusterDb, 'history' | 'flushRuns'>,
  log: Logger,
): HistoryAnswers {
  let fallingBack = false;
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
    storedLastRun: (task) => local.storedLastRun(task),
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
