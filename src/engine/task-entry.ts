/** One task's mutable engine state, and its TaskStatus snapshot (src/engine/task-state.ts). */
import type { TaskSpec } from '../config/types.js';
import { compileSchedule } from '../schedule/next.js';
import { nextTaskInstant, upcomingTaskInstants, type TaskTiming } from '../schedule/task-instants.js';
import type { Instant, Schedule, ScheduleSpec } from '../schedule/types.js';
import type { PendingRun } from './pending-run.js';
import type { RunRecord } from './run.js';
import type { TaskStateName, TaskStatus } from './task-state.js';
import type { TaskNode } from './timeline.js';

const NO_RUNS: PendingRun[] = Object.freeze([]) as unknown as PendingRun[];

export class TaskEntry {
  spec: TaskSpec;
  /** A run-time reschedule in force, or null for the file's schedule. */
  override: ScheduleSpec | null = null;
  schedule: Schedule;
  readonly node: TaskNode;
  nextAt: Instant | null = null;
  held = false;
  holdNote: string | null = null;
  heldAt: Instant | null = null;
  /**
   * Every run not yet ended, in trigger order. Both lists start as one shared frozen empty array
   * (most tasks are idle; 100,000 of them held 200,000 empty arrays): add with addActive/addSerial.
   */
  active: PendingRun[] = NO_RUNS;
  /** Runs waiting for the task's earlier runs to end, in order (subset of `active`). */
  serial: PendingRun[] = NO_RUNS;
  scheduledRuns = 0;
  /** Counted runs (scheduled, catch-up) triggered but not started: they hold `max-runs` budget. */
  pendingCounted = 0;
  /** The latest instant dealt with: fired, skipped by catch-up, or passed while held. */
  lastScheduledAt: Instant | null = null;
  lastRun: RunRecord | null = null;
  removed = false;
  /** What the last task-changed event said, so that only changes are announced. */
  announced: { state: TaskStateName; nextAt: Instant | null; held: boolean; schedule: ScheduleSpec } | null = null;

  constructor(spec: TaskSpec, seq: number) {
    this.spec = spec;
    this.schedule = compileSchedule(spec.schedule, spec.timezone);
    this.node = { kind: 'task', entry: this, at: 0, seq, heapIndex: -1 };
  }

  addActive(run: PendingRun): void {
    if (this.active === NO_RUNS) this.active = [];
    this.active.push(run);
  }

  addSerial(run: PendingRun): void {
    if (this.serial === NO_RUNS) this.serial = [];
    this.serial.push(run);
  }

  /** Switch to a reschedule (or back to the file's with null). */
  setSchedule(override: ScheduleSpec | null): void {
    this.override = override;
    this.schedule = compileSchedule(override ?? this.spec.schedule, this.spec.timezone);
  }

  /** What decides this task's instants now (schedule/task-instants.ts holds the rule). */
  timing(): TaskTiming {
    return { schedule: this.schedule, until: this.spec.until, runsLeft: this.budget(), lastScheduledAt: this.lastScheduledAt };
  }

  /** The schedule's next instant strictly after `after`, honouring `until`. */
  scheduleNext(after: Instant): Instant | null {
    return nextTaskInstant(this.timing(), after);
  }

  /** Whether `max-runs` leaves room for one more scheduled run. */
  hasBudget(): boolean {
    return this.budget() > 0;
  }

  /** How many more counted runs `max-runs` allows. */
  budget(): number {
    const { maxRuns } = this.spec;
    return maxRuns === null ? Infinity : Math.max(0, maxRuns - this.scheduledRuns - this.pendingCounted);
  }

  /** The next instant to fire after `after`: none once `max-runs` or `until` ends the task. */
  computeNext(after: Instant): Instant | null {
    return upcomingTaskInstants(this.timing(), after, 1)[0] ?? null;
  }

  /** Up to `count` instants this task will fire at from its next one on (holds aside): `show`, `next`. */
  upcoming(count: number): Instant[] {
    return this.nextAt === null ? [] : upcomingTaskInstants(this.timing(), this.nextAt - 1, count);
  }

  /** The run a new trigger collides with (overlap): the running one first, else the oldest waiting. */
  collidingRun(): PendingRun | null {
    return this.active.find((run) => run.phase === 'running') ?? this.active[0] ?? null;
  }

  /** Whether a run outside the serial queue is still going or waiting. */
  hasUnqueuedRun(): boolean {
    return this.active.length > this.serial.length;
  }

  forget(run: PendingRun): void {
    const index = this.active.indexOf(run);
    if (index >= 0) this.active.splice(index, 1);
    const serialIndex = this.serial.indexOf(run);
    if (serialIndex >= 0) this.serial.splice(serialIndex, 1);
  }

  state(): TaskStateName {
    if (this.active.some((run) => run.phase === 'running')) return 'running';
    if (this.held) return 'held';
    const kind = this.schedule.spec.kind;
    if (kind === 'on-demand' || kind === 'reboot') return 'on-demand';
    return this.nextAt === null && this.active.length === 0 ? 'done' : 'scheduled';
  }

  toStatus(): TaskStatus {
    const running: RunRecord[] = [];
    for (const run of this.active) if (run.phase === 'running') running.push(run.record);
    return {
      name: this.spec.name,
      spec: this.spec,
      state: this.state(),
      schedule: this.schedule.spec,
      rescheduled: this.override !== null,
      nextAt: this.nextAt,
      held: this.held,
      holdNote: this.holdNote,
      heldAt: this.heldAt,
      running,
      queued: this.active.length - running.length,
      scheduledRuns: this.scheduledRuns,
      lastScheduledAt: this.lastScheduledAt,
      lastRun: this.lastRun,
    };
  }
}
