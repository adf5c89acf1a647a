/**
 * The fast path of bin/taskkit (issue 20.3): the daemon verbs a shell calls most, in their plain
 * forms, run without commander (its program of every verb and option costs more than the rest of
 * `taskkit list`), yaml or chalk (only with colour, as everywhere). Anything it does not
 * recognise for certain (help, another verb, an option of the verb, a repeated or glued option,
 * `--`, a tasks file only yaml can read) is declined BEFORE any output, and entry.ts runs the full
 * commander program instead, so what the user sees never depends on which path ran: the verb
 * bodies (daemon-verbs.ts), the socket lookup (quick-socket.ts) and the error report
 * (report-error.ts) are the ones commander's actions call (test/e2e/fast-path.test.ts compares
 * both paths). TASKKIT_FAST_PATH=0 turns it off (for that comparison, or to rule it out).
 */
import { askDaemonForNames } from './completion/daemon-names.js';
import type { GlobalOptions } from './context.js';
import { listTasks, triggerRun } from './daemon-verbs.js';
import { printLines, type CliIo } from './io.js';
import { connectChosenEager, quickSocketChoice, type SocketChoice } from './quick-socket.js';
import { reportError } from './report-error.js';

/** A recognised command line: the verb as named in FAST_VERBS, its operands, the global options. */
export interface FastCall {
  readonly verb: FastVerb;
  readonly operands: readonly string[];
  readonly globals: GlobalOptions;
}

type FastVerb = 'list' | 'run-now' | '__complete';

/**
 * Every verb the fast path takes (aliases included), with its exact operand count: the one table
 * to change when a verb gains an option (the option then makes parseFastCall decline) or a form.
 */
const FAST_VERBS: Readonly<Record<string, { readonly verb: FastVerb; readonly operands: number }>> = {
  list: { verb: 'list', operands: 0 },
  ls: { verb: 'list', operands: 0 },
  'run-now': { verb: 'run-now', operands: 1 },
  __complete: { verb: '__complete', operands: 1 },
};

/** The program's global options that take a value (main.ts createProgram), by every spelling. */
const VALUE_OPTIONS: Readonly<Record<string, 'config' | 'socket'>> = {
  '-c': 'config',
  '--config': 'config',
  '--socket': 'socket',
};

/**
 * The call when `argv` is certainly one of FAST_VERBS with nothing else than the global options
 * (as separate words or `--name=value`, each once, wherever commander accepts them), else undefined.
 */
export function parseFastCall(argv: readonly string[]): FastCall | undefined {
  const words: string[] = [];
  const globals: { config?: string; socket?: string; json?: boolean } = {};
  for (let index = 0; index < argv.length; index++) {
    const word = argv[index] ?? '';
    if (!word.startsWith('-')) {
      words.push(word);
      continue;
    }
    if (word === '--json') {
      if (globals.json === true) return undefined;
      globals.json = true;
      continue;
    }
    const equals = word.startsWith('--') ? word.indexOf('=') : -1;
    const name = VALUE_OPTIONS[equals > 0 ? word.slice(0, equals) : word];
    if (name === undefined || globals[name] !== undefined) return undefined;
    const value = equals > 0 ? word.slice(equals + 1) : argv[++index];
    // An empty value or one that looks like an option: commander's reading is left to commander.
    if (value === undefined || value === '' || value.startsWith('-')) return undefined;
    globals[name] = value;
  }
  const [verbWord, ...operands] = words;
  const entry = verbWord === undefined ? undefined : FAST_VERBS[verbWord];
  if (entry === undefined || operands.length !== entry.operands) return undefined;
  if (entry.verb === '__complete' && operands[0] !== 'tasks') return undefined;
  return { verb: entry.verb, operands, globals };
}

/** Run `argv` on the fast path and return the exit code, or undefined: declined, nothing printed. */
export async function runFastPath(argv: readonly string[], io: CliIo): Promise<number | undefined> {
  if (io.env['TASKKIT_FAST_PATH'] === '0') return undefined;
  const call = parseFastCall(argv);
  if (call === undefined) return undefined;
  const choice = await quickSocketChoice(io, call.globals);
  if (choice === undefined) return undefined;
  if (call.verb === '__complete') return await completeTaskNames(io, choice);
  try {
    return await runDaemonVerb(io, call, choice);
  } catch (error) {
    return await reportError(io, error);
  }
}

async function runDaemonVerb(io: CliIo, call: FastCall, choice: SocketChoice): Promise<number> {
  const json = call.globals.json === true;
  const connect = (): ReturnType<typeof connectChosenEager> => connectChosenEager(choice);
  if (call.verb === 'list') {
    await listTasks(io, json, connect);
    return 0;
  }
  return await triggerRun(io, json, call.operands[0] ?? '', connect);
}

/**
 * `__complete tasks` from the daemon; when none answers, undefined: commander's path reads the
 * names from the tasks file (yaml), after asking the socket once more (at once when none listens).
 */
async function completeTaskNames(io: CliIo, choice: SocketChoice): Promise<number | undefined> {
  const names = await askDaemonForNames(choice.socket);
  if (names === null) return undefined;
  printLines(io, names);
  return 0;
}
