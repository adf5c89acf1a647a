/**
 * What a wake does to tasks (DESIGN.md "Schedule semantics"): fire due instants once, hand missed
 * ones to `catch-up`, and react to wall-clock steps. Called by the Scheduler with its context.
 */
import type { Instant } from '../schedule/types.js';
import type { Emitter } from './emitter.js';
import { planFire } from './fire-plan.js';
import { describeMissed, selectCatchUpRuns, type MissedInstants } from './policies/catch-up.js';
import type { LogFunction } from './ports.js';
import type { RunFlow } from './run-flow.js';
import type { TaskEntry } from './task-entry.js';
import type { Timeline } from './timeline.js';

export interface WakeContext {
  readonly flow: RunFlow;
  readonly timeline: Timeline;
  readonly emitter: Emitter;
  readonly log: LogFunction;
  tasks(): Iterable<TaskEntry>;
  setNext(entry: TaskEntry, next: Instant | null): void;
  announce(entry: TaskEntry): void;
}

/** Fire `entry`, due at `due`: once if merely late, its missed instants to catch-up, then its next instant. */
export function fireTask(context: WakeContext, entry: TaskEntry, due: Instant, now: Instant, lateBefore: Instant): void {
  const plan = planFire((after) => entry.scheduleNext(after), due, now, lateBefore);
  const schedule = entry.schedule;
  entry.lastScheduledAt = plan.latest;
  if (!entry.held) {
    if (plan.scheduled !== null && entry.hasBudget()) context.flow.trigger(entry, 'schedule', plan.scheduled, { jitter: true });
    applyCatchUp(context, entry, plan.missed);
  }
  // A run started above may already have rescheduled (setPeriod) or removed its task.
  if (entry.removed || entry.schedule !== schedule) return;
  context.setNext(entry, entry.hasBudget() ? plan.upcoming : null);
  context.announce(entry);
}

/** Apply `catch-up` to missed instants: one skipped record (skip), one run (once), each in turn (all). */
export function applyCatchUp(context: WakeContext, entry: TaskEntry, missed: MissedInstants): void {
  const latest = missed.latest[missed.latest.length - 1];
  if (latest === undefined) return;
  const policy = entry.spec.catchUp;
  if (policy === 'skip') {
    context.flow.recordSkip(entry, 'catch-up', latest, describeMissed(policy, missed, 0));
    return;
  }
  const budget = entry.budget();
  const chosen = budget === 0 ? [] : selectCatchUpRuns(policy, missed).slice(-budget);
  for (const at of chosen) context.flow.trigger(entry, 'catch-up', at, { serial: policy === 'all' });
  if (chosen.length < missed.latest.length || missed.more) {
    context.log('info', `${entry.spec.name}: ${describeMissed(policy, missed, chosen.length)}`);
  }
}

/**
 * A wall-clock step of `jumpMs`. Jitter and retry waits keep their remaining time (they are
 * durations). After a step back, next instants recompute from the new time but never come before
 * the last instant dealt with, so nothing runs twice. A rare event: whole passes are fine here.
 */
export function handleClockJump(context: WakeContext, now: Instant, jumpMs: number): void {
  context.emitter.emit('clock-jump', jumpMs);
  const delayed = context.timeline.nodes().filter((node) => node.kind === 'delay');
  for (const node of delayed) context.timeline.set(node, node.at + jumpMs);
  if (jumpMs > 0) return;
  for (const entry of context.tasks()) {
    if (entry.nextAt === null) continue;
    context.setNext(entry, entry.computeNext(Math.max(now, entry.lastScheduledAt ?? -Infinity)));
    context.announce(entry);
  }
}
