/**
 * Verbs about past runs: `history`, `alerts` and `logs`. All read the history database directly
 * (read-only), so they work with the daemon stopped; `logs --follow` asks the daemon for a
 * running run's output. The store (better-sqlite3) and yaml are imported only inside the actions.
 */
import type { Command } from 'commander';
import type { CommandContext, GlobalOptions } from '../context.js';
import type { AlertsOptions } from '../run-alerts.js';
import type { HistoryOptions } from '../run-history.js';

export function registerHistoryCommands(program: Command, context: CommandContext): void {
  program
    .command('history')
    .argument('[name]', "only this task's runs")
    .description(
      'past runs, newest first: id, task, trigger, start, duration, exit code, outcome (works without a daemon)',
    )
    .option('--failed', 'only runs that failed for good: failed, timed out or interrupted')
    .option('--skipped', 'only instants that did not run, and why (held, overlap, deadline, missed...)')
    .option(
      '--since <when>',
      'only runs triggered since a duration ago ("2h") or a date-time ("2026-11-25T08:00", local time)',
    )
    .option('-n, --count <n>', 'at most this many runs (default 50)')
    .action(async (name: string | undefined, options: HistoryOptions, command: Command) => {
      const { runHistory } = await import('../run-history.js');
      await runHistory(context, name, options, command.optsWithGlobals<GlobalOptions>());
    });

  program
    .command('alerts')
    .argument('[name]', "only this task's alerts")
    .description(
      'alerts sent to notifiers, newest first: when, task, event, run, notifier, status, tries, error ' +
        '(works without a daemon)',
    )
    .option('-n, --count <n>', 'at most this many (default 50)')
    .action(async (name: string | undefined, options: AlertsOptions, command: Command) => {
      const { runAlerts } = await import('../run-alerts.js');
      await runAlerts(context, name, options, command.optsWithGlobals<GlobalOptions>());
    });

  program
    .command('logs')
    .argument('<name>', 'task whose run to show')
    .argument('[run-id]', "which run (default: the task's newest)")
    .description(
      'the output of a run from the history (works without a daemon); --follow streams a running run from the daemon',
    )
    .option(
      '-f, --follow',
      "stream a running run's output until it ends (needs the daemon); Ctrl-C stops following, not the run",
    )
    .action(async (name: string, runId: string | undefined, options: { follow?: boolean }, command: Command) => {
      const { runLogs } = await import('../run-logs.js');
      await runLogs(context, name, runId, options, command.optsWithGlobals<GlobalOptions>());
    });
}
