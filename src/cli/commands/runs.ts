/**
 * Verbs that run tasks: `run-now` (by the daemon, optionally waiting and streaming the output)
 * and `exec` (once, in this terminal, without a daemon). The runner (execa) is imported only by
 * `exec`.
 */
import type { Command } from 'commander';
import { TaskkitError } from '../../errors.js';
import type { RunView } from '../../control/views.js';
import type { CommandContext, GlobalOptions } from '../context.js';
import { connectDaemon } from '../connect.js';
import { triggerRun } from '../daemon-verbs.js';
import { streamDetachable } from '../detachable-stream.js';
import { decodeOutputEvent } from '../../control/protocol.js';
import { printError, printJson, writeOutput, type CliIo } from '../io.js';

export function registerRunCommands(program: Command, context: CommandContext): void {
  const { io } = context;
  program
    .command('run-now')
    .argument('<name>', 'task to trigger')
    .description('trigger a task now (manual run); --wait streams its output and exits with its exit code')
    .option('-w, --wait', 'wait for the run to end, streaming its output; Ctrl-C detaches without cancelling it')
    .option('--make', "run the task's after-all prerequisites first, each once, in order; stop at a failure")
    .option('--dry-run', 'with --make: print the order, run nothing')
    .action(async (name: string, options: { wait?: boolean; make?: boolean; dryRun?: boolean }, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      if (options.dryRun === true && options.make !== true) {
        throw new TaskkitError('USAGE', '--dry-run goes with --make (taskkit run-now NAME --make --dry-run)');
      }
      if (options.dryRun === true && options.wait === true) {
        throw new TaskkitError('USAGE', 'give --wait or --dry-run, not both');
      }
      if (options.make === true) {
        const { runMake, runMakeAndWait } = await import('../run-make.js');
        context.exitCode =
          options.wait === true
            ? await runMakeAndWait(io, globals, name)
            : await runMake(io, globals, name, options.dryRun === true);
        return;
      }
      if (options.wait === true) {
        context.exitCode = await runAndWait(io, globals, name);
        return;
      }
      context.exitCode = await triggerRun(io, globals.json === true, name, () => connectDaemon(io, globals));
    });

  program
    .command('exec')
    .argument('<name>', 'task to run')
    .description('run one task once in this terminal, without a daemon, and exit with its exit code')
    .action(async (name: string, _options: unknown, command: Command) => {
      const { runExec } = await import('../exec.js');
      context.exitCode = await runExec(io, name, command.optsWithGlobals<GlobalOptions>());
    });
}

/**
 * `run-now --wait`: stream the run's output to stdout and return the exit code to pass on. Ctrl-C
 * closes the connection only: the daemon keeps the run going (protocol: a client that disconnects
 * does not cancel it), and stderr says how to follow or stop it.
 */
async function runAndWait(io: CliIo, globals: GlobalOptions, name: string): Promise<number> {
  const client = await connectDaemon(io, globals);
  const json = globals.json === true;
  let started: RunView | null = null;
  const { describeRetrying } = await import('../format/run.js');
  // Each attempt streams; a retry gets a line on stderr, and the exit code is the last attempt's.
  const streamed = await streamDetachable(io, client, 'run-now', { name, wait: true }, (event) => {
    if (event.event === 'started') started = event.data.run;
    else if (event.event === 'output') {
      if (!json) return writeOutput(io, decodeOutputEvent(event.data));
    } else printError(io, `taskkit: ${describeRetrying(event.data)}`);
    return undefined;
  });
  if (streamed.detached) {
    const what = started === null ? `the run of ${name}` : `${name} #${(started as RunView).id}`;
    printError(
      io,
      `taskkit: detached; ${what} goes on in the daemon ("taskkit show ${name}" to see it, ` +
        `"taskkit cancel ${name}" to stop it)`,
    );
    return 130;
  }
  const { run } = streamed.result;
  const { exitCodeOfRun } = await import('../run-exit-code.js');
  if (json) printJson(io, { run });
  else if (run.status !== 'succeeded') {
    const { describeFinished } = await import('../format/run.js');
    printError(io, `taskkit: ${describeFinished(run)}`);
  }
  return exitCodeOfRun(run);
}
