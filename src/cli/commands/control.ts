/**
 * Verbs that change a task in the running daemon: `hold` / `resume` (TaskKit's disableTask /
 * enableTask), `cancel`, and `reschedule` (TaskKit's setPeriod). Option mistakes are usage
 * errors (exit 2) found before any connection is made.
 */
import type { Command } from 'commander';
import type { CancelParams, HoldParams, RescheduleDefinition } from '../../control/protocol.js';
import type { RunView } from '../../control/views.js';
import { TaskkitError } from '../../errors.js';
import { parseDateTime } from '../../schedule/at.js';
import { parseDuration } from '../../schedule/duration.js';
import type { CommandContext, GlobalOptions } from '../context.js';
import { withDaemon } from '../connect.js';
import { printError, printJson, printLine, readNow, type CliIo } from '../io.js';

export interface RescheduleOptions {
  readonly every?: string;
  readonly start?: string;
  readonly daily?: string;
  readonly cron?: string;
  readonly at?: string;
  readonly rrule?: string;
  readonly reset?: boolean;
}

export interface HoldOptions {
  readonly note?: string;
  readonly for?: string;
  readonly until?: string;
}

/**
 * The `hold` request: `--for` a duration as everywhere in the CLI, `--until` a date-time as
 * `next --from` (its zone is the daemon's to apply); usage errors before any connection.
 */
export function readHoldOptions(names: string[], options: HoldOptions): HoldParams {
  const params: { -readonly [K in keyof HoldParams]: HoldParams[K] } = { names };
  if (options.note !== undefined) params.note = options.note;
  if (options.for !== undefined && options.until !== undefined) {
    throw new TaskkitError('USAGE', 'hold: give --for or --until, not both');
  }
  if (options.for !== undefined) {
    const duration = parseDuration(options.for);
    if (!duration.ok || duration.value <= 0) {
      throw new TaskkitError(
        'USAGE',
        `--for: expected a duration longer than 0 like "2h", "30m" or "1h30m", got "${options.for}"`,
      );
    }
    params.forMs = duration.value;
  }
  if (options.until !== undefined) {
    // The syntax is checked here; the daemon reads it in its own zone and refuses a time not after now.
    if (!parseDateTime(options.until, 'UTC').ok) {
      throw new TaskkitError(
        'USAGE',
        `--until: expected a date-time like "2026-11-25T08:00" or "2026-11-25T08:00+01:00", got "${options.until}"`,
      );
    }
    params.until = options.until;
  }
  return params;
}

export function registerControlCommands(program: Command, context: CommandContext): void {
  const { io } = context;

  program
    .command('hold')
    .argument('<names...>', 'tasks to hold')
    .description(
      'hold tasks: their scheduled instants pass without running until "resume", or until --for/--until ' +
        'ends the hold by itself (run-now still works)',
    )
    .option('--note <text>', 'why, shown by list and show')
    .option('--for <duration>', 'end the hold by itself after this long, e.g. 2h or 1h30m')
    .option(
      '--until <iso>',
      "end the hold by itself at this time (ISO 8601; local to the daemon's settings.timezone if no offset)",
    )
    .action(async (names: string[], options: HoldOptions, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const params = readHoldOptions(names, options);
      const result = await withDaemon(io, globals, (client) => client.request('hold', params));
      if (globals.json === true) return printJson(io, result);
      const { describeHeld } = await import('../format/task-change.js');
      for (const task of result.tasks) printLine(io, describeHeld(task, readNow(io)));
      printClusterPending(io, result.clusterPending);
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
      printClusterPending(io, result.clusterPending);
    });

  program
    .command('cancel')
    .argument('[name]', 'task whose runs to stop (also a removed task whose runs still go on), or a run id')
    .description(
      'stop the running runs of a task (SIGTERM to each process group, SIGKILL after kill-after) ' +
        'and drop its waiting ones; or one run, by id',
    )
    .option('--run <id>', 'the run with this id only (any task, also one removed from the tasks file)')
    .action(async (name: string | undefined, options: { run?: string }, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const params = buildCancelParams(name, options.run);
      const result = await withDaemon(io, globals, (client) => client.request('cancel', params));
      if (globals.json === true) return printJson(io, result);
      if (result.runs.length === 0) printError(io, `taskkit: nothing to cancel: ${name} has no running or waiting run`);
      for (const run of result.runs) printLine(io, `${run.task} #${run.id}: ${describeCancelled(run, result)}`);
      printClusterPending(io, result.clusterPending);
    });

  program
    .command('reschedule')
    .argument('<name>', 'task to reschedule')
    .description("change a task's schedule at run time (kept until --reset or a change of the task in the file)")
    .option('--every <duration>', 'periodic, e.g. 10m')
    .option('--start <date-time>', 'with --every: the phase anchor (first instant); with --rrule: DTSTART (local)')
    .option('--daily <times>', "daily at HH:MM[,HH:MM...] in the task's zone")
    .option('--cron <expr>', 'a cron expression')
    .option('--at <date-times>', 'one-shot at ISO date-time[,date-time...]')
    .option('--rrule <rule>', 'an RFC 5545 rule, e.g. "FREQ=MONTHLY;BYDAY=-1FR;BYHOUR=18"')
    .option('--reset', 'back to the schedule in the tasks file')
    .action(async (name: string, options: RescheduleOptions, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const schedule = buildRescheduleDefinition(options);
      const result = await withDaemon(io, globals, (client) => client.request('reschedule', { name, schedule }));
      if (globals.json === true) return printJson(io, result);
      const { describeRescheduled } = await import('../format/task-change.js');
      printLine(io, describeRescheduled(result.task, readNow(io)));
      printClusterPending(io, result.clusterPending);
    });
}

