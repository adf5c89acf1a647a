/**
 * Runs taken away before their end (run-flow.ts has their way from trigger to end): `cancel` of a
 * task or of one run, a hold (the scheduled runs not started yet), a removal (the waiting runs), and
 * shutdown. A running run is asked to stop (RunFlow.cancelHandle; it then has no sequel); a waiting
 * one is dropped, recorded as cancelled with the reason (RunFlow.drop). The engine's flow is this class.
 */
import { TaskkitError } from '../errors.js';
import type { Trigger } from '../task-context.js';
import type { Task } from './active-run.js';
import type { CancelReason } from './ports.js';
import type { RunRecord } from './run.js';
import { RunFlow } from './run-flow.js';

/** The triggers a held task's schedule does not make (engine-loop.ts #fire, Scheduler.start). */
const HELD_TRIGGERS: ReadonlySet<Trigger> = new Set<Trigger>(['schedule', 'catch-up', 'reboot']);

export class CancellableRunFlow extends RunFlow {
  /** Cancel the task's running runs (reason `cancel`) and drop its waiting ones; returns them all. */
  cancelTask(entry: Task): RunRecord[] {
    const runs = [...entry.active];
    const records = runs.map((run) =>
      run.phase === 'running' ? run.record : this.drop(run, 'cancelled by taskkit cancel before it started'),
    );
    for (const run of runs) if (run.phase === 'running') this.cancelHandle(run, 'cancel');
    this.taskChanged(entry);
    return records;
  }

  /**
   * The task was just held (issue 15): what its schedule made and has not started never starts (a
   * held task's instants do not run), recorded as cancelled with the reason. Runs started, and
   * manual, dependency and retry runs, go on: a hold stops the schedule, `cancel` stops runs.
   */
  dropHeld(entry: Task): void {
    for (const run of [...entry.active]) {
      if (!HELD_TRIGGERS.has(run.record.trigger)) continue;
      if (run.phase === 'delayed') this.drop(run, 'task held while the run waited out its jitter');
      else if (run.phase === 'serial' || run.phase === 'ready' || run.phase === 'grouped')
        this.drop(run, 'task held before the run started');
    }
    // The caller announces the held task (Scheduler.hold, replace): no task-changed of its own here.
    this.releaseSerial(entry);
  }

  /**
   * Cancel one run by id, whatever its task (an orphan's too): a running run is asked to stop
   * (reason `cancel`), a waiting one is dropped. NOT_FOUND names an ended run's outcome when known.
   */
  cancelRun(runId: number): RunRecord {
    const run = this.runs.pendingRun(runId);
    if (run === undefined) {
      const ended = this.runs.endedRecord(runId);
      const what =
        ended === undefined ? 'is not running or waiting' : `of ${ended.task} has already ended (${ended.status})`;
      throw new TaskkitError('NOT_FOUND', `run #${runId} ${what}`);
    }
    const record =
      run.phase === 'running' ? run.record : this.drop(run, 'cancelled by taskkit cancel before it started');
    if (run.phase === 'running') this.cancelHandle(run, 'cancel');
    // A run queued behind the dropped one (overlap: queue) may go now.
    else this.releaseSerial(run.entry);
    this.taskChanged(run.entry);
    return record;
  }

  /** Drop every waiting run of `entry` (it is being removed); running ones go on. */
  dropWaiting(entry: Task, reason: string): void {
    for (const run of [...entry.active]) if (run.phase !== 'running') this.drop(run, reason);
  }

  /** Shutdown: no new runs from now on, and every waiting run is dropped. */
  beginStop(): void {
    this.stopping = true;
    for (const run of this.runs.pendingRuns())
      if (run.phase !== 'running') this.drop(run, 'dropped: taskkit is stopping');
  }

  /** Ask the runner to stop every running run. */
  cancelRunning(reason: CancelReason): void {
    for (const run of this.runs.pendingRuns()) if (run.phase === 'running') this.cancelHandle(run, reason);
  }
}
