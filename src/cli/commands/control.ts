/**
 * Verbs that change a task in the running daemon: `hold` / `resume` (TaskKit's disableTask /
 * enableTask), `cancel`, and `reschedule` (TaskKit's setPeriod). Option mistakes are usage
 * errors (exit 2) found before any connection is made.
 */
import type { Command } from 'commander';
import type { RescheduleDefinition } from '../../control/protocol.js';
import { TaskkitError } from '../../errors.js';
import type { CommandContext, GlobalOptions } from '../context.js';
import { withDaemon } from '../connect.js';
import { printError, printJson, printLine, readNow } from '../io.js';

export interface RescheduleOptions {
  readonly every?: string;
  readonly start?: string;
  readonly daily?: string;
  readonly cron?: string;
  readonly at?: string;
  readonly reset?: boolean;
}

export function registerControlCommands(program: Command, context: CommandContext): void {
  const { io } = context;

  program
    .command('hold')
    .argument('<names...>', 'tasks to hold')
    .description('hold tasks: their scheduled instants pass without running until "resume" (run-now still works)')
    .option('--note <text>', 'why, shown by list and show')
    .action(async (names: string[], options: { note?: string }, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const params = options.note === undefined ? { names } : { names, note: options.note };
      const result = await withDaemon(io, globals, (client) => client.request('hold', params));
      if (globals.json === true) return printJson(io, result);
      const { describeHeld } = await import('../format/task-change.js');
      for (const task of result.tasks) printLine(io, describeHeld(task));
    });

  program
    .command('resume')
    .argument('<names...>', 'tasks to resume')
    .description('resume held tasks from their next instant after now (the held time is not caught up)')
    .action(async (names: string[], _options: unknown, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const result = await withDaemon(io, globals, (client) => client.request('resume', { names }));
      if (globals.json === true) return printJson(io, result);
      const { describeResumed } = await import('../format/task-change.js');
      for (const task of result.tasks)
        printLine(io, describeResumed(task, readNow(io), result.notHeld.includes(task.name)));
    });

  program
    .command('cancel')
    .argument('<name>', 'task whose runs to stop')
    .description(
      'stop the running runs of a task (SIGTERM to each process group, SIGKILL after kill-after) ' +
        'and drop its waiting ones',
    )
    .action(async (name: string, _options: unknown, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const result = await withDaemon(io, globals, (client) => client.request('cancel', { name }));
      if (globals.json === true) return printJson(io, result);
      if (result.runs.length === 0) printError(io, `taskkit: nothing to cancel: ${name} has no running or waiting run`);
      for (const run of result.runs)
        printLine(io, `${run.task} #${run.id}: ${run.status === 'queued' ? 'dropped from the queue' : 'cancelling'}`);
    });

  program
    .command('reschedule')
    .argument('<name>', 'task to reschedule')
    .description("change a task's schedule at run time (kept until --reset or a change of the task in the file)")
    .option('--every <duration>', 'periodic, e.g. 10m')
    .option('--start <date-time>', 'with --every: the phase anchor (first instant)')
    .option('--daily <times>', "daily at HH:MM[,HH:MM...] in the task's zone")
    .option('--cron <expr>', 'a cron expression')
    .option('--at <date-times>', 'one-shot at ISO date-time[,date-time...]')
    .option('--reset', 'back to the schedule in the tasks file')
    .action(async (name: string, options: RescheduleOptions, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const schedule = buildRescheduleDefinition(options);
      const result = await withDaemon(io, globals, (client) => client.request('reschedule', { name, schedule }));
      if (globals.json === true) return printJson(io, result);
      const { describeRescheduled } = await import('../format/task-change.js');
      printLine(io, describeRescheduled(result.task, readNow(io)));
    });
}

/** The `schedule` param: exactly one of --every/--daily/--cron/--at/--reset (null), checked here. */
export function buildRescheduleDefinition(options: RescheduleOptions): RescheduleDefinition | null {
  const kinds = (['every', 'daily', 'cron', 'at'] as const).filter((key) => options[key] !== undefined);
  const given = [...kinds.map((key) => `--${key}`), ...(options.reset === true ? ['--reset'] : [])];
  if (given.length === 0)
    throw new TaskkitError('USAGE', 'reschedule needs one of --every, --daily, --cron, --at or --reset');
  if (given.length > 1)
    throw new TaskkitError('USAGE', `give one of --every, --daily, --cron, --at, --reset (got ${given.join(' and ')})`);
  if (options.start !== undefined && options.every === undefined)
    throw new TaskkitError('USAGE', '--start only applies to --every');
  if (options.reset === true) return null;
  if (options.every !== undefined)
    return options.start === undefined ? { every: options.every } : { every: options.every, start: options.start };
  if (options.cron !== undefined) return { cron: options.cron };
  if (options.daily !== undefined) return { daily: splitList(options.daily) };
  return { at: splitList(options.at ?? '') };
}

/** "03:30, 15:30" -> ["03:30", "15:30"]; a single value stays a string, as in the tasks file. */
function splitList(text: string): string | string[] {
  const items = text.split(',').map((item) => item.trim());
  return items.length === 1 ? (items[0] ?? '') : items;
}
