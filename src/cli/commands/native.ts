/**
 * Verbs that make taskkit feel native on a Unix system: `import-crontab` (crontab lines -> a tasks
 * file), `schema` (the JSON Schema editors use) and `completion` (shell scripts), plus the hidden
 * `__complete` that those scripts call for task names. Each action imports its module when it runs.
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

  // Called by the completion scripts; not for people, so not in the help.
  program
    .command('__complete', { hidden: true })
    .argument('<what>', '"tasks": the task names, one per line')
    .action(async (what: string, _options: unknown, command: Command) => {
      const { runCompleteWords } = await import('../completion/words.js');
      await runCompleteWords(context, what, command.optsWithGlobals<GlobalOptions>());
    });
}
