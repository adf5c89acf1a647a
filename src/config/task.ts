/**
 * One task's keys -> a frozen TaskSpec: defaults, then per-key checks, then cross-key rules
 * (STYLE.md practice 3). Cross-task rules (references, cycles) are validate.ts's.
 */
import { resolveExcept } from './calendars.js';
import { freezeDeep } from './freeze.js';
import { parseDateTime } from '../schedule/at.js';
import { showValue } from '../schedule/show-value.js';
import { readAction } from './action.js';
import { createCollector, type IssueCollector } from './collector.js';
import { DEFAULT_KILL_AFTER_MS, MAX_TASK_NAME_LENGTH, NO_RETRY } from './defaults.js';
import type { ConfigIssue } from './issues.js';
import { TASK_KEYS, TASK_KEY_TABLE, TASK_NAME_PATTERN } from './key-table.js';
import { readEnvFile } from './env-file.js';
import { readTaskGroup } from './groups.js';
import { readScope } from './scope.js';
import { checkFolder, checkShell } from './host-checks.js';
import type { FileTrust } from './file-trust.js';
import { readTaskNotify } from './notify.js';
import { readEnv, readHistory, readRetry, readTaskNames, type TaskReference } from './policies.js';
import type { PositionLookup, SourcePoint } from './positions.js';
import {
  checkKeys,
  copyEntries,
  isPlainMap,
  readBoolean,
  readDuration,
  readEnum,
  readInteger,
  readPath,
  readString,
  readText,
} from './read-value.js';
import { readSchedule } from './schedule.js';
import { checkJitter, checkRrule, checkUntil } from './task-rules.js';
import { readTimeZone } from './timezone.js';
import type { CatchUpPolicy, OverlapPolicy, Settings, TaskSpec } from './types.js';

const REFERENCE_KEYS = ['after', 'after-all', 'on-success', 'on-failure'] as const;
const TASK_NAME = new RegExp(TASK_NAME_PATTERN);

