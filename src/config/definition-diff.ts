/**
 * Which keys of a task differ between two loads of the tasks file, named as the file names them,
 * with their values in tasks-file syntax: what `reload --dry-run` and `validate --against-daemon`
 * print. Pure. Secret env values never appear (SECRET_SHOWN, as `show` prints them).
 */
import { formatDuration } from '../schedule/duration.js';
import { describeSchedule } from '../schedule/describe.js';
import { wallWord } from '../schedule/rrule-word-parts.js';
import type { Instant, ScheduleSpec } from '../schedule/types.js';
import { toWall } from '../schedule/zoned.js';
import { sameJsonValue } from './definition.js';
import { describeNotifyTarget } from './notify.js';
import type { NotifySpec, TaskAction, TaskSpec } from './types.js';

/** What a secret env value reads as (control/secret-env.ts SECRET_PLACEHOLDER; a test keeps them equal). */
export const SECRET_SHOWN = '(secret)';

/** One key whose value differs. Both values equal (SECRET_SHOWN twice): a secret changed. */
export interface KeyChange {
  /** As written in the file: `timeout`, `retry.attempts`, `env.TOKEN`; `schedule` stands for every/daily/cron/... */
  readonly key: string;
  /** In tasks-file syntax; null: not set. */
  readonly before: string | null;
  readonly after: string | null;
}

type Render = (spec: TaskSpec) => string | null;

const duration = (ms: number | null | undefined): string | null => (ms == null ? null : formatDuration(ms));
const names = (list: readonly string[] | undefined): string | null =>
  list === undefined || list.length === 0 ? null : list.join(', ');
const actionOf =
  <K extends TaskAction['kind']>(kind: K, render: (action: Extract<TaskAction, { kind: K }>) => string): Render =>
  (spec) =>
    spec.action.kind === kind ? render(spec.action as Extract<TaskAction, { kind: K }>) : null;

/**
 * Every field of TaskSpec but `name`, `source` (where it sits), `env` and `secretEnv` (per variable,
 * below), in the order of the key table. A field missing here is still compared (FALLBACK).
 */
const KEYS: readonly (readonly [keyof TaskSpec, string, Render])[] = [
  ['schedule', 'schedule', (spec) => describeScheduleFully(spec.schedule, spec.timezone)],
  ['action', 'run', actionOf('shell', (action) => action.script)],
  ['action', 'shell', actionOf('shell', (action) => action.shell)],
  ['action', 'command', actionOf('argv', (action) => JSON.stringify(action.argv))],
  ['action', 'module', actionOf('module', (action) => action.path)],
  ['action', 'export', actionOf('module', (action) => action.exportName)],
  ['action', 'args', actionOf('module', (action) => JSON.stringify(action.args) ?? 'null')],
  ['action', 'function', actionOf('function', (action) => String(action.fn))],
  ['description', 'description', (spec) => (spec.description === '' ? null : spec.description)],
  ['timezone', 'timezone', (spec) => spec.timezone],
  ['cwd', 'cwd', (spec) => spec.cwd],
  ['envFile', 'env-file', (spec) => spec.envFile],
  ['timeoutMs', 'timeout', (spec) => duration(spec.timeoutMs)],
  ['killAfterMs', 'kill-after', (spec) => duration(spec.killAfterMs)],
  ['overlap', 'overlap', (spec) => spec.overlap],
  ['retry', 'retry.attempts', (spec) => String(spec.retry.attempts)],
  ['retry', 'retry.delay', (spec) => duration(spec.retry.delayMs)],
  ['retry', 'retry.backoff', (spec) => String(spec.retry.backoff)],
  ['retry', 'retry.max-delay', (spec) => duration(spec.retry.maxDelayMs)],
  ['retry', 'retry.interrupted', (spec) => String(spec.retry.interrupted === true)],
  ['jitterMs', 'jitter', (spec) => duration(spec.jitterMs)],
  ['catchUp', 'catch-up', (spec) => spec.catchUp],
  ['deadlineMs', 'deadline', (spec) => duration(spec.deadlineMs)],
  ['expectSuccessWithinMs', 'expect-success-within', (spec) => duration(spec.expectSuccessWithinMs)],
  ['hold', 'hold', (spec) => String(spec.hold)],
  ['holdAfterFailures', 'hold-after-failures', (spec) => spec.holdAfterFailures?.toString() ?? null],
  ['notify', 'notify', (spec) => describeNotify(spec.notify)],
  ['group', 'group', (spec) => spec.group ?? null],
  ['maxRuns', 'max-runs', (spec) => spec.maxRuns?.toString() ?? null],
  ['until', 'until', (spec) => instant(spec.until, spec.timezone)],
  ['except', 'except', (spec) => describeExcept(spec)],
  ['after', 'after', (spec) => names(spec.after)],
  ['afterAll', 'after-all', (spec) => names(spec.afterAll)],
  ['onSuccess', 'on-success', (spec) => names(spec.onSuccess)],
  ['onFailure', 'on-failure', (spec) => names(spec.onFailure)],
  ['history', 'history.keep', (spec) => String(spec.history.keep)],
  ['history', 'history.output-limit', (spec) => formatByteSize(spec.history.outputLimitBytes)],
  ['scope', 'scope', (spec) => spec.scope ?? null],
];

