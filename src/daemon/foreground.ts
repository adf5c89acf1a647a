/**
 * `taskkit start --foreground`: glue only (DESIGN.md "Layers"): tasks file + engine + runner,
 * logging to stderr, until SIGINT/SIGTERM. SIGHUP reloads the file atomically.
 */
import { loadTasksFile } from '../config/load.js';
import type { TasksFile } from '../config/types.js';
import { createSystemClock } from '../engine/clock.js';
import { Scheduler } from '../engine/scheduler.js';
import { createRunner } from '../runner/runner.js';
import { formatDuration } from '../schedule/duration.js';
import { createLogger, type Logger } from './log.js';
import { logEngineEvents } from './run-log.js';
import { applyTasks, describeReload } from './reload.js';
import { describeConfigFailure } from './config-failure.js';

export interface ForegroundOptions {
  /** The loaded tasks file to run. */
  readonly file: TasksFile;
  /** Environment for reloads (settings defaults read XDG variables). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Where the log goes. */
  readonly logStream: NodeJS.WritableStream;
  /** The process whose signals stop and reload the daemon. */
  readonly process: NodeJS.Process;
}

/** Run until a stop signal; resolves with the exit code (0 after a graceful stop). */
export async function runForeground(options: ForegroundOptions): Promise<number> {
  const { file, process: proc } = options;
  const log = createLogger(options.logStream);
  const scheduler = new Scheduler({
    clock: createSystemClock(),
    runner: createRunner(),
    maxConcurrent: file.settings.maxConcurrent,
    log,
  });
  logEngineEvents(scheduler, log);

  let current = file;
  // Signal handlers go in before the first run can start: a SIGTERM arriving between a spawn and
  // their installation would kill the daemon by default and orphan that run's process group.
  const stopped = new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals): void => {
      if (stopping) {
        log('warn', `${signal} again: killing running runs now`);
        void scheduler.stop({ graceMs: 0 });
        return;
      }
      stopping = true;
      const grace = current.settings.shutdownGraceMs;
      log('info', `${signal}: stopping; running runs get ${formatDuration(grace)} to finish (send ${signal} again to kill them now)`);
      void scheduler.stop({ graceMs: grace }).then(() => {
        proc.off('SIGINT', stop).off('SIGTERM', stop).off('SIGHUP', reload);
        log('info', 'stopped');
        resolve(0);
      });
    };
    const reload = (): void => {
      current = reloadTasksFile(scheduler, current, options.env, log);
    };
    proc.on('SIGINT', stop).on('SIGTERM', stop).on('SIGHUP', reload);
  });
  for (const task of file.tasks) scheduler.add(task);
  log('info', `taskkit ${proc.pid}: running ${file.tasks.length} task(s) from ${file.path}`);
  scheduler.start();
  return await stopped;
}

/** Load the file again and apply it; on any error keep the old tasks and log every problem. */
export function reloadTasksFile(
  scheduler: Scheduler,
  current: TasksFile,
  env: Readonly<Record<string, string | undefined>>,
  log: Logger,
): TasksFile {
  let next: TasksFile;
  try {
    next = loadTasksFile(current.path, { env });
  } catch (error) {
    log('error', `reload refused, the old tasks go on:\n${describeConfigFailure(error)}`);
    return current;
  }
  log('info', `reloaded ${next.path}: ${describeReload(applyTasks(scheduler, next.tasks))}`);
  return next;
}
