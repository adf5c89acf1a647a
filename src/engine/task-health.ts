/**
 * What a run's end and a missed deadline mean for a task's health: the dead-man watch's overdue and
 * recovery (`expect-success-within`), failed slots and the auto-hold (`hold-after-failures`), and
 * which `notify:` alerts go out (alerts.ts decides; this applies and emits). EngineLoop calls it where
 * slots end and overdue nodes come due; what it changes of a task goes through TaskEntry's methods.
 */
import { formatDuration } from '../schedule/duration.js';
import type { Instant } from '../schedule/types.js';
import type { Task } from './active-run.js';
import { alertsOfRunEnd, applyAlerts, buildAlert, type AlertCause, type AlertFacts } from './alerts.js';
import type { Clock } from './clock.js';
import type { Emitter } from './emitter.js';
import type { LogFunction } from './ports.js';
import { failedForGood, type RunRecord } from './run.js';
import type { TaskStatus } from './task-state.js';
import { taskStatusOf } from './task-status-of.js';

/** What the loop hands down (engine-loop.ts): it never calls back up but through these. */
export interface TaskHealthPorts {
  readonly clock: Clock;
  readonly log: LogFunction;
  readonly emitter: Emitter;
  /** Emit task-changed (forced or on a change); the status sent, or null when none was. */
  readonly announce: (entry: Task, force: boolean) => TaskStatus | null;
  /** Put the task's dead-man deadline on the timeline, or take it off. */
  readonly syncOverdue: (entry: Task) => void;
  /** The task was just held: park it, drop its runs not started (scheduler.ts). */
  readonly beginHold: (entry: Task) => void;
  /** stop() began: no auto-hold any more. */
  readonly stopping: () => boolean;
}

export class TaskHealth {
  readonly #ports: TaskHealthPorts;

  constructor(ports: TaskHealthPorts) {
    this.#ports = ports;
  }

  /** A run of `entry` ended as `record` (`sequel`: retried, stopped on purpose, or none): success, slot, alerts. */
  runEnded(entry: Task, record: RunRecord, sequel: 'retried' | 'stopped' | null): void {
    // A slot: a scheduled instant's last attempt; for a task with no instants of its own (on demand,
    // at boot), each run it is triggered for. run-now of a scheduled task is none (engine/alerts.ts).
    const slot = sequel === null && !entry.removed && (record.scheduledAt !== null || entry.triggeredOnly);
    const succeeded = record.status === 'succeeded' && !entry.removed;
    const failuresBefore = entry.failedSlots;
    const watchFromBefore = entry.deadMan.watchFrom;
    const alertBefore = entry.alertState;
    if (succeeded) this.#succeeded(entry, record);
    const autoHeld = slot && this.#slotEnded(entry, record);
    const failed = slot && failedForGood(record.status);
    // A success ends an alerted failure or overdue, if any; with neither alerted it changes and sends
    // nothing (alerts.ts decideAlerts), so nothing is built for it: the common run of a healthy task.
    const endsAlerted = alertBefore.failureAlertedAt !== null || alertBefore.overdueAlertedAt !== null;
    if (failed || (succeeded && endsAlerted)) {
      const before = { failures: failuresBefore, watchFrom: watchFromBefore, alert: alertBefore };
      this.#raiseAlerts(entry, ...alertsOfRunEnd(record, slot, autoHeld, before, entry.failedSlots));
    }
  }

  /** No run of `entry` succeeded within its `expect-success-within`, due at `dueAt`: once, until a success. */
  goOverdue(entry: Task, dueAt: Instant): void {
    if (entry.overdueAt !== dueAt) return;
    entry.deadMan = entry.deadMan.overdue(dueAt);
    const since = entry.deadMan.lastSuccessAt;
    const period = formatDuration(dueAt - entry.deadMan.watchFrom);
    this.#ports.log(
      'warn',
      `${entry.spec.name}: overdue: no run succeeded within ${period} ` +
        (since === null ? '(none since taskkit started)' : `(last success ${new Date(since).toISOString()})`),
    );
    const status = this.#ports.announce(entry, true) ?? taskStatusOf(entry);
    const from = entry.deadMan.watchFrom;
    this.#ports.emitter.emit('overdue', status, from, dueAt);
    this.#raiseAlerts(entry, [{ kind: 'overdue' }], { run: null, failures: entry.failedSlots, overdueSince: from });
  }

  /** A run of `entry` succeeded: the dead-man's period starts again, and an overdue task recovers. */
  #succeeded(entry: Task, record: RunRecord): void {
    // The engine's clock, as the deadline is on it (a run's endedAt is the runner's reading).
    const overdueSince = entry.deadMan.overdueSince;
    entry.deadMan = entry.deadMan.succeeded(this.#ports.clock.now());
    this.#ports.syncOverdue(entry);
    if (overdueSince === null) return;
    this.#ports.log('info', `${entry.spec.name}: recovered: run #${record.id} succeeded (it was overdue)`);
    this.#ports.emitter.emit(
      'recovery',
      this.#ports.announce(entry, true) ?? taskStatusOf(entry),
      record,
      overdueSince,
    );
  }

  /**
   * `record` was the last attempt of a scheduled slot (its instant with all its retries): count a
   * failed slot, reset on a success (a cancel or a skip neither counts nor resets), and hold the task
   * once its failed slots reach `hold-after-failures` (event `auto-hold`). The count changes the
   * task's stored state, so a change is announced. Returns whether it held the task.
   */
  #slotEnded(entry: Task, record: RunRecord): boolean {
    const failed = failedForGood(record.status);
    if (!failed && record.status !== 'succeeded') return false;
    const before = entry.failedSlots;
    const hold = entry.slotEnded(failed);
    if (!hold || this.#ports.stopping()) {
      if (entry.failedSlots !== before) this.#ports.announce(entry, true);
      return false;
    }
    const failures = entry.failedSlots;
    entry.hold(`auto-held after ${failures} consecutive failures`, this.#ports.clock.now(), null);
    this.#ports.beginHold(entry);
    const status = this.#ports.announce(entry, true) ?? taskStatusOf(entry);
    this.#ports.log(
      'warn',
      `${entry.spec.name}: auto-held after ${failures} consecutive failures (last: run #${record.id})`,
    );
    if (this.#ports.emitter.has('auto-hold')) this.#ports.emitter.emit('auto-hold', status, failures, record);
    return true;
  }

  /**
   * Apply `causes` to the task's alert state (engine/alerts.ts) and emit the alerts they send. A changed
   * state is announced first, in the same turn: the store writes it with what an `alert` listener adds.
   */
  #raiseAlerts(entry: Task, causes: readonly AlertCause[], facts: AlertFacts): void {
    const { notify, name } = entry.spec;
    const now = this.#ports.clock.now();
    const before = entry.alertState;
    const events = causes.flatMap((cause) => applyAlerts(entry, notify, cause, now));
    if (entry.alertState !== before) this.#ports.announce(entry, true);
    if (notify === undefined) return;
    for (const event of events) {
      // The notifier's kind only: a URL may hold a password (the daemon logs the delivery, redacted).
      this.#ports.log(
        'info',
        `${name}: alert ${event} (${facts.failures} failed slot(s)) to its ${notify.target.kind} notifier`,
      );
      this.#ports.emitter.emit('alert', buildAlert(event, name, now, notify, facts));
    }
  }
}
