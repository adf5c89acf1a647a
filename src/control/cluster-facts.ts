/** What `list` and `show` add in cluster mode (issue 21): the engine's runs are this host's, and the task's place. */
import type { RunSummary } from '../store/store.js';
import type { TaskClusterView } from './cluster-view.js';
import type { DaemonInfo } from './status.js';
import type { RunFacts, TaskClusterFacts } from './views.js';

/** The daemon's side of it (DaemonControl's `info`, `taskCluster`, and the last runs it keeps in memory). */
export interface ClusterFactsSource {
  info(): DaemonInfo;
  taskCluster?(task: string): TaskClusterView | null;
  storedLastRun?(task: string): RunSummary | null;
  localLastRun?(task: string): RunSummary | null;
}

/**
 * `list`'s stored last run of a task: the cluster's (storedLastRun), or with `here` this host's
 * (localLastRun, its host named). On a single host localLastRun is absent and `here` changes nothing.
 */
export function storedLastRunOf(daemon: ClusterFactsSource, here: boolean): (task: string) => RunFacts | null {
  const hostname = daemon.info().hostname;
  if (!here || daemon.localLastRun === undefined || hostname === undefined)
    return (task) => daemon.storedLastRun?.(task) ?? null;
  return (task) => {
    const run = daemon.localLastRun?.(task) ?? null;
    return run === null ? null : { ...run, host: hostname };
  };
}

/** In cluster mode (the daemon names its host), a task's cluster facts for toTaskView; else undefined. */
export function clusterFactsOf(daemon: ClusterFactsSource): ((task: string) => TaskClusterFacts) | undefined {
  const { hostname } = daemon.info();
  if (hostname === undefined) return undefined;
  return (task) => ({ hostname, cluster: daemon.taskCluster?.(task) ?? null });
}
