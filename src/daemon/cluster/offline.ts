/**
 * A cluster daemon that starts while PostgreSQL does not answer (issue 21 point 7): it runs its
 * `scope: host` tasks at once and connects later. Until then the glue works on stand-ins: a
 * liveness that says why no claim can be made (claims yield, logged once) and a database whose
 * calls fail as PostgreSQL's would (history falls back to the local journal). `switchable` hands
 * the glue's parts one object that forwards to the stand-in, then to the real one once connected.
 *
 * Run ids before the first block: runs-ids.ts serves them from this process's own range far
 * above the sequence's (2^52 and up), so they never meet an id PostgreSQL hands out. Two hosts'
 * ranges could meet (random windows), so rows of runs with such ids are never written to the
 * cluster's run table: the local SQLite journal of the host that ran them keeps them.
 */
import { TaskkitError } from '../../errors.js';
import type { ClusterDb, RunIdSource } from './cluster-db.js';
import type { Liveness } from './liveness.js';

/**
 * Whether a failed start is PostgreSQL being away (retry later) rather than a mistake to report:
 * a connection that failed or was refused by a server shutting down or starting (connect.ts
 * isConnectionFailure on the cause). A bad URL, a refused login, a missing database or a schema
 * too new are errors of their own: they fail the start.
 */
export function isStoreOutage(error: unknown, isConnectionFailure: (error: unknown) => boolean): boolean {
  if (error instanceof TaskkitError) {
    if (error.code !== 'STORE_UNAVAILABLE' || error.cause === undefined) return false;
    return isConnectionFailure(error.cause);
  }
  return error instanceof Error && isConnectionFailure(error);
}

/** The parts that speak to PostgreSQL: stand-ins until it is first reached. */
export interface Connected {
  readonly db: ClusterDb;
  readonly liveness: Liveness;
  readonly runIds: RunIdSource;
}

/** The database while PostgreSQL was never reached: every call fails as an unreachable one would. */
export function offlineDb(why: () => string): ClusterDb {
  const fail = (): Promise<never> => Promise.reject(new TaskkitError('STORE_UNAVAILABLE', why()));
  return {
    openLiveness: fail,
    claim: fail,
    publish: fail,
    readTasks: fail,
    readTask: fail,
    control: fail,
    notifyCancel: fail,
    runningElsewhere: fail,
    reap: fail,
    takeQueued: fail,
    listHosts: fail,
    setHostTasks: fail,
    runIds: () => noRunIds(why),
    instantsWithRows: fail,
    latestInstantWithRow: fail,
    recordInstantSkip: () => undefined,
    // The runs of this time have ids of this host's own range: never written (see above).
    writeRun: () => undefined,
    flushRuns: () => Promise.resolve(),
    history: { listRuns: fail, getRun: fail, latestRun: fail, runStats: fail, lastRuns: fail },
    close: () => Promise.resolve(),
  };
}

function noRunIds(why: () => string): RunIdSource {
  return {
    ready: Promise.resolve(),
    next: () => {
      throw new Error(`no run-id block yet (${why()})`);
    },
  };
}

/** This host before its first registration: no claims, the outage for `status`. */
export function offlineLiveness(hostId: string, outage: () => { since: number; error: string }): Liveness {
  let stopping = false;
  const whyNot = (): string =>
    stopping ? 'this daemon is stopping' : 'this host is not registered in the cluster (PostgreSQL is not reachable)';
  return {
    hostId: () => hostId,
    canClaim: () => false,
    whyNot,
    upForMs: () => 0,
    fenced: () => undefined,
    outage,
    selfState: () => (stopping ? 'leaving' : 'registering'),
    ready: Promise.resolve(),
    leave: () => {
      stopping = true;
      return Promise.resolve();
    },
    stop: () => {
      stopping = true;
      return Promise.resolve();
    },
  };
}

/** One object for the glue's parts that forwards every member to `current()` at the time of use. */
export function switchable<T extends object>(current: () => T): T {
  return new Proxy({} as T, {
    get(_, key) {
      const target = current();
      const value: unknown = Reflect.get(target, key);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
