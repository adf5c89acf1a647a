/**
 * Lint (issue 18.5): what is valid but almost surely not what was meant, as warnings with the
 * position of the key or value at fault. `validate` prints them and exits 0 (`--strict`: 2), `start`
 * prints them, the daemon logs them at start and reload. Unlike validation, lint reads a clock: an
 * `at` in the past is fine in the file and useless now; so `now` is given by the caller (the CLI
 * and the daemon's loader: the system clock; tests: a fixed instant) and lint runs only when it is.
 * One rule per file of this folder, each with its code (config/issues.ts).
 */
import { createCollector, type IssueCollector } from '../collector.js';
import type { ConfigIssue } from '../issues.js';
import type { PositionLookup } from '../positions.js';
import type { ReferenceEntry } from '../references.js';
import type { TaskSpec } from '../types.js';
import type { Instant } from '../../schedule/types.js';
import { transitionsBetween, type Transition } from '../../schedule/zoned.js';
import { lintClusterOverlap } from './cluster-overlap.js';
import type { LintRule, LintSubject } from './context.js';
import { lintDstShift } from './dst-shift.js';
import { lintNeverStarts } from './never-starts.js';
import { lintNoEffect } from './no-effect.js';
import { lintPastInstants } from './past.js';
import { lintPileUp } from './pile-up.js';
import { lintRetryOverlap } from './retry-overlap.js';
import { lintScopeNoEffect } from './scope-no-effect.js';

// How far ahead a zone's offset changes are looked for (dst-shift.ts): a year covers both of DST's.
const OFFSET_CHANGES_AHEAD_MS = 366 * 86_400_000;

const RULES: readonly LintRule[] = [
  lintPastInstants,
  lintNeverStarts,
  lintNoEffect,
  lintPileUp,
  lintRetryOverlap,
  lintDstShift,
  lintScopeNoEffect,
  lintClusterOverlap,
];

/** One valid task to lint, with what was written for it and where. */
export interface LintEntry {
  readonly task: TaskSpec;
  readonly written: Readonly<Record<string, unknown>>;
  readonly positions?: PositionLookup | undefined;
}

/** The warnings of every rule for `entries`, at `now`; `references` are the file's (who triggers whom). */
export function lintTasks(
  entries: readonly LintEntry[],
  options: {
    readonly file: string;
    readonly now: Instant;
    readonly references: readonly ReferenceEntry[];
    /** The file sets `settings.cluster`; default false. */
    readonly cluster?: boolean;
  },
): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const { now } = options;
  const cluster = options.cluster === true;
  const triggered = triggeredTasks(options.references);
  const changes = new Map<string, readonly Transition[]>();
  const offsetChanges = (timezone: string): readonly Transition[] => {
    let found = changes.get(timezone);
    if (found === undefined)
      changes.set(timezone, (found = transitionsBetween(now, now + OFFSET_CHANGES_AHEAD_MS, timezone)));
    return found;
  };
  // One subject and one collector for all the tasks, pointed at each in turn (rules keep nothing):
  // a collector, its closures and a subject per task were ~50 MB of garbage at 100,000 tasks, a
  // tenth of the load's peak memory; a task's own collector is made only when a rule warns.
  let entry = entries[0];
  const collectorOf = (current: LintEntry): IssueCollector =>
    createCollector({
      file: options.file,
      task: current.task.name,
      prefix: ['tasks', current.task.name],
      positions: current.positions,
      issues,
    });
  let errorCount = 0;
  const c: IssueCollector = {
    issues,
    add: (...issue) => {
      if (entry !== undefined) collectorOf(entry).add(...issue);
      errorCount++;
    },
    warn: (...issue) => {
      if (entry !== undefined) collectorOf(entry).warn(...issue);
    },
    get errorCount() {
      return errorCount;
    },
  };
  const subject: Mutable<LintSubject> = {
    c,
    task: NO_TASK,
    written: {},
    now,
    triggered: false,
    cluster,
    offsetChanges,
  };
  for (entry of entries) {
    subject.task = entry.task;
    subject.written = entry.written;
    subject.triggered = triggered.has(entry.task.name);
    for (const rule of RULES) rule(subject);
  }
  return issues;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
// Only until the first entry is in the subject: lintTasks of no entries runs no rule.
const NO_TASK = undefined as unknown as TaskSpec;

/** Tasks another task can start: named by its on-success or on-failure, or naming it in after or after-all. */
function triggeredTasks(references: readonly ReferenceEntry[]): Set<string> {
  const triggered = new Set<string>();
  for (const entry of references) {
    for (const reference of entry.references) {
      if (reference.target === entry.name) continue;
      triggered.add(reference.key === 'after' || reference.key === 'after-all' ? entry.name : reference.target);
    }
  }
  return triggered;
}