const NOT_COMPARED: ReadonlySet<keyof TaskSpec> = new Set(['name', 'source', 'env', 'secretEnv']);

/** The fields KEYS renders (a test checks that every field of a TaskSpec is one of these or NOT_COMPARED). */
export const DIFFED_FIELDS: ReadonlySet<string> = new Set([...KEYS.map(([field]) => field), ...NOT_COMPARED]);

/**
 * The keys whose values differ, in the key table's order (`env.NAME` after `cwd`). Empty when the
 * two define the same task, tell the same notifier and skip the same dates.
 */
export function diffTaskSpecs(before: TaskSpec, after: TaskSpec): KeyChange[] {
  const changes: KeyChange[] = [];
  for (const [field, key, render] of KEYS) {
    const [a, b] = [render(before), render(after)];
    if (a !== b) changes.push({ key, before: a, after: b });
    else if (WORDS_MAY_HIDE.has(field) && differs(before[field], after[field]))
      changes.push({ key, before: a, after: `${b ?? '(none)'} ${CHANGED_UNDER_SAME_WORDS}` });
    if (key === 'cwd') changes.push(...diffEnv(before, after));
  }
  for (const field of Object.keys({ ...before, ...after }) as (keyof TaskSpec)[]) {
    if (DIFFED_FIELDS.has(field) || !differs(before[field], after[field])) continue;
    changes.push({ key: field, before: toJson(before[field]), after: toJson(after[field]) });
  }
  return changes;
}

/**
 * Fields whose words can be equal while the values differ (an `every` anchored in a new zone, a
 * URL's new password, a calendar's new dates under the same count): then the new side says so.
 */
const WORDS_MAY_HIDE: ReadonlySet<keyof TaskSpec> = new Set(['schedule', 'notify', 'except']);
export const CHANGED_UNDER_SAME_WORDS = '(changed)';

/** `env.NAME` per variable set, unset or changed; a secret side reads SECRET_SHOWN. */
function diffEnv(before: TaskSpec, after: TaskSpec): KeyChange[] {
  const changes: KeyChange[] = [];
  const variables = [...new Set([...Object.keys(before.env), ...Object.keys(after.env)])].sort();
  const shown = (spec: TaskSpec, name: string): string | null => {
    const value = spec.env[name];
    if (value === undefined) return null;
    return spec.secretEnv.includes(name) ? SECRET_SHOWN : value;
  };
  for (const name of variables) {
    const a = shown(before, name);
    const b = shown(after, name);
    const secretChanged = a === SECRET_SHOWN && b === SECRET_SHOWN && before.env[name] !== after.env[name];
    if (a !== b || secretChanged) changes.push({ key: `env.${name}`, before: a, after: b });
  }
  return changes;
}

/** As `list` says it, but every `at` instant (not "+2 more") and an rrule as written. */
function describeScheduleFully(schedule: ScheduleSpec, tz: string): string {
  if (schedule.kind === 'at') return `at ${schedule.instants.map((at) => instant(at, tz)).join(', ')}`;
  if (schedule.kind === 'rrule') {
    const start = schedule.startGiven ? ` from ${wallWord(schedule.start)}` : '';
    return `rrule ${schedule.rule}${start}`;
  }
  return describeSchedule(schedule, tz, tz);
}

/** "url https://***@hooks.example/x on failure, recovery": as `show` has it, never a URL's password. */
function describeNotify(notify: NotifySpec | undefined): string | null {
  if (notify === undefined) return null;
  const { kind, target } = describeNotifyTarget(notify.target);
  const repeat = notify.repeatMs === null ? '' : `, repeat ${formatDuration(notify.repeatMs)}`;
  return `${kind} ${target} (on ${notify.on.join(', ')}; after ${notify.after}${repeat})`;
}

function instant(at: Instant | null, tz: string): string | null {
  return at === null ? null : wallWord(toWall(at, tz));
}

/** Bytes as the file may write them: "256KiB", "1MiB", else a plain number of bytes. */
export function formatByteSize(bytes: number): string {
  for (const [unit, size] of [
    ['GiB', 1024 ** 3],
    ['MiB', 1024 ** 2],
    ['KiB', 1024],
  ] as const) {
    if (bytes >= size && bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return `${bytes}B`;
}

/** "holidays (12 dates), closures (3 dates)": the names, with the dates read now counted. */
function describeExcept(spec: TaskSpec): string | null {
  const calendars = spec.except ?? [];
  if (calendars.length === 0) return null;
  return calendars.map((calendar) => `${calendar.name} (${plural(calendar.days.length, 'date')})`).join(', ');
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** Differ as the definition's comparison would see them (config/definition.ts: key order does not count). */
function differs(a: unknown, b: unknown): boolean {
  return !sameJsonValue(a, b);
}

function toJson(value: unknown): string | null {
  return JSON.stringify(value, (_key, item: unknown) => (typeof item === 'function' ? String(item) : item)) ?? null;
}
