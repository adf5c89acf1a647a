/**
 * The daemon: glue only (DESIGN.md "Layers"): tasks file + engine + runner + store + control
 * server, the pid file, signals and reload. The same code runs `start --foreground` (logging to the
 * terminal) and the detached child of `start` (its stdio is the log file; it reports start-up
 * to the waiting parent through detach.ts).
 */
import { dirname } from 'node:path';
import type { Settings, TaskSpec, TasksFile } from '../config/types.js';
import { createHandlers, type DaemonControl } from '../control/handlers.js';
import type { DaemonInfo } from '../control/status.js';
import { forgetDefinitionFingerprints } from '../config/definition.js';
import { assertTrustedFiles } from '../config/file-trust.js';
import { formatIssue } from '../config/issues.js';
import { diffSettings } from '../config/settings-diff.js';
import type { ReloadSummaryView } from '../control/protocol.js';
import { listenControl, type ControlServer } from '../control/server.js';
import { createSystemClock } from '../engine/clock.js';
import { instantJitter } from '../engine/policies/jitter.js';
import type { RestoredTaskState } from '../engine/ports.js';
import { Scheduler } from '../engine/scheduler.js';
import { TaskkitError } from '../errors.js';
import { createHttpService } from '../http/service.js';
import { createRunner } from '../runner/runner.js';
import { startSpawner, type Spawner } from '../runner/spawner-client.js';
import { formatDuration } from '../schedule/duration.js';
import { attachStore } from '../store/attach.js';
import { journalClaim, runJournal } from '../store/journal.js';
import type { Store } from '../store/store.js';
import { openClusterMode } from './cluster/daemon-mode.js';
import { describeConfigFailure, logConfigFailure } from './config-failure.js';
import { reportStartup } from './detach.js';
import { createHistoryControl, openDaemonStore, recoverInterruptedRuns, supplyRecoveryState } from './history.js';
import { createTaskListDrawer } from './list-table.js';
import { loadForDaemon } from './load-isolated.js';
import { createDeliveryService } from './notify/deliveries.js';
import { acquirePidFile, acquireStateDirLock, type PidFileLock, type StateDirLock } from './lock.js';
import { createDaemonLogger, type DaemonLogger, type Logger } from './log.js';
import { applyTasks, describeDroppedReschedules, describeReload, listRescheduled } from './reload.js';
import { planRebootTasks } from './reboot-tasks.js';
import { planReload } from './reload-plan.js';
import { logEngineEvents } from './run-log.js';
import { takeServiceNotifier, type ServiceNotifier } from './sd-notify.js';
import { describeStopAgain, installSignalHandlers } from './signals.js';
import { planStartup } from './startup-plan.js';

export interface DaemonOptions {
  /** Absolute path of the tasks file. */
  readonly configPath: string;
  /** `--socket`, already absolute (the detached child runs in /). */
  readonly socketFlag: string | undefined;
  /** The process environment; the start-up report removes its private variable from it. */
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  /** Where the log goes: the terminal in the foreground, the log file when detached. */
  readonly logStream: NodeJS.WritableStream;
  /** The process whose signals stop and reload the daemon. */
  readonly process: NodeJS.Process;
  /** `--insecure`: run files other users can write (config/file-trust.ts). */
  readonly insecure: boolean;
  /** The first load, when the caller started it early (load-isolated.ts `loadForDaemon`). */
  readonly firstLoad?: Promise<TasksFile>;
  /** The spawner process, when the caller forked it early (while small); else forked here. */
  readonly spawner?: Spawner;
}

interface RunningDaemon {
  readonly socket: string;
  /** Resolves with the exit code once the daemon has stopped and cleaned up. */
  readonly stopped: Promise<number>;
  /** The stop signal or request that came during start-up (it is stopping), else null. */
  readonly stoppedDuringStart: string | null;
  /** systemd's Type=notify (sd-notify.ts); silent when systemd did not start the daemon. */
  readonly notifier: ServiceNotifier;
  readonly taskCount: number;
}

/**
 * Start, report readiness (or the failure) to a waiting `taskkit start`, run until stopped. A
 * start either succeeds or leaves nothing behind (issue 15 point 2): a failure has closed the
 * socket and released the pid file and lock before it is reported, and so has a stop that came
 * during start-up, which `start` reports as a failure.
 */
