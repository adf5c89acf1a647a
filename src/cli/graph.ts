/**
 * `taskkit graph [NAME] [--format dot|svg]` (issue 17.6): the tasks file's tasks and their trigger
 * edges as DOT, or as SVG through Graphviz's `dot`. It works offline: the graph comes from the
 * tasks file; only the nodes' colours need history (graph-last-runs.ts), and without any the
 * graph is drawn uncoloured.
 */
import { TaskkitError } from '../errors.js';
import type { CommandContext, GlobalOptions } from './context.js';
import { renderDot } from './format/graph-dot.js';
import { readGraphLastRuns } from './graph-last-runs.js';
import { printError } from './io.js';
import { buildTaskGraph, connectedComponent } from './task-graph.js';
import { findTask, loadTasksFileForCli, printWarnings } from './tasks-file.js';

export interface GraphOptions {
  /** commander checks the choices: dot (default) or svg. */
  readonly format?: 'dot' | 'svg';
}

/** What to say when `dot` is not on PATH (taskkit(1) quotes it). */
export const GRAPHVIZ_MISSING =
  'taskkit: --format svg needs Graphviz\'s "dot" on PATH, and there is none: install Graphviz ' +
  '(apt install graphviz / brew install graphviz), or print DOT (the default) and render it elsewhere';

export async function runGraph(
  context: CommandContext,
  name: string | undefined,
  options: GraphOptions,
  globals: GlobalOptions,
): Promise<void> {
  const { io } = context;
  if (globals.json === true) {
    throw new TaskkitError('USAGE', 'graph prints DOT (or SVG with --format svg), not JSON: leave out --json');
  }
  const file = loadTasksFileForCli(io, globals.config);
  printWarnings(io, file);
  if (name !== undefined) findTask(file, name); // TASK_UNKNOWN with "did you mean" before any history is read
  const lastRuns = await readGraphLastRuns(io, globals, file.settings);
  const whole = buildTaskGraph(file.tasks, file.settings.timezone, lastRuns);
  const dot = renderDot(name === undefined ? whole : connectedComponent(whole, name));
  if (options.format !== 'svg') {
    io.stdout.write(dot);
    return;
  }
  await printSvg(context, dot);
}

/** Pipe `dot` through Graphviz's `dot -Tsvg` (found on the PATH of taskkit's environment). */
async function printSvg(context: CommandContext, dot: string): Promise<void> {
  const { io } = context;
  const { execa } = await import('execa');
  const result = await execa('dot', ['-Tsvg'], {
    input: dot,
    env: io.env,
    extendEnv: false,
    reject: false,
    stripFinalNewline: false,
  });
  if (result.failed && result.code === 'ENOENT') {
    printError(io, GRAPHVIZ_MISSING);
    context.exitCode = 1;
    return;
  }
  if (result.failed) {
    const stderr = String(result.stderr).trim();
    printError(io, `taskkit: dot -Tsvg failed: ${stderr === '' ? result.shortMessage : stderr}`);
    context.exitCode = 1;
    return;
  }
  io.stdout.write(String(result.stdout));
}
