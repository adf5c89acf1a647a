/**
 * What the completion scripts know, read from the commander program itself (issue 6): the verbs
 * with their aliases, options and arguments, and the program's own options. The scripts embed
 * this at print time, so a new verb or option is completed without editing them.
 */
import type { Argument, Command, Option } from 'commander';

/** The shells `taskkit completion` writes a script for. */
export const COMPLETION_SHELLS = ['bash', 'zsh', 'fish'] as const;

/** What a word at some position may be; `free` = anything, nothing to offer. */
export type WordKind =
  | { readonly kind: 'tasks' }
  | { readonly kind: 'files' }
  | { readonly kind: 'verbs' }
  | { readonly kind: 'words'; readonly words: readonly string[] }
  | { readonly kind: 'free' };

export interface OptionModel {
  /** "-c" or undefined. */
  readonly short: string | undefined;
  /** "--config" or undefined. */
  readonly long: string | undefined;
  readonly description: string;
  /** What its value is; null for a flag that takes none. */
  readonly value: WordKind | null;
}

export interface VerbModel {
  readonly name: string;
  readonly aliases: readonly string[];
  readonly description: string;
  /** The verb's own options, --help included. */
  readonly options: readonly OptionModel[];
  /** One entry per positional argument, in order. */
  readonly args: readonly WordKind[];
  /** The last argument repeats (`hold <names...>`). */
  readonly variadic: boolean;
}

export interface CompletionModel {
  readonly version: string;
  /** Options before any verb (--version and --help included). */
  readonly programOptions: readonly OptionModel[];
  /**
   * Program options also accepted after a verb (commander reads them anywhere): offered there
   * too, and those that take a value (--config, --socket) are passed on to `__complete`.
   */
  readonly sharedOptions: readonly OptionModel[];
  readonly verbs: readonly VerbModel[];
}

/** Read the completion model from the program, skipping hidden verbs and options. */
export function describeProgram(program: Command, version: string): CompletionModel {
  const help = program.createHelp();
  const programOptions = help.visibleOptions(program).map(describeOption);
  const sharedOptions = programOptions.filter((option) => option.long !== '--version' && option.long !== '--help');
  const verbs = help
    .visibleCommands(program)
    .map((command) => describeVerb(command, help.visibleOptions(command), visibleSubverbs(help, command)));
  return { version, programOptions, sharedOptions, verbs };
}

/** A verb group's own verbs (`service install`), commander's implicit `help` left out. */
function visibleSubverbs(help: ReturnType<Command['createHelp']>, command: Command): readonly Command[] {
  return help.visibleCommands(command).filter((sub) => sub.name() !== 'help');
}

/**
 * A verb group (`service`) is completed as a verb whose first argument is one of its verbs, with
 * the options of all of them (--help once): the scripts know one level of verbs.
 */
function describeVerb(command: Command, options: readonly Option[], subverbs: readonly Command[]): VerbModel {
  if (subverbs.length > 0) {
    const help = command.createHelp();
    const seen = new Set<string>();
    const all = [...subverbs.flatMap((sub) => help.visibleOptions(sub)), ...options].filter((option) => {
      const key = option.long ?? option.short ?? '';
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    return {
      name: command.name(),
      aliases: command.aliases(),
      description: command.description(),
      options: all.map(describeOption),
      args: [{ kind: 'words', words: subverbs.map((sub) => sub.name()) }],
      variadic: false,
    };
  }
  const args = command.registeredArguments;
  return {
    name: command.name(),
    aliases: command.aliases(),
    description: command.description(),
    options: options.map(describeOption),
    args: args.map(classifyArgument),
    variadic: args.at(-1)?.variadic === true,
  };
}

function describeOption(option: Option): OptionModel {
  const takesValue = option.required || option.optional;
  return {
    short: option.short,
    long: option.long,
    description: option.description,
    value: takesValue ? classifyValue(option.argChoices, placeholderOf(option.flags)) : null,
  };
}

/**
 * Argument names and option placeholders follow a convention the verbs already keep
 * (commands/*.ts): `name`/`names`/`task` are task names, `file`/`path`/`dir` paths, `shell` one
 * of COMPLETION_SHELLS, `command` (the implicit `help [command]`) a verb. Declared choices win.
 */
function classifyArgument(argument: Argument): WordKind {
  return classifyValue(argument.argChoices, argument.name());
}

function classifyValue(choices: readonly string[] | undefined, placeholder: string): WordKind {
  if (choices !== undefined) return { kind: 'words', words: choices };
  switch (placeholder) {
    case 'name':
    case 'names':
    case 'task':
      return { kind: 'tasks' };
    case 'file':
    case 'path':
    case 'dir':
      return { kind: 'files' };
    case 'shell':
      return { kind: 'words', words: COMPLETION_SHELLS };
    case 'command':
      return { kind: 'verbs' };
    default:
      return { kind: 'free' };
  }
}

/** The placeholder of "-c, --config <file>": "file". */
function placeholderOf(flags: string): string {
  return /[<[]([^>\].]+)(?:\.\.\.)?[>\]]/.exec(flags)?.[1] ?? '';
}

/** Every name a verb answers to. */
export function namesOf(verb: VerbModel): readonly string[] {
  return [verb.name, ...verb.aliases];
}

/** The flags an option answers to ("-c", "--config"). */
export function flagsOf(option: OptionModel): readonly string[] {
  return [option.short, option.long].filter((flag): flag is string => flag !== undefined);
}

/** The options offered after `verb`: its own, then the shared program options it does not redefine. */
export function optionsAfter(model: CompletionModel, verb: VerbModel): readonly OptionModel[] {
  const own = new Set(verb.options.flatMap(flagsOf));
  return [...verb.options, ...model.sharedOptions.filter((option) => flagsOf(option).every((flag) => !own.has(flag)))];
}

/** The program options whose values the scripts pass on to `taskkit __complete` (--config, --socket). */
export function forwardedOptions(model: CompletionModel): readonly OptionModel[] {
  return model.sharedOptions.filter((option) => option.value !== null && option.long !== undefined);
}
