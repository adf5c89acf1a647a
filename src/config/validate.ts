/**
 * Walk a parsed tasks document: top-level keys, settings, each task in file order, then the
 * cross-task rules. Collects every issue; never throws for a problem in the file.
 */
import { isMap, isScalar, type Document, type LineCounter } from 'yaml';
import { showValue } from '../schedule/show-value.js';
import { createCollector, type IssueCollector } from './collector.js';
import type { ConfigIssue } from './issues.js';
import { TOP_KEYS } from './key-table.js';
import { lintTasks, type LintEntry } from './lint/lint.js';
import { createPositionLookup, type PositionLookup, type SourcePoint } from './positions.js';
import { checkReferences, type ReferenceEntry } from './references.js';
import { checkKeys, isPlainMap } from './read-value.js';
import { validateSettings } from './settings.js';
import { checkTask } from './task.js';
import type { FileTrust } from './file-trust.js';
import type { Settings, TaskSpec } from './types.js';

const NO_TASKS = 'no tasks: add at least one under tasks:';
// yaml's guard against "billion laughs" alias bombs; a tasks file has no use for more.
const MAX_ALIAS_COUNT = 100;

export interface DocumentContext {
  /** The path as given, for issues. */
  readonly file: string;
  readonly baseDir: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Offsets of keys yaml already reported as duplicates (not reported twice). */
  readonly duplicateKeyOffsets?: ReadonlySet<number>;
  /** Whose env and module files to trust (config/file-trust.ts); absent or null: no check. */
  readonly trust?: FileTrust;
  /** The instant to lint the valid tasks at (config/lint/lint.ts); absent: no lint. */
  readonly lintNow?: number | undefined;
  /** Told of each task that passed its own checks, as soon as it is built (config/load.ts TaskSink). */
  readonly onTask?: ((task: TaskSpec) => void) | undefined;
}

export interface ValidatedDocument {
  readonly settings: Settings;
  /** In file order; complete only when `issues` is empty. */
  readonly tasks: readonly TaskSpec[];
  readonly issues: ConfigIssue[];
}

/**
 * Where the validator finds positions: yaml's document (the general case), or the plain reader's
 * task key points (config/plain-yaml.ts), which carries no other positions: its result is used only
 * when there is no issue to place.
 */
export interface TreeSource {
  readonly root: PositionLookup;
  readonly settings: PositionLookup | undefined;
  /** The keys of the `tasks:` map in file order; undefined when `tasks` is not a map in the source. */
  readonly taskKeys: readonly TaskKey[] | undefined;
}

export interface TaskKey {
  /** The task name, or why the key cannot be one. */
  readonly named: string | { problem: string };
  /** The key's offset in the text (duplicates yaml reported are not reported twice); -1 when unknown. */
  readonly offset: number;
  /** Positions in the task's block; absent from the plain reader, which knows only `point`. */
  readonly positions?: PositionLookup;
  /** Where the key is, when there are no `positions` (a closure per task was ~14 MB at 100,000 tasks). */
  readonly point?: SourcePoint;
}

/** Validate a document that parsed without syntax errors. */
export function validateDocument(doc: Document, lineCounter: LineCounter, context: DocumentContext): ValidatedDocument {
  const rootLookup = createPositionLookup(doc, lineCounter, null, doc.contents);
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    const issues: ConfigIssue[] = [];
    topCollector(rootLookup, context.file, issues).add(
      'yaml-syntax',
      [],
      'value',
      error instanceof Error ? error.message : String(error),
    );
    return {
      settings: validateSettings(undefined, { baseDir: context.baseDir, env: context.env }).settings,
      tasks: [],
      issues,
    };
  }
  const pairOf = (name: string) =>
    isMap(doc.contents)
      ? doc.contents.items.findLast((pair) => isScalar(pair.key) && pair.key.value === name)
      : undefined;
  const settingsPair = pairOf('settings');
  const tasksNode = pairOf('tasks')?.value;
  return validateTree(data, context, {
    root: rootLookup,
    settings:
      settingsPair === undefined
        ? undefined
        : createPositionLookup(doc, lineCounter, settingsPair.key, settingsPair.value),
    taskKeys: isMap(tasksNode)
      ? tasksNode.items.map((pair) => ({
          named: readTaskKey(pair.key),
          offset: isScalar(pair.key) ? (pair.key.range?.[0] ?? -1) : -1,
          positions: createPositionLookup(doc, lineCounter, pair.key, pair.value),
        }))
      : undefined,
  });
}

function topCollector(rootLookup: PositionLookup, file: string, issues: ConfigIssue[]): IssueCollector {
  // Top-level problems of an empty document still get a position: its start.
  return createCollector({
    file,
    task: null,
    prefix: [],
    positions: (path, target) => rootLookup(path, target) ?? { line: 1, column: 1 },
    issues,
  });
}

