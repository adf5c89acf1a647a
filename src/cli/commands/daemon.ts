/** Daemon life: `start`. (The detached daemon and its socket verbs come with the control layer.) */
import type { Command } from 'commander';
import { TaskkitError } from '../../errors.js';
import { runForeground } from '../../daemon/foreground.js';
import type { CommandContext, GlobalOptions } from '../context.js';
import { loadTasksFileForCli } from '../tasks-file.js';

export function registerDaemonCommands(program: Command, context: CommandContext): void {
  const { io } = context;
  program
    .command('start')
    .description('run the tasks file: -f/--foreground stays attached, logs to stderr, stops on Ctrl-C or SIGTERM')
    .option('-f, --foreground', 'stay attached to the terminal')
    .action(async (options: { foreground?: boolean }, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      if (options.foreground !== true) {
        throw new TaskkitError('USAGE', 'this build runs the daemon in the foreground only: use "taskkit start --foreground"');
      }
      if (io.process === undefined) throw new TaskkitError('INTERNAL', 'start --foreground needs a real process');
      const file = loadTasksFileForCli(io, globals.config);
      context.exitCode = await runForeground({ file, env: io.env, logStream: io.stderr, process: io.process });
    });
}