export async function runDaemon(options: DaemonOptions): Promise<number> {
  const log = createDaemonLogger(options.logStream);
  let daemon: RunningDaemon;
  try {
    daemon = await startDaemon(options, log);
  } catch (error) {
    const code = error instanceof TaskkitError ? error.code : 'INTERNAL';
    reportStartup(options.env, { ok: false, code, message: describeStartupFailure(error) });
    throw error;
  }
  if (daemon.stoppedDuringStart !== null) {
    const exitCode = await daemon.stopped;
    const message = `the daemon was stopped during start-up (${daemon.stoppedDuringStart}); nothing is left running`;
    reportStartup(options.env, { ok: false, code: 'STOPPED', message });
    return exitCode;
  }
  reportStartup(options.env, { ok: true, pid: options.process.pid, socket: daemon.socket });
  daemon.notifier.ready(`running ${daemon.taskCount} task(s); control socket ${daemon.socket}`);
  return await daemon.stopped;
}

/** The message a detached start prints: every issue of a bad tasks file, else the error's own. */
function describeStartupFailure(error: unknown): string {
  if (error instanceof TaskkitError && error.code === 'CONFIG_INVALID')
    return `${describeConfigFailure(error)}\n${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

async function startDaemon(options: DaemonOptions, log: DaemonLogger): Promise<RunningDaemon> {
  const { process: proc, env } = options;
  // `start -f` in a terminal: the log is the terminal, and a stop there is a Ctrl-C.
  const onTerminal = (options.logStream as { isTTY?: boolean }).isTTY === true;
  const uid = proc.getuid?.() ?? 0;
  // Taken first, before any run could inherit NOTIFY_SOCKET.
  const notifier = takeServiceNotifier(env, proc.pid, log);
  // The child that reads the files checks them on the descriptors it reads (config/file-trust.ts);
  // start and reload load alike (loadForDaemon), with one trust rule.
  const load = (path: string): Promise<TasksFile> => loadForDaemon(path, { env, insecure: options.insecure, uid });
  const first = options.firstLoad ?? load(options.configPath);
  const plan = planStartup(await first, { ...options, uid });
  const { paths, socket } = plan;
  let current = plan.file;
  const checkTrust = (file: TasksFile): void => assertTrustedFiles(file, { insecure: options.insecure, uid });
  log.rotate(paths.logFile);
  // Cluster mode (settings.cluster): registered, tasks published and run ids in hand before the engine exists.
  const cluster = await openClusterMode(plan.file, { env, pid: proc.pid, log });
  // Before the socket: a damaged or unreadable database fails the start with its own message.
  const { store, clock } = openDaemonStore(paths.database, log, cluster?.clock ?? createSystemClock());
  // Run ids continue the history's. The scheduler is inert until start(); it exists this early
  // because the control server, which proves this daemon alone uses the state dir, needs it.
  // The store's claim: each run's row is on disk before its process starts, so a crash loses none.
  // One commit per engine turn for the runs claimed in it (runJournal + claimCommit), then their
  // requests go to the spawner in one write in the same tick (Runner.together): a kill leaves no
  // committed row, or a spawner that has every request and spawns them even with the daemon gone.
  // (Before the spawner, a kill during the turn's k-th fork left runs that never started recorded
  // as started, their instants dealt with.) In a cluster the claim is PostgreSQL's first, and a won
  // run's local row is then committed on its own (journalClaim).
  const journal = runJournal(store);
  const specOf = (task: string): TaskSpec | undefined => (scheduler.has(task) ? scheduler.get(task).spec : undefined);
  const claim = cluster === null ? journal.claim : cluster.claim(journalClaim(store), specOf);
  const { maxConcurrent, groups } = current.settings;
  // Shell and argv runs are spawned by this child, off the daemon's loop (runner/spawner-client.ts).
  const spawner = options.spawner ?? startSpawner();
  spawner.setLog(log);
  const scheduler = new Scheduler({
    clock,
    runner: createRunner({ clock, spawner }),
    claim,
    ...(cluster === null ? { claimCommit: journal.commit } : {}),
    maxConcurrent,
    groups,
    log,
    ...(cluster === null
      ? { firstRunId: store.nextRunId() }
      : { nextRunId: () => cluster.nextRunId(), jitterOf: instantJitter, restartCatchUp: cluster.restartCatchUp }),
  });
  logEngineEvents(scheduler, log);
  // Alerts go to the notifiers of the tasks file in force when they are delivered (reload included).
  const deliveries = createDeliveryService({
    store,
    log,
    now: () => clock.now(),
    context: () => ({
      shell: current.settings.shell,
      cwd: dirname(current.path),
      notifyOf: (name) => current.tasks.find((task) => task.name === name)?.notify ?? null,
    }),
  });
  scheduler.on('alert', (alert) => deliveries.handle(alert));
  supplyRecoveryState(store, scheduler);
  const localRestore = (spec: TaskSpec): RestoredTaskState => restoreTask(store, spec, log);
  const restore = cluster?.restore(localRestore) ?? localRestore;
  const history = createHistoryControl(store, scheduler);
  // In a cluster, the cluster's history (PostgreSQL), this host's own while it does not answer.
  const answers = cluster?.history(history) ?? history;
  const startedAt = clock.now();

  let resolveStopped: (code: number) => void = () => {};
  const stopped = new Promise<number>((resolve) => (resolveStopped = resolve));
  let server: ControlServer | null = null;
  let lock: PidFileLock | null = null;
  let stateDirLock: StateDirLock | null = null;
  let stopping: Promise<void> | null = null;
  let reloading: Promise<unknown> = Promise.resolve();

  // A stop signal during start-up waits until the server and pid file exist, so it cleans them up.
  let ready = false;
  let stopAfterStart = null as string | null;
  const stop = (why: string, again = false): void => {
    if (!ready) {
      stopAfterStart = why;
      return;
    }
    if (stopping !== null) {
      if (again) {
        log('warn', `${why} again: killing running runs now`);
        void scheduler.stop({ graceMs: 0 });
      }
      return;
    }
    const grace = current.settings.shutdownGraceMs;
    notifier.stopping();
    log(
      'info',
      `${why}: stopping; running runs get ${formatDuration(grace)} to finish (${describeStopAgain(why, onTerminal)})`,
    );
    // The socket stays open during the grace, so `status` and waiting `run-now --wait` clients
    // see the runs end; then it closes (removing the socket file) and the pid file goes last.
    // The store closes after the last run's end is queued and the last client is gone.
    // Deliveries still under way are stopped after the runs (an alert of a run that ends in the
    // grace is sent); what is not delivered by then stays pending for the next start.
    // A cluster host leaves first (no more claims) and keeps beating until its runs have drained.
    stopping = (cluster?.leave() ?? Promise.resolve())
      .then(() => scheduler.stop({ graceMs: grace }))
      .then(() => spawner.close())
      .then(() => cluster?.stop())
      .then(() => deliveries.stop())
      .then(() => http.close())
      .then(() => server?.close())
      .then(() => {
        store.close();
        uninstallSignals();
        lock?.release();
        stateDirLock?.release();
        log('info', 'stopped');
        resolveStopped(0);
      });
  };

  // The last file's settings, but those a reload cannot change as the daemon started with them
  // (config/settings-diff.ts RESTART_ONLY_SETTINGS): a restart-only change is said until the restart.
  const settingsInForce = (): Settings => {
    const { socket: fixedSocket, stateDir, maxConcurrent: fixedMax, cluster: fixedCluster } = plan.file.settings;
    // The cluster the daemon joined at start: a reload keeps it, so a file set back to it changes nothing.
    const { cluster: _reloaded, ...rest } = current.settings;
    const fixed = { ...rest, socket: fixedSocket, stateDir, maxConcurrent: fixedMax };
    return fixedCluster === undefined ? fixed : { ...fixed, cluster: fixedCluster };
  };

  const reload = (): Promise<ReloadSummaryView> => {
    const next = reloading.then(async () => {
      if (stopping !== null) throw new TaskkitError('STOPPED', 'the daemon is stopping; reload refused');
      const file = await load(current.path);
      if (stopping !== null) throw new TaskkitError('STOPPED', 'the daemon is stopping; reload refused');
      checkTrust(file);
      warnAboutFixedSettings(settingsInForce(), file.settings, log);
      // Before the tasks: a listener that cannot be bound refuses the whole reload, the old one serving on.
      await http.apply(file.settings.http);
      const rescheduled = listRescheduled(scheduler);
      // Group limits first: the tasks that follow may name a new group; waiting runs start once the
      // tasks are applied, so a run moved to another group waits for that one (Scheduler.reloadGroups).
      const summary = scheduler.reloadGroups(file.settings.groups, () => applyTasks(scheduler, file.tasks, restore));
      current = file;
      log('info', `reloaded ${file.path}: ${describeReload(summary)}`);
      logWarnings(file, log);
      await cluster?.reloaded(file.tasks);
      forgetDefinitionFingerprints();
      const dropped = describeDroppedReschedules(rescheduled, summary);
      if (dropped !== null) log('warn', dropped);
      return summary;
    });
    reloading = next.catch(() => {});
    return next;
  };

  const uninstallSignals = installSignalHandlers(proc, {
    stop: (signal, again) => stop(signal, again),
    reload: () => {
      log('info', 'SIGHUP: reloading the tasks file');
      reload().catch((error: unknown) => logConfigFailure(log, 'reload refused, the old tasks go on:', error));
    },
  });

  const control: DaemonControl = {
    info: (): DaemonInfo => ({
      pid: proc.pid,
      spawnerPid: spawner.pid,
      startedAt,
      configPath: current.path,
      socket,
      stateDir: paths.stateDir,
      defaultTimezone: current.settings.timezone,
      // In a cluster: the engine's own runs are this host's (list's HOST, list --here, show).
      ...(cluster === null ? {} : { hostname: cluster.hostname }),
    }),
    reload: async () => {
      try {
        return await reload();
      } catch (error) {
        logConfigFailure(log, 'reload (taskkit reload) refused, the old tasks go on:', error);
        throw error;
      }
    },
    // After a reload under way, as the next reload would; loaded and checked as reload loads.
    planReload: (path) =>
      reloading.then(async () => {
        if (stopping !== null) throw new TaskkitError('STOPPED', 'the daemon is stopping; no reload to plan');
        const file = await load(path ?? current.path);
        checkTrust(file);
        const settings = settingsInForce();
        const state = { configPath: current.path, settings, tasks: scheduler.list(), orphans: scheduler.orphans() };
        return planReload(state, file);
      }),
    stop: () => stop('taskkit stop'),
    taskListDrawer: createTaskListDrawer(),
    ...answers,
    ...cluster?.controlHooks(scheduler),
  };
  const dispatcher = createHandlers({ scheduler, daemon: control, now: () => clock.now() });
  // settings.http: the status page and /metrics read and act through the socket's own handlers.
  const http = createHttpService({
    scheduler,
    dispatcher,
    log,
    now: () => clock.now(),
    storedLastRun: answers.storedLastRun,
    recentRuns: answers.recentRuns,
  });

  // Everything from the socket to the last task added is start-up: whatever fails in it (a task
  // the engine refuses, a zone Intl does not know) closes what was opened and fails the start.
  // The task loop once ran after this block, and a throw there left a daemon holding its socket
  // and pid file, scheduling nothing and deaf to stop and SIGTERM (issue 15 point 2).
  try {
    server = await listenControl({
      socket,
      dispatcher,
      log,
    });
    // After the socket, so that a second start on the same socket says who answers there.
    stateDirLock = acquireStateDirLock(paths.lockFile, paths.pidFile);
    lock = acquirePidFile(paths.pidFile, proc.pid);
    // Only now: with the state dir locked, no other daemon's runs are `running` in it.
    recoverInterruptedRuns(store, clock.now(), log);
    history.preload();
    // Attached before the tasks are added, so that each one's first state is recorded.
    attachStore(scheduler, store);
    for (const task of current.tasks) scheduler.add(task, restore(task));
    cluster?.attach(scheduler);
    deliveries.resumePending();
    // Last, after the socket and the lock (a second daemon is told who answers there, not that the
    // port is taken) and after the tasks: the socket may answer while this awaits, and sees them all.
    await http.apply(current.settings.http);
  } catch (error) {
    uninstallSignals();
    spawner.close();
    await deliveries.stop();
    await http.close();
    await server?.close();
    lock?.release();
    stateDirLock?.release();
    store.close();
    await cluster?.stop();
    log('error', `start-up failed; the socket, pid file and lock are released: ${describeStartupFailure(error)}`);
    throw error;
  }
  logWarnings(current, log);
  log(
    'info',
    `taskkit ${proc.pid}: running ${current.tasks.length} task(s) from ${current.path}; control socket ${socket}`,
  );
  ready = true;
  const stoppedDuringStart: string | null = stopAfterStart;
  if (stoppedDuringStart === null) {
    const sources = { env, platform: proc.platform, now: clock.now() };
    const reboot = planRebootTasks(store, current.settings.reboot, current.tasks, sources, log);
    scheduler.start(reboot.start);
    reboot.fired();
  } else stop(`${stoppedDuringStart} during start-up`);
  forgetDefinitionFingerprints(); // the store has compared and saved every task's (definition.ts says why)
  return { socket, stopped, stoppedDuringStart, notifier, taskCount: current.tasks.length };
}

/** A task's saved state for scheduler.add; what the store dropped (a stale reschedule) goes to the log. */
function restoreTask(store: Store, spec: TaskSpec, log: Logger): RestoredTaskState {
  const { state, notice } = store.restoreTask(spec);
  if (notice !== null) log('warn', notice);
  return state;
}

/** What this host would trip over at run time (config/host-checks.ts): the file is used, the log says it. */
function logWarnings(file: TasksFile, log: Logger): void {
  for (const warning of file.warnings) log('warn', formatIssue(warning));
}

/** Settings the running daemon cannot change under itself: say so instead of ignoring them silently. */
function warnAboutFixedSettings(inForce: Settings, after: Settings, log: Logger): void {
  const changed = diffSettings(inForce, after)
    .filter((change) => change.needsRestart)
    .map((change) => change.key);
  if (changed.length > 0)
    log(
      'warn',
      `settings ${changed.join(', ')} changed: they take effect at the next start (taskkit stop; taskkit start)`,
    );
}