/** Validate the document's value (yaml's toJS, or the plain reader's), with positions from `source`. */
export function validateTree(data: unknown, context: DocumentContext, source: TreeSource): ValidatedDocument {
  const { file, baseDir, env } = context;
  const issues: ConfigIssue[] = [];
  const top = topCollector(source.root, file, issues);
  const root = isPlainMap(data) ? data : {};
  if (data === null || data === undefined) top.add('missing-key', [], 'value', NO_TASKS);
  else if (!isPlainMap(data))
    top.add(
      'invalid-value',
      [],
      'value',
      `expected a map with "tasks" (and optionally "settings"), got ${showValue(data)}`,
    );
  checkKeys(top, [], root, TOP_KEYS);

  const settingsResult = validateSettings(root['settings'], {
    baseDir,
    env,
    file,
    trust: context.trust ?? null,
    ...(source.settings === undefined ? {} : { positions: source.settings }),
  });
  issues.push(...settingsResult.issues);
  const settings = settingsResult.settings;

  const tasksData = root['tasks'];
  if (
    isPlainMap(data) &&
    (tasksData === undefined || tasksData === null || (isPlainMap(tasksData) && Object.keys(tasksData).length === 0))
  ) {
    top.add(
      'missing-key',
      tasksData === undefined ? [] : ['tasks'],
      tasksData === undefined ? 'key' : 'value',
      NO_TASKS,
    );
  } else if (tasksData !== undefined && !isPlainMap(tasksData)) {
    top.add(
      'invalid-value',
      ['tasks'],
      'value',
      `expected a map of tasks (NAME: {run: ...}), got ${showValue(tasksData)}`,
    );
  }
  const taskKeys = source.taskKeys;
  if (taskKeys === undefined || !isPlainMap(tasksData)) return { settings, tasks: [], issues };

  const entries: ReferenceEntry[] = [];
  const linted: LintEntry[] = [];
  const tasks: TaskSpec[] = [];
  // toJS keeps the last of duplicate names, so that occurrence is the one validated.
  const lastIndex = lastOfDuplicates(taskKeys);
  const seen = new Set<string>();
  for (const [index, { named, offset, positions, point }] of taskKeys.entries()) {
    if (typeof named !== 'string') {
      createCollector({
        file,
        task: null,
        prefix: ['tasks'],
        positions: (_path, target) => positions?.([], target) ?? point,
        issues,
      }).add('invalid-value', [], 'key', named.problem);
      continue;
    }
    const duplicated = lastIndex.has(named);
    if (duplicated && seen.has(named)) {
      // findDuplicateKeys reports equal keys; 1 and "1" differ to YAML but name the same task.
      if (context.duplicateKeyOffsets?.has(offset) !== true) {
        createCollector({ file, task: named, prefix: ['tasks', named], positions, issues }).add(
          'duplicate-key',
          [],
          'key',
          `duplicate task name "${named}"`,
        );
      }
    }
    if (duplicated) seen.add(named);
    if (duplicated && lastIndex.get(named) !== index) continue;
    const definition = Object.hasOwn(tasksData, named) ? tasksData[named] : undefined;
    const checked = checkTask(named, definition, {
      settings,
      baseDir,
      file,
      positions,
      keyPoint: point,
      trust: context.trust ?? null,
      env,
    });
    issues.push(...checked.issues);
    if (checked.task !== undefined) {
      tasks.push(checked.task);
      context.onTask?.(checked.task);
    }
    if (checked.task !== undefined && isPlainMap(definition))
      linted.push({ task: checked.task, written: definition, positions });
    entries.push({ name: named, references: checked.references, positions });
  }
  issues.push(...checkReferences(entries, file));
  if (context.lintNow !== undefined)
    issues.push(
      ...lintTasks(linted, {
        file,
        now: context.lintNow,
        references: entries,
        cluster: settings.cluster !== undefined,
      }),
    );
  return { settings, tasks, issues };
}

/**
 * The index of the last occurrence of each name that occurs more than once: a map and a set of
 * every name, kept through the whole validation, were ~10 MB at 100,000 tasks.
 */
function lastOfDuplicates(taskKeys: readonly TaskKey[]): Map<string, number> {
  const names = new Set<string>();
  const last = new Map<string, number>();
  taskKeys.forEach(({ named }, index) => {
    if (typeof named !== 'string') return;
    if (names.has(named)) last.set(named, index);
    else names.add(named);
  });
  return last;
}

/** The task name a key stands for, or why it cannot be one. */
function readTaskKey(key: unknown): string | { problem: string } {
  if (!isScalar(key) || key.value === null || typeof key.value === 'object') {
    return { problem: 'expected a task name (letters, digits, ".", "_" or "-") as the key' };
  }
  const value: unknown = key.value;
  if (typeof value === 'string') return value;
  // What is left of a YAML scalar: a number, a boolean or a bigint.
  const text = typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint' ? `${value}` : '';
  // `1.0:` is the number 1 to YAML; the task would silently be named "1".
  if (typeof key.source === 'string' && key.source !== text) {
    return { problem: `write the task name in quotes: ${key.source} reads as ${text}` };
  }
  return text;
}
