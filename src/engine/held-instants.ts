/**
 * A held task's instants (issue 16.7, DESIGN.md "Alerts and health": every instant that did not run
 * says why in `history`). While a task is held it is off the timeline (EngineLoop.setNext parks it),
 * so a held instant costs no wake and no event. The instants that pass are counted, when something
 * needs the count, into ONE skipped record of reason `held` per hold: when the hold ends (resume,
 * `hold --for/--until`, a reload), when the task is removed or rescheduled, when the engine stops,
 * and when asked (Scheduler.settleHeld: `history`, `show`). Each count emits `run-skipped` again with
 * the same record id, its count and its last instant: the store updates one row. An every-second
 * task held for a day is one row with count 86,400, counted by arithmetic (task-instants.ts).
 */
import { countTaskInstants } from '../schedule/task-instants.js';
import type { Instant } from '../schedule/types.js';
import type { Task } from './active-run.js';
import type { Emitter } from './emitter.js';
import { createRunRecord, markSkipped } from './run-record.js';
import type { RunRecord } from './run.js';

interface HeldSpan {
  /** Instants after this (and after the task's last instant dealt with) are counted. */
  readonly since: Instant;
  /** The hold's record, once it has an instant; replaced at each count. */
  record: RunRecord | null;
  /** The hold's note when last seen (the record's words). */
  note: string | null;
}

export class HeldInstants {
  readonly #spans = new Map<Task, HeldSpan>();
  readonly #emitter: Emitter;
  readonly #nextRunId: () => number;

  constructor(emitter: Emitter, nextRunId: () => number) {
    this.#emitter = emitter;
    this.#nextRunId = nextRunId;
  }

  /**
   * `entry` is held from `now` on; the instants after its last one dealt with count as held (after
   * a restart, those that passed while the daemon was down too). A span already open goes on.
   */
  begin(entry: Task, now: Instant, note: string | null = entry.currentHold?.note ?? null): void {
    if (this.#spans.has(entry)) return;
    this.#spans.set(entry, { since: entry.lastScheduledAt ?? now, record: null, note });
  }

  /** Whether `entry` has a span open. */
  has(entry: Task): boolean {
    return this.#spans.has(entry);
  }

  /**
   * Count the instants up to `upTo` into the hold's record; they are dealt with (a restart or a
   * resume never counts or runs them again). Emits `run-skipped` when the record changed.
   */
  settle(entry: Task, upTo: Instant, now: Instant): void {
    const span = this.#spans.get(entry);
    if (span === undefined || !entry.hasBudget()) return;
    if (entry.currentHold !== null) span.note = entry.currentHold.note;
    const counted = countTaskInstants(entry, span.since, upTo);
    if (counted.last === null) return;
    entry.dealtWith(counted.last);
    const previous = span.record;
    const record =
      previous ??
      createRunRecord({
        id: this.#nextRunId(),
        task: entry.spec.name,
        trigger: 'schedule',
        scheduledAt: counted.first,
        attempt: 1,
        createdAt: now,
      });
    span.record = markSkipped(record, now, span.note === null ? 'held' : `held (${span.note})`, {
      reason: 'held',
      count: (previous?.skip?.count ?? 0) + counted.count,
      more: (previous?.skip?.more ?? false) || counted.more,
      lastAt: counted.last,
    });
    this.#emitter.emit('run-skipped', span.record);
  }

  /** The hold ended (or the task goes): count up to `upTo`, and the span is closed. */
  end(entry: Task, upTo: Instant, now: Instant): void {
    this.settle(entry, upTo, now);
    this.#spans.delete(entry);
  }

  /** Count every open span up to `now` (a `history` asks, the engine stops). */
  settleAll(now: Instant): void {
    for (const entry of this.#spans.keys()) this.settle(entry, now, now);
  }

  /**
   * A parked task's next instant moves on only when read (`list`, `show`, `next`): without a wake
   * per held instant, what the entry last knew may have passed.
   */
  refreshNext(entry: Task, now: Instant): void {
    if (!entry.held || entry.nextAt === null || entry.nextAt > now) return;
    entry.setNextAt(entry.computeNext(now));
  }
}
