/**
 * commander's own usage errors (unknown verb or option, a missing argument) in taskkit's words:
 * `taskkit: ...`, the did-you-mean of config/suggest.ts that names, keys and values use, and where
 * to read more (`see taskkit VERB --help`). Exit code 2, as before.
 */
import { CommanderError, type Command } from 'commander';
import { didYouMean } from '../config/suggest.js';

/** A CommanderError that knows which (sub)command raised it, for "for "reschedule"" and its --help. */
export class CommandUsageError extends CommanderError {
  constructor(
    error: CommanderError,
    readonly command: Command,
  ) {
    super(error.exitCode, error.code, error.message);
  }
}

/**
 * Route every command's errors through CommandUsageError and keep commander from printing them:
 * runCli prints describeUsageError's line instead. Call once all verbs are registered.
 */
export function routeUsageErrors(command: Command): void {
  command
    .showSuggestionAfterError(false)
    .configureOutput({ ...command.configureOutput(), outputError: () => {} })
    .exitOverride((error) => {
      throw new CommandUsageError(error, command);
    });
  for (const sub of command.commands) routeUsageErrors(sub);
}

/** What a CommandUsageError says, one line without the `taskkit: ` prefix (printError adds nothing). */
export function describeUsageError(error: CommandUsageError): string {
  const { command } = error;
  const path = commandPath(command);
  const verb = path.length === 0 ? '' : ` for "${path.join(' ')}"`;
  const help = path.length === 0 ? 'see taskkit --help' : `see taskkit ${path.join(' ')} --help`;
  const message = error.message.replace(/^error: /, '');
  switch (error.code) {
    case 'commander.unknownCommand': {
      const name = command.args[0] ?? '';
      const what = path.length === 0 ? `unknown verb "${name}"` : `unknown command "${name}"${verb}`;
      const where = path.length === 0 ? 'see taskkit help' : help;
      return `${what}${didYouMean(name, commandNames(command))}; ${where}`;
    }
    case 'commander.help': {
      // commander printed the help (on stderr) for a verb that needs a command (`taskkit service`)
      // or for `taskkit help NAME` of no verb; its message is a placeholder, "(outputHelp)".
      const [first, asked] = command.args;
      const names = commandNames(command);
      if (first === 'help' && asked !== undefined && !names.includes(asked)) {
        const what = path.length === 0 ? `unknown verb "${asked}"` : `unknown command "${asked}"${verb}`;
        return `${what}${didYouMean(asked, names)}; ${path.length === 0 ? 'see taskkit help' : help}`;
      }
      if (path.length === 0) return `a verb is needed (listed above); ${help}`;
      const visible = command.createHelp().visibleCommands(command);
      const choices = visible.map((sub) => sub.name()).filter((name) => name !== 'help');
      const listed = choices.length > 1 ? `${choices.slice(0, -1).join(', ')} or ${choices.at(-1)}` : choices.join('');
      return `"taskkit ${path.join(' ')}" needs a command: ${listed}; ${help}`;
    }
    case 'commander.unknownOption': {
      const flag = /^unknown option '(.*)'$/s.exec(message)?.[1] ?? message;
      const hint = flag.startsWith('--') ? didYouMean(flag, optionFlags(command)) : '';
      return `unknown option "${flag}"${verb}${hint}; ${help}`;
    }
    case 'commander.optionMissingArgument': {
      const flags = /^option '(.*)' argument missing$/s.exec(message)?.[1];
      if (flags !== undefined) return `option "${flags}"${verb} needs a value; ${help}`;
      break;
    }
    case 'commander.missingArgument': {
      const name = /^missing required argument '(.*)'$/s.exec(message)?.[1];
      if (name !== undefined) return `missing argument ${name.toUpperCase()}${verb}; ${help}`;
      break;
    }
    case 'commander.invalidArgument': {
      const choice = /^option '(.*)' argument '(.*)' is invalid\. Allowed choices are (.*)\.$/s.exec(message);
      if (choice?.[1] === undefined || choice[2] === undefined || choice[3] === undefined) break;
      const allowed = choice[3].split(', ');
      const hint = didYouMean(choice[2], allowed);
      return `option "${choice[1]}"${verb}: "${choice[2]}" is not one of ${allowed.join(', ')}${hint}; ${help}`;
    }
    case 'commander.excessArguments': {
      const counts = /Expected (\d+) arguments? but got (\d+)\.$/.exec(message);
      if (counts !== null) return `too many arguments${verb}: expected ${counts[1]}, got ${counts[2]}; ${help}`;
      break;
    }
  }
  // Any other (an invalid option value, conflicting options): commander's words, our quotes.
  return `${message.replace(/'([^']*)'/g, '"$1"').replace(/\.$/, '')}; ${help}`;
}

/** The verbs after `taskkit`: [] for the program, ["service", "install"] for a nested one. */
function commandPath(command: Command): string[] {
  const names: string[] = [];
  for (let at: Command | null = command; at?.parent != null; at = at.parent) names.unshift(at.name());
  return names;
}

/** The names a user can type here: visible subcommands, then their aliases (a name wins a tie). */
function commandNames(command: Command): string[] {
  const visible = command.createHelp().visibleCommands(command);
  return [...visible.map((sub) => sub.name()), ...visible.flatMap((sub) => sub.aliases())];
}

/** Long flags of the command and of its parents (global options), as commander looks them up. */
function optionFlags(command: Command): string[] {
  const flags: string[] = [];
  for (let at: Command | null = command; at !== null; at = at.parent) {
    for (const option of at.createHelp().visibleOptions(at)) if (option.long !== undefined) flags.push(option.long);
  }
  return flags;
}
