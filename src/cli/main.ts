/**
 * `runCli(argv, io)`: the whole command line as a function that returns an exit code.
 * Nothing below bin/taskkit calls process.exit or writes to process.stdout (STYLE.md practice 7):
 * commander's exitOverride and configureOutput route everything through `io`. The verb modules
 * import their heavy dependencies (yaml, the schedule math, execa, the engine) inside their actions:
 * `taskkit list` must start about as fast as `node` itself (bench/scenarios/cli-latency.js).
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { printError, type CliIo } from './io.js';
import { reportError } from './report-error.js';
import { CommandUsageError, describeUsageError, routeUsageErrors } from './usage-errors.js';
import { registerTaskCommands } from './commands/tasks.js';
import { registerRunCommands } from './commands/runs.js';
import { registerDaemonCommands } from './commands/daemon.js';
import { registerControlCommands } from './commands/control.js';
import { registerHistoryCommands } from './commands/history.js';
import { registerNativeCommands } from './commands/native.js';
import type { CommandContext } from './context.js';

export { createProcessIo } from './io.js';
export type { CliIo } from './io.js';

/** Build the commander program for one invocation. */
export function createProgram(context: CommandContext): Command {
  const { io } = context;
  const program = new Command('taskkit')
    .description('Run the tasks of a YAML tasks file on schedules, and drive them from the shell.')
    .version(context.version, '-V, --version')
    .option(
      '-c, --config <file>',
      'tasks file (default: $TASKKIT_CONFIG, ./tasks.yaml, $XDG_CONFIG_HOME/taskkit/tasks.yaml)',
    )
    .option(
      '--socket <path>',
      'control socket of the daemon (default: $TASKKIT_SOCKET, settings.socket, ' +
        '$XDG_RUNTIME_DIR/taskkit/taskkit.sock, <state-dir>/taskkit.sock)',
    )
    .option('--json', 'print machine-readable JSON (stable field names, see taskkit(1))')
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    });
  registerDaemonCommands(program, context);
  registerTaskCommands(program, context);
  registerRunCommands(program, context);
  registerControlCommands(program, context);
  registerHistoryCommands(program, context);
  registerNativeCommands(program, context);
  routeUsageErrors(program);
  return program;
}

/** Run the CLI with `argv` (without node and script) and return the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const context: CommandContext = { io, version: readVersion(), exitCode: 0 };
  const program = createProgram(context);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return context.exitCode;
  } catch (error) {
    return await reportAnyError(io, error);
  }
}

/** Commander's own errors were printed by commander; every other fault by report-error.ts. */
async function reportAnyError(io: CliIo, error: unknown): Promise<number> {
  if (error instanceof CommanderError) {
    // Help and --version "fail" with exit code 0; usage errors are ours to print (usage-errors.ts).
    if (error.exitCode === 0) return 0;
    const text = error instanceof CommandUsageError ? describeUsageError(error) : error.message;
    printError(io, `taskkit: ${text}`);
    return 2;
  }
  return await reportError(io, error);
}

let cachedVersion: string | undefined;

/** The package version, read once from package.json next to dist/. */
function readVersion(): string {
  cachedVersion ??= (JSON.parse(readPackageJson()) as { version: string }).version;
  return cachedVersion;
}

function readPackageJson(): string {
  return readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
}
