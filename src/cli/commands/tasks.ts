/**
 * Verbs about tasks: `list`/`ls` and `show` ask the daemon; `validate` reads the file offline;
 * `next` asks the daemon when one answers, else reads the file; `graph` reads the file, and the
 * daemon or the history database for its colours. Each action imports what it needs
 * when it runs (offline-tasks.ts and next.ts pull in yaml and the schedule math), so that
 * `taskkit list` loads only the client and the table.
 */
import { Option, type Command } from 'commander';
import type { CommandContext, GlobalOptions } from '../context.js';
import { connectDaemon, withDaemon } from '../connect.js';
import { listTasks } from '../daemon-verbs.js';
import { loadPainter, printJson, printLines, readNow } from '../io.js';
import type { NextOptions } from '../next.js';
import type { GraphOptions } from '../graph.js';

export function registerTaskCommands(program: Command, context: CommandContext): void {
  const { io } = context;

  program
    .command('list')
    .alias('ls')
    .description('every task of the daemon: name, schedule in words, state, next run, last result')
    .option('--here', "cluster mode: each task's last run on this host, not in the cluster (else no effect)")
    .action(async (options: { here?: boolean }, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      await listTasks(io, globals.json === true, () => connectDaemon(io, globals), options.here === true);
    });

  program
    .command('show')
    .argument('<name>', 'task to show')
    .description('one task: state, definition, the next 5 instants, recent runs and success rate')
    .action(async (name: string, _options: unknown, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const result = await withDaemon(io, globals, (client) => client.request('show', { name }));
      if (globals.json === true) return printJson(io, result);
      const { renderTaskDetail } = await import('../format/task-detail.js');
      printLines(io, renderTaskDetail(result, readNow(io), await loadPainter(io)));
    });

  program
    .command('validate')
    .argument('[file]', 'tasks file to check (default: the usual search)')
    .description('check a tasks file and print every problem in it (exit 0 valid, 2 invalid)')
    .option('--strict', 'treat warnings as errors: exit 2 when there is any')
    .option('--against-daemon', 'then what a reload would do if the running daemon had this file (exit 3: no daemon)')
    .action(
      async (file: string | undefined, options: { strict?: boolean; againstDaemon?: boolean }, command: Command) => {
        const { runValidate } = await import('../offline-tasks.js');
        await runValidate(context, file, command.optsWithGlobals<GlobalOptions>(), options);
      },
    );

  program
    .command('next')
    .argument('[name]', 'task to show (default: every scheduled task, merged in time order)')
    .description(
      'what will happen: upcoming instants of tasks (from the daemon when one answers, else the tasks file), ' +
        'or of an ad hoc --cron/--daily/--every/--rrule schedule',
    )
    .option('-n, --count <n>', 'how many instants (default: 5 for one schedule, 10 merged)')
    .option(
      '--from <iso>',
      'list instants at or after this time instead of after now (ISO 8601; local to the zone if no offset)',
    )
    .option('--cron <expr>', 'ad hoc: a cron expression')
    .option('--daily <times>', 'ad hoc: HH:MM[,HH:MM...]')
    .option('--every <duration>', 'ad hoc: a period like 5m (anchored at --start, else 2000-01-01 local midnight)')
    .option('--rrule <rule>', 'ad hoc: an RFC 5545 rule like "FREQ=MONTHLY;BYDAY=-1FR;BYHOUR=18" (DTSTART: --start)')
    .option(
      '--start <iso>',
      "ad hoc: as a task's start: the anchor and first instant of --every, the DTSTART of --rrule (local)",
    )
    .option('--timezone <tz>', "ad hoc: time zone (default: the system's)")
    .action(async (name: string | undefined, options: NextOptions, command: Command) => {
      const { runNext } = await import('../next.js');
      await runNext(context, name, options, command.optsWithGlobals<GlobalOptions>());
    });

  program
    .command('graph')
    .argument('[name]', "only this task's connected part (its edges followed both ways)")
    .description(
      'the tasks and their after, after-all, on-success and on-failure edges as a Graphviz DOT digraph, ' +
        'nodes coloured by the last result (works without a daemon)',
    )
    .addOption(
      new Option('--format <format>', 'dot (default), or svg (through Graphviz\'s "dot")').choices(['dot', 'svg']),
    )
    .action(async (name: string | undefined, options: GraphOptions, command: Command) => {
      const { runGraph } = await import('../graph.js');
      await runGraph(context, name, options, command.optsWithGlobals<GlobalOptions>());
    });
}
