/**
 * The daemon's side of the history database (DESIGN.md "State and history", issue 4): open it,
 * deal with the runs a crashed daemon left `running`, and answer the control socket's questions
 * about past runs from it.
 */
import type { DaemonControl } from '../control/handlers.js';
import { ran } from '../control/views.js';
import type { RunRecord } from '../engine/run.js';
import { MAX_TIMER_DELAY_MS, type Clock } from '../engine/clock.js';
import type { Scheduler } from '../engine/scheduler.js';
import type { Instant } from '../schedule/types.js';
import { openSqliteStore, type SqliteStore } from '../store/sqlite-store.js';
import type { RunStats, RunSummary, Store } from '../store/store.js';
import { snapshotTaskState } from '../store/task-restore.js';
import type { Logger } from './log.js';
import { isProcessGroupAlive } from './process-group.js';

/**
 * How long an idle daemon may go without checking that its database file is still at its path (issue
 * 15 point 8): the engine wakes at least this often (MAX_TIMER_DELAY_MS), and a daemon that writes
 * checks before each write batch anyway.
 */
export const DATABASE_CHECK_MS = MAX_TIMER_DELAY_MS;

/** At most one idle check a second, however often the engine wakes: one stat each (~8 µs). */
const WAKE_CHECK_MIN_GAP_MS = 1_000;

/**
 * Open (creating or migrating) `<state-dir>/taskkit.db`, with `clock` made to check its file on its
 * wakes (checkDatabaseOnWakes); throws STORE_CORRUPT / STORE_UNAVAILABLE naming the file.
 */
export function openDaemonStore(path: string, log: Logger, clock: Clock): { store: SqliteStore; clock: Clock } {
  const store = openSqliteStore({ path, log: (level, message) => log(level, message), now: () => clock.now() });
  return { store, clock: checkDatabaseOnWakes(clock, store) };
}

/**
 * The daemon's clock, whose timers check the database file before their work (checkFileUnlessRecent):
 * the idle check rides on the engine's wakes. A timer of its own, 10 s like the engine's cap but in
 * another phase, doubled an idle daemon's wakes (12 a minute instead of 6; bench scenario 3).
 */
export function checkDatabaseOnWakes(clock: Clock, store: Pick<SqliteStore, 'checkFileUnlessRecent'>): Clock {
  const checked: Clock = {
    now: () => clock.now(),
    monotonic: () => clock.monotonic(),
    setTimer: (delayMs, fn) =>
      clock.setTimer(delayMs, () => {
        try {
          store.checkFileUnlessRecent(WAKE_CHECK_MIN_GAP_MS);
        } catch {
          // A path that cannot be stat'ed (EACCES) fails the next write's check, which logs and retries it.
        }
        fn();
      }),
    clearTimer: (handle) => clock.clearTimer(handle),
  };
  if (clock.waitUntil === undefined) return checked;
  return { ...checked, waitUntil: (at, boundMs) => clock.waitUntil?.(at, boundMs) };
}

/**
 * A database put back at its path after it was deleted, truncated or replaced gets what only the
 * daemon knows now: its runs in flight (so that they reach history) and every task's state.
 */
export function supplyRecoveryState(store: SqliteStore, engine: Pick<Scheduler, 'runsInFlight' | 'list'>): void {
  store.setRecoverySource(() => ({
    runs: engine.runsInFlight(),
    tasks: engine.list().map(snapshotTaskState),
  }));
}

/**
 * Runs the previous daemon left `running` (a crash, `kill -9`, a reboot) become `interrupted`,
 * each with a log line. A process group of such a run that still runs is left alone: it may be
 * a backup halfway through, which the user may prefer to let finish; the log says how to kill
 * it (the documented choice, README "State and history" and taskkit(1) CRASH RECOVERY). Call only
 * once this daemon holds the socket and pid file: another live daemon's runs are not interrupted.
 */
export function recoverInterruptedRuns(
  store: Store,
  at: Instant,
  log: Logger,
  isGroupAlive: (pgid: number, startedAt: Instant | null) => boolean = isProcessGroupAlive,
): RunSummary[] {
  const runs = store.markInterrupted(at);
  for (const run of runs)
    log('warn', describeInterrupted(run, run.pid !== null && isGroupAlive(run.pid, run.startedAt)));
  return runs;
}

/** The log line of one interrupted run. */
export function describeInterrupted(run: RunSummary, groupAlive: boolean): string {
  const label = `run #${run.id} of ${run.task}`;
  if (groupAlive && run.pid !== null) {
    return (
      `${label} was interrupted; its process group ${run.pid} is still running and is left alone: ` +
      `kill it with kill -- -${run.pid}`
    );
  }
  if (run.startedAt === null) return `${label} was interrupted before it started (taskkit stopped while it waited)`;
  return (
    `${label} was interrupted: taskkit stopped while it was running (crash, ` +
    `kill -9 or reboot)${run.pid === null ? '' : `; its process group ${run.pid} is gone`}`
  );
}

/**
 * The history questions of the control socket, as any store may answer them: a remote one
 * (PostgreSQL in a cluster, issue 21) with promises; `storedLastRun` is in memory, so sync.
 */
export type HistoryAnswers = Required<
  Pick<DaemonControl, 'recentRuns' | 'storedLastRun' | 'runStats' | 'findRun' | 'latestRun' | 'flushHistory'>
>;

/** The local store's answers: at once (SQLite); `preload` reads each task's last run once (at start). */
export interface HistoryControl extends HistoryAnswers {
  readonly recentRuns: (task: string, limit: number) => readonly RunSummary[];
  readonly runStats: (task: string) => RunStats;
  readonly findRun: (id: number) => RunRecord | null;
  readonly latestRun: (task: string) => RunRecord | null;
  readonly flushHistory: () => void;
  readonly preload: () => void;
}

/**
 * Answers from `store`. Each task's last ended run (`list`) is kept in memory, read once and then
 * updated from the engine's events: asking the store per `list` means a GROUP BY over every kept
 * run (~100 ms for 200,000 rows), which would stall the daemon's timer each time.
 */
export function createHistoryControl(store: Store, engine: Pick<Scheduler, 'on'>): HistoryControl {
  let lastRuns: Map<string, RunSummary> | null = null;
  const load = (): Map<string, RunSummary> => (lastRuns ??= new Map(store.lastRuns().map((run) => [run.task, run])));
  // Before the load, the store has these runs too (reads flush its queue first). Only runs that
  // ran count (store.lastRuns): a skipped trigger or a run dropped while waiting is no last result.
  const remember = (run: RunRecord): void => {
    if (ran(run)) lastRuns?.set(run.task, summarize(run));
  };
  engine.on('run-finished', remember);
  return {
    preload: () => void load(),
    recentRuns: (task, limit) => store.listRuns({ task, limit }),
    storedLastRun: (task) => load().get(task) ?? null,
    runStats: (task) => store.runStats(task),
    findRun: (id) => store.getRun(id),
    latestRun: (task) => store.latestRun(task),
    flushHistory: () => store.flush(),
  };
}

/** A run without its output (up to history.output-limit each): what `list` needs of it. */
function summarize(run: RunRecord): RunSummary {
  const { output: _output, ...summary } = run;
  return summary;
}
