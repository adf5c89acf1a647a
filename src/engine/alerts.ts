/**
 * The alert rules of `notify:` (DESIGN.md "Alerts and health"; issue 16.1): which alerts a task's
 * notifier is sent, decided on the engine's clock; the daemon delivers them. Pure rules
 * (decideAlerts) and the task's alert state that they change (TaskAlerts, held by TaskEntry and
 * stored with the task's state, so that a restart neither repeats an alert nor forgets one).
 *
 * - A *slot* is one scheduled instant with all its retries (TaskEntry.failedSlots counts the
 *   failed ones in a row). A task with no instants of its own (on demand, at boot) has a slot for
 *   each run it is triggered for (run-now, a dependency): else its failures could never alert.
 *   run-now of a scheduled task is no slot: its failure neither counts nor alerts, as for
 *   hold-after-failures; its success ends an overdue period.
 * - `failure`: once `after` consecutive slots failed; then, while slots still fail, again at the
 *   first failed slot whose instant is at least `repeat` after that of the last one sent (never
 *   without `repeat`). The state keeps that slot's instant (failureAlertedAt).
 * - `recovery`: at the success that ends an alerted condition: a slot that succeeds after a sent
 *   `failure`, any run that succeeds after a sent `overdue`. Only a sent alert is recovered from:
 *   an event left out of `on` changes nothing, so `on: [recovery]` alone sends nothing.
 * - `overdue`: once per overdue period (no success since), however often the engine goes overdue
 *   in it (a restart starts the dead-man's watch again).
 * - `auto-hold`: when hold-after-failures holds the task (once: a held task has no slots).
 * - A resume restarts the count of failed slots, not the alert: the failure sent stays sent until
 *   a slot succeeds (recovery), so a task resumed and failing again is not alerted again (but repeated).
 */
import type { AlertEvent, NotifySpec } from '../config/types.js';
import type { Instant } from '../schedule/types.js';
import type { Alert } from './events.js';
import type { RunRecord } from './run.js';
import type { AlertState } from './task-state.js';

export type { AlertState } from './task-state.js';

export const NO_ALERTS: AlertState = Object.freeze({ failureAlertedAt: null, overdueAlertedAt: null });

/** What happened to a task, as the rules see it. */
export type AlertCause =
  /** The slot of instant `slotAt` failed for good; `failures`: the consecutive failed slots now. */
  | { readonly kind: 'slot-failed'; readonly failures: number; readonly slotAt: Instant }
  /** A run succeeded; `slot`: it was a slot's (so the failing slots end). Any success ends an overdue period. */
  | { readonly kind: 'succeeded'; readonly slot: boolean }
  | { readonly kind: 'overdue' }
  | { readonly kind: 'auto-hold' };

export interface AlertDecision {
  readonly state: AlertState;
  /** The events to send now, in order. */
  readonly send: readonly AlertEvent[];
}

/** The rules above: the task's alert state after `cause`, and what to send (none without `notify`). */
export function decideAlerts(
  state: AlertState,
  notify: NotifySpec | undefined,
  cause: AlertCause,
  now: Instant,
): AlertDecision {
  const wants = (event: AlertEvent): boolean => notify?.on.includes(event) ?? false;
  switch (cause.kind) {
    case 'slot-failed': {
      if (notify === undefined || !wants('failure')) return { state, send: [] };
      // `repeat` counts between slot instants, not run ends: an hourly task with `repeat: 1h` is
      // re-alerted every hour however long each of its runs took.
      const last = state.failureAlertedAt;
      const due =
        last === null
          ? cause.failures >= notify.after
          : notify.repeatMs !== null && cause.slotAt - last >= notify.repeatMs;
      return due ? { state: { ...state, failureAlertedAt: cause.slotAt }, send: ['failure'] } : { state, send: [] };
    }
    case 'succeeded': {
      const endsFailure = cause.slot && state.failureAlertedAt !== null;
      const endsOverdue = state.overdueAlertedAt !== null;
      if (!endsFailure && !endsOverdue) return { state, send: [] };
      return {
        state: { failureAlertedAt: cause.slot ? null : state.failureAlertedAt, overdueAlertedAt: null },
        send: wants('recovery') ? ['recovery'] : [],
      };
    }
    case 'overdue':
      if (state.overdueAlertedAt !== null || !wants('overdue')) return { state, send: [] };
      return { state: { ...state, overdueAlertedAt: now }, send: ['overdue'] };
    case 'auto-hold':
      return { state, send: wants('auto-hold') ? ['auto-hold'] : [] };
  }
}

/**
 * Apply `cause` to a task's alert state (TaskEntry's `alertState`, a field of the entry rather than an
 * object of its own: 100,000 tasks, 3 MB); returns what to send (the state may change with nothing to
 * send: a recovery left out of `on`).
 */
export function applyAlerts(
  task: { alertState: AlertState },
  notify: NotifySpec | undefined,
  cause: AlertCause,
  now: Instant,
): readonly AlertEvent[] {
  const decision = decideAlerts(task.alertState, notify, cause, now);
  task.alertState = decision.state;
  return decision.send;
}

/** The facts of the alerts one moment raises (engine-loop.ts); see Alert in events.ts. */
export interface AlertFacts {
  /** The failed slot's last attempt (failure, auto-hold), the run that succeeded (recovery); null for overdue. */
  readonly run: RunRecord | null;
  /** Consecutive failed slots: now (failure, auto-hold, overdue), those the success ended (recovery). */
  readonly failures: number;
  /** Since when no run succeeded (overdue, and a recovery from an overdue period); absent otherwise. */
  readonly overdueSince?: Instant;
}

/**
 * The causes and facts of a run's end (engine-loop.ts): a success, or a slot's failure (and the
 * auto-hold it caused). `before`: the task before the run ended; `failures`: its failed slots now.
 */
export function alertsOfRunEnd(
  run: RunRecord,
  slot: boolean,
  autoHeld: boolean,
  before: { readonly failures: number; readonly watchFrom: Instant; readonly alert: AlertState },
  failures: number,
): [readonly AlertCause[], AlertFacts] {
  if (run.status === 'succeeded') {
    const overdue = before.alert.overdueAlertedAt === null ? {} : { overdueSince: before.watchFrom };
    return [[{ kind: 'succeeded', slot }], { run, failures: slot ? before.failures : 0, ...overdue }];
  }
  const causes: AlertCause[] = [{ kind: 'slot-failed', failures, slotAt: run.scheduledAt ?? run.createdAt }];
  if (autoHeld) causes.push({ kind: 'auto-hold' });
  return [causes, { run, failures }];
}

/** The Alert of `event` for `task`, as the `alert` event hands it out. */
export function buildAlert(event: AlertEvent, task: string, at: Instant, notify: NotifySpec, facts: AlertFacts): Alert {
  return {
    event,
    task,
    at,
    notify,
    run: facts.run,
    failures: facts.failures,
    ...(facts.overdueSince === undefined ? {} : { overdueSince: facts.overdueSince }),
  };
}
