/**
 * Task names for imported cron jobs: readable (the program's base name and up to two of its
 * plain arguments, else of its long options), stable (a function of the command alone,
 * de-duplicated in file order) and valid (lowercase letters, digits and "-", starting with a
 * letter or digit; see config/task.ts checkTaskName).
 */

/** Longest base name; room is left for a "-2" suffix and the name stays readable in tables. */
export const MAX_IMPORTED_NAME_LENGTH = 40;

// `&` splits, except in the redirections `2>&1` and `&>`.
const OPERATORS = /&&|\|\||[;|()`]|\$\(|(?<![<>])&(?!>)/;
/** Prefixes that say nothing about the job: a guard, a change of folder, a pause. */
const SKIPPED_SEGMENTS = new Set([
  'cd',
  '[',
  '[[',
  'test',
  'sleep',
  'true',
  ':',
  'export',
  'set',
  'source',
  '.',
  'umask',
  'ulimit',
]);
/**
 * Words that run the real program, with their options that take an argument: the name comes
 * from what follows them (`nice -n 10 backup.sh`, `sudo -u www-data php artisan`).
 */
const WRAPPERS: ReadonlyMap<string, readonly string[]> = new Map([
  ['env', ['-u', '-C', '-S']],
  ['nohup', []],
  ['nice', ['-n']],
  ['ionice', ['-c', '-n', '-p']],
  ['sudo', ['-u', '-g', '-C', '-D', '-h', '-p', '-U']],
  ['exec', ['-a']],
  ['command', []],
  ['time', ['-f', '-o']],
  ['setsid', []],
  ['chronic', []],
  ['if', []],
  ['then', []],
  ['else', []],
  ['while', []],
  ['until', []],
  ['do', []],
  ['!', []],
  ['{', []],
]);
/** Wrappers whose first plain argument is not the program (`timeout 5m cmd`, `flock /tmp/lock cmd`). */
const WRAPPERS_WITH_ARGUMENT: ReadonlyMap<string, readonly string[]> = new Map([
  ['timeout', ['-s', '-k', '--signal', '--kill-after']],
  ['flock', ['-w', '-E', '--timeout', '--conflict-exit-code']],
]);
const SCRIPT_EXTENSION = /\.(sh|bash|py|pl|rb|js|mjs|php)$/;

/** The base name of a job from its command, e.g. "/usr/local/bin/backup.sh --full /home" -> "backup-home". */
export function deriveTaskName(command: string): string {
  const segments = command
    .split(OPERATORS)
    .map(readWords)
    .filter((words) => words.length > 0);
  const chosen = segments.find((words) => !SKIPPED_SEGMENTS.has(words[0] as string)) ?? segments[0] ?? [];
  const name = chosen
    .map((word) => cleanWord(word))
    .filter((word) => word !== '')
    .join('-');
  return shorten(name === '' ? 'job' : name);
}

/** Unique names in file order: the first keeps its base, later ones get -2, -3, ... */
export function assignUniqueNames(bases: readonly string[]): string[] {
  const used = new Set<string>();
  return bases.map((base) => {
    let name = base;
    for (let n = 2; used.has(name); n++) name = `${base}-${n}`;
    used.add(name);
    return name;
  });
}

/** The program and its plain arguments: no assignments, wrappers, options or redirections. */
function readWords(segment: string): string[] {
  const tokens = segment.split(/\s+/).filter((token) => token !== '');
  let index = 0;
  let takesArgument: readonly string[] = [];
  let pendingArgument = false;
  while (index < tokens.length) {
    const token = tokens[index] as string;
    const wrapper = WRAPPERS.get(token) ?? WRAPPERS_WITH_ARGUMENT.get(token);
    if (wrapper !== undefined) {
      takesArgument = wrapper;
      pendingArgument = WRAPPERS_WITH_ARGUMENT.has(token);
      index += 1;
    } else if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(token)) {
      index += 1;
    } else if (/^\d*[<>]/.test(token)) {
      // A leading redirection (`>/dev/null cmd`); a bare `>` takes the next word as its file.
      index += /^\d*[<>]+&?$/.test(token) ? 2 : 1;
    } else if (token.startsWith('-') && index > 0) {
      index += takesArgument.includes(token) ? 2 : 1;
    } else if (pendingArgument || (/^\d+$/.test(token) && index > 0)) {
      pendingArgument = false;
      index += 1;
    } else {
      break;
    }
  }
  const [program, ...rest] = tokens.slice(index);
  if (program === undefined) return [];
  const plain: string[] = [];
  const long: string[] = [];
  for (const token of rest) {
    if (/^\d*[<>]/.test(token)) break;
    const bare = token.replace(/["']/g, '');
    const option = /^--([A-Za-z][A-Za-z0-9-]*)/.exec(bare);
    if (option !== null) long.push(option[1] as string);
    else if (!bare.startsWith('-') && !bare.startsWith('$') && /[A-Za-z]/.test(bare)) plain.push(bare);
  }
  // Without plain arguments, long options tell the jobs of one script apart (`backup.sh --full`).
  return [program, ...(plain.length > 0 ? plain : long).slice(0, 2)];
}

/** A path's last part without a script extension, lowercased, runs of other characters as "-". */
function cleanWord(word: string): string {
  const unquoted = word.replace(/["'\\]/g, '').replace(/\/+$/, '');
  const base = unquoted.slice(unquoted.lastIndexOf('/') + 1).replace(SCRIPT_EXTENSION, '');
  return base
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

function shorten(name: string): string {
  if (name.length <= MAX_IMPORTED_NAME_LENGTH) return name;
  const cut = name.slice(0, MAX_IMPORTED_NAME_LENGTH + 1);
  const dash = cut.lastIndexOf('-');
  return (dash > 0 ? cut.slice(0, dash) : cut.slice(0, MAX_IMPORTED_NAME_LENGTH)).replace(/-+$/, '');
}
