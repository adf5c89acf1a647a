/**
 * A task's hold as one value (TaskKit's disableTask; `hold`, `hold --for/--until`, `hold: true`,
 * `hold-after-failures`): why, since when, until when. TaskEntry keeps it and changes it only through
 * `nextHold`, so that a second hold never restarts the first one's span (its held instants count from `at`).
 */
import type { Instant } from '../schedule/types.js';

/** A hold: why, since when, and until when (null: until resume). */
export interface TaskHold {
  readonly note: string | null;
  readonly at: Instant;
  readonly until: Instant | null;
}

/**
 * The hold after holding from `at`: a new one on a task not held; on a held task only the note (when
 * given) and `until` (when given) change, and it keeps its start.
 */
export function nextHold(
  current: TaskHold | null,
  note: string | null | undefined,
  at: Instant,
  until: Instant | null | undefined,
): TaskHold {
  if (current === null) return { note: note ?? null, at, until: until ?? null };
  if (note === undefined && until === undefined) return current;
  return {
    note: note === undefined ? current.note : note,
    at: current.at,
    until: until === undefined ? current.until : until,
  };
}
