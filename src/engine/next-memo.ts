/**
 * One remembered next-instant answer of a task (TaskEntry.scheduleNextRemembered), with what it
 * depended on: a fire's fast path (engine/fast-fire.ts) reads what the previous fire's booking
 * computed, and that fire's plan reads it again, so the schedule is asked once per fire.
 */
import type { TaskSpec } from '../config/types.js';
import type { Instant, Schedule } from '../schedule/types.js';

export class NextInstantMemo {
  #after: Instant = NaN;
  #next: Instant | null = null;
  #schedule: Schedule | null = null;
  #spec: TaskSpec | null = null;
  #last: Instant | null = null;

  /** The answer for `after`, when it was asked last and nothing it depends on changed since; else undefined. */
  recall(after: Instant, schedule: Schedule, spec: TaskSpec, last: Instant | null): Instant | null | undefined {
    return after === this.#after && schedule === this.#schedule && spec === this.#spec && last === this.#last
      ? this.#next
      : undefined;
  }

  remember(after: Instant, next: Instant | null, schedule: Schedule, spec: TaskSpec, last: Instant | null): void {
    this.#after = after;
    this.#next = next;
    this.#schedule = schedule;
    this.#spec = spec;
    this.#last = last;
  }
}