/** The `cancel` params: a task name (or a run id, when no task has that name) or `--run ID`, not both. */
export function buildCancelParams(name: string | undefined, run: string | undefined): CancelParams {
  if (run === undefined) {
    if (name === undefined) throw new TaskkitError('USAGE', 'cancel needs a task name or --run <id>');
    return { name };
  }
  if (name !== undefined) throw new TaskkitError('USAGE', `give a task name or --run ${run}, not both`);
  const runId = Number(run);
  if (!/^\d+$/.test(run) || !Number.isSafeInteger(runId) || runId < 1)
    throw new TaskkitError('USAGE', `--run: expected a run id (a whole number >= 1), got "${run}"`);
  return { runId };
}

/** The `schedule` param: exactly one of --every/--daily/--cron/--at/--rrule/--reset (null), checked here. */
export function buildRescheduleDefinition(options: RescheduleOptions): RescheduleDefinition | null {
  const kinds = (['every', 'daily', 'cron', 'at', 'rrule'] as const).filter((key) => options[key] !== undefined);
  const given = [...kinds.map((key) => `--${key}`), ...(options.reset === true ? ['--reset'] : [])];
  if (given.length === 0)
    throw new TaskkitError('USAGE', 'reschedule needs one of --every, --daily, --cron, --at, --rrule or --reset');
  if (given.length > 1)
    throw new TaskkitError(
      'USAGE',
      `give one of --every, --daily, --cron, --at, --rrule, --reset (got ${given.join(' and ')})`,
    );
  if (options.start !== undefined && options.every === undefined && options.rrule === undefined)
    throw new TaskkitError('USAGE', '--start only applies to --every and --rrule');
  if (options.reset === true) return null;
  const start = options.start === undefined ? {} : { start: options.start };
  if (options.every !== undefined) return { every: options.every, ...start };
  if (options.rrule !== undefined) return { rrule: options.rrule, ...start };
  if (options.cron !== undefined) return { cron: options.cron };
  if (options.daily !== undefined) return { daily: splitList(options.daily) };
  return { at: splitList(options.at ?? '') };
}

/** "03:30, 15:30" -> ["03:30", "15:30"]; a single value stays a string, as in the tasks file. */
function splitList(text: string): string | string[] {
  const items = text.split(',').map((item) => item.trim());
  return items.length === 1 ? (items[0] ?? '') : items;
}

/** Cluster mode: the change did not reach PostgreSQL yet (it is in force here, and written when it answers). */
function printClusterPending(io: CliIo, pending: string | undefined): void {
  if (pending !== undefined) printError(io, `taskkit: cluster: ${pending}`);
}

/** A cancelled run as the reply says it: this host's (cancelling, dropped) or another's (its end, or still running). */
function describeCancelled(run: RunView, result: { readonly requestedElsewhere?: readonly number[] }): string {
  if (result.requestedElsewhere?.includes(run.id) === true)
    return `requested; still running on ${run.host ?? 'another host'}`;
  if (run.host !== undefined) return `${run.status} on ${run.host}`;
  return run.status === 'running' ? 'cancelling' : 'dropped from the queue';
}
