/**
 * The `reload-plan` method's result (`taskkit reload --dry-run`, `validate --against-daemon`): what
 * a reload of a tasks file would add, change and remove, and what becomes of the runs going on,
 * as the daemon's reload semantics decide (daemon/reload-plan.ts computes it; nothing is applied).
 */

/** One key whose value would change, in tasks-file syntax (config/definition-diff.ts); secrets read "(secret)". */
export interface KeyChangeView {
  /** As written in the file: `timeout`, `retry.attempts`, `env.TOKEN`; `schedule` for every/daily/cron/at/rrule. */
  readonly key: string;
  /** null: not set. Equal to `after` only for a secret whose value changed. */
  readonly before: string | null;
  readonly after: string | null;
}

/** A setting that would change; `needsRestart`: a reload leaves it as it is (socket, state-dir, max-concurrent). */
export interface SettingChangeView extends KeyChangeView {
  readonly needsRestart: boolean;
}

/** A run going now that the reload meets. */
export interface PlannedRunView {
  readonly id: number;
  /** ISO 8601; null for a run still being claimed. */
  readonly startedAt: string | null;
}

/**
 * What a reload does to one task:
 * - `add`: a task new to the daemon (one that comes back finds its saved hold and instants, as at a restart);
 * - `change`: its definition in the file differs (or only its `notify:` or calendars: `redefined` false);
 * - `remove`: no longer in the file.
 */
export interface TaskPlanView {
  readonly name: string;
  readonly change: 'add' | 'change' | 'remove';
  /** In words as `list` says it: the new schedule (add, change), the old one (remove). */
  readonly schedule: string;
  /** change: the keys whose values differ, in the key table's order; [] for add and remove. */
  readonly keys: readonly KeyChangeView[];
  /**
   * change: true when the definition changed (the task's next instant is computed again unless its
   * timing is the same; a run-time reschedule is dropped); false when only `notify:` or the dates
   * of its calendars changed: they are swapped in and the task keeps all its state.
   */
  readonly redefined: boolean;
  /**
   * Runs going now. change: each goes on to its end with the definition it started with (a retry after
   * it follows the new one); remove: each goes on to its end as an orphan (`taskkit cancel NAME`
   * stops it); add: runs of a removed task of that name that go on, adopted (its `overlap` counts them).
   */
  readonly running: readonly PlannedRunView[];
  /**
   * Runs waiting (overlap queue, jitter, a slot, a group's place, a retry's delay). remove: dropped,
   * recorded as cancelled; change: kept, and they start with the new definition (a `hold: true` the
   * file adds drops the scheduled ones: see `hold`).
   */
  readonly waiting: number;
  /** change (redefined): the run-time reschedule in force, in words, that the reload drops; else null. */
  readonly droppedReschedule: string | null;
  /**
   * change: `begins` (the file adds `hold: true`: the task is held, its scheduled runs not started are
   * dropped), `ends` (the file drops `hold: true` and the task is held: the hold ends), `kept` (the
   * task is held and the file's `hold:` is as it was: the hold stays); null: not held before or after.
   */
  readonly hold: 'begins' | 'ends' | 'kept' | null;
}

export interface ReloadPlanView {
  /** The tasks file the plan read. */
  readonly configPath: string;
  /** The file the daemon runs (a reload reads that one); another for `validate --against-daemon FILE`. */
  readonly daemonConfigPath: string;
  /** Removed tasks first (in the daemon's order), then added and changed ones in the file's order. */
  readonly tasks: readonly TaskPlanView[];
  readonly settings: readonly SettingChangeView[];
  /** Tasks in both with nothing changed. */
  readonly unchanged: number;
}
