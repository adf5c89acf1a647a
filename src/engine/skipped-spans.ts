/**
 * Instants that pass without a wake, counted into ONE skipped record per span (DESIGN.md "Alerts and
 * health": every instant that did not run says why in `history`). Two kinds of span:
 * - `held` (issue 16.7): while a task is held it is off the timeline (EngineLoop.setNext parks it),
 *   so a held instant costs no wake. A span per hold: it ends when the hold does (resume,
 *   `hold --for/--until`, a reload), when the task is removed or rescheduled.
 * - `calendar` (issue 17.2, excluded-instants.ts): opened at the wake on the first instant of a run
 *   of dates `except:` excludes; the task's next wake is its first instant after those dates. It ends
 *   at that wake, when the task is held, removed or rescheduled, or a reload changes its calendars.
 * Only instants up to now are counted (and so dealt with): when a span ends, at stop, and when asked
 * (Scheduler.settleSpans: `history`, `show`). Each count emits `run-skipped` again with the same
 * record id, its count and its last instant: the store updates one row. An every-second task held
 * (or on holiday) for a day is one row with count 86,400, counted by arithmetic (task-instants.ts).
 */
import { countTaskInstants, type TaskTiming } from '../schedule/task-instants.js';
import type { Instant } from '../schedule/types.js';
import type { Task } from './active-run.js';
import type { Emitter } from './emitter.js';
import { createRunRecord, markSkipped } from './run-record.js';
import type { RunRecord } from './run.js';

interface SkippedSpan {
  readonly reason: 'held' | 'calendar';
  /** Instants after this (and after the task's last instant dealt with) are counted. */
  readonly since: Instant;
  /** Instants at or after this are not the span's (a calendar span: the end of its dates). */
  readonly before: Instant;
  /** The span's record, once it has an instant; replaced at each count. */
  record: RunRecord | null;
  /** The hold's note when last seen, or the calendar's name (the record's words). */
  note: string | null;
}

export class SkippedSpans {
  readonly #spans = new Map<Task, SkippedSpan>();
  readonly #emitter: Emitter;
  readonly #nextRunId: () => number;

  constructor(emitter: Emitter, nextRunId: () => number) {
    this.#emitter = emitter;
    this.#nextRunId = nextRunId;
  }

  /**
   * `entry` is held from `now` on; the instants after its last one dealt with count as held (after
   * a restart, those that passed while the daemon was down too). A held span already open goes on;
   * a calendar span ends (held instants are the task's instants with its calendars).
   */
  begin(entry: Task, now: Instant, note: string | null = entry.currentHold?.note ?? null): void {
    if (this.#spans.get(entry)?.reason === 'held') return;
    this.endExcluded(entry, now, now);
    this.#spans.set(entry, {
      reason: 'held',
      since: entry.lastScheduledAt ?? now,
      before: Infinity,
      record: null,
      note,
    });
  }

  /**
   * The wake on `due`, the first instant of dates calendar `calendar` excludes until `before`: its
   * span opens, counting from `due` up to now (a span already open ends first).
   */
  beginExcluded(entry: Task, due: Instant, before: Instant, calendar: string, now: Instant): void {
    this.end(entry, due - 1, now);
    this.#spans.set(entry, { reason: 'calendar', since: due - 1, before, record: null, note: calendar });
    this.settle(entry, now, now);
  }

  /** Whether `entry` has a span open. */
  has(entry: Task): boolean {
    return this.#spans.has(entry);
  }

  /** The end of the dates of `entry`'s calendar span (its next wake is its first instant from then), or null. */
  excludedBefore(entry: Task): Instant | null {
    const span = this.#spans.get(entry);
    return span?.reason === 'calendar' ? span.before : null;
  }

  /** The calendar of `entry`'s calendar span, or null. */
  excludedBy(entry: Task): string | null {
    const span = this.#spans.get(entry);
    return span?.reason === 'calendar' ? span.note : null;
  }

  /**
   * Count the instants up to `upTo` (and before the span's end) into the span's record; they are
   * dealt with (a restart or a resume never counts or runs them again). Emits `run-skipped` when the
   * record changed.
   */
  settle(entry: Task, upTo: Instant, now: Instant): void {
    const span = this.#spans.get(entry);
    if (span === undefined || !entry.hasBudget()) return;
    if (span.reason === 'held' && entry.currentHold !== null) span.note = entry.currentHold.note;
    // Held instants are those that would have run (with calendars); excluded ones, those of the dates.
    const timing: TaskTiming = span.reason === 'held' ? entry : entry.withoutCalendars;
    const counted = countTaskInstants(timing, span.since, Math.min(upTo, span.before - 1));
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
    span.record = markSkipped(record, now, describeSpan(span), {
      reason: span.reason,
      count: (previous?.skip?.count ?? 0) + counted.count,
      more: (previous?.skip?.more ?? false) || counted.more,
      lastAt: counted.last,
    });
    this.#emitter.emit('run-skipped', span.record);
  }

  /** The span ends (hold over, task gone, dates over): count up to `upTo`, and the span is closed. */
  end(entry: Task, upTo: Instant, now: Instant): void {
    this.settle(entry, upTo, now);
    this.#spans.delete(entry);
  }

  /** End `entry`'s held span, if it has one (a calendar span goes on). */
  endHeld(entry: Task, upTo: Instant, now: Instant): void {
    if (this.#spans.get(entry)?.reason === 'held') this.end(entry, upTo, now);
  }

  /** End `entry`'s calendar span, if it has one (a held span goes on). */
  endExcluded(entry: Task, upTo: Instant, now: Instant): void {
    if (this.#spans.get(entry)?.reason === 'calendar') this.end(entry, upTo, now);
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

function describeSpan(span: SkippedSpan): string {
  if (span.reason === 'calendar') return `excluded by calendar "${span.note ?? ''}"`;
  return span.note === null ? 'held' : `held (${span.note})`;
}
