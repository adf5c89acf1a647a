/**
 * The lookup functions the bash and zsh scripts share, written as `case` statements (the same
 * syntax in both shells). Each answers in $REPLY, so that no subshell is forked per word.
 * Kinds are encoded by encodeKind ("tasks", "files", "words:a b", ...); "" = nothing / a flag.
 */
import { flagsOf, forwardedOptions, namesOf, optionsAfter, type CompletionModel, type OptionModel } from './model.js';
import { encodeKind, quoteSh } from './quote.js';

/** _taskkit_verb, _taskkit_value_kind, _taskkit_arg_kind, _taskkit_options, _taskkit_forward. */
export function renderShTables(model: CompletionModel): string {
  return [
    renderVerbLookup(model),
    renderValueKinds(model),
    renderArgKinds(model),
    renderOptionLists(model),
    renderForward(model),
  ].join('\n');
}

/** All verb names and aliases, space-separated. */
export function listVerbWords(model: CompletionModel): string {
  return model.verbs.flatMap(namesOf).join(' ');
}

function renderCase(name: string, comment: string, subject: string, arms: readonly string[], fallback = ''): string {
  const otherwise = `    *) REPLY=${fallback === '' ? '' : quoteSh(fallback)} ;;`;
  return [
    `# ${comment}`,
    `${name}() {`,
    `  case ${subject} in`,
    ...arms.map((line) => `    ${line}`),
    otherwise,
    '  esac',
    '}',
    '',
  ].join('\n');
}

function arm(patterns: readonly string[], value: string): string {
  return `${patterns.map(quoteSh).join('|')}) REPLY=${quoteSh(value)} ;;`;
}

function renderVerbLookup(model: CompletionModel): string {
  const arms = model.verbs.map((verb) => arm(namesOf(verb), verb.name));
  return renderCase('_taskkit_verb', 'WORD -> the verb it names (aliases resolved), or "".', '$1', arms);
}

/**
 * "VERB OPTION" -> what the option's value is, "" for a flag. VERB is the canonical name
 * (_taskkit_verb). A verb's own options come first, so that they win over a program option
 * with the same letter.
 */
function renderValueKinds(model: CompletionModel): string {
  const arms: string[] = [];
  const valued = (options: readonly OptionModel[]): OptionModel[] => options.filter((option) => option.value !== null);
  for (const verb of model.verbs) {
    for (const option of valued(verb.options)) {
      arms.push(
        arm(
          flagsOf(option).map((flag) => `${verb.name} ${flag}`),
          encodeKind(option.value ?? { kind: 'free' }),
        ),
      );
    }
  }
  for (const option of valued(model.programOptions)) {
    // Unquoted "*": any verb, or none yet.
    arms.push(
      `${flagsOf(option)
        .map((flag) => `*${quoteSh(` ${flag}`)}`)
        .join('|')}) REPLY=${quoteSh(encodeKind(option.value ?? { kind: 'free' }))} ;;`,
    );
  }
  return renderCase(
    '_taskkit_value_kind',
    '"VERB OPTION" -> the kind of the option\'s value; "" for a flag.',
    '"$1 $2"',
    arms,
  );
}

/** "VERB INDEX" -> the kind of the INDEXth (from 0) positional argument. */
function renderArgKinds(model: CompletionModel): string {
  const arms: string[] = [];
  for (const verb of model.verbs) {
    verb.args.forEach((kind, index) => {
      const last = index === verb.args.length - 1;
      if (last && verb.variadic) {
        // Unquoted "*": this index and every one after it (earlier ones matched above).
        arms.push(`${quoteSh(`${verb.name} `)}*) REPLY=${quoteSh(encodeKind(kind))} ;;`);
      } else {
        arms.push(arm([`${verb.name} ${index}`], encodeKind(kind)));
      }
    });
  }
  return renderCase(
    '_taskkit_arg_kind',
    '"VERB INDEX" -> the kind of that positional argument (from 0).',
    '"$1 $2"',
    arms,
  );
}

/** VERB ("" = none yet) -> the option flags offered there. */
function renderOptionLists(model: CompletionModel): string {
  const flags = (options: readonly OptionModel[]): string => options.flatMap(flagsOf).join(' ');
  const arms = [
    arm([''], flags(model.programOptions)),
    ...model.verbs.map((verb) => arm([verb.name], flags(optionsAfter(model, verb)))),
  ];
  // An unknown verb (a typo) still takes the program's shared options.
  return renderCase(
    '_taskkit_options',
    'VERB ("" before one) -> the options offered after it.',
    '$1',
    arms,
    flags(model.sharedOptions),
  );
}

/**
 * OPTION VALUE: a program option that takes a value (--config, --socket) typed earlier on the
 * line is passed on to `taskkit __complete`, so the names come from the same file or daemon
 * the command will use. _taskkit_dequote is the shell's own (quotes and ~ differ).
 */
function renderForward(model: CompletionModel): string {
  const arms = forwardedOptions(model).map(
    (option) =>
      `${flagsOf(option).map(quoteSh).join('|')}) _taskkit_dequote "$2"; fwd+=(${quoteSh(option.long ?? '')} ` +
      `"$REPLY") ;;`,
  );
  return [
    '# OPTION VALUE -> appended to fwd, the options `taskkit __complete` is given.',
    '_taskkit_forward() {',
    '  case $1 in',
    ...arms.map((line) => `    ${line}`),
    '  esac',
    '}',
    '',
  ].join('\n');
}
