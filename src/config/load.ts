/**
 * Read and parse a tasks file with positions (yaml's parseDocument + LineCounter), turn yaml's
 * own errors into ConfigIssues, validate, and return the frozen TasksFile or throw every issue.
 * A file in plain block YAML is first validated without yaml's document (config/plain-yaml.ts);
 * when that finds any issue, the document is parsed after all, so every issue has its position.
 */
import { basename, dirname, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { ConfigError } from './config-error.js';
import { findDuplicateKeys } from './duplicates.js';
import { errorsOf, type ConfigIssue } from './issues.js';
import type { FileTrust } from './file-trust.js';
import { readTasksText } from './read-text.js';
import type { TaskSpec, TasksFile } from './types.js';
import { readPlainYaml } from './plain-yaml.js';
import { validateDocument, validateTree, type DocumentContext } from './validate.js';

export { ConfigError } from './config-error.js';

type Env = Readonly<Record<string, string | undefined>>;

export interface LoadOptions {
  readonly env: Env;
  /**
   * Whose files to trust (config/file-trust.ts): the tasks file and env files are checked on the
   * descriptor that is read, module files resolved to their checked real path. Default null: no check.
   */
  readonly trust?: FileTrust;
  /**
   * Lint at this instant (config/lint/lint.ts: an `at` in the past, ...): more warnings. The CLI and
   * the daemon's loader give the clock's now; absent (library, `next`, tests): no lint.
   */
  readonly lintNow?: number;
  /** Told of the tasks as they are built, before the whole file is checked (TaskSink). */
  readonly taskSink?: TaskSink;
}

/**
 * Where a load sends each task that passed its own checks as soon as it is built, so that the
 * daemon's loader child can stream them while it checks the rest (issue 20.4). Such a task is no
 * more than a candidate until the load returns: the file may still turn out invalid. `restart`:
 * validation begins again from the first task (the plain reader found an issue, and yaml's
 * document gives every issue its position); the tasks told so far are to be forgotten.
 */
export interface TaskSink {
  task(spec: TaskSpec): void;
  restart(): void;
}

/**
 * Read and validate the tasks file at `path`. Throws TaskkitError('CONFIG_NOT_FOUND') when it
 * does not exist, else ConfigError listing ALL issues (one 'unreadable' issue for a folder, a
 * binary, a non-UTF-8 or oversized file).
 */
export function loadTasksFile(path: string, options: LoadOptions): TasksFile {
  const trust = options.trust ?? null;
  const text = readTasksText(path, trust);
  const absolute = resolve(path);
  return buildTasksFile(text, path, absolute, {
    env: options.env,
    baseDir: dirname(absolute),
    trust,
    lintNow: options.lintNow,
    taskSink: options.taskSink,
  });
}

/** The same from a string; `baseDir` is the folder the file lives in (relative paths resolve there). */
export function parseTasksText(
  text: string,
  file: string,
  options: { env: Env; baseDir: string; lintNow?: number },
): TasksFile {
  const absolute = file === '' ? resolve(options.baseDir) : resolve(options.baseDir, basename(file));
  return buildTasksFile(text, file, absolute, options);
}

/** The tasks a file defines without problems, and the ConfigError of the others (null when none). */
export interface ValidTasks {
  readonly file: TasksFile;
  readonly error: ConfigError | null;
}

/**
 * Like loadTasksFile, but a task with problems is left out instead of failing the whole file, so
 * that `next` still shows the others (issue 13). Throws only when the file cannot be read or parsed.
 * The error holds the errors only; the warnings stay in the file.
 */
export function loadValidTasks(path: string, options: { env: Env }): ValidTasks {
  const text = readTasksText(path);
  const absolute = resolve(path);
  const checked = checkTasksText(text, path, { env: options.env, baseDir: dirname(absolute) });
  const errors = errorsOf(checked.issues);
  const broken = new Set(errors.map((issue) => issue.task));
  const tasks = checked.tasks.filter((task) => !broken.has(task.name));
  const file = Object.freeze({
    path: absolute,
    settings: checked.settings,
    tasks: Object.freeze(tasks),
    warnings: warningsOf(checked.issues),
  });
  return { file, error: errors.length === 0 ? null : new ConfigError(errors, text) };
}

function buildTasksFile(text: string, file: string, absolute: string, options: CheckOptions): TasksFile {
  const { settings, tasks, issues } = checkTasksText(text, file, options);
  // An invalid file's error lists its warnings too: validate prints every problem at once.
  if (errorsOf(issues).length > 0) throw new ConfigError(issues, text);
  return Object.freeze({ path: absolute, settings, tasks: Object.freeze([...tasks]), warnings: warningsOf(issues) });
}

interface CheckOptions {
  readonly env: Env;
  readonly baseDir: string;
  readonly trust?: FileTrust;
  readonly lintNow?: number | undefined;
  readonly taskSink?: TaskSink | undefined;
}

function warningsOf(issues: readonly ConfigIssue[]): readonly ConfigIssue[] {
  return Object.freeze(issues.filter((issue) => issue.severity === 'warning'));
}

/** Parse and validate: every issue, and the tasks that passed their own checks. Throws on yaml syntax errors. */
function checkTasksText(text: string, file: string, options: CheckOptions): ReturnType<typeof validateDocument> {
  const plain = checkPlainText(text, file, options);
  if (plain !== undefined) return plain;
  options.taskSink?.restart();
  return checkDocumentText(text, file, options);
}

/**
 * The fast way (issue 20.4): a file in plain block YAML (config/plain-yaml.ts) validated without
 * yaml's document. Its only positions are the task keys' (TaskSpec.source), so the answer stands
 * only when there is no issue at all; otherwise undefined, and yaml's document gives every issue
 * its position.
 */
function checkPlainText(
  text: string,
  file: string,
  options: CheckOptions,
): ReturnType<typeof validateDocument> | undefined {
  const plain = readPlainYaml(text);
  if (plain === undefined) return undefined;
  const none = (): undefined => undefined;
  const result = validateTree(plain.data, validationContext(file, options, undefined), {
    root: none,
    settings: none,
    taskKeys: plain.taskKeys.map(({ name, point }) => ({ named: name, offset: -1, point })),
  });
  return result.issues.length === 0 ? result : undefined;
}

function validationContext(
  file: string,
  options: CheckOptions,
  duplicateKeyOffsets: ReadonlySet<number> | undefined,
): DocumentContext {
  return {
    file,
    baseDir: options.baseDir,
    env: options.env,
    ...(duplicateKeyOffsets === undefined ? {} : { duplicateKeyOffsets }),
    trust: options.trust ?? null,
    lintNow: options.lintNow,
    onTask: options.taskSink === undefined ? undefined : (task) => options.taskSink?.task(task),
  };
}

/**
 * How a tasks file is parsed: the YAML 1.2 core schema, pinned so that a `%YAML 1.1` directive
 * cannot turn `03:30` into 210, `yes` into true or a date into a UTC Date. logLevel 'error' keeps
 * yaml from printing warnings itself; they all become issues. Duplicate keys are checked by
 * findDuplicateKeys (linear) instead of `uniqueKeys` (quadratic). The plain reader's tests compare
 * with yaml under these options.
 */
export const TASKS_YAML_OPTIONS = {
  schema: 'core',
  uniqueKeys: false,
  prettyErrors: false,
  logLevel: 'error',
} as const;

/** Parse with yaml's document and positions, and validate: every issue, placed. */
function checkDocumentText(text: string, file: string, options: CheckOptions): ReturnType<typeof validateDocument> {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { ...TASKS_YAML_OPTIONS, lineCounter });
  const yamlIssues = [...doc.errors, ...doc.warnings].map((error): ConfigIssue => {
    const { line, col } = lineCounter.linePos(error.pos[0]);
    return {
      code: 'yaml-syntax',
      severity: 'error',
      file,
      line,
      column: col,
      path: [],
      task: null,
      message: error.message,
    };
  });
  if (doc.errors.length > 0) throw new ConfigError(sortIssues(yamlIssues), text);
  // A duplicate key leaves a well-formed document: go on and find the other problems too.
  const duplicates = findDuplicateKeys(doc, lineCounter, file);
  const result = validateDocument(doc, lineCounter, validationContext(file, options, duplicates.offsets));
  return { ...result, issues: sortIssues([...yamlIssues, ...duplicates.issues, ...result.issues]) };
}

/** By position; issues without one (line 0) last, each group in the order found. */
function sortIssues(issues: ConfigIssue[]): ConfigIssue[] {
  const rank = (issue: ConfigIssue): number => (issue.line === 0 ? Number.MAX_SAFE_INTEGER : issue.line);
  return issues.sort((a, b) => rank(a) - rank(b) || a.column - b.column);
}
