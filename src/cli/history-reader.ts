/**
 * What `history` and `logs` read, whichever store holds the runs (issue 21): a host's SQLite
 * database (answers at once) or, with no daemon answering in cluster mode, the cluster's
 * PostgreSQL (cluster-history.ts, loaded only then). Runs from PostgreSQL name their host.
 */
import type { RunFacts } from '../control/views.js';
import type { RunFilter, Store } from '../store/store.js';

/** A run with its output, and its host when a cluster's store has it. */
export type StoredRun = RunFacts & { readonly output: Buffer };

export interface HistoryReader {
  /** Runs matching `filter`, newest first, without output. */
  listRuns(filter: RunFilter): Promise<readonly RunFacts[]>;
  /** A run by id, with its output, or null. */
  getRun(id: number): Promise<StoredRun | null>;
  /** The task's newest run, with its output, or null. */
  latestRun(task: string): Promise<StoredRun | null>;
  /** Names of the tasks with an ended run (for "did you mean"). */
  taskNamesWithRuns(): Promise<string[]>;
  close(): Promise<void>;
}

/** A SQLite store as a reader: each answer at once, in a resolved promise. */
export function storeReader(store: Store): HistoryReader {
  return {
    listRuns: (filter) => Promise.resolve(store.listRuns(filter)),
    getRun: (id) => Promise.resolve(store.getRun(id)),
    latestRun: (task) => Promise.resolve(store.latestRun(task)),
    taskNamesWithRuns: () => Promise.resolve(store.lastRuns().map((run) => run.task)),
    close: () => {
      store.close();
      return Promise.resolve();
    },
  };
}
