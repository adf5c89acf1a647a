/**
 * Verbs that make taskkit feel native on a Unix system: `import-crontab` (crontab lines -> a tasks
 * file), `edit` (crontab -e for the tasks file), `schema` (the JSON Schema editors use),
 * `completion` (shell scripts) and `service` (start at boot: a systemd unit or a launchd agent),
 * plus the hidden `__complete` that those scripts call for task names. Each action imports its
 * module when it runs.
 */
import type { Command } from 'commander';
import type { CommandContext, GlobalOptions } from '../context.js';

export function registerNativeCommands(program: Command, context: CommandContext): void {
  program
    .command('import-crontab')
    .argument('[file]', 'crontab to read; "-" for standard input (default: the output of `crontab -l`)')
    .description('turn crontab lines into tasks-file YAML on standard output, keeping comments as descriptions')
    .action(async (file: string | undefined, _options: unknown, command: Command) => {
      const { runImportCrontab } = await import('../import-crontab.js');
      await runImportCrontab(context, file, command.optsWithGlobals<GlobalOptions>());
    });

  program
    .command('edit')
    .description(
      'open the tasks file in $VISUAL or $EDITOR (else vi), check it on save, install it and reload the daemon; ' +
        'like crontab -e (exit 0 installed or no change, 1 abandoned)',
    )
    .action(async (_options: unknown, command: Command) => {
      const { runEdit } = await import('../edit/run-edit.js');
      await runEdit(context, command.optsWithGlobals<GlobalOptions>());
    });

  program
    .command('schema')
    .description('print the JSON Schema of the tasks file (for editors and yaml-language-server)')
    .action(async () => {
      const { runSchema } = await import('../schema.js');
      runSchema(context);
    });

  program
    .command('completion')
    .argument('<shell>', 'bash, zsh or fish')
    .description('print a shell completion script for verbs, options and task names')
    .action(async (shell: string, _options: unknown, command: Command) => {
      const { runCompletion } = await import('../completion/print.js');
      runCompletion(context, command.parent ?? command, shell);
    });

  const service = program
    .command('service')
    .description('start taskkit at boot: install, remove or check a systemd unit (launchd agent on macOS)');
  const systemOption = '--system';
  const systemHelp = "a system unit (/etc/systemd/system, run as the tasks file's owner) instead of a user unit";
  service
    .command('install')
    .description('write and enable a unit that runs `taskkit start --foreground` for the tasks file, and start it')
    .option(systemOption, systemHelp)
    .option('--dry-run', 'print the unit (and where it would go) without writing it or calling systemctl')
    .option('--force', 'replace a unit file of this name that has other content (your edits are lost)')
    .action(async (options: { system?: boolean; dryRun?: boolean; force?: boolean }, command: Command) => {
      const { runServiceInstall } = await import('../service/install.js');
      runServiceInstall(context, options, command.optsWithGlobals<GlobalOptions>());
    });
  service
    .command('uninstall')
    .description("stop and disable the tasks file's unit, remove it and reload systemd")
    .option(systemOption, systemHelp)
    .action(async (options: { system?: boolean }, command: Command) => {
      const { runServiceUninstall } = await import('../service/uninstall.js');
      runServiceUninstall(context, options, command.optsWithGlobals<GlobalOptions>());
    });
  service
    .command('status')
    .description("whether the tasks file's unit is installed, where, and systemd's is-active/is-enabled")
    .option(systemOption, systemHelp)
    .action(async (options: { system?: boolean }, command: Command) => {
      const { runServiceStatus } = await import('../service/status.js');
      runServiceStatus(context, options, command.optsWithGlobals<GlobalOptions>());
    });

  // Called by the completion scripts; not for people, so not in the help.
  program
    .command('__complete', { hidden: true })
    .argument('<what>', '"tasks": the task names, one per line')
    .action(async (what: string, _options: unknown, command: Command) => {
      const { runCompleteWords } = await import('../completion/words.js');
      await runCompleteWords(context, what, command.optsWithGlobals<GlobalOptions>());
    });
}