export interface TaskContextOptions {
  readonly settings: Settings;
  /** Folder that relative `cwd` and `module` paths are resolved against. */
  readonly baseDir: string;
  /** The tasks file as given ('' or absent for library definitions). */
  readonly file?: string;
  /** Positions of this task's keys and values; absent for library definitions. */
  readonly positions?: PositionLookup | undefined;
  /** Where the task's key is when there are no `positions` (the plain reader: config/load.ts). */
  readonly keyPoint?: SourcePoint | undefined;
  /** Whose env and module files to trust (config/file-trust.ts); absent or null: no check. */
  readonly trust?: FileTrust;
  /**
   * The environment runs would start from (the daemon's): with it, `cwd` and `shell` are checked
   * on this host (host-checks.ts, warnings); absent (library definitions): not.
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** A checked task plus its well-formed references, which validate.ts checks file-wide. */
export interface CheckedTask {
  readonly task: TaskSpec | undefined;
  readonly issues: ConfigIssue[];
  readonly references: readonly TaskReference[];
}

/** Validate one task definition (library API and tasks file alike); no cross-task checks. */
export function validateTaskDefinition(
  name: string,
  definition: Readonly<Record<string, unknown>>,
  context: TaskContextOptions,
): { task: TaskSpec | undefined; issues: ConfigIssue[] } {
  const { task, issues } = checkTask(name, definition, context);
  return { task, issues };
}

/** Check one task's name and keys and build its spec; `definition` is any YAML value. */
export function checkTask(name: string, definition: unknown, context: TaskContextOptions): CheckedTask {
  const c = createCollector({
    file: context.file ?? '',
    task: name,
    prefix: ['tasks', name],
    positions: context.positions,
  });
  const nameProblem = checkTaskName(name);
  if (nameProblem !== undefined) c.add('invalid-value', [], 'key', nameProblem);
  if (!isPlainMap(definition)) {
    if (definition === null || definition === undefined)
      c.add('missing-key', [], 'key', 'empty task: add "run", "command" or "module"');
    else
      c.add(
        'invalid-value',
        [],
        'value',
        `expected a map of task keys like {every: 5m, run: ...}, got ${showValue(definition)}`,
      );
    return { task: undefined, issues: c.issues, references: [] };
  }
  const def = copyEntries(definition);
  checkKeys(c, [], def, TASK_KEYS);
  const references: TaskReference[] = [];
  for (const key of REFERENCE_KEYS) {
    if (def[key] !== undefined) references.push(...(readTaskNames(c, key, def[key]) ?? []));
  }
  const task = buildSpec(c, name, def, references, context);
  return { task: c.errorCount === 0 ? task : undefined, issues: c.issues, references };
}

/** A message when `name` is not a valid task name. */
export function checkTaskName(name: string): string | undefined {
  if (name.length >= 1 && name.length <= MAX_TASK_NAME_LENGTH && TASK_NAME.test(name)) return undefined;
  const found = name.length > MAX_TASK_NAME_LENGTH ? `a name of ${name.length} characters` : showValue(name);
  return (
    `invalid task name: use 1-${MAX_TASK_NAME_LENGTH} letters, digits, ".", "_" or "-", ` +
    `starting with a letter or digit; got ${found}`
  );
}

function buildSpec(
  c: IssueCollector,
  name: string,
  def: Readonly<Record<string, unknown>>,
  references: readonly TaskReference[],
  context: TaskContextOptions,
): TaskSpec {
  const { settings, baseDir } = context;
  // Absent keys take their default; a present key goes through its reader (undefined = issue).
  const read = <T>(key: string, fallback: T, reader: (raw: unknown, path: [string]) => T | undefined): T =>
    def[key] === undefined ? fallback : (reader(def[key], [key]) as T);
  const timezone = read('timezone', settings.timezone, (raw, path) => readTimeZone(c, path, raw));
  const tz = timezone ?? settings.timezone;
  const shell = read('shell', settings.shell, (raw, path) => readText(c, path, raw, 'a shell program'));
  const names = (key: TaskReference['key']): readonly string[] =>
    shareIfEmpty([
      ...new Set(references.filter((reference) => reference.key === key).map((reference) => reference.target)),
    ]);
  const point = context.positions?.([], 'key') ?? context.keyPoint;
  const expectWithin = read<number | null>('expect-success-within', null, (raw, path) =>
    readDuration(c, path, raw, true),
  );
  const spec: TaskSpec = {
    name,
    description: read('description', '', (raw, path) => readString(c, path, raw, 'a description')),
    schedule: readSchedule(c, def, tz) ?? { kind: 'on-demand' },
    timezone: tz,
    action: readAction(c, def, { shell: shell ?? settings.shell, baseDir, trust: context.trust ?? null }) ?? {
      kind: 'shell',
      script: '',
      shell: settings.shell,
    },
    cwd: read('cwd', baseDir, (raw, path) => readPath(c, path, raw, baseDir, 'a folder')),
    ...readEnvironment(c, def, baseDir, context.trust ?? null),
    timeoutMs: read<number | null>('timeout', null, (raw, path) => readDuration(c, path, raw, true)),
    killAfterMs: read('kill-after', DEFAULT_KILL_AFTER_MS, (raw, path) => readDuration(c, path, raw, false)),
    overlap: read<OverlapPolicy>('overlap', 'skip', (raw, path) =>
      readEnum(c, path, raw, TASK_KEY_TABLE.overlap.shape.values),
    ),
    retry: read('retry', NO_RETRY, (raw, path) => readRetry(c, path, raw)),
    jitterMs: read('jitter', 0, (raw, path) => readDuration(c, path, raw, false)),
    catchUp: read<CatchUpPolicy>('catch-up', 'skip', (raw, path) =>
      readEnum(c, path, raw, TASK_KEY_TABLE['catch-up'].shape.values),
    ),
    deadlineMs: read<number | null>('deadline', null, (raw, path) => readDuration(c, path, raw, true)),
    ...(typeof expectWithin === 'number' ? { expectSuccessWithinMs: expectWithin } : {}),
    hold: read('hold', false, (raw, path) => readBoolean(c, path, raw)),
    ...readHoldAfterFailures(c, def, settings.holdAfterFailures),
    ...readTaskNotify(c, def, settings.notify, context.env),
    ...readExcept(c, def, settings),
    ...readTaskGroup(c, def['group'], settings.groups),
    maxRuns: read<number | null>('max-runs', null, (raw, path) => readInteger(c, path, raw, 1)),
    until: read<number | null>('until', null, (raw, path) => {
      const parsed = parseDateTime(raw, tz);
      if (parsed.ok) return parsed.value;
      c.add('invalid-value', path, 'value', parsed.message);
      return undefined;
    }),
    after: names('after'),
    ...readAfterAll(names('after-all')),
    onSuccess: names('on-success'),
    onFailure: names('on-failure'),
    history: read('history', settings.history, (raw, path) => readHistory(c, path, raw, settings.history, 'history')),
    ...readScope(c, def['scope']),
    ...(point === undefined ? {} : { source: { file: context.file ?? '', line: point.line, column: point.column } }),
  };
  // Cross-key rules, on values that passed their own checks (one problem, one message).
  if (typeof spec.jitterMs === 'number') checkJitter(c, spec.jitterMs, spec.schedule);
  if (typeof spec.until === 'number') checkUntil(c, spec.until, spec.schedule, def, spec.timezone);
  checkRrule(c, spec.schedule, spec.timezone);
  if (context.env !== undefined) checkHost(c, def, spec, { shell, baseDir, env: context.env });
  return freezeDeep(spec);
}

/** `after-all:` present only when it names a task: a task without it keeps its fingerprint. */
function readAfterAll(names: readonly string[]): { afterAll?: readonly string[] } {
  return names.length === 0 ? {} : { afterAll: names };
}

/** `hold-after-failures:`, over the settings' default; absent when neither sets it. */
function readHoldAfterFailures(
  c: IssueCollector,
  def: Readonly<Record<string, unknown>>,
  fallback: number | null,
): { holdAfterFailures?: number } {
  const raw = def['hold-after-failures'];
  const value = raw === undefined ? fallback : readInteger(c, ['hold-after-failures'], raw, 1);
  return value == null ? {} : { holdAfterFailures: value };
}

/** `except:` resolved against settings.calendars; absent when not given (definitions keep their fingerprint). */
function readExcept(
  c: IssueCollector,
  def: Readonly<Record<string, unknown>>,
  settings: Settings,
): Pick<TaskSpec, 'except'> {
  if (def['except'] === undefined) return {};
  const calendars = resolveExcept(c, def['except'], settings.calendars ?? {});
  return calendars === undefined || calendars.length === 0 ? {} : { except: calendars };
}

/** This host's checks (warnings): a written `cwd` that is no folder, a written `shell` of a `run` that is not there. */
function checkHost(
  c: IssueCollector,
  def: Readonly<Record<string, unknown>>,
  spec: TaskSpec,
  host: { shell: string | undefined; baseDir: string; env: Readonly<Record<string, string | undefined>> },
): void {
  const { shell, env } = host;
  const cwdOk = typeof spec.cwd === 'string';
  if (def['cwd'] !== undefined && cwdOk) {
    const problem = checkFolder(spec.cwd, def['cwd'] as string);
    if (problem !== undefined) c.warn('host', ['cwd'], 'value', problem);
  }
  // Only where it applies: "shell" beside "command" or "module" is already a conflict.
  if (def['shell'] !== undefined && shell !== undefined && def['run'] !== undefined) {
    const pathVariable = spec.env['PATH'] ?? env['PATH'];
    const problem = checkShell(shell, { cwd: cwdOk ? spec.cwd : host.baseDir, pathVariable });
    if (problem !== undefined) c.warn('host', ['shell'], 'value', problem);
  }
}

/** `env` over `env-file` (the file's values are all secret; a plain `env` value of the same name is not). */
function readEnvironment(
  c: IssueCollector,
  def: Readonly<Record<string, unknown>>,
  baseDir: string,
  trust: FileTrust,
): Pick<TaskSpec, 'env' | 'envFile' | 'secretEnv'> {
  const file =
    def['env-file'] === undefined ? undefined : readEnvFile(c, ['env-file'], def['env-file'], baseDir, trust);
  const own = def['env'] === undefined ? undefined : readEnv(c, ['env'], def['env']);
  const fileValues = file?.values ?? {};
  const ownValues = own?.values ?? {};
  const entries = [...Object.entries(fileValues), ...Object.entries(ownValues)];
  const secret = new Set([
    ...Object.keys(fileValues).filter((name) => !Object.hasOwn(ownValues, name)),
    ...(own?.secret ?? []),
  ]);
  return {
    env: entries.length === 0 ? NO_ENV : Object.fromEntries(entries),
    envFile: file?.path ?? null,
    secretEnv: shareIfEmpty([...secret].sort()),
  };
}

// Most tasks have no env, references or secrets: one frozen empty value for all of them keeps
// 100,000 tasks from holding 100,000 copies of each (specs are frozen, so sharing is safe).
const NO_ENV: Readonly<Record<string, string>> = Object.freeze({});
const NO_NAMES: readonly string[] = Object.freeze([]);

function shareIfEmpty(list: string[]): readonly string[] {
  return list.length === 0 ? NO_NAMES : list;
}
