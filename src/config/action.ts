/** What a task runs: exactly one of `run`, `command`, `module` (+ `export`, `args`). */
import { showValue } from '../schedule/show-value.js';
import type { TaskFunction } from '../task-context.js';
import type { IssueCollector } from './collector.js';
import { resolveTrusted, type FileTrust } from './file-trust.js';
import { checkModuleFile } from './module-file.js';
import { readPath, readText } from './read-value.js';
import type { TaskAction } from './types.js';

const ACTION_KEYS = ['run', 'command', 'module'] as const;
const MODULE_ONLY_KEYS = ['export', 'args'] as const;

export interface ActionContext {
  /** `shell:` of the task, else of the settings. */
  readonly shell: string;
  readonly baseDir: string;
  /** Whose module files to trust; null: no check (config/file-trust.ts). */
  readonly trust?: FileTrust;
}

/** The task's action, or undefined after issues. */
export function readAction(
  c: IssueCollector,
  definition: Readonly<Record<string, unknown>>,
  context: ActionContext,
): TaskAction | undefined {
  const given = ACTION_KEYS.filter((key) => definition[key] !== undefined);
  const before = c.issues.length;
  if (given.length === 0) {
    c.add(
      'missing-key',
      [],
      'key',
      'nothing to run: add "run" (a shell command), "command" (a program and its arguments) ' +
        'or "module" (a JavaScript file)',
    );
  } else if (given.length > 1) {
    const names = given.map((key) => `"${key}"`).join(' and ');
    c.add('conflict', [given[1] as string], 'key', `give exactly one of "run", "command" or "module"; found ${names}`);
  }
  for (const key of MODULE_ONLY_KEYS) {
    if (definition[key] !== undefined && !given.includes('module'))
      c.add('conflict', [key], 'key', `"${key}" only applies to "module"`);
  }
  if (definition['shell'] !== undefined && given.length > 0 && !given.includes('run')) {
    c.add('conflict', ['shell'], 'key', '"shell" only applies to "run"');
  }
  let action: TaskAction | undefined;
  for (const key of given) {
    if (key === 'run') action = readRun(c, definition['run'], context.shell);
    else if (key === 'command') {
      const argv = readArgv(c, ['command'], definition['command']);
      action = argv === undefined ? undefined : { kind: 'argv', argv };
    } else action = readModule(c, definition, context.baseDir, context.trust ?? null);
  }
  return c.issues.length > before ? undefined : action;
}

function readRun(c: IssueCollector, raw: unknown, shell: string): TaskAction | undefined {
  // Library API only: `run: async (ctx) => ...` runs in-process.
  if (typeof raw === 'function') return { kind: 'function', fn: raw as TaskFunction };
  if (typeof raw === 'number' || typeof raw === 'boolean') {
    // `run: true` is the boolean to YAML, not the command true(1).
    c.add(
      'invalid-value',
      ['run'],
      'value',
      `expected a shell command (a string), got ${showValue(raw)}; quote it: run: "${String(raw)}"`,
    );
    return undefined;
  }
  const script = readText(c, ['run'], raw, 'a shell command');
  return script === undefined ? undefined : { kind: 'shell', script, shell };
}

/** `command:` (a task's, a notifier's): `[program, arg, ...]`, numbers as text, the program not blank. */
export function readArgv(
  c: IssueCollector,
  path: readonly (string | number)[],
  raw: unknown,
): [string, ...string[]] | undefined {
  if (!Array.isArray(raw) || raw.length === 0) {
    const hint = typeof raw === 'string' ? '; for a shell command line use "run"' : '';
    const found = Array.isArray(raw) ? 'an empty list' : showValue(raw);
    c.add('invalid-value', path, 'value', `expected a list like [program, arg, ...], got ${found}${hint}`);
    return undefined;
  }
  const argv: string[] = [];
  for (const [index, item] of (raw as unknown[]).entries()) {
    if (typeof item === 'string' || typeof item === 'number') argv.push(String(item));
    else
      c.add(
        'invalid-value',
        [...path, index],
        'value',
        `expected a program or argument (a string), got ${showValue(item)}`,
      );
  }
  if (argv[0] !== undefined && argv[0].trim() === '')
    c.add('invalid-value', [...path, 0], 'value', 'expected a program (a non-empty string), got an empty string');
  if (argv.length !== raw.length || argv[0] === undefined || argv[0].trim() === '') return undefined;
  return argv as [string, ...string[]];
}

function readModule(
  c: IssueCollector,
  definition: Readonly<Record<string, unknown>>,
  baseDir: string,
  trust: FileTrust,
): TaskAction | undefined {
  const written = readPath(c, ['module'], definition['module'], baseDir, 'a JavaScript file');
  const problem = written === undefined ? undefined : checkModuleFile(written, String(definition['module']));
  // Runs import the checked real path: a symlink flipped later cannot lead them elsewhere.
  const path = written === undefined || problem !== undefined ? written : resolveTrusted(written, 'module file', trust);
  if (problem !== undefined) c.add('invalid-value', ['module'], 'value', problem);
  const rawExport = definition['export'];
  const exportName = rawExport === undefined ? 'default' : readText(c, ['export'], rawExport, 'the name of an export');
  const args = cloneArgs(c, definition['args']);
  if (path === undefined || problem !== undefined || exportName === undefined || args === INVALID) return undefined;
  return { kind: 'module', path, exportName, args };
}

const INVALID = Symbol('invalid');

/** A private copy of `args` (the caller's object is never shared or frozen): plain data only. */
function cloneArgs(c: IssueCollector, raw: unknown): unknown {
  if (raw === undefined || raw === null) return null;
  try {
    // The worker thread receives args by structured clone; reject what would fail there, now.
    return structuredClone(raw);
  } catch {
    c.add('invalid-value', ['args'], 'value', 'expected plain data (strings, numbers, booleans, lists, maps) for args');
    return INVALID;
  }
}
